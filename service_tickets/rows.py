"""Tickets as the board's cards and the list's rows show them, read as plain values.

Building a ``Ticket`` with its category, estate and assignee for each of fifty rows cost
many times the query that read them; these rows hold only what a card or row shows.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from workcalendar.clock import ConfirmedYears

from .choices import Priority, Status
from .forms import category_paths
from .models.ticket import resolution_at_risk, resolution_breached

# The columns a card or row reads (the ticket's own, and two names joined in).
VALUES = ("id", "number", "status", "priority", "created_at", "resolve_due",
          "resolve_warn_at", "resolved_at", "held_since", "category_id", "room_id", "party_id",
          "assignee_id", "estate__name", "assignee__full_name", "assignee__first_name",
          "assignee__last_name", "assignee__username")


@dataclass(eq=False)
class TicketRow:
    """One ticket on the board or in the list; ``overdue`` and ``at_risk`` as of the time
    the page was built, ``provisional`` when the running resolution clock ends in a year
    whose calendar is not confirmed."""

    pk: int
    number: str
    status: str
    priority: str
    created_at: datetime
    resolve_due: datetime | None
    resolve_warn_at: datetime | None
    resolved_at: datetime | None
    held_since: datetime | None
    category: str
    place: str
    party_id: int | None
    party_name: str
    assignee_id: int | None
    assignee_name: str
    overdue: bool = False
    at_risk: bool = False
    provisional: bool = False

    def get_priority_display(self) -> str:
        return str(Priority(self.priority).label)

    def get_status_display(self) -> str:
        return str(Status(self.status).label)


def ticket_rows(values: list[dict], *, now: datetime, people: bool = True,
                paths: dict[int, str] | None = None,
                confirmed: ConfirmedYears | None = None) -> list[TicketRow]:
    """``values`` (dictionaries of ``VALUES``) as rows: the categories' full names (``paths``
    when the page has read them already), the rooms' codes, (with ``people``) the
    callers' names and the confirmed calendar years (``confirmed`` when read already) in
    one query each."""
    from owners.models import Party, Room

    if not values:
        return []
    paths = paths if paths is not None else category_paths()
    rooms = dict(Room.objects.order_by().filter(pk__in={v["room_id"] for v in values
                                                        if v["room_id"]})
                 .values_list("id", "code"))
    parties = dict(Party.objects.order_by().filter(pk__in={v["party_id"] for v in values
                                                 if v["party_id"]})
                   .values_list("id", "name")) if people else {}
    confirmed = confirmed if confirmed is not None else ConfirmedYears.load()
    name_from = get_user_model().name_from
    rows = []
    for v in values:
        room = rooms.get(v["room_id"], "")
        row = TicketRow(
            pk=v["id"], number=v["number"], status=v["status"], priority=v["priority"],
            created_at=v["created_at"], resolve_due=v["resolve_due"],
            resolve_warn_at=v["resolve_warn_at"], resolved_at=v["resolved_at"],
            held_since=v["held_since"], category=paths.get(v["category_id"], ""),
            place=" ".join(filter(None, [v["estate__name"] or "", room])),
            party_id=v["party_id"], party_name=parties.get(v["party_id"], ""),
            assignee_id=v["assignee_id"],
            assignee_name=name_from(full_name=v["assignee__full_name"] or "",
                                    first_name=v["assignee__first_name"] or "",
                                    last_name=v["assignee__last_name"] or "",
                                    username=v["assignee__username"] or "")
            if v["assignee_id"] else "")
        row.overdue = resolution_breached(row, now)
        row.at_risk = not row.overdue and resolution_at_risk(row, now)
        row.provisional = row.resolved_at is None and confirmed.is_provisional(row.resolve_due)
        rows.append(row)
    return rows


def row_values(queryset: QuerySet) -> QuerySet:
    """``queryset`` of tickets as the values rows are built from."""
    return queryset.values(*VALUES)
