"""The calendar's event chip, built in Python: a team's week shows hundreds of them, and
one template include per chip cost more than everything else on the page."""

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def calendar_chip(item) -> SafeString:
    """One occurrence as a small chip: its time (unless all day) and title, a link to the
    event; only "Busy" where the viewer may not see it."""
    when = "" if item.all_day else timezone.localtime(item.start).strftime("%H:%M ")
    if item.busy_only:
        return format_html('<span class="cal-chip cal-kind-busy" data-testid="cal-busy">{}{}'
                           "</span>", when, _("Busy"))
    lock = format_html('<i class="bi bi-lock-fill" aria-label="{}" data-testid="cal-private">'
                       "</i> ", _("Private")) if item.private else ""
    return format_html(
        '<a class="cal-chip cal-kind-{}{}" href="{}" data-testid="cal-event" title="{}">'
        "{}{}{}</a>", item.kind, " is-declined" if item.declined else "", item.url, item.title,
        when, lock, item.title)
