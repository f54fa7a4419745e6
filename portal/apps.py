from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from .empty_choice import use_translated_empty_choice

# Set when the app configs are imported, before any app is ready: the admin's
# autodiscovery (the admin app is ready first) builds model forms, and their selects take
# the empty label from Django's defaults at that moment.
use_translated_empty_choice()


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Web shell")

    def ready(self) -> None:
        from . import registrations  # noqa: F401
