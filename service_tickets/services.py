"""Writes of the service-ticket area: creating tickets and moving them through their life.

Every state change goes through ``ticket_act``: it locks the ticket row, checks the
transition table, the actor's right to act and (when given) the version the actor saw,
applies the effects, moves the SLA clocks and appends an event — all in one transaction,
so of two people acting at once exactly one wins and the other is told why.
"""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from owners.models import Building, Estate, Party, Room
from owners.timeline import activity_record
from workcalendar.clock import WorkCalendar

from .choices import Action, DispatchMode, EventKind
from .models import Category, SlaTarget, Territory, Ticket, TicketCounter, TicketEvent
from .transitions import NEEDS_REASON, target_of

AT_RISK_SHARE = 0.75  # a resolution is "at risk" once 75 % of its time is used


class TransitionError(ValidationError):
    """An action the ticket's state, version or the actor's rights do not allow."""


def _number(now: datetime) -> str:
    day = timezone.localtime(now).date()
    TicketCounter.objects.get_or_create(day=day)
    counter = TicketCounter.objects.select_for_update().get(day=day)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"GD{day:%Y%m%d}-{counter.last:04d}"


def sla_target(category: Category, priority: str) -> SlaTarget | None:
    """The category's target for the priority, else its nearest ancestor's."""
    node = category
    while node is not None:
        target = node.sla_targets.filter(priority=priority).first()
        if target is not None:
            return target
        node = node.parent
    return None


def _due(start: datetime, minutes: float, category: Category, calendar: WorkCalendar):
    duration = timedelta(minutes=minutes)
    if category.around_the_clock:
        return start + duration
    return calendar.add_working_time(start, duration)


def _set_clocks(ticket: Ticket, start: datetime, *, resolve_only: bool = False) -> None:
    target = sla_target(ticket.category, ticket.priority)
    if target is None:
        return
    calendar = WorkCalendar.load()
    if not resolve_only:
        ticket.accept_due = _due(start, target.accept_minutes, ticket.category, calendar)
        ticket.respond_due = _due(start, target.respond_minutes, ticket.category, calendar)
    ticket.resolve_due = _due(start, target.resolve_minutes, ticket.category, calendar)
    ticket.resolve_warn_at = _due(start, target.resolve_minutes * AT_RISK_SHARE,
                                  ticket.category, calendar)


def _shift_clocks_after_hold(ticket: Ticket, now: datetime) -> None:
    """Give back the time a ticket spent on hold: the clocks resume where they stopped."""
    held_from = ticket.held_since
    calendar = WorkCalendar.load()
    for field in ("accept_due", "respond_due", "resolve_due", "resolve_warn_at"):
        due = getattr(ticket, field)
        if due is None or due <= held_from:
            continue
        if ticket.category.around_the_clock:
            left = due - held_from
            setattr(ticket, field, now + left)
        else:
            left = calendar.working_time_between(held_from, due)
            setattr(ticket, field, calendar.add_working_time(now, left))


def territory_for(*, building: Building | None, estate: Estate) -> Territory | None:
    if building is not None:
        found = Territory.objects.filter(buildings=building).order_by("pk").first()
        if found:
            return found
    return Territory.objects.filter(estates=estate).order_by("pk").first()


def _timeline(ticket: Ticket, by) -> None:
    if ticket.party_id is None and ticket.room_id is None:
        return
    title = _("%(type)s %(number)s: %(text)s (%(status)s)") % {
        "type": ticket.get_type_display(), "number": ticket.number,
        "text": ticket.description[:40], "status": ticket.get_status_display()}
    activity_record(party=ticket.party, room=ticket.room, kind="ticket", title=title,
                    actor=by, occurred_at=ticket.created_at, source="service_tickets.ticket",
                    source_id=str(ticket.pk))


@transaction.atomic
def ticket_create(
    *,
    by,
    type: str,
    source: str,
    category: Category,
    description: str,
    room: Room | None = None,
    party: Party | None = None,
    estate: Estate | None = None,
    building: Building | None = None,
    priority: str | None = None,
) -> Ticket:
    """Log a ticket for a room and person, or for a public area of an estate."""
    if room is not None:
        estate, building = room.estate, room.building
    if estate is None:
        raise ValidationError(_("Choose the room, or the estate of a public area."))
    if building is not None and building.estate_id != estate.pk:
        raise ValidationError(_("The building is not in the chosen estate."))
    now = timezone.now()
    ticket = Ticket(
        number=_number(now), type=type, source=source, category=category,
        priority=priority or category.default_priority, description=description.strip(),
        estate=estate, building=building, room=room, party=party,
        territory=territory_for(building=building, estate=estate), created_by=by,
        created_at=now,
    )
    _set_clocks(ticket, now)
    ticket.save()
    TicketEvent.objects.create(ticket=ticket, kind=EventKind.CREATED, actor=by,
                               to_status=ticket.status, created_at=now,
                               data={"source": source, "priority": ticket.priority})
    _timeline(ticket, by)
    audit_record(actor=by, action="tickets.created", target=ticket)
    return ticket


def _may_work_in(user, ticket: Ticket) -> bool:
    if user.has_perm("service_tickets.view_all_tickets"):
        return True
    if ticket.territory_id is None:
        return False
    return ticket.territory.members.filter(pk=user.pk).exists()


def _check_actor(action: str, ticket: Ticket, by, to=None) -> None:
    dispatcher = by.has_perm("service_tickets.change_ticket")
    if action == Action.DISPATCH:
        if not dispatcher:
            raise PermissionDenied(_("Only dispatchers and managers dispatch tickets."))
        if to is None:
            raise TransitionError(_("Choose whom to dispatch the ticket to."))
        if not (to.has_perm("service_tickets.view_all_tickets")
                or (ticket.territory_id and ticket.territory.members.filter(pk=to.pk).exists())):
            raise TransitionError(_("%(name)s is not authorised in this ticket's territory.")
                                  % {"name": to})
    elif action == Action.GRAB:
        if ticket.category.dispatch_mode != DispatchMode.GRAB_POOL:
            raise TransitionError(_("This category is dispatched by hand, not taken from a "
                                    "pool."))
        if not _may_work_in(by, ticket):
            raise PermissionDenied(_("You are not authorised in this ticket's territory."))
    elif action in (Action.ACCEPT, Action.DECLINE):
        if ticket.assignee_id != by.pk:
            raise PermissionDenied(_("Only the person the ticket was dispatched to can accept "
                                     "or decline it."))
    elif action in (Action.START, Action.HOLD, Action.RESUME, Action.COMPLETE):
        helpers = ticket.helpers.filter(pk=by.pk).exists()
        if ticket.assignee_id != by.pk and not helpers and not dispatcher:
            raise PermissionDenied(_("Only the assignee and helpers work on this ticket."))
    elif action in (Action.CLOSE, Action.REOPEN, Action.CANCEL) and not dispatcher:
        raise PermissionDenied(_("Only the desk, dispatchers and managers close, reopen or "
                                 "cancel tickets."))


def ticket_act(*, ticket_id: int, action: str, by, note: str = "", to=None,
               expected_version: int | None = None) -> Ticket:
    """Apply ``action`` to the ticket, or raise TransitionError / PermissionDenied."""
    with transaction.atomic():
        ticket = (Ticket.objects.select_for_update(of=("self",))
                  .select_related("category", "territory").get(pk=ticket_id))
        if expected_version is not None and ticket.version != expected_version:
            raise TransitionError(_("Someone else changed this ticket a moment ago: it is now "
                                    "“%(status)s”. Reload to see what happened.")
                                  % {"status": ticket.get_status_display()})
        target = target_of(action, ticket.status)
        if target is None:
            raise TransitionError(_("A ticket that is “%(status)s” cannot be “%(action)s”.")
                                  % {"status": ticket.get_status_display(),
                                     "action": Action(action).label})
        if action in NEEDS_REASON and not note.strip():
            raise TransitionError(_("Please give a reason."))
        _check_actor(action, ticket, by, to)
        now = timezone.now()
        before = ticket.status
        if action in (Action.DISPATCH, Action.GRAB):
            ticket.assignee = to if action == Action.DISPATCH else by
        if action == Action.DECLINE:
            ticket.assignee = None
        if action in (Action.ACCEPT, Action.GRAB) and ticket.accepted_at is None:
            ticket.accepted_at = now
        if action == Action.START and ticket.responded_at is None:
            ticket.responded_at = now
        if action == Action.HOLD:
            ticket.held_since = now
        if action == Action.RESUME:
            _shift_clocks_after_hold(ticket, now)
            ticket.held_since = None
        if action == Action.COMPLETE:
            ticket.resolved_at = now
        if action == Action.CLOSE:
            ticket.closed_at = now
        if action == Action.REOPEN:
            ticket.resolved_at = ticket.closed_at = None
            _set_clocks(ticket, now, resolve_only=True)
        if action == Action.CANCEL:
            ticket.held_since = None
        ticket.status = target
        ticket.version += 1
        ticket.save()
        TicketEvent.objects.create(
            ticket=ticket, kind=EventKind.TRANSITION, action=action, from_status=before,
            to_status=target, actor=by, note=note.strip(), created_at=now,
            data={"to": to.pk} if to is not None else {})
        _timeline(ticket, by)
    return ticket


@transaction.atomic
def ticket_comment(*, ticket: Ticket, by, note: str) -> TicketEvent:
    if not note.strip():
        raise ValidationError(_("The comment is empty."))
    return TicketEvent.objects.create(ticket=ticket, kind=EventKind.COMMENT, actor=by,
                                      note=note.strip())
