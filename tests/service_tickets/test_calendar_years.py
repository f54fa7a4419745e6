"""Due times in a year whose calendar nobody confirmed: provisional everywhere they show,
and worked out again (audited, with the ticket's holds) once the year is confirmed."""

import datetime as dt
import io
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from audit.models import AuditEntry
from inbox.models import Notification
from service_tickets.choices import Action, EventKind, Status
from service_tickets.models import Ticket, TicketEvent
from service_tickets.services import ticket_act, ticket_chase
from service_tickets.sla import due_times_recompute, due_times_resume
from tests.service_tickets.conftest import new_ticket
from tests.service_tickets.factories import CategoryFactory, SlaTargetFactory
from workcalendar.models import CalendarDay, CalendarYear
from workcalendar.services import calendar_year_confirm

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
NEW_YEARS_EVE = "2026-12-31 17:00"


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


@pytest.fixture
def worker():
    """Tasks sent on commit run here, in this process, as a worker would run them."""
    from config.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


@pytest.fixture
def unconfirmed_2027(db):
    """2026 confirmed (as migrated), 2027 not, and nothing entered for it yet."""
    assert CalendarYear.objects.filter(year=2026).exists()
    CalendarYear.objects.filter(year__gte=2027).delete()
    CalendarDay.objects.filter(date__year__gte=2027).delete()


def enter_new_years_day_2027():
    CalendarDay.objects.create(date=dt.date(2027, 1, 1), kind=CalendarDay.Kind.HOLIDAY,
                               name="元旦")


def logged_on_new_years_eve(world):
    with time_machine.travel(at(NEW_YEARS_EVE), tick=False):
        return new_ticket(world)


def test_a_ticket_logged_on_new_years_eve_is_due_provisionally_on_new_years_day(
        world, unconfirmed_2027):
    # Given nothing known of 2027 (Mon–Fri assumed), when a ticket is logged at 17:00
    ticket = logged_on_new_years_eve(world)
    # Then its 8 working hours end on 1 January: a time that is only provisional
    assert ticket.accept_due == at("2026-12-31 17:30")
    assert ticket.resolve_due == at("2027-01-01 17:30")
    from workcalendar.clock import WorkCalendar

    calendar = WorkCalendar.load()
    assert not calendar.is_provisional(ticket.accept_due)
    assert calendar.is_provisional(ticket.resolve_due)


def test_the_provisional_mark_shows_on_the_card_row_page_and_my_tickets(
        world, unconfirmed_2027, login):
    # Given a ticket due in 2027 and one due in 2026, assigned to the technician
    provisional = logged_on_new_years_eve(world)
    with time_machine.travel(at("2026-12-30 09:00"), tick=False):
        firm = new_ticket(world)
    for ticket in (provisional, firm):
        ticket_act(ticket_id=ticket.pk, action=Action.DISPATCH, by=world["dispatcher"],
                   to=world["tech"])
    with time_machine.travel(at("2026-12-31 18:00"), tick=False):
        dispatcher = login(world["dispatcher"])
        response = dispatcher.get(reverse("tickets:board"))
        assert response.status_code == 200, response
        board = response.content.decode()
        listing = dispatcher.get(reverse("tickets:list")).content.decode()
        page = dispatcher.get(reverse("tickets:detail", args=[provisional.pk])).content.decode()
        firm_page = dispatcher.get(reverse("tickets:detail", args=[firm.pk])).content.decode()
        mine = login(world["tech"]).get(reverse("tickets:my")).content.decode()
    # Then the 2027 time is marked once wherever it shows, and the 2026 one never
    for name, html in (("board", board), ("list", listing), ("mine", mine)):
        assert html.count('data-testid="provisional"') == 1, name
    # The ticket page: resolve by (2027) and respond by (2027), not accept by (2026)
    assert page.count('data-testid="provisional"') == 2
    assert 'data-testid="provisional"' not in firm_page


def test_the_api_says_which_running_due_times_are_provisional(world, unconfirmed_2027, login):
    ticket = logged_on_new_years_eve(world)
    with time_machine.travel(at("2026-12-31 18:00"), tick=False):
        body = login(world["dispatcher"]).get(reverse("ticket-detail", args=[ticket.pk])).json()
    assert body["accept_due_provisional"] is False
    assert body["respond_due_provisional"] is True
    assert body["resolve_due_provisional"] is True


def test_the_api_list_reads_the_confirmed_years_once_whatever_the_number_of_tickets(
        world, unconfirmed_2027, login, django_assert_max_num_queries):
    client = login(world["dispatcher"])
    logged_on_new_years_eve(world)
    with django_assert_max_num_queries(30) as few:
        assert client.get(reverse("ticket-list")).status_code == 200
    for _ in range(4):
        logged_on_new_years_eve(world)
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(reverse("ticket-list")).json()
    assert all(row["resolve_due_provisional"] for row in body["results"])


def test_the_export_marks_provisional_resolution_times(
        world, unconfirmed_2027, login, worker, django_capture_on_commit_callbacks):
    provisional = logged_on_new_years_eve(world)
    with time_machine.travel(at("2026-12-30 09:00"), tick=False):
        firm = new_ticket(world)
    client = login(world["dispatcher"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("tickets:export"), {"query": urlencode({"status": "all"})})
    message = Notification.objects.filter(recipient=world["dispatcher"]).latest("id")
    download = client.get(message.url)
    rows = list(load_workbook(io.BytesIO(b"".join(download.streaming_content)))
                .worksheets[0].values)
    with translation.override("zh-hans"):
        column = rows[0].index(translation.gettext("Resolve by is provisional"))
        yes = translation.gettext("Yes")
    by_number = {row[0]: row for row in rows[1:]}
    assert by_number[provisional.number][column] == yes
    assert by_number[firm.number][column] in ("", None)


def test_confirming_2027_recomputes_the_open_tickets_due_times_as_an_audited_change(
        world, unconfirmed_2027, manager, worker, django_capture_on_commit_callbacks):
    # Given a ticket due provisionally on New Year's Day, and 元旦 entered by a manager
    ticket = logged_on_new_years_eve(world)
    version = ticket.version
    enter_new_years_day_2027()
    # When the manager confirms 2027 (the recomputation runs on commit, on the worker)
    with time_machine.travel(at("2026-12-31 18:00"), tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        calendar_year_confirm(year=2027, by=manager, source=CalendarDay.Source.MANUAL)
    # Then its running clocks skip the holiday and the weekend after it
    ticket.refresh_from_db()
    assert ticket.accept_due == at("2026-12-31 17:30")  # in 2026: unchanged
    assert ticket.respond_due == at("2027-01-04 10:00")
    assert ticket.resolve_due == at("2027-01-04 17:30")
    assert ticket.resolve_warn_at == at("2027-01-04 15:30")
    # And the change is on the ticket's history and in the audit log, with before and after
    event = ticket.events.get(kind=EventKind.CLOCKS)
    assert event.actor is None and event.data["calendar_year"] == 2027
    parse = dt.datetime.fromisoformat
    assert parse(event.data["before"]["resolve_due"]) == at("2027-01-01 17:30")
    assert parse(event.data["after"]["resolve_due"]) == at("2027-01-04 17:30")
    audit = AuditEntry.objects.get(action="service_tickets.due_times_recomputed")
    assert audit.target_id == str(ticket.pk) and audit.details == event.data
    confirmed = AuditEntry.objects.get(action="workcalendar.year_confirmed")
    assert confirmed.actor == manager and confirmed.details["year"] == 2027
    assert CalendarYear.objects.get(year=2027).recomputed_at is not None
    # And the version stays, so nobody's open form goes stale
    assert ticket.version == version


def test_recomputing_gives_back_the_time_on_hold_as_the_clock_did(
        world, unconfirmed_2027):
    # Given a ticket logged 09:00 on 31 Dec, held at 10:00 and resumed on 1 Jan at 09:00
    with time_machine.travel(at("2026-12-31 09:00"), tick=False):
        ticket = new_ticket(world)
        ticket_act(ticket_id=ticket.pk, action=Action.DISPATCH, by=world["dispatcher"],
                   to=world["tech"])
        ticket_act(ticket_id=ticket.pk, action=Action.ACCEPT, by=world["tech"])
        ticket_act(ticket_id=ticket.pk, action=Action.START, by=world["tech"])
    with time_machine.travel(at("2026-12-31 10:00"), tick=False):
        ticket_act(ticket_id=ticket.pk, action=Action.HOLD, by=world["tech"],
                   note="等配件")
    with time_machine.travel(at("2027-01-01 09:00"), tick=False):
        ticket = ticket_act(ticket_id=ticket.pk, action=Action.RESUME, by=world["tech"])
    # 7 of 8 hours were left: on a Mon–Fri 1 January they end the same day
    assert ticket.resolve_due == at("2027-01-01 17:30")
    # When 2027 is confirmed with 元旦 a holiday
    enter_new_years_day_2027()
    with time_machine.travel(at("2027-01-01 10:00"), tick=False):
        CalendarYear.objects.create(year=2027, source="manual", confirmed_at=at(
            "2027-01-01 10:00"))
        changed = due_times_recompute(year=2027)
    # Then the 7 hours left run from the resume on the first working day: Monday 4 Jan
    ticket.refresh_from_db()
    assert changed == 1
    assert ticket.resolve_due == at("2027-01-04 17:00")
    # And the accept and respond clocks, met before the hold, are left as they were
    assert ticket.accept_due == at("2026-12-31 09:30")


def test_recomputing_follows_a_priority_raised_by_chasing(world, unconfirmed_2027):
    SlaTargetFactory(category=world["category"], priority="high", accept_minutes=15,
                     respond_minutes=60, resolve_minutes=240)
    ticket = logged_on_new_years_eve(world)
    with time_machine.travel(at("2026-12-31 17:10"), tick=False):
        ticket = ticket_chase(ticket_id=ticket.pk, by=world["desk"], raise_priority=True)
    # 4 working hours less than the 7 h 50 left at 17:10: 17:30, then 3 h 30 on 1 Jan
    assert ticket.priority == "high" and ticket.resolve_due == at("2027-01-01 12:00")
    enter_new_years_day_2027()
    CalendarYear.objects.create(year=2027, source="manual", confirmed_at=at(NEW_YEARS_EVE))
    due_times_recompute(year=2027)
    ticket.refresh_from_db()
    assert ticket.resolve_due == at("2027-01-04 12:00")


def test_recomputing_again_changes_nothing_and_leaves_finished_and_earlier_tickets_alone(
        world, unconfirmed_2027):
    # Given an open ticket due in 2027, a closed one and one due within 2026
    due_in_2027 = logged_on_new_years_eve(world)
    closed = logged_on_new_years_eve(world)
    Ticket.objects.filter(pk=closed.pk).update(status=Status.CLOSED)
    with time_machine.travel(at("2026-12-28 09:00"), tick=False):
        early = new_ticket(world)
    enter_new_years_day_2027()
    CalendarYear.objects.create(year=2027, source="manual", confirmed_at=at(NEW_YEARS_EVE))
    # When the recomputation runs twice
    assert due_times_recompute(year=2027) == 1
    events = TicketEvent.objects.count()
    assert due_times_recompute(year=2027) == 0
    # Then the second run wrote nothing, and only the open 2027 ticket moved
    assert TicketEvent.objects.count() == events
    assert set(TicketEvent.objects.filter(kind=EventKind.CLOCKS)
               .values_list("ticket_id", flat=True)) == {due_in_2027.pk}
    closed.refresh_from_db()
    assert closed.resolve_due == at("2027-01-01 17:30")
    assert Ticket.objects.get(pk=early.pk).resolve_due == early.resolve_due


def test_a_recomputation_whose_message_was_lost_is_sent_again_by_the_scan(
        world, unconfirmed_2027, worker, django_capture_on_commit_callbacks):
    # Given 2027 confirmed a quarter of an hour ago, its recomputation never reported done
    ticket = logged_on_new_years_eve(world)
    enter_new_years_day_2027()
    CalendarYear.objects.create(year=2027, source="manual", confirmed_at=at(NEW_YEARS_EVE))
    # When the every-minute scan runs
    with time_machine.travel(at("2026-12-31 17:15"), tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        assert due_times_resume() == [2027]
    # Then the worker recomputed it, and the next scan sends nothing
    ticket.refresh_from_db()
    assert ticket.resolve_due == at("2027-01-04 17:30")
    with time_machine.travel(at("2026-12-31 17:30"), tick=False):
        assert due_times_resume() == []


def test_a_subcategory_under_a_24x7_category_inherits_the_flag_with_the_targets(world):
    # Given an around-the-clock category whose subcategory has no targets of its own
    world["category"].around_the_clock = True
    world["category"].save()
    child = CategoryFactory(name="爆管", code="burst", parent=world["category"])
    assert child.around_the_clock is False
    # When a ticket of the subcategory is logged on National Day at 23:00
    with time_machine.travel(at("2026-10-01 23:00"), tick=False):
        ticket = _child_ticket(world, child)
    # Then its 8 hours run day and night, as the parent's do
    assert ticket.resolve_due == at("2026-10-02 07:00")


def test_a_subcategory_with_targets_of_its_own_keeps_its_own_working_hours(world):
    world["category"].around_the_clock = True
    world["category"].save()
    child = CategoryFactory(name="墙面渗水", code="seep", parent=world["category"])
    SlaTargetFactory(category=child, priority="normal", accept_minutes=30,
                     respond_minutes=120, resolve_minutes=480)
    with time_machine.travel(at("2026-11-27 16:00"), tick=False):
        ticket = _child_ticket(world, child)
    assert ticket.resolve_due == at("2026-11-30 16:30")  # in working hours, lunch skipped


def _child_ticket(world, category):
    from service_tickets.services import ticket_create

    return ticket_create(by=world["desk"], type="repair", source="phone", category=category,
                         description="楼上爆管", room=world["room"])
