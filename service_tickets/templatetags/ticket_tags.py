"""A ticket (``service_tickets.rows.TicketRow``) as a board card and as a list row, built
as plain strings: a board shows some eighty cards and a list fifty rows, and rendering
each through template tags, ``format_html``, ``reverse`` and a translation lookup per value
cost more than every query of the page. ``TicketWriter`` works out once per page what is
the same for every card (labels, the ticket URL's shape, the date format); every value
from the data is escaped."""

from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from portal.formatting import date_formatter
from portal.rendering import once_per_render
from workcalendar.templatetags.workcalendar import provisional_badge

from ..choices import Priority, Status

register = template.Library()

_PRIORITY_BADGE = {"urgent": "text-bg-danger", "high": "text-bg-warning"}
_PROBE = 987654321  # stands for any ticket's id while the URL's shape is read


class TicketWriter:
    """Writes the cards and rows of one page (one language, one time zone)."""

    def __init__(self) -> None:
        head, _sep, tail = reverse("tickets:detail", args=[_PROBE]).partition(str(_PROBE))
        self.url_head, self.url_tail = head, tail
        self.due = date_formatter("SHORT_DATETIME_FORMAT")
        self.priority = {value: escape(str(label)) for value, label in Priority.choices}
        self.status = {value: escape(str(label)) for value, label in Status.choices}
        overdue, at_risk = escape(_("Overdue")), escape(_("At risk"))
        self.overdue_icon = ('<i class="bi bi-exclamation-triangle-fill me-1" '
                             f'aria-hidden="true"></i><span class="visually-hidden">{overdue}'
                             "</span>")
        self.at_risk_icon = ('<i class="bi bi-hourglass-split me-1" aria-hidden="true"></i>'
                             f'<span class="visually-hidden">{at_risk}</span>')
        self.overdue_badge = f' <span class="badge text-bg-danger">{overdue}</span>'
        self.provisional = provisional_badge()

    def url(self, ticket) -> str:
        return f"{self.url_head}{int(ticket.pk)}{self.url_tail}"

    def card(self, ticket) -> str:
        """A card of the dispatcher board: number, priority, category, place, assignee
        and the resolution due, red when overdue, amber when at risk, marked when it is
        provisional."""
        overdue, at_risk = ticket.overdue, ticket.at_risk
        frame = " border-2 border-danger" if overdue else (
            " border-2 border-warning" if at_risk else "")
        mark = ' data-overdue="1"' if overdue else (' data-at-risk="1"' if at_risk else "")
        due = ""
        if ticket.resolve_due:
            if overdue:
                tone, icon = " text-danger fw-semibold", self.overdue_icon
            elif at_risk:
                tone, icon = " text-warning-emphasis fw-semibold", self.at_risk_icon
            else:
                tone, icon = "", ""
            due = (f'<span class="text-nowrap{tone}">{icon}'
                   f"{escape(self.due(ticket.resolve_due))}"
                   f'{self.provisional if ticket.provisional else ""}</span>')
        badge = _PRIORITY_BADGE.get(ticket.priority, "text-bg-light border")
        return (
            f'<a class="card mb-2 text-decoration-none text-body shadow-sm{frame}" '
            f'href="{self.url(ticket)}" data-testid="card"{mark}>'
            '<div class="card-body p-2 small">'
            '<div class="d-flex flex-wrap justify-content-between gap-1">'
            f'<span class="fw-semibold text-nowrap app-card-number">{escape(ticket.number)}</span>'
            f'<span class="badge {badge}">{self.priority.get(ticket.priority, "")}</span></div>'
            f'<div class="text-truncate">{escape(str(ticket.category))}</div>'
            f'<div class="text-muted text-truncate">{escape(str(ticket.place))}</div>'
            '<div class="d-flex justify-content-between gap-1 mt-1">'
            f'<span class="text-truncate">{escape(ticket.assignee_name or "—")}</span>{due}'
            "</div></div></a>")

    def row(self, ticket) -> str:
        """A row of the ticket list."""
        overdue = ticket.overdue
        party = (f' <small class="text-muted">{escape(ticket.party_name)}</small>'
                 if ticket.party_name else "")
        due = escape(self.due(ticket.resolve_due)) if ticket.resolve_due else "—"
        if ticket.provisional:
            due += self.provisional
        opening = '<tr class="table-danger" data-testid="overdue-row">' if overdue else \
            '<tr class="">'
        return (
            f"{opening}"
            f'<td><a href="{self.url(ticket)}">{escape(ticket.number)}</a> '
            '<span class="badge text-bg-light border">'
            f'{self.priority.get(ticket.priority, "")}</span>'
            f'{self.overdue_badge if overdue else ""}</td>'
            f"<td>{escape(str(ticket.category))}</td><td>{escape(str(ticket.place))}{party}</td>"
            f"<td>{self.status.get(ticket.status, '')}</td>"
            f'<td>{escape(ticket.assignee_name or "—")}</td><td>{due}</td></tr>')


@register.simple_tag(takes_context=True)
def ticket_card(context, ticket) -> SafeString:
    return mark_safe(  # noqa: S308 - every value escaped
        once_per_render(context, TicketWriter).card(ticket))


@register.simple_tag(takes_context=True)
def ticket_row(context, ticket) -> SafeString:
    return mark_safe(  # noqa: S308 - every value escaped
        once_per_render(context, TicketWriter).row(ticket))


@register.simple_tag
def filter_select(field) -> SafeString:
    """A filter form's select (a bound field) with its options and the chosen one marked,
    written here: the options of a dozen filters through template tags cost a list page
    more than its rows."""
    current = field.value()
    current = "" if current is None else str(current)
    options = "".join(
        f'<option value="{escape(str(value))}"{" selected" if str(value) == current else ""}>'
        f"{escape(str(label))}</option>" for value, label in field.field.choices)
    invalid = " is-invalid" if field.errors else ""
    return mark_safe(  # noqa: S308 - every value escaped
        f'<select class="form-select{invalid}" name="{escape(field.html_name)}" '
        f'id="{escape(field.id_for_label)}">{options}</select>')
