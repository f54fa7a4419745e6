"""Token sign-in for the API, in the token holder's language.

``staff.middleware.UserLanguageMiddleware`` chooses the language before DRF authenticates,
so a request signed with a token (no session) would otherwise be answered in the cookie's
or the site's language, not the one its holder chose.
"""

from django.conf import settings
from django.utils import translation
from rest_framework import authentication

# Not imported from staff.middleware, which imports DRF's views: DRF loads this module while
# loading its settings, before those exist.
SUPPORTED = {code for code, _name in settings.LANGUAGES}


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate(self, request):
        found = super().authenticate(request)
        if found is not None and getattr(found[0], "language", None) in SUPPORTED:
            translation.activate(found[0].language)
            request._request.LANGUAGE_CODE = translation.get_language()
        return found
