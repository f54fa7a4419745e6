"""Finding tickets that missed their times, and telling the people each rule names.

The scanner reads due times from the database (indexed), so nothing is lost when Redis or
a worker restarts; the unique (ticket, rule) row makes a second run, or two scanners at
once, fire each rule once per ticket.
"""

from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from background.enqueue import enqueue_on_commit
from portal.stored_text import choice, is_message, message, text

from .choices import OPEN_STATUSES, EventKind, Status
from .models import Escalation, EscalationRule, Ticket, TicketEvent

BATCH = 500


def _due_tickets(rule: EscalationRule, now):
    limit = now - timedelta(minutes=rule.delay_minutes)
    qs = Ticket.objects.filter(status__in=OPEN_STATUSES, held_since__isnull=True)
    if rule.trigger == EscalationRule.Trigger.NOT_ACCEPTED:
        # Accepted once in time stays accepted: a reopened or re-dispatched ticket is not
        # escalated for its old acceptance time.
        qs = qs.filter(status__in=[Status.NEW, Status.DISPATCHED, Status.REOPENED],
                       accepted_at__isnull=True, accept_due__lte=limit)
    elif rule.trigger == EscalationRule.Trigger.NOT_RESPONDED:
        qs = qs.filter(responded_at__isnull=True, respond_due__lte=limit)
    else:
        qs = qs.filter(resolved_at__isnull=True, resolve_due__lte=limit)
    if rule.category_id:
        qs = qs.filter(Q(category_id=rule.category_id) | Q(category__parent_id=rule.category_id))
    if rule.priority:
        qs = qs.filter(priority=rule.priority)
    done = Escalation.objects.filter(ticket=OuterRef("pk"), rule=rule)
    return qs.exclude(Exists(done)).order_by("pk")[:BATCH]


def _fire(rule: EscalationRule, now) -> list[tuple[int, int]]:
    """One statement: an escalation of ``rule`` for each of its due tickets (at most
    ``BATCH``) that has none yet, as ``(escalation id, ticket id)``. A row another scanner
    wrote a moment ago is skipped by the unique (ticket, rule) index, not repeated."""
    due_sql, due_params = _due_tickets(rule, now).values("id").query.sql_with_params()
    table = connection.ops.quote_name(Escalation._meta.db_table)
    # "WHERE true" tells SQLite the ON CONFLICT belongs to the INSERT, not to the SELECT.
    sql = (f"INSERT INTO {table} (ticket_id, rule_id, level, reason, created_at) "  # noqa: S608
           f"SELECT due.id, %s, %s, '', %s FROM ({due_sql}) due WHERE true "
           "ON CONFLICT DO NOTHING RETURNING id, ticket_id")
    with connection.cursor() as cursor:
        cursor.execute(sql, [rule.pk, rule.level, now, *due_params])
        return [(row[0], row[1]) for row in cursor.fetchall()]


def escalations_scan(*, now=None) -> int:
    """Fire every due rule once per ticket; returns how many escalations were made. Set
    based: per rule, one statement writes the escalations, one the tickets' events, and
    one message asks a worker to tell the people."""
    now = now or timezone.now()
    made = 0
    for rule in EscalationRule.objects.filter(is_active=True):
        with transaction.atomic():
            fired = _fire(rule, now)
            if not fired:
                continue
            said = message(gettext_noop("Level %(level)s: %(trigger)s"), level=rule.level,
                           trigger=choice(EscalationRule.Trigger, rule.trigger))
            TicketEvent.objects.bulk_create([
                TicketEvent(ticket_id=ticket_id, kind=EventKind.ESCALATED, created_at=now,
                            message=said, data={"rule": rule.pk, "level": rule.level})
                for _escalation_id, ticket_id in fired])
            enqueue_on_commit("service_tickets.send_escalation_emails",
                              [pk for pk, _ticket_id in fired])
        made += len(fired)
    _resend_unnotified(now)
    return made


RESEND_AFTER = timedelta(minutes=10)


def _resend_unnotified(now) -> None:
    """Queue again the notices of escalations nobody was told of (the queued task was lost
    with a broker or worker); the task's claim makes a late duplicate harmless."""
    stale = list(Escalation.objects.filter(notified_at__isnull=True,
                                           created_at__lt=now - RESEND_AFTER)
                 .order_by("created_at").values_list("pk", flat=True)[:BATCH])
    if stale:
        enqueue_on_commit("service_tickets.send_escalation_emails", stale)


def _matching_rules(ticket: Ticket):
    return (EscalationRule.objects.filter(is_active=True)
            .filter(Q(category__isnull=True) | Q(category_id=ticket.category_id)
                    | Q(category_id=ticket.category.parent_id))
            .filter(Q(priority="") | Q(priority=ticket.priority)))


def recipients_of(escalation: Escalation) -> list:
    """Who hears of an escalation: the rule's people; for one raised by hand, the people of
    the matching rules at its level, else the managers."""
    if escalation.rule_id:
        return list(escalation.rule.recipients.filter(is_active=True))
    from django.contrib.auth import get_user_model

    from staff.choices import ROLE_GROUP_NAMES, Role

    User = get_user_model()
    rules = _matching_rules(escalation.ticket).filter(level=escalation.level)
    people = list(User.objects.filter(is_active=True, pk__in=rules.values("recipients")))
    if not people:
        people = list(User.objects.filter(is_active=True,
                                          groups__name=ROLE_GROUP_NAMES[Role.MANAGER]))
    return people


@transaction.atomic
def escalate_by_hand(*, ticket_id: int, by, reason: str | dict) -> Escalation:
    """Raise a ticket one level above its last escalation, with a reason (``by`` None: the
    system, e.g. a repeat unsatisfied follow-up, whose reason is a
    ``portal.stored_text.message`` shown in each reader's language)."""
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.db.models import Max

    if by is not None and not by.has_perm("service_tickets.change_ticket"):
        raise PermissionDenied(_("Only the desk, dispatchers and managers escalate tickets."))
    said = reason if is_message(reason) else None
    reason = text(said) if said is not None else reason.strip()
    if not reason:
        raise ValidationError(_("Please give a reason."))
    ticket = Ticket.objects.select_for_update(of=("self",)).select_related("category").get(
        pk=ticket_id)
    if ticket.status not in OPEN_STATUSES:
        from .services import TransitionError

        # The ticket's state refuses it (409 in the API), as for chasing a closed ticket.
        raise TransitionError(_("Only open tickets can be escalated."))
    level = (ticket.escalations.aggregate(top=Max("level"))["top"] or 0) + 1
    escalation = Escalation.objects.create(ticket=ticket, level=level, reason=reason[:500],
                                           reason_message=said, raised_by=by)
    TicketEvent.objects.create(
        ticket=ticket, kind=EventKind.ESCALATED, actor=by,
        note="" if said is not None else reason,
        message=message(gettext_noop("Level %(level)s by hand: %(reason)s"), level=level,
                        reason=said if said is not None else reason),
        data={"escalation": escalation.pk, "level": level, "manual": True})
    enqueue_on_commit("service_tickets.send_escalation_email", escalation.pk)
    return escalation


@transaction.atomic
def escalation_notify(*, escalation_id: int) -> int:
    """Tell the recipients once (claimed by ``notified_at``), in their inbox and by e-mail;
    returns the e-mails sent. The claim commits with the messages: a worker dying half way
    leaves the escalation unclaimed for the scan to queue again."""
    from django.urls import reverse

    from inbox.services import notify
    from staff.emails import send_templated

    claimed = Escalation.objects.filter(pk=escalation_id, notified_at__isnull=True).update(
        notified_at=timezone.now())
    if not claimed:
        return 0
    escalation = Escalation.objects.select_related(
        "ticket__category", "ticket__estate", "ticket__room", "ticket__assignee", "rule",
    ).get(pk=escalation_id)
    people = recipients_of(escalation)
    ticket = escalation.ticket
    notify(recipients=people, url=reverse("tickets:detail", args=[ticket.pk]),
           title=message(gettext_noop("%(number)s escalated to level %(level)s"),
                         number=ticket.number, level=escalation.level),
           body=(choice(EscalationRule.Trigger, escalation.rule.trigger) if escalation.rule_id
                 else escalation.reason_message or escalation.reason),
           source=f"escalation:{escalation.pk}")
    sent = 0
    for user in [p for p in people if p.email]:
        send_templated(name="ticket-escalated", to=[user.email], language=user.language,
                       context={"user": user, "escalation": escalation,
                                "ticket": escalation.ticket})
        sent += 1
    return sent
