"""Writes of the service-ticket area: creating tickets and moving them through their life.

Every state change goes through ``ticket_act``: it locks the ticket row, checks the
transition table, the actor's right to act and (when given) the version the actor saw,
applies the effects, moves the SLA clocks and appends an event — all in one transaction,
so of two people acting at once exactly one wins and the other is told why.
"""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from audit.services import audit_record
from owners.models import Building, Estate, Party, Room
from owners.timeline import activity_record
from portal.stored_text import choice, message

from .choices import (
    OPEN_STATUSES,
    Action,
    DispatchMode,
    EventKind,
    Priority,
    Status,
    TicketType,
)
from .dispatching import automatic_assignee, people_who_may_see
from .models import (
    Category,
    Notice,
    Territory,
    Ticket,
    TicketEvent,
    TicketMaterial,
)
from .sla import clocks_on_action, clocks_reprioritise, clocks_set
from .transitions import (
    NEEDS_REASON,
    Actor,
    TransitionError,
    follow_up_required,
    refusal,
    target_of,
)

COMPLAINT_REPLY_HOURS = 48  # a complainant is owed a reply within this many hours


def _number(now: datetime) -> str:
    """The day's next number, from one upsert that also locks the day's counter row until
    the ticket is committed (so numbers are gapless per day and never handed out twice)."""
    day = timezone.localtime(now).date()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO service_tickets_ticketcounter (day, last) VALUES (%s, 1) "
            "ON CONFLICT (day) DO UPDATE SET last = service_tickets_ticketcounter.last + 1 "
            "RETURNING last", [day])
        last = cursor.fetchone()[0]
    return f"GD{day:%Y%m%d}-{last:04d}"


def territory_for(*, building: Building | None, estate: Estate) -> Territory | None:
    """The territory naming the building, else the one holding the whole estate (the lowest
    id when several do), in one query."""
    by_building = Territory.buildings.through.objects.filter(
        territory_id=OuterRef("pk"), building_id=building.pk if building else None)
    return (Territory.objects
            .filter(Q(pk__in=Territory.buildings.through.objects.filter(
                building_id=building.pk if building else None).values("territory_id"))
                    | Q(pk__in=Territory.estates.through.objects.filter(
                        estate_id=estate.pk).values("territory_id")))
            .order_by(~Exists(by_building), "pk").first())


def _timeline(ticket: Ticket, by) -> None:
    if ticket.party_id is None and ticket.room_id is None:
        return
    title = message(gettext_noop("%(type)s %(number)s: %(text)s (%(status)s)"),
                    type=choice(TicketType, ticket.type), number=ticket.number,
                    text=ticket.description[:40], status=choice(Status, ticket.status))
    activity_record(party=ticket.party, room=ticket.room, kind="ticket", title=title,
                    actor=by, occurred_at=ticket.created_at, source="service_tickets.ticket",
                    source_id=str(ticket.pk))


def category_ticket_type(category: Category) -> str:
    """The type the category gives its tickets (its own, else its nearest ancestor's);
    ``""`` when any type may be logged under it."""
    node = category
    while node is not None:
        if node.ticket_type:
            return node.ticket_type
        node = node.parent
    return ""


def ticket_type_error(category: Category, type: str) -> str:
    """Why ``type`` cannot be logged under ``category`` (``""`` when it can)."""
    kind = category_ticket_type(category)
    if not kind or kind == type:
        return ""
    return _("Tickets in the category “%(category)s” are of the type “%(kind)s”, not "
             "“%(type)s”: choose that type or another category.") % {
        "category": category.name, "kind": TicketType(kind).label,
        "type": TicketType(type).label if type in TicketType.values else type}


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
    notice: Notice | None = None,
    complaint: dict | None = None,
) -> Ticket:
    """Log a ticket for a room and person, or for a public area of an estate.

    ``complaint`` holds, for complaints, whom it is about (``complained_department``,
    ``complained_staff``, ``complained_other``) and its ``severity``. Categories dispatched
    automatically go straight to the chosen member of the territory."""
    if room is not None:
        estate, building = room.estate, room.building
    if estate is None:
        raise ValidationError(_("Choose the room, or the estate of a public area."))
    mismatch = ticket_type_error(category, type)
    if mismatch:
        raise ValidationError({"type": mismatch})
    if building is not None and building.estate_id != estate.pk:
        raise ValidationError(_("The building is not in the chosen estate."))
    if notice is not None and notice.estate_id != estate.pk:
        raise ValidationError(_("The notice is for another estate."))
    now = timezone.now()
    ticket = Ticket(
        number=_number(now), type=type, source=source, category=category,
        priority=priority or category.default_priority, description=description.strip(),
        estate=estate, building=building, room=room, party=party,
        territory=territory_for(building=building, estate=estate), created_by=by,
        created_at=now, notice=notice,
    )
    if type == TicketType.COMPLAINT:
        for field in ("complained_department", "complained_staff", "complained_other",
                      "severity"):
            value = (complaint or {}).get(field)
            if value:
                setattr(ticket, field, value)
        ticket.reply_due = now + timedelta(hours=COMPLAINT_REPLY_HOURS)
    clocks_set(ticket, now)
    ticket.save()
    TicketEvent.objects.create(ticket=ticket, kind=EventKind.CREATED, actor=by,
                               to_status=ticket.status, created_at=now,
                               data={"source": source, "priority": ticket.priority})
    if notice is not None:
        TicketEvent.objects.create(ticket=ticket, kind=EventKind.NOTICE, actor=by,
                                   created_at=now, note=notice.title,
                                   data={"notice": notice.pk})
    _timeline(ticket, by)
    audit_record(actor=by, action="tickets.created", target=ticket)
    chosen = automatic_assignee(ticket)
    if chosen is not None:
        ticket = ticket_act(ticket_id=ticket.pk, action=Action.DISPATCH, by=None, to=chosen,
                            message=message(gettext_noop("Dispatched automatically (%(mode)s)"),
                                            mode=choice(DispatchMode,
                                                        ticket.category.dispatch_mode)))
    return ticket


def _check_actor(action: str, ticket: Ticket, by, to=None) -> None:
    """Refuse what ``transitions.refusal`` refuses (the rule the pages and the API show),
    then what the action's input must hold."""
    refused = refusal(action, ticket, None if by is None else Actor(by, ticket))
    if refused is not None:
        raise refused
    if by is None or action != Action.DISPATCH:
        return
    if to is None:
        raise TransitionError(_("Choose whom to dispatch the ticket to."))
    if not (to.has_perm("service_tickets.view_all_tickets")
            or (ticket.territory_id and ticket.territory.members.filter(pk=to.pk).exists())):
        raise TransitionError(_("%(name)s is not authorised in this ticket's territory.")
                              % {"name": to})


def ticket_act(*, ticket_id: int, action: str, by, note: str = "", to=None,
               expected_version: int | None = None, data: dict | None = None,
               message: dict | None = None) -> Ticket:
    """Apply ``action`` to the ticket, or raise TransitionError / PermissionDenied.

    ``by`` is None only for the system's own moves (automatic dispatch, a follow-up's
    outcome), which the transition table still governs. ``note`` is what the person
    typed; ``message`` what the system says of the move (``portal.stored_text``), which
    also stands as the reason where one is needed."""
    with transaction.atomic():
        ticket = _locked(ticket_id, expected_version)
        _check_actor(action, ticket, by, to)
        if action in NEEDS_REASON and not note.strip() and not message:
            raise TransitionError(_("Please give a reason."))
        target = target_of(action, ticket.status)
        now = timezone.now()
        before = ticket.status
        if action in (Action.DISPATCH, Action.GRAB):
            ticket.assignee = to if action == Action.DISPATCH else by
        if action == Action.DECLINE:
            ticket.assignee = None
        clocks_on_action(ticket, action, now)
        if action == Action.COMPLETE:
            ticket.followed_up_at = None
            ticket.follow_up_due = (
                now + timedelta(days=ticket.category.follow_up_days)
                if follow_up_required(ticket) else None)
        if action == Action.CLOSE:
            ticket.closed_at = now
        if action == Action.REOPEN:
            ticket.closed_at = ticket.follow_up_due = None
            ticket.reopen_count += 1
        ticket.status = target
        ticket.version += 1
        ticket.save()
        TicketEvent.objects.create(
            ticket=ticket, kind=EventKind.TRANSITION, action=action, from_status=before,
            to_status=target, actor=by, note=note.strip(), message=message, created_at=now,
            data={**({"to": to.pk} if to is not None else {}), **(data or {})})
        _timeline(ticket, by)
    if action == Action.DISPATCH and to is not None and to != by:
        _notify_assignee(ticket, to)
    return ticket


def _notify_assignee(ticket: Ticket, user) -> None:
    from django.urls import reverse

    from inbox.services import notify

    notify(recipients=[user], url=reverse("tickets:detail", args=[ticket.pk]),
           title=message(gettext_noop("%(number)s dispatched to you"), number=ticket.number),
           body=lambda: f"{ticket.category} · {ticket.description[:80]}",
           source=f"ticket-dispatch:{ticket.pk}:{ticket.version}")


@transaction.atomic
def ticket_comment(*, ticket: Ticket, by, note: str, kind: str = EventKind.COMMENT
                   ) -> TicketEvent:
    """A comment, or a note of a call or visit made about the ticket."""
    if kind not in (EventKind.COMMENT, EventKind.CALL, EventKind.VISIT):
        raise ValidationError(_("Unknown kind of note."))
    if not note.strip():
        raise ValidationError(_("The comment is empty."))
    return TicketEvent.objects.create(ticket=ticket, kind=kind, actor=by, note=note.strip())


def _locked(ticket_id: int, expected_version: int | None = None) -> Ticket:
    """The ticket, its row locked until the transaction ends; refused if it is no longer
    the version the user saw."""
    ticket = (Ticket.objects.select_for_update(of=("self",))
              .select_related("category", "territory").get(pk=ticket_id))
    if expected_version is not None and ticket.version != expected_version:
        raise TransitionError(_("Someone else changed this ticket a moment ago: it is now "
                                "“%(status)s”. Reload to see what happened.")
                              % {"status": ticket.get_status_display()})
    return ticket


PRIORITY_ORDER = [Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT]


def ticket_chase(*, ticket_id: int, by, note: str = "", raise_priority: bool = False
                 ) -> Ticket:
    """The owner chased the ticket (催单): counted, recorded, the people on it told, and the
    priority raised one step when the desk chooses (the clocks follow the new priority)."""
    from django.urls import reverse

    from inbox.services import notify

    if not by.has_perm("service_tickets.change_ticket"):
        raise PermissionDenied(_("Only the desk, dispatchers and managers record chasing."))
    with transaction.atomic():
        ticket = _locked(ticket_id)
        if ticket.status not in OPEN_STATUSES:
            raise TransitionError(_("Only open tickets can be chased."))
        now = timezone.now()
        before = ticket.priority
        ticket.chase_count += 1
        ticket.last_chased_at = now
        if raise_priority and before != Priority.URGENT:
            ticket.priority = PRIORITY_ORDER[PRIORITY_ORDER.index(before) + 1]
            clocks_reprioritise(ticket, before, now)
        ticket.version += 1
        ticket.save()
        TicketEvent.objects.create(
            ticket=ticket, kind=EventKind.CHASED, actor=by, note=note.strip(), created_at=now,
            data={"count": ticket.chase_count, "priority_from": before,
                  "priority_to": ticket.priority})
        people = [ticket.assignee, *ticket.watchers.all()]
        transaction.on_commit(lambda: notify(
            recipients=[p for p in people if p is not None and p != by],
            url=reverse("tickets:detail", args=[ticket.pk]),
            title=message(gettext_noop("%(number)s chased by the owner (%(count)s×)"),
                          number=ticket.number, count=ticket.chase_count),
            body=note.strip(), source=f"ticket-chase:{ticket.pk}:{ticket.chase_count}"))
    return ticket


def ticket_set_people(*, ticket_id: int, by, helpers=None, watchers=None,
                      expected_version: int | None = None) -> Ticket:
    """Set the helpers and watchers (distinct from the assignee), recorded as an event."""
    if not by.has_perm("service_tickets.change_ticket"):
        raise PermissionDenied(_("Only dispatchers and managers change who works on a ticket."))
    with transaction.atomic():
        ticket = _locked(ticket_id, expected_version)
        data = {}
        if helpers is not None:
            helpers = [u for u in helpers if u.pk != ticket.assignee_id]
            for user in helpers:
                if not (user.has_perm("service_tickets.view_all_tickets")
                        or (ticket.territory_id
                            and ticket.territory.members.filter(pk=user.pk).exists())):
                    raise TransitionError(
                        _("%(name)s is not authorised in this ticket's territory.")
                        % {"name": user})
            ticket.helpers.set(helpers)
            data["helpers"] = [u.pk for u in helpers]
        if watchers is not None:
            allowed = set(people_who_may_see(ticket).filter(
                pk__in=[u.pk for u in watchers]).values_list("pk", flat=True))
            outside = [u for u in watchers if u.pk not in allowed]
            if outside:
                raise TransitionError(
                    _("%(name)s may not see this ticket, so cannot watch it.")
                    % {"name": outside[0]})
            ticket.watchers.set(watchers)
            data["watchers"] = [u.pk for u in watchers]
        ticket.version += 1
        ticket.save(update_fields=["version", "updated_at"])
        names = ", ".join(str(u) for u in ticket.helpers.all()) or "—"
        TicketEvent.objects.create(
            ticket=ticket, kind=EventKind.ASSIGNMENT, actor=by, data=data,
            message=message(gettext_noop("Helpers: %(helpers)s; watchers: %(watchers)s"),
                            helpers=names,
                            watchers=", ".join(str(u) for u in ticket.watchers.all()) or "—"))
    return ticket


@transaction.atomic
def dispatch_with_team(*, ticket_id: int, by, to, helpers, note: str = "",
                       expected_version: int | None = None) -> Ticket:
    """Dispatch to ``to`` with ``helpers`` working alongside: both or neither, so a helper
    not authorised in the territory leaves the ticket as it was."""
    ticket = ticket_act(ticket_id=ticket_id, action=Action.DISPATCH, by=by, to=to, note=note,
                        expected_version=expected_version)
    return ticket_set_people(ticket_id=ticket.pk, by=by, helpers=list(helpers))


def _may_record_work(ticket: Ticket, by) -> bool:
    return (by.has_perm("service_tickets.change_ticket") or ticket.assignee_id == by.pk
            or ticket.helpers.filter(pk=by.pk).exists())


def ticket_add_material(*, ticket: Ticket, by, name: str, quantity, unit: str = "",
                        unit_price=0, charged: bool = False) -> TicketMaterial:
    if not _may_record_work(ticket, by):
        raise PermissionDenied(_("Only the assignee, helpers and dispatchers record work."))
    from decimal import Decimal

    def exact(value):  # 12.33 as a float is 12.3299…, which a 2-place field refuses
        return Decimal(str(value)) if isinstance(value, float) else value

    material = TicketMaterial(ticket=ticket, name=name.strip(), quantity=exact(quantity),
                              unit=unit.strip() or "个", unit_price=exact(unit_price or 0),
                              charged=charged, recorded_by=by)
    material.full_clean()
    with transaction.atomic():
        material.save()
        TicketEvent.objects.create(
            ticket=ticket, kind=EventKind.MATERIAL, actor=by, note=str(material),
            data={"material": material.pk, "amount": str(material.amount)})
    return material


def ticket_add_labour(*, ticket_id: int, by, minutes: int) -> Ticket:
    if minutes <= 0 or minutes > 24 * 60:
        raise ValidationError(_("Labour is entered in minutes, between 1 and 1440."))
    with transaction.atomic():
        ticket = _locked(ticket_id)
        if not _may_record_work(ticket, by):
            raise PermissionDenied(_("Only the assignee, helpers and dispatchers record work."))
        ticket.labour_minutes += minutes
        ticket.version += 1
        ticket.save(update_fields=["labour_minutes", "version", "updated_at"])
        TicketEvent.objects.create(
            ticket=ticket, kind=EventKind.MATERIAL, actor=by,
            message=message(gettext_noop("Labour: %(minutes)s minutes"), minutes=minutes),
            data={"labour_minutes": minutes})
    return ticket


def ticket_attach(*, ticket: Ticket, by, upload, caption: str = ""):
    """A photo or document on the ticket (checked by content and size)."""
    from uploads.choices import ACCEPTED_TYPES, FileKind
    from uploads.services import detect_content_type, stored_file_create

    if not (_may_record_work(ticket, by) or by.has_perm("service_tickets.add_ticket")):
        raise PermissionDenied(_("You may not add files to this ticket."))
    # Typed from the bytes, not the browser's claim (a phone may send a photo as
    # application/octet-stream, or a PDF as image/jpeg).
    kind = (FileKind.PHOTO if detect_content_type(upload) in ACCEPTED_TYPES[FileKind.PHOTO]
            else FileKind.DOCUMENT)
    with transaction.atomic():
        stored = stored_file_create(upload=upload, kind=kind, by=by, attach_to=ticket)
        TicketEvent.objects.create(
            ticket=ticket, kind=EventKind.ATTACHMENT, actor=by,
            note=caption.strip() or stored.original_name,
            data={"file": str(stored.pk), "name": stored.original_name, "kind": kind})
    return stored


COMPLAINT_FIELDS = ("complained_department", "complained_staff", "complained_other",
                    "severity", "responsibility", "remedy")


def complaint_update(*, ticket_id: int, by, expected_version: int, replied: bool = False,
                     **fields) -> Ticket:
    """Record whom a complaint is about, its severity, the finding of responsibility and
    the remedy; ``replied`` marks the reply to the complainant as given."""
    if not by.has_perm("service_tickets.change_ticket"):
        raise PermissionDenied(_("Only the desk, dispatchers and managers handle complaints."))
    with transaction.atomic():
        ticket = _locked(ticket_id, expected_version)
        if ticket.type != TicketType.COMPLAINT:
            raise TransitionError(_("This ticket is not a complaint."))
        changed = {}
        for name in COMPLAINT_FIELDS:
            if name not in fields:
                continue
            value = fields[name]
            if value is None and name in ("complained_department", "complained_staff"):
                pass
            elif value is None:
                value = ""
            if getattr(ticket, name) != value:
                setattr(ticket, name, value)
                changed[name] = getattr(value, "pk", value)
        if replied and ticket.replied_at is None:
            ticket.replied_at = timezone.now()
            changed["replied_at"] = ticket.replied_at.isoformat()
        if not changed:
            return ticket
        ticket.version += 1
        ticket.save()
        TicketEvent.objects.create(
            ticket=ticket, kind=EventKind.COMPLAINT, actor=by, data=changed,
            message=message(gettext_noop("Reply given to the complainant")
                            if "replied_at" in changed
                            else gettext_noop("Complaint details updated")))
    return ticket
