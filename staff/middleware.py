from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.utils import translation
from django.utils.cache import patch_vary_headers
from rest_framework.views import APIView

SUPPORTED = {code for code, _name in settings.LANGUAGES}


def language_for_request(request) -> str:
    """The user's saved language, else the language cookie, else Chinese.

    The browser's Accept-Language is deliberately ignored: offices install English
    browsers, and the product speaks Chinese unless a person chooses otherwise.
    """
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.language in SUPPORTED:
        return user.language
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if cookie in SUPPORTED:
        return cookie
    return settings.LANGUAGE_CODE


class UserLanguageMiddleware:
    """Activates each request's language (replaces Django's LocaleMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = language_for_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        # the API may have switched to a token holder's language (staff.api_authentication)
        response.headers.setdefault("Content-Language", translation.get_language() or language)
        return response


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Every page needs a login except those marked ``login_not_required``.

    API views authenticate inside DRF (session or token) and answer 401/403 as JSON
    rather than redirecting to the login page, so they are left to DRF's permissions.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        view_class = getattr(view_func, "cls", None)
        if view_class is not None and issubclass(view_class, APIView):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
