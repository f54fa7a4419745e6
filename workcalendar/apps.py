from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkCalendarConfig(AppConfig):
    name = "workcalendar"
    verbose_name = _("Business calendar")

    def ready(self) -> None:
        from . import registrations  # noqa: F401
