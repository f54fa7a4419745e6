"""Follow-ups (回访) after a ticket is done, and what they lead to; the owner's own rating;
the figures of the service-quality report.

A satisfied follow-up closes the ticket; an unsatisfied one reopens it for rework, and a
repeat (a ticket already reopened once) is escalated as well. A follow-up where the owner
could not be reached is recorded and leaves the ticket waiting.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Max,
    Q,
    QuerySet,
)
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from portal.stored_text import choice, message

from .choices import (
    QUALITY_DIMENSIONS,
    Action,
    EventKind,
    FollowUpMethod,
    FollowUpOutcome,
    FollowUpPolicy,
    Status,
    TicketType,
)
from .models import FollowUp, Ticket, TicketEvent
from .models.ticket import AWAITING_DUE
from .services import TransitionError, _locked, follow_up_required, ticket_act

DIMENSIONS = [name for name, _label in QUALITY_DIMENSIONS]
RATING_STATUSES = (Status.IN_PROGRESS, Status.DONE)
REPEAT_COMPLAINT_DAYS = 90


def follow_up_record(*, ticket_id: int, by, method: str, outcome: str,
                     overall: int | None = None, scores: dict | None = None,
                     comments: str = "", expected_version: int | None = None) -> FollowUp:
    """Record a follow-up of a done ticket and act on it: satisfied closes the ticket,
    unsatisfied reopens it (and escalates a repeat), not reached leaves it done."""
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
    if outcome == FollowUpOutcome.NOT_REACHED:
        # Nobody answered: there is no rating to keep.
        overall, scores = None, {}
    with transaction.atomic():
        ticket = _locked(ticket_id, expected_version)
        if ticket.status != Status.DONE:
            raise TransitionError(_("Only tickets that are “%(done)s” are followed up; this one "
                                    "is “%(status)s”.") % {
                "done": Status.DONE.label, "status": ticket.get_status_display()})
        now = timezone.now()
        follow_up = FollowUp(ticket=ticket, method=method, outcome=outcome, overall=overall,
                             comments=comments.strip(), recorded_by=by, created_at=now,
                             **scores)
        follow_up.full_clean()
        follow_up.save()
        said = {"outcome": choice(FollowUpOutcome, outcome),
                "method": choice(FollowUpMethod, method)}
        TicketEvent.objects.create(
            ticket=ticket, kind=EventKind.FOLLOW_UP, actor=by, created_at=now,
            note=comments.strip(),
            message=(message(gettext_noop("%(outcome)s · %(method)s · %(comments)s"),
                             comments=comments.strip(), **said) if comments.strip()
                     else message(gettext_noop("%(outcome)s · %(method)s"), **said)),
            data={"follow_up": follow_up.pk, "outcome": outcome, "overall": overall})
        if outcome == FollowUpOutcome.NOT_REACHED:
            return follow_up
        Ticket.objects.filter(pk=ticket.pk).update(followed_up_at=now, satisfaction=overall)
        if outcome == FollowUpOutcome.SATISFIED:
            ticket_act(ticket_id=ticket.pk, action=Action.CLOSE, by=by,
                       message=message(gettext_noop("Closed after a satisfied follow-up")))
        else:
            repeat = ticket.reopen_count >= 1
            ticket_act(ticket_id=ticket.pk, action=Action.REOPEN, by=None,
                       note=comments.strip(),
                       message=message(gettext_noop("Unsatisfied follow-up: %(comments)s"),
                                       comments=comments.strip()))
            if repeat:
                from .escalation import escalate_by_hand

                escalate_by_hand(ticket_id=ticket.pk, by=None, reason=message(gettext_noop(
                    "The owner is unsatisfied again after rework (reopened %(count)s times)"),
                    count=ticket.reopen_count + 1))
    return follow_up


def may_record_owner_rating(ticket: Ticket, user) -> bool:
    """The assignee, a helper, or a dispatcher may enter the owner's own rating."""
    if user.has_perm("service_tickets.change_ticket") or ticket.assignee_id == user.pk:
        return True
    return ticket.helpers.filter(pk=user.pk).exists()


def owner_rating_record(*, ticket_id: int, by, rating: int,
                        expected_version: int | None = None) -> Ticket:
    """The owner's own rating (1–5) of the work, given while it is in progress or done.

    Categories followed up "only when the owner has not rated" then need no follow-up: a
    done ticket leaves the list of follow-ups due."""
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError(_("The owner's rating is a whole number from 1 to 5."))
    with transaction.atomic():
        ticket = _locked(ticket_id, expected_version)
        if not may_record_owner_rating(ticket, by):
            raise PermissionDenied(_("Only the assignee, helpers and dispatchers enter the "
                                     "owner's rating."))
        if ticket.status not in RATING_STATUSES:
            raise TransitionError(_("The owner rates the work while it is in progress or done; "
                                    "this ticket is “%(status)s”.") % {
                "status": ticket.get_status_display()})
        before = ticket.owner_rating
        ticket.owner_rating = rating
        if ticket.status == Status.DONE and not follow_up_required(ticket):
            ticket.follow_up_due = None
        ticket.version += 1
        ticket.save()
        TicketEvent.objects.create(
            ticket=ticket, kind=EventKind.FOLLOW_UP, actor=by,
            message=message(gettext_noop("Owner's own rating: %(rating)s/5"), rating=rating),
            data={"owner_rating": rating, "before": before})
    return ticket


def not_followed_up(qs: QuerySet[Ticket], now=None) -> QuerySet[Ticket]:
    """Done tickets whose follow-up time has passed without one (partial index); give a
    later ``now`` to include those due soon."""
    now = now or timezone.now()
    return qs.filter(status=Status.DONE, followed_up_at__isnull=True,
                     follow_up_due__lt=now)


def awaiting_follow_up(qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Done tickets still owed a follow-up, with ``awaiting_due``: when it is (or was) due.

    Those given a follow-up time when they were done, and those that need one by the rule
    of ``services.follow_up_required`` (complaints; categories that always follow up, or do
    when the owner has not rated) but have none (done before their category asked for it):
    those are due since they were done. Ordered by ``awaiting_due, id`` through the partial
    index on that expression."""
    needed = (Q(follow_up_due__isnull=False) | Q(type=TicketType.COMPLAINT)
              | Q(category__follow_up_policy=FollowUpPolicy.ALWAYS)
              | Q(category__follow_up_policy=FollowUpPolicy.UNLESS_RATED,
                  owner_rating__isnull=True))
    return (qs.filter(needed, status=Status.DONE, followed_up_at__isnull=True)
            .annotate(awaiting_due=AWAITING_DUE))


def replies_overdue(qs: QuerySet[Ticket], now=None) -> QuerySet[Ticket]:
    """Complaints whose reply to the complainant is late (partial index on reply_due)."""
    now = now or timezone.now()
    return qs.filter(type=TicketType.COMPLAINT, replied_at__isnull=True,
                     reply_due__lt=now).exclude(status=Status.CANCELLED)


# --- The figures of the service-quality report and the dashboard -------------------------

ACCEPT_TIME = ExpressionWrapper(F("accepted_at") - F("created_at"), output_field=DurationField())
RESOLVE_TIME = ExpressionWrapper(F("resolved_at") - F("created_at"),
                                 output_field=DurationField())


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """The month in the current time zone (Asia/Shanghai unless the user chose another)."""
    zone = timezone.get_current_timezone()
    start = datetime(year, month, 1, tzinfo=zone)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=zone)
    return start, end


def satisfaction_figures(follow_ups: QuerySet[FollowUp]) -> dict:
    """Average overall rating and of each dimension, and the outcomes, in one query."""
    return follow_ups.order_by().aggregate(
        total=Count("id"),
        satisfied=Count("id", filter=Q(outcome=FollowUpOutcome.SATISFIED)),
        unsatisfied=Count("id", filter=Q(outcome=FollowUpOutcome.UNSATISFIED)),
        not_reached=Count("id", filter=Q(outcome=FollowUpOutcome.NOT_REACHED)),
        overall=Avg("overall"),
        **{name: Avg(name) for name in DIMENSIONS})


@dataclass
class QualityReport:
    start: datetime
    end: datetime
    closed: int
    first_time: int
    repeat_rooms: list[dict]
    repeat_since: datetime
    satisfaction: dict
    times: dict
    times_by_category: list[dict]

    @property
    def first_time_rate(self) -> Decimal | None:
        return share(self.first_time, self.closed)

    @property
    def satisfied_share(self) -> Decimal | None:
        s = self.satisfaction
        return share(s["satisfied"], s["satisfied"] + s["unsatisfied"])

    @property
    def unsatisfied_share(self) -> Decimal | None:
        s = self.satisfaction
        return share(s["unsatisfied"], s["satisfied"] + s["unsatisfied"])

    @property
    def dimensions(self) -> list[tuple[str, Decimal | None]]:
        return [(label, one_decimal(self.satisfaction[name]))
                for name, label in QUALITY_DIMENSIONS]


def quality_report(*, start: datetime, end: datetime, now: datetime | None = None
                   ) -> QualityReport:
    """The service-quality figures of a period, each aggregated by the database (five
    queries, whatever the number of tickets)."""
    now = now or timezone.now()
    closed = Ticket.objects.filter(status=Status.CLOSED, closed_at__gte=start,
                                   closed_at__lt=end).aggregate(
        closed=Count("id"), first_time=Count("id", filter=Q(reopen_count=0)))
    until = min(end, now)
    since = until - timedelta(days=REPEAT_COMPLAINT_DAYS)
    repeat_rooms = list(
        Ticket.objects.filter(type=TicketType.COMPLAINT, room__isnull=False,
                              created_at__gte=since, created_at__lt=until)
        .values("room_id", "room__code", "estate__name")
        .annotate(complaints=Count("id"), last=Max("created_at"))
        .filter(complaints__gte=2)
        .order_by("-complaints", "-last", "room_id")[:50])
    satisfaction = satisfaction_figures(
        FollowUp.objects.filter(created_at__gte=start, created_at__lt=end))
    created = Ticket.objects.filter(created_at__gte=start, created_at__lt=end).order_by()
    time_figures = {"tickets": Count("id"), "accepted": Count("accepted_at"),
                    "resolved": Count("resolved_at"), "accept": Avg(ACCEPT_TIME),
                    "resolve": Avg(RESOLVE_TIME)}
    times = created.aggregate(**time_figures)
    by_category = list(
        created.values("category_id", "category__name", "category__parent__name")
        .annotate(**time_figures)
        .order_by("category__parent__name", "category__name", "category_id"))
    return QualityReport(start=start, end=end, closed=closed["closed"],
                         first_time=closed["first_time"], repeat_rooms=repeat_rooms,
                         repeat_since=since, satisfaction=satisfaction, times=times,
                         times_by_category=by_category)


# --- How figures read ----------------------------------------------------------------------

def share(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` in per cent, one decimal rounded half up (92.5)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def one_decimal(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def percent_text(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}%"


def duration_text(value: timedelta | None) -> str:
    """A duration as people say it: 2 d 3 h, 3 h 15 min, 40 min."""
    if value is None:
        return "—"
    minutes = max(int(value.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(days)s d %(hours)s h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)s min") % {"minutes": minutes}


# --- Day by day ----------------------------------------------------------------------------

def daily_counts(tickets: QuerySet[Ticket], *, start: datetime, end: datetime
                 ) -> dict[str, dict]:
    """Tickets logged and tickets closed on each day of ``[start, end)`` in the current time
    zone, each counted by the database (two grouped queries, whatever the number of
    tickets). Days with none are missing from the answer."""
    zone = timezone.get_current_timezone()
    tickets = tickets.order_by()

    def per_day(field: str) -> dict:
        return dict(
            tickets.filter(**{f"{field}__gte": start, f"{field}__lt": end})
            .annotate(day=TruncDate(field, tzinfo=zone))
            .values("day").annotate(n=Count("id")).values_list("day", "n"))

    return {"logged": per_day("created_at"), "closed": per_day("closed_at")}
