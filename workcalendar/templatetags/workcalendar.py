"""Marks for due times in an unconfirmed year, and the managers' warning in admin."""

from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from portal.rendering import once_per_render

from ..clock import ConfirmedYears
from ..registrations import CONFIRM_PERMISSION
from ..selectors import years_awaiting_confirmation

register = template.Library()


def provisional_badge() -> str:
    """The badge beside a provisional due time (written once per page by its callers)."""
    title = escape(_("This year's holidays are not confirmed yet: the time counts Monday "
                     "to Friday and may still change."))
    return (f'<span class="badge text-bg-secondary ms-1" data-testid="provisional" '
            f'title="{title}">{escape(_("Provisional"))}</span>')


class _Marks:
    """The confirmed years (one query) and the badge, read at the first mark of a page."""

    def __init__(self) -> None:
        self.years = ConfirmedYears.load()
        self.badge = provisional_badge()


@register.simple_tag(takes_context=True)
def provisional_mark(context, due, met=None) -> SafeString | str:
    """The "provisional" badge when ``due`` (not yet ``met``) falls in an unconfirmed year."""
    if not due or met:
        return ""
    marks = once_per_render(context, _Marks)
    return mark_safe(marks.badge) if marks.years.is_provisional(due) else ""  # noqa: S308


@register.simple_tag(takes_context=True)
def calendar_warning(context) -> SafeString | str:
    """For managers in admin, from 1 November on: which years are waiting to be confirmed
    (in the admin's own message style)."""
    request = context.get("request")
    if request is None or not request.user.has_perm(CONFIRM_PERMISSION):
        return ""
    missing = years_awaiting_confirmation()
    if not missing:
        return ""
    text = escape(_("The public holidays of %(years)s are not confirmed yet: due times in "
                    "that year count Monday to Friday and are marked provisional.")
                  % {"years": ", ".join(str(y) for y in missing)})
    link = escape(_("Confirm the year"))
    return mark_safe(  # noqa: S308 - every value escaped
        f'<ul class="messagelist" data-testid="calendar-warning"><li class="warning">'
        f'{text} <a href="{reverse("admin:workcalendar_calendaryear_add")}">{link}</a>'
        "</li></ul>")
