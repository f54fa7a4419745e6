"""What the business calendar adds to the shell: the managers' warning that a year is not
confirmed yet (dashboard card, and the detail of ``/healthz``)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from health.services import detail_check_register
from portal import dashboard

from .selectors import years_awaiting_confirmation

CONFIRM_PERMISSION = "workcalendar.add_calendaryear"


def _calendar_card(user) -> dashboard.Card | None:
    if not user.has_perm(CONFIRM_PERMISSION):
        return None
    missing = years_awaiting_confirmation()
    if not missing:
        return None
    url = reverse("admin:workcalendar_calendaryear_add")
    return dashboard.Card(
        title=_("Working calendar"), icon="calendar-x", order=5,
        figures=[dashboard.Figure(label=_("Holidays of %(year)s") % {"year": year},
                                  value=_("Not confirmed"), url=url, tone="warning")
                 for year in missing])


def _calendar_check() -> dict:
    """Informational: due times in a year nobody confirmed count Monday to Friday."""
    missing = years_awaiting_confirmation()
    return {"ok": not missing, "awaiting_confirmation": missing}


dashboard.register("workcalendar", _calendar_card)
detail_check_register("calendar", _calendar_check)
