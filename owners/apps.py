from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OwnersConfig(AppConfig):
    name = "owners"
    verbose_name = _("Owners and rooms")

    def ready(self) -> None:
        from . import registrations  # noqa: F401
