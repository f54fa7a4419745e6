"""A ticket (``service_tickets.rows.TicketRow``) as a board card and as a list row, built
in Python: a board shows some eighty cards and a list fifty rows, and rendering each
through template tags cost more than every query of the page."""

from django import template
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()

_PRIORITY_BADGE = {"urgent": "text-bg-danger", "high": "text-bg-warning"}


def _due(value) -> str:
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


@register.simple_tag
def ticket_card(ticket) -> SafeString:
    """A card of the dispatcher board: number, priority, category, place, assignee and
    the resolution due, red when overdue and amber when at risk."""
    overdue, at_risk = ticket.overdue, ticket.at_risk
    frame = " border-2 border-danger" if overdue else (" border-2 border-warning" if at_risk
                                                      else "")
    mark = ' data-overdue="1"' if overdue else (' data-at-risk="1"' if at_risk else "")
    due = ""
    if ticket.resolve_due:
        if overdue:
            tone, icon = " text-danger fw-semibold", format_html(
                '<i class="bi bi-exclamation-triangle-fill me-1" aria-hidden="true"></i>'
                '<span class="visually-hidden">{}</span>', _("Overdue"))
        elif at_risk:
            tone, icon = " text-warning-emphasis fw-semibold", format_html(
                '<i class="bi bi-hourglass-split me-1" aria-hidden="true"></i>'
                '<span class="visually-hidden">{}</span>', _("At risk"))
        else:
            tone, icon = "", ""
        due = format_html('<span class="text-nowrap{}">{}{}</span>', tone, icon,
                          _due(ticket.resolve_due))
    assignee = ticket.assignee_name or "—"
    return format_html(
        '<a class="card mb-2 text-decoration-none text-body shadow-sm{}" href="{}" '
        'data-testid="card"{}><div class="card-body p-2 small">'
        '<div class="d-flex justify-content-between gap-1">'
        '<span class="fw-semibold text-nowrap">{}</span><span class="badge {}">{}</span></div>'
        '<div class="text-truncate">{}</div>'
        '<div class="text-muted text-truncate">{}</div>'
        '<div class="d-flex justify-content-between gap-1 mt-1">'
        '<span class="text-truncate">{}</span>{}</div></div></a>',
        frame, reverse("tickets:detail", args=[ticket.pk]), SafeString(mark), ticket.number,
        _PRIORITY_BADGE.get(ticket.priority, "text-bg-light border"),
        ticket.get_priority_display(), ticket.category, ticket.place, assignee, due)


@register.simple_tag
def ticket_row(ticket) -> SafeString:
    """A row of the ticket list."""
    overdue = ticket.overdue
    party = format_html(' <small class="text-muted">{}</small>', ticket.party_name) \
        if ticket.party_name else ""
    return format_html(
        '<tr class="{}"{}><td><a href="{}">{}</a> '
        '<span class="badge text-bg-light border">{}</span>{}</td>'
        "<td>{}</td><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        "table-danger" if overdue else "",
        SafeString(' data-testid="overdue-row"') if overdue else "",
        reverse("tickets:detail", args=[ticket.pk]), ticket.number,
        ticket.get_priority_display(),
        format_html(' <span class="badge text-bg-danger">{}</span>', _("Overdue"))
        if overdue else "",
        ticket.category, ticket.place, party, ticket.get_status_display(),
        ticket.assignee_name or "—",
        _due(ticket.resolve_due) if ticket.resolve_due else "—")
