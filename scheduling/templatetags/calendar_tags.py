"""The calendar's event chip, built in Python: a team's week shows hundreds of them, and
one template include per chip cost more than everything else on the page."""

from django import template
from django.urls import reverse
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
                       "</i> ", _("Private")) if item.private else SafeString("")
    return format_html(
        '<a class="cal-chip cal-kind-{}{}" href="{}" data-testid="cal-event" title="{}">'
        "{}{}{}</a>", item.kind, " is-declined" if item.declined else "", item.url, item.title,
        when, lock, item.title)


def _hhmm(value) -> str:
    return timezone.localtime(value).strftime("%H:%M")


@register.simple_tag
def calendar_event(item, draggable=False) -> SafeString:
    """One occurrence placed in the time grid (``item.top``/``height``/``lane``/``lanes``
    in minutes and lanes, laid out by the view and positioned by calendar.js); movable by
    dragging where ``draggable`` and the viewer organises it."""
    start, end = _hhmm(item.start), _hhmm(item.end)
    position = format_html('data-cal-item data-top="{}" data-height="{}" data-lane="{}" '
                           'data-lanes="{}"', item.top, item.height, item.lane, item.lanes)
    if item.busy_only:
        return format_html('<span class="cal-event cal-kind-busy" {} data-testid="cal-busy" '
                           'title="{}–{}">{} {}</span>', position, start, end, start, _("Busy"))
    movable = item.movable and draggable
    extra = format_html(' data-occurrence="{}"', item.original_start.isoformat()) \
        if item.recurring else SafeString("")
    if movable:
        extra += format_html(' data-movable data-move-url="{}"',
                             reverse("scheduling:event_move", args=[item.event_id]))
    icons = SafeString("")
    if item.private:
        icons += format_html('<i class="bi bi-lock-fill" aria-label="{}" '
                             'data-testid="cal-private"></i> ', _("Private"))
    if item.recurring:
        icons += format_html('<i class="bi bi-arrow-repeat" aria-label="{}"></i> ', _("Repeats"))
    place = format_html('<span class="d-block text-body-secondary text-truncate">{}</span>',
                        item.place) if item.place else ""
    resize = SafeString('<span class="cal-resize" data-resize aria-hidden="true"></span>') \
        if movable else ""
    return format_html(
        '<a class="cal-event cal-kind-{}{}" href="{}" {} data-event-id="{}" data-version="{}"'
        '{} data-testid="cal-event" title="{}–{} {}"><span class="fw-semibold cal-time">{}'
        "</span> {}{}{}{}</a>", item.kind, " is-declined" if item.declined else "", item.url,
        position, item.event_id, item.version, extra, start, end, item.title, start, icons,
        item.title, place, resize)
