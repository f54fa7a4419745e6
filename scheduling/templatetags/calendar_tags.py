"""The calendar's event chips and time-grid events, built as plain strings: a team's week
shows hundreds of them, and a template include, ``format_html``, ``reverse`` and a
translation lookup per chip cost more than everything else on the page. What is the same
for every chip of a page (labels, the event URL's shape, the time zone) is worked out once
per page by ``ChipWriter``; every value from the data is escaped."""

from html import escape
from urllib.parse import quote_plus

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from portal.rendering import once_per_render

from ..choices import Response

register = template.Library()

_PROBE = 987654321  # an id that stands for any event's while the URL's shape is read


def _shape(name: str) -> tuple[str, str]:
    head, _sep, tail = reverse(name, args=[_PROBE]).partition(str(_PROBE))
    return head, tail


class ChipWriter:
    """Writes the chips and time-grid events of one page (one language, one zone)."""

    def __init__(self) -> None:
        self.zone = timezone.get_current_timezone()
        self.busy = escape(_("Busy"))
        self.free = escape(_("Free"))
        lock = escape(_("Private"))
        self.lock = (f'<i class="bi bi-lock-fill" aria-label="{lock}" '
                     'data-testid="cal-private"></i> ')
        self.repeat = (f'<i class="bi bi-arrow-repeat" aria-label="{escape(_("Repeats"))}">'
                       "</i> ")
        self.detail = _shape("scheduling:event_detail")
        self.move = _shape("scheduling:event_move")

    def _hhmm(self, value) -> str:
        local = value.astimezone(self.zone)
        return f"{local.hour:02d}:{local.minute:02d}"

    def _url(self, event_id: int, recurring: bool, original_start) -> str:
        """The event's page (at the occurrence, for a series): only digits and
        ``quote_plus`` output, nothing to escape."""
        head, tail = self.detail
        url = f"{head}{int(event_id)}{tail}"
        if recurring:
            url += "?at=" + quote_plus(original_start.isoformat())
        return url

    def url(self, item) -> str:
        return self._url(item.event_id, item.recurring, item.original_start)

    def _chip(self, *, all_day, start, busy_only, title, declined, private, kind, event_id,
              recurring, original_start) -> str:
        when = "" if all_day else self._hhmm(start) + " "
        if busy_only:
            return f'<span class="cal-chip cal-kind-busy" data-testid="cal-busy">{when}' \
                   f"{self.busy}</span>"
        title = escape(title)
        declined = " is-declined" if declined else ""
        lock = self.lock if private else ""
        return (f'<a class="cal-chip cal-kind-{escape(kind)}{declined}" '
                f'href="{self._url(event_id, recurring, original_start)}" '
                f'data-testid="cal-event" title="{title}">{when}{lock}{title}</a>')

    def chip(self, item) -> str:
        """One occurrence (an ``Item``) as a small chip: its time (unless all day) and
        title, a link to the event; only "Busy" where the viewer may not see it."""
        return self._chip(
            all_day=item.all_day, start=item.start, busy_only=item.busy_only,
            title=item.title, declined=item.declined, private=item.private, kind=item.kind,
            event_id=item.event_id, recurring=item.recurring,
            original_start=item.original_start)

    def row_chip(self, row: dict) -> str:
        """The chip of an occurrence as ``selectors.Calendars.shown`` gives it."""
        return self._chip(
            all_day=row["all_day"], start=row["start"], busy_only=row["busy_only"],
            title=row["title"], declined=row["response"] == Response.DECLINED,
            private=row["private"], kind=row["kind"], event_id=row["event_id"],
            recurring=row["recurring"], original_start=row["original_start"])

    def event(self, item, draggable: bool = False) -> str:
        """One occurrence placed in the time grid (``item.top``/``height``/``lane``/
        ``lanes`` in minutes and lanes, laid out by the view and positioned by
        calendar.js); movable by dragging where ``draggable`` and the viewer organises
        it."""
        start, end = self._hhmm(item.start), self._hhmm(item.end)
        position = (f'data-cal-item data-top="{int(item.top)}" data-height="{int(item.height)}"'
                    f' data-lane="{int(item.lane)}" data-lanes="{int(item.lanes)}"')
        if item.busy_only:
            return (f'<span class="cal-event cal-kind-busy" {position} data-testid="cal-busy" '
                    f'title="{start}–{end}">{start} {self.busy}</span>')
        movable = item.movable and draggable
        extra = ""
        if item.recurring:
            extra += f' data-occurrence="{escape(item.original_start.isoformat())}"'
        if movable:
            head, tail = self.move
            extra += f' data-movable data-move-url="{escape(f"{head}{item.event_id}{tail}")}"'
        icons = (self.lock if item.private else "") + (self.repeat if item.recurring else "")
        title = escape(item.title)
        place = (f'<span class="d-block text-body-secondary text-truncate">'
                 f"{escape(item.place)}</span>") if item.place else ""
        resize = '<span class="cal-resize" data-resize aria-hidden="true"></span>' \
            if movable else ""
        declined = " is-declined" if item.declined else ""
        return (f'<a class="cal-event cal-kind-{escape(item.kind)}{declined}" '
                f'href="{self.url(item)}" {position} data-event-id="{int(item.event_id)}" '
                f'data-version="{escape(str(item.version))}"{extra} data-testid="cal-event" '
                f'title="{start}–{end} {title}"><span class="fw-semibold cal-time">{start}'
                f"</span> {icons}{title}{place}{resize}</a>")


@register.simple_tag(takes_context=True)
def calendar_chip(context, item) -> SafeString:
    return mark_safe(  # noqa: S308 - every value escaped
        once_per_render(context, ChipWriter).chip(item))


@register.simple_tag(takes_context=True)
def calendar_event(context, item, draggable=False) -> SafeString:
    return mark_safe(  # noqa: S308 - every value escaped
        once_per_render(context, ChipWriter).event(item, draggable))
