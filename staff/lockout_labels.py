"""Chinese for the labels of django-axes (sign-in lockouts), which ships no Chinese catalog.

These calls only mark the strings for ``makemessages``; the project catalog, which Django
consults before the apps' own, then translates them wherever axes shows them in admin.
"""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

LABELS = [
    gettext_noop("User Agent"), gettext_noop("IP Address"), gettext_noop("Username"),
    gettext_noop("HTTP Accept"), gettext_noop("Path"), gettext_noop("Attempt Time"),
    gettext_noop("Access lock out"), gettext_noop("access failure"),
    gettext_noop("access failures"), gettext_noop("GET Data"), gettext_noop("POST Data"),
    gettext_noop("Failed Logins"), gettext_noop("access attempt"),
    gettext_noop("access attempts"), gettext_noop("Access Attempt"),
    gettext_noop("Expires At"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("access attempt expiration"), gettext_noop("access attempt expirations"),
    gettext_noop("Logout Time"), gettext_noop("Session key hash (sha256)"),
    gettext_noop("access log"), gettext_noop("access logs"), gettext_noop("Locked Out"),
    gettext_noop("Form Data"), gettext_noop("Meta Data"),
    gettext_noop("Clean up expired attempts"), gettext_noop("Not set"),
    gettext_noop("Attempt Remaining"),
]


class LockoutsConfig(AxesAppConfig):
    """django-axes under a name managers understand."""

    verbose_name = _("Sign-in lockouts")
