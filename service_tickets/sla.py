"""SLA clocks: the due times a ticket's category and priority give it, moved on by holds and
priority changes, and worked out again when a calendar year is confirmed.

The clocks are stored due times (``accept_due``, ``respond_due``, ``resolve_due``,
``resolve_warn_at``); every list and scanner reads those columns. They are computed here
with ``workcalendar.clock.WorkCalendar`` (read once, then pure arithmetic).
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from audit.services import audit_record
from background.enqueue import enqueue_on_commit
from workcalendar.clock import WorkCalendar

from .choices import OPEN_STATUSES, Action, EventKind
from .models import Category, SlaTarget, Ticket, TicketEvent

AT_RISK_SHARE = 0.75  # a resolution is "at risk" once 75 % of its time is used
CLOCK_FIELDS = ("accept_due", "respond_due", "resolve_due", "resolve_warn_at")
RECOMPUTE_CHUNK = 500


@dataclass(frozen=True)
class SlaRule:
    """The target a ticket's clocks follow and whether they run day and night: a category
    without targets of its own follows its nearest ancestor's, 24×7 flag included (a
    subcategory marked 24×7 itself stays so)."""

    target: SlaTarget
    around_the_clock: bool


def sla_rule(category: Category, priority: str, memo: dict | None = None) -> SlaRule | None:
    """The rule for ``priority`` in ``category``; ``memo`` keeps rules across many tickets."""
    key = (category.pk, priority)
    if memo is not None and key in memo:
        return memo[key]
    rule, node = None, category
    while node is not None:
        target = node.sla_targets.filter(priority=priority).first()
        if target is not None:
            rule = SlaRule(target, node.around_the_clock or category.around_the_clock)
            break
        node = node.parent
    if memo is not None:
        memo[key] = rule
    return rule


def sla_target(category: Category, priority: str) -> SlaTarget | None:
    """The category's target for the priority, else its nearest ancestor's."""
    rule = sla_rule(category, priority)
    return rule.target if rule else None


def _due(start: datetime, minutes: float, around_the_clock: bool, calendar: WorkCalendar):
    duration = timedelta(minutes=minutes)
    if around_the_clock:
        return start + duration
    return calendar.add_working_time(start, duration)


def clocks_set(ticket, start: datetime, *, resolve_only: bool = False,
               calendar: WorkCalendar | None = None, memo: dict | None = None) -> None:
    """Start the clocks (or only the resolution's, on reopening) at ``start``."""
    rule = sla_rule(ticket.category, ticket.priority, memo)
    if rule is None:
        return
    calendar = calendar or WorkCalendar.load()
    target, around = rule.target, rule.around_the_clock
    if not resolve_only:
        ticket.accept_due = _due(start, target.accept_minutes, around, calendar)
        ticket.respond_due = _due(start, target.respond_minutes, around, calendar)
    ticket.resolve_due = _due(start, target.resolve_minutes, around, calendar)
    ticket.resolve_warn_at = _due(start, target.resolve_minutes * AT_RISK_SHARE, around,
                                  calendar)


def _around_the_clock(ticket, memo: dict | None) -> bool:
    rule = sla_rule(ticket.category, ticket.priority, memo)
    return rule.around_the_clock if rule else ticket.category.around_the_clock


def clocks_resume(ticket, now: datetime, *, calendar: WorkCalendar | None = None,
                  memo: dict | None = None) -> None:
    """Give back the time a ticket spent on hold: the clocks resume where they stopped."""
    held_from = ticket.held_since
    calendar = calendar or WorkCalendar.load()
    around = _around_the_clock(ticket, memo)
    for field in CLOCK_FIELDS:
        due = getattr(ticket, field)
        if due is None or due <= held_from:
            continue
        if around:
            setattr(ticket, field, now + (due - held_from))
        else:
            left = calendar.working_time_between(held_from, due)
            setattr(ticket, field, calendar.add_working_time(now, left))


def clocks_reprioritise(ticket, before: str, now: datetime, *,
                        calendar: WorkCalendar | None = None, memo: dict | None = None
                        ) -> None:
    """Move the clocks not yet met by what the new priority's targets take off (or add),
    counted from now — or from the start of a hold, which gives the rest back on resume —
    so time already used and holds already given back stay as they were."""
    old = sla_rule(ticket.category, before, memo)
    new = sla_rule(ticket.category, ticket.priority, memo)
    if new is None:
        return
    calendar = calendar or WorkCalendar.load()
    if old is None:
        if ticket.held_since is None:
            clocks_set(ticket, ticket.created_at, calendar=calendar, memo=memo)
        return
    ref = ticket.held_since or now
    for field, met, minutes in [
        ("accept_due", ticket.accepted_at, lambda t: t.accept_minutes),
        ("respond_due", ticket.responded_at, lambda t: t.respond_minutes),
        ("resolve_due", ticket.resolved_at, lambda t: t.resolve_minutes),
        ("resolve_warn_at", ticket.resolved_at, lambda t: t.resolve_minutes * AT_RISK_SHARE),
    ]:
        due = getattr(ticket, field)
        if due is None or met is not None:
            continue
        shrink = timedelta(minutes=minutes(old.target) - minutes(new.target))
        if new.around_the_clock:
            setattr(ticket, field, due - shrink)
            continue
        if due <= ref:
            continue  # already late, and later still under a shorter target
        left = calendar.working_time_between(ref, due) - shrink
        setattr(ticket, field, calendar.add_working_time(ref, left) if left > timedelta(0)
                else ref)


def clocks_on_action(ticket, action: str, at: datetime, *,
                     calendar: WorkCalendar | None = None, memo: dict | None = None) -> None:
    """What ``action`` taken at ``at`` does to the clocks and the times they are read
    against (accepted, responded, resolved, held): the same when the action is taken
    (``services.ticket_act``) and when a ticket's history is replayed."""
    if action in (Action.ACCEPT, Action.GRAB) and ticket.accepted_at is None:
        ticket.accepted_at = at
    elif action == Action.START and ticket.responded_at is None:
        ticket.responded_at = at
    elif action == Action.HOLD:
        ticket.held_since = at
    elif action == Action.RESUME and ticket.held_since is not None:
        clocks_resume(ticket, at, calendar=calendar, memo=memo)
        ticket.held_since = None
    elif action == Action.COMPLETE:
        ticket.resolved_at = at
    elif action == Action.REOPEN:
        ticket.resolved_at = None
        clocks_set(ticket, at, resolve_only=True, calendar=calendar, memo=memo)
    elif action == Action.CANCEL:
        ticket.held_since = None


# --- Working the clocks out again -----------------------------------------------------


def clocks_replayed(ticket: Ticket, events, *, calendar: WorkCalendar,
                    memo: dict | None = None) -> dict[str, datetime | None]:
    """The due times ``ticket`` would have now had ``calendar`` been in force all along:
    its history (``events`` in order) replayed through the same rules as when it happened —
    started when logged, the resolution restarted on reopening, holds given back on
    resume, priorities raised when chased. The targets are the categories' current ones."""
    created = next((e for e in events if e.kind == EventKind.CREATED), None)
    state = SimpleNamespace(
        category=ticket.category, created_at=ticket.created_at,
        priority=(created.data.get("priority") if created else None) or ticket.priority,
        accepted_at=None, responded_at=None, resolved_at=None, held_since=None,
        **dict.fromkeys(CLOCK_FIELDS))
    clocks_set(state, ticket.created_at, calendar=calendar, memo=memo)
    for event in events:
        at = event.created_at
        if event.kind == EventKind.CHASED:
            before, after = event.data.get("priority_from"), event.data.get("priority_to")
            if before and after and before != after:
                state.priority = after
                clocks_reprioritise(state, before, at, calendar=calendar, memo=memo)
            continue
        if event.kind != EventKind.TRANSITION:
            continue
        clocks_on_action(state, event.action, at, calendar=calendar, memo=memo)
    return {field: getattr(state, field) for field in CLOCK_FIELDS}


def _affected(year: int, calendar: WorkCalendar):
    """Open tickets with a clock still running into ``year`` or later (an index read per
    clock: a due time before the year's start cannot depend on it)."""
    start = datetime(year, 1, 1, tzinfo=calendar.zone)
    return Ticket.objects.filter(
        Q(accept_due__gte=start, accepted_at__isnull=True)
        | Q(resolve_due__gte=start, resolved_at__isnull=True)
        | Q(respond_due__gte=start, responded_at__isnull=True),
        status__in=OPEN_STATUSES)


def due_times_recompute(*, year: int) -> int:
    """Work the open tickets' due times out again after ``year``'s calendar was confirmed,
    in chunks of locked rows (lowest id first, as every lock of tickets is taken); each
    changed ticket gets an event with the times before and after, and the audit log an
    entry. Safe to run again: a second run changes nothing. Returns the tickets changed."""
    from workcalendar.services import calendar_year_recomputed

    calendar = WorkCalendar.load()
    memo: dict = {}
    changed_total, last_id = 0, 0
    while True:
        with transaction.atomic():
            chunk = list(
                _affected(year, calendar).filter(pk__gt=last_id).order_by("pk")
                .select_for_update(of=("self",)).select_related("category")
                .prefetch_related(Prefetch("events", queryset=TicketEvent.objects.filter(
                    kind__in=[EventKind.CREATED, EventKind.TRANSITION, EventKind.CHASED])
                    .order_by("created_at", "id")))[:RECOMPUTE_CHUNK])
            if not chunk:
                break
            last_id = chunk[-1].pk
            changed_total += _recompute_chunk(chunk, year, calendar, memo)
    calendar_year_recomputed(year=year)
    return changed_total


def _recompute_chunk(chunk: list[Ticket], year: int, calendar: WorkCalendar,
                     memo: dict) -> int:
    now = timezone.now()
    changed, events = [], []
    for ticket in chunk:
        if sla_rule(ticket.category, ticket.priority, memo) is None:
            continue  # no targets any more: the times it has are the only ones it has
        replayed = clocks_replayed(ticket, list(ticket.events.all()), calendar=calendar,
                                   memo=memo)
        before = {field: getattr(ticket, field) for field in CLOCK_FIELDS}
        if replayed == before:
            continue
        for field, value in replayed.items():
            setattr(ticket, field, value)
        changed.append(ticket)
        data = {"calendar_year": year, "before": _iso(before), "after": _iso(replayed)}
        events.append(TicketEvent(ticket=ticket, kind=EventKind.CLOCKS, created_at=now,
                                  data=data))
        audit_record(action="service_tickets.due_times_recomputed", target=ticket,
                     details=data)
    # The version stays: nobody edited the ticket, so no one's open form goes stale.
    Ticket.objects.bulk_update(changed, list(CLOCK_FIELDS))
    TicketEvent.objects.bulk_create(events)
    return len(changed)


def _iso(times: dict) -> dict:
    return {field: value.astimezone(UTC).isoformat() if value else None
            for field, value in times.items()}


def due_times_recompute_request(year: int) -> None:
    """Have the worker recompute the due times for ``year`` once the confirming transaction
    commits (never failing it when the broker is away: the scan sends it again)."""
    enqueue_on_commit("service_tickets.recompute_due_times", year)


def due_times_resume() -> list[int]:
    """Send again the recomputations of confirmed years that never reported done (their
    message was lost, or their worker died); run by the every-minute scan."""
    from workcalendar.selectors import years_awaiting_recompute

    years = years_awaiting_recompute()
    for year in years:
        due_times_recompute_request(year)
    return years
