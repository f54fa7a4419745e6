"""Finding tickets that missed their times, and telling the people each rule names.

The scanner reads due times from the database (indexed), so nothing is lost when Redis or
a worker restarts; the unique (ticket, rule) row makes a second run, or two scanners at
once, fire each rule once per ticket.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from config.celery import enqueue_on_commit

from .choices import OPEN_STATUSES, EventKind, Status
from .models import Escalation, EscalationRule, Ticket, TicketEvent

BATCH = 500


def _due_tickets(rule: EscalationRule, now):
    limit = now - timedelta(minutes=rule.delay_minutes)
    qs = Ticket.objects.filter(status__in=OPEN_STATUSES, held_since__isnull=True)
    if rule.trigger == EscalationRule.Trigger.NOT_ACCEPTED:
        qs = qs.filter(status__in=[Status.NEW, Status.DISPATCHED, Status.REOPENED],
                       accept_due__lte=limit)
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


def escalations_scan(*, now=None) -> int:
    """Fire every due rule once per ticket; returns how many escalations were made."""
    from .tasks import send_escalation_email

    now = now or timezone.now()
    made = 0
    for rule in EscalationRule.objects.filter(is_active=True):
        for ticket in _due_tickets(rule, now):
            try:
                with transaction.atomic():
                    escalation = Escalation.objects.create(ticket=ticket, rule=rule)
                    TicketEvent.objects.create(
                        ticket=ticket, kind=EventKind.ESCALATED, created_at=now,
                        note=_("Level %(level)s: %(trigger)s") % {
                            "level": rule.level, "trigger": rule.get_trigger_display()},
                        data={"rule": rule.pk, "level": rule.level})
                    enqueue_on_commit(send_escalation_email, escalation.pk)
            except IntegrityError:
                continue  # another scanner fired it a moment ago
            made += 1
    return made


def escalation_notify(*, escalation_id: int) -> int:
    """E-mail the rule's recipients once (claimed by ``notified_at``); returns mails sent."""
    from staff.emails import send_templated

    claimed = Escalation.objects.filter(pk=escalation_id, notified_at__isnull=True).update(
        notified_at=timezone.now())
    if not claimed:
        return 0
    escalation = Escalation.objects.select_related(
        "ticket__category", "ticket__estate", "ticket__room", "ticket__assignee", "rule",
    ).get(pk=escalation_id)
    sent = 0
    for user in escalation.rule.recipients.exclude(email=""):
        send_templated(name="ticket-escalated", to=[user.email], language=user.language,
                       context={"user": user, "escalation": escalation,
                                "ticket": escalation.ticket})
        sent += 1
    return sent
