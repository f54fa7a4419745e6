import io
from datetime import timedelta
from itertools import pairwise

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, Max, Min, Q
from django.utils import timezone

from audit.models import AuditEntry
from inbox.models import Notification
from owners.models import Activity, Estate, Occupancy, Ownership, Party, Room, Vehicle
from scheduling.models import Event, Memo, Task
from service_tickets import followups
from service_tickets.choices import EventKind, FollowUpOutcome, Status
from service_tickets.models import (
    Category,
    Escalation,
    FollowUp,
    Notice,
    Territory,
    Ticket,
    TicketEvent,
    TicketMaterial,
)
from staff.choices import Role
from staff.demo import DEMO_PASSWORD, LOGINS
from staff.models import Department, User

pytestmark = pytest.mark.django_db

MODELS = [User, Department, Estate, Room, Party, Ownership, Occupancy, Vehicle, Activity,
          Category, Territory, Ticket, TicketEvent, FollowUp, TicketMaterial, Escalation,
          Notice, Event, Task, Memo, AuditEntry, Notification]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo data, loaded once for the module (seeding takes a while) and rolled back
    after it; each test runs in a savepoint inside."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        call_command("seed_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def _counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_a_second_run_creates_and_changes_nothing(seeded):
    # given the demo data
    before = _counts()
    last_change = Ticket.objects.aggregate(last=Max("updated_at"), version=Max("version"))
    # when seed_demo runs again
    call_command("seed_demo", stdout=io.StringIO())
    # then no row was added and no ticket changed
    assert _counts() == before
    assert Ticket.objects.aggregate(last=Max("updated_at"), version=Max("version")) == last_change


def test_seed_demo_gives_one_login_per_role_as_the_readme_lists(seeded, rf):
    assert {role for *_, role in LOGINS} == set(Role)
    for username, full_name, _dept, _title, role in LOGINS:
        user = authenticate(rf.post("/login/"), username=username, password=DEMO_PASSWORD)
        assert user is not None, username
        assert user.has_role(role)
        assert user.full_name == full_name
        assert user.department is not None


def test_demo_staff_have_chinese_names(seeded):
    names = list(User.objects.filter(username__startswith="staff")
                 .values_list("full_name", flat=True))
    assert len(names) == 24
    assert all("\u4e00" <= name[0] <= "\u9fff" for name in names)


def test_the_demo_company_runs_estates_of_every_kind_with_households(seeded):
    # then there are homes, an office tower and a shopping centre, each with people in it
    kinds = set(Estate.objects.values_list("kind", flat=True))
    assert {"residential", "office", "commercial"} <= kinds
    assert Estate.objects.count() >= 4
    assert Party.objects.count() >= 500
    for estate in Estate.objects.all():
        assert Ownership.objects.filter(room__estate=estate).count() >= 30, estate.name
    assert Occupancy.objects.filter(relation="tenant").exists()
    assert Occupancy.objects.filter(relation="family").exists()
    assert Vehicle.objects.count() >= 100
    # and each household change is on the timeline, on the day it began
    ownership = Ownership.objects.order_by("start_date").first()
    entry = Activity.objects.get(source="owners.ownership", source_id=str(ownership.pk))
    assert timezone.localtime(entry.occurred_at).date() == ownership.start_date


def test_months_of_closed_tickets_with_follow_ups_across_the_estates(seeded):
    closed = Ticket.objects.filter(status=Status.CLOSED)
    # then hundreds of tickets were closed after a satisfied follow-up, in most estates
    assert closed.count() >= 300
    assert closed.values("estate").distinct().count() >= 3
    assert (closed.filter(follow_ups__outcome=FollowUpOutcome.SATISFIED).distinct().count()
            == closed.count())
    span = Ticket.objects.aggregate(first=Min("created_at"), last=Max("created_at"))
    assert span["last"] - span["first"] >= timedelta(days=150)
    assert Ticket.objects.values("category").distinct().count() == Category.objects.count()
    assert Ticket.objects.values("source").distinct().count() >= 4
    assert Ticket.objects.values("priority").distinct().count() >= 3
    # and the history has what a real desk meets
    assert Ticket.objects.filter(reopen_count__gt=0, status=Status.CLOSED).count() >= 20
    assert Escalation.objects.filter(raised_by__isnull=False).exists()  # by the dispatcher
    assert Escalation.objects.filter(raised_by__isnull=True).exists()  # a repeat unsatisfied
    assert Ticket.objects.filter(status=Status.CANCELLED).exists()
    assert TicketEvent.objects.filter(action="hold").exists()
    assert TicketEvent.objects.filter(action="decline").exists()
    assert Ticket.objects.filter(chase_count__gt=0).exists()
    assert TicketMaterial.objects.count() >= 50
    complaints = Ticket.objects.filter(type="complaint", status=Status.CLOSED)
    assert complaints.count() >= 20
    assert not complaints.filter(Q(responsibility="") | Q(replied_at__isnull=True)).exists()
    assert FollowUp.objects.filter(outcome=FollowUpOutcome.NOT_REACHED).exists()
    # and some late: past their resolution time, or their acceptance time
    assert Ticket.objects.filter(resolved_at__gt=F("resolve_due")).count() >= 10
    assert Ticket.objects.filter(accepted_at__gt=F("accept_due")).count() >= 10
    # and a water-outage notice is in force now, with past notices linked to tickets
    now = timezone.now()
    assert Notice.objects.filter(kind="water", starts_at__lte=now, ends_at__gt=now).exists()
    assert Notice.objects.filter(ends_at__lt=now).count() >= 3
    assert Ticket.objects.filter(notice__isnull=False).exists()


def test_every_demo_ticket_keeps_the_invariants_of_the_services(seeded):
    tickets = list(Ticket.objects.all())
    events = {}
    for event in TicketEvent.objects.order_by("ticket_id", "created_at", "id"):
        events.setdefault(event.ticket_id, []).append(event)
    numbers = set()
    for ticket in tickets:
        history = events[ticket.pk]
        # numbered on the day it was logged, once
        assert ticket.number.startswith(f"GD{timezone.localtime(ticket.created_at):%Y%m%d}-")
        assert ticket.number not in numbers
        numbers.add(ticket.number)
        # clocks set from the moment it was logged
        assert ticket.accept_due > ticket.created_at
        assert ticket.resolve_due >= ticket.respond_due >= ticket.accept_due
        # times in the order things happened
        if ticket.accepted_at:
            assert ticket.accepted_at >= ticket.created_at
        if ticket.responded_at:
            assert ticket.responded_at >= ticket.accepted_at
        if ticket.resolved_at:
            assert ticket.resolved_at >= ticket.responded_at >= ticket.created_at
        if ticket.status == Status.CLOSED:
            assert ticket.closed_at >= ticket.followed_up_at >= ticket.resolved_at
        # the events begin with its creation, never go back in time, and end in its state
        assert history[0].kind == EventKind.CREATED
        assert history[0].created_at == ticket.created_at
        assert all(a.created_at <= b.created_at for a, b in pairwise(history))
        moves = [e for e in history if e.kind == EventKind.TRANSITION]
        assert (moves[-1].to_status if moves else Status.NEW) == ticket.status
        for before, after in pairwise(moves):
            assert after.from_status == before.to_status
        assert history[-1].created_at <= timezone.now()
    # and every ticket is on its caller's timeline
    on_timeline = set(Activity.objects.filter(source="service_tickets.ticket")
                      .values_list("source_id", flat=True))
    assert {str(t.pk) for t in tickets if t.party_id or t.room_id} <= on_timeline


def test_the_service_report_of_last_month_shows_believable_figures(seeded):
    # given last month
    today = timezone.localdate()
    last = today.replace(day=1) - timedelta(days=1)
    start, end = followups.month_bounds(last.year, last.month)
    # when the report is made
    report = followups.quality_report(start=start, end=end)
    # then it has figures a manager can read, neither empty nor perfect
    assert report.closed >= 60
    assert 75 <= report.first_time_rate < 100
    assert 75 <= report.satisfied_share < 100
    assert timedelta(minutes=5) < report.times["accept"] < timedelta(hours=12)
    assert report.times["accept"] * 3 < report.times["resolve"] < timedelta(days=5)
    dimensions = [value for _label, value in report.dimensions]
    assert all(value is not None for value in dimensions)
    assert max(dimensions) - min(dimensions) >= 0.3  # where the company falls short shows
    assert len(report.times_by_category) == Category.objects.count()


def test_open_work_is_waiting_now_and_staff_have_read_their_old_messages(seeded):
    # then the board and the follow-ups due list are not empty
    assert Ticket.objects.filter(status=Status.DONE).count() >= 5
    assert Ticket.objects.filter(status__in=["dispatched", "accepted", "in_progress",
                                             "on_hold", "new", "reopened"]).exists()
    technician = User.objects.get(username="technician")
    assert Ticket.objects.filter(assignee=technician).count() >= 50
    # and messages of last month were read
    month_ago = timezone.now() - timedelta(days=30)
    old = Notification.objects.filter(created_at__lt=month_ago)
    assert old.count() >= 100
    assert old.filter(read_at__isnull=True).count() < old.count() / 10
    # and escalations were told when they happened, not left for a worker to send now
    assert not Escalation.objects.filter(notified_at__isnull=True).exists()
    assert Notification.objects.filter(source__startswith="escalation:").count() >= 10


def test_demo_users_have_a_calendar_tasks_and_memos_around_today(seeded):
    today = timezone.localdate()
    for username in ["frontdesk", "dispatcher", "manager", "technician"]:
        user = User.objects.get(username=username)
        mine = Event.objects.filter(Q(organizer=user) | Q(attendances__user=user)).distinct()
        assert mine.exists(), username
    assert Event.objects.filter(rrule__startswith="FREQ=WEEKLY").exists()
    assert Event.objects.filter(ticket__isnull=False).exists()
    desk_tasks = Task.objects.filter(assignee__username="frontdesk")
    assert desk_tasks.filter(due_at__date__gte=today).exists()
    assert Task.objects.filter(status="done").exists()
    assert Memo.objects.filter(owner__username="frontdesk", pinned=True).exists()
    assert Task.objects.values("assignee").annotate(n=Count("id")).count() >= 3
