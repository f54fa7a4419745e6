"""Follow-ups (回访) after a ticket is done, and what they lead to.

A satisfied follow-up closes the ticket; an unsatisfied one reopens it for rework, and a
repeat (a ticket already reopened once) is escalated as well. A follow-up where the owner
could not be reached is recorded and leaves the ticket waiting.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import QUALITY_DIMENSIONS, Action, EventKind, FollowUpOutcome, Status
from .models import FollowUp, Ticket, TicketEvent
from .services import TransitionError, _locked, ticket_act

DIMENSIONS = [name for name, _label in QUALITY_DIMENSIONS]


def follow_up_record(*, ticket_id: int, by, method: str, outcome: str,
                     overall: int | None = None, scores: dict | None = None,
                     comments: str = "", expected_version: int | None = None) -> FollowUp:
    if not by.has_perm("service_tickets.add_followup"):
        raise PermissionDenied(_("Only the desk, dispatchers and managers record follow-ups."))
    scores = {k: v for k, v in (scores or {}).items() if v is not None}
    unknown = set(scores) - set(DIMENSIONS)
    if unknown:
        raise ValidationError(_("Unknown quality dimension: %(names)s")
                              % {"names": ", ".join(sorted(unknown))})
    if outcome != FollowUpOutcome.NOT_REACHED and overall is None:
        raise ValidationError(_("Give the owner's overall rating (1–5)."))
    if outcome == FollowUpOutcome.UNSATISFIED and not comments.strip():
        raise ValidationError(_("Write down what the owner is unhappy about: it goes to the "
                                "people who rework the ticket."))
    with transaction.atomic():
        ticket = _locked(ticket_id, expected_version)
        if ticket.status != Status.DONE:
            raise TransitionError(_("Only tickets that are “%(done)s” are followed up; this one "
                                    "is “%(status)s”.") % {
                "done": Status.DONE.label, "status": ticket.get_status_display()})
        now = timezone.now()
        follow_up = FollowUp(ticket=ticket, method=method, outcome=outcome,
                             overall=overall if outcome != FollowUpOutcome.NOT_REACHED else None,
                             comments=comments.strip(), recorded_by=by, created_at=now,
                             **scores)
        follow_up.full_clean()
        follow_up.save()
        TicketEvent.objects.create(
            ticket=ticket, kind=EventKind.FOLLOW_UP, actor=by, created_at=now,
            note=" · ".join(filter(None, [follow_up.get_outcome_display(),
                                          follow_up.get_method_display(), comments.strip()])),
            data={"follow_up": follow_up.pk, "outcome": outcome, "overall": overall})
        if outcome == FollowUpOutcome.NOT_REACHED:
            return follow_up
        Ticket.objects.filter(pk=ticket.pk).update(followed_up_at=now, satisfaction=overall)
        if outcome == FollowUpOutcome.SATISFIED:
            ticket_act(ticket_id=ticket.pk, action=Action.CLOSE, by=by,
                       note=_("Closed after a satisfied follow-up"))
        else:
            repeat = ticket.reopen_count >= 1
            ticket_act(ticket_id=ticket.pk, action=Action.REOPEN, by=None,
                       note=_("Unsatisfied follow-up: %(comments)s") % {
                           "comments": comments.strip()})
            if repeat:
                from .escalation import escalate_by_hand

                escalate_by_hand(ticket_id=ticket.pk, by=None, reason=_(
                    "The owner is unsatisfied again after rework (reopened %(count)s times)")
                    % {"count": ticket.reopen_count + 1})
    return follow_up


def not_followed_up(qs: QuerySet[Ticket], now=None) -> QuerySet[Ticket]:
    """Done tickets whose follow-up time has passed without one (partial index)."""
    now = now or timezone.now()
    return qs.filter(status=Status.DONE, followed_up_at__isnull=True,
                     follow_up_due__lt=now)
