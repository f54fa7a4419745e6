from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceTicketsConfig(AppConfig):
    name = "service_tickets"
    verbose_name = _("Service tickets")

    def ready(self) -> None:
        from . import registrations  # noqa: F401
