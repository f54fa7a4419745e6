import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from workcalendar.clock import WorkCalendar, due_at
from workcalendar.models import CalendarDay
from workcalendar.services import official_year_load

SH = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


@pytest.fixture
def calendar(db):
    """The calendar as migrated: office hours and the official 2026 arrangement."""
    return WorkCalendar.load()


def test_2026_golden_week_and_its_make_up_days(calendar):
    assert not calendar.is_workday(dt.date(2026, 10, 1))  # National Day, a Thursday
    assert not calendar.is_workday(dt.date(2026, 10, 7))
    assert calendar.is_workday(dt.date(2026, 9, 20))  # Sunday, make-up workday
    assert calendar.is_workday(dt.date(2026, 10, 10))  # Saturday, make-up workday
    assert not calendar.is_workday(dt.date(2026, 10, 11))  # an ordinary Sunday


def test_two_working_hours_skip_lunch(calendar):
    assert calendar.add_working_time(at("2026-11-27 11:00"), dt.timedelta(hours=2)) == \
        at("2026-11-27 14:30")


def test_after_hours_work_starts_next_working_morning(calendar):
    # Friday evening → Monday 08:30 + 1 h.
    assert calendar.add_working_time(at("2026-11-27 19:00"), dt.timedelta(hours=1)) == \
        at("2026-11-30 09:30")


def test_a_day_before_national_day_runs_over_the_golden_week_to_the_make_up_days(calendar):
    # Wed 30 Sep 16:30 + 4 working hours: 1 h that day, holidays 1–7 Oct, Thu 8 Oct 3 h.
    assert calendar.add_working_time(at("2026-09-30 16:30"), dt.timedelta(hours=4)) == \
        at("2026-10-08 11:30")


def test_saturday_make_up_day_counts(calendar):
    assert calendar.add_working_time(at("2026-10-09 17:00"), dt.timedelta(hours=1)) == \
        at("2026-10-10 09:00")


def test_working_time_between_is_the_inverse(calendar):
    start = at("2026-09-30 16:30")
    for hours in (0.5, 1, 4, 7.5, 30):
        end = calendar.add_working_time(start, dt.timedelta(hours=hours))
        assert calendar.working_time_between(start, end) == dt.timedelta(hours=hours)
    assert calendar.working_time_between(at("2026-11-27 10:00"), at("2026-11-27 09:00")) == \
        dt.timedelta(0)


def test_times_in_utc_are_read_in_shanghai(calendar):
    start = dt.datetime(2026, 11, 27, 1, 0, tzinfo=dt.UTC)  # 09:00 in Shanghai
    due = calendar.add_working_time(start, dt.timedelta(hours=1))
    assert due == dt.datetime(2026, 11, 27, 2, 0, tzinfo=dt.UTC)


def test_around_the_clock_ignores_the_calendar(calendar):
    start = at("2026-10-01 23:00")
    assert due_at(start=start, duration=dt.timedelta(hours=2), around_the_clock=True,
                  calendar=calendar) == at("2026-10-02 01:00")
    assert due_at(start=start, duration=dt.timedelta(hours=2), around_the_clock=False,
                  calendar=calendar) == at("2026-10-08 10:30")


@pytest.mark.django_db
def test_a_manager_enters_a_year_the_official_data_lacks():
    with pytest.raises(CommandError, match="administration"):
        call_command("load_official_holidays", "2027")
    CalendarDay.objects.create(date=dt.date(2027, 1, 1), kind="holiday", name="元旦")
    calendar = WorkCalendar.load()
    assert calendar.add_working_time(at("2026-12-31 17:00"), dt.timedelta(hours=1)) == \
        at("2027-01-04 09:00")  # Fri 1 Jan off, weekend, Monday


@pytest.mark.django_db
def test_reloading_the_official_year_keeps_managers_changes():
    day = CalendarDay.objects.get(date=dt.date(2026, 10, 10))
    day.kind, day.source = "holiday", "manual"  # the company keeps this Saturday off
    day.save()
    official_year_load(year=2026)
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 10)).kind == "holiday"
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 1)).name == "国庆节"


@pytest.mark.django_db
def test_the_calendar_is_read_in_three_queries_with_its_confirmed_years(
        django_assert_num_queries):
    with django_assert_num_queries(3):
        calendar = WorkCalendar.load()
    with django_assert_num_queries(0):
        calendar.add_working_time(at("2026-01-01 00:00"), dt.timedelta(hours=2000))
        assert not calendar.is_provisional(at("2026-12-31 17:00"))
        assert calendar.is_provisional(at("2027-01-01 09:00"))


def test_a_calendar_without_working_time_fails_instead_of_looping():
    calendar = WorkCalendar.build(holidays=[], periods=[])
    with pytest.raises(ValueError):
        calendar.add_working_time(at("2026-01-01 00:00"), dt.timedelta(hours=1))


def test_managers_keep_the_calendar_in_admin_and_their_days_are_manual(manager, login):
    client = login(manager)
    assert client.get("/admin/workcalendar/calendarday/?q=国庆").status_code == 200
    assert client.get("/admin/workcalendar/workperiod/?q=08").status_code == 200
    response = client.post("/admin/workcalendar/calendarday/add/",
                           {"date": "2027-02-06", "kind": "holiday", "name": "春节"})
    assert response.status_code == 302
    assert CalendarDay.objects.get(date=dt.date(2027, 2, 6)).source == "manual"


def test_front_desk_cannot_change_the_calendar(front_desk, login):
    assert login(front_desk).get("/admin/workcalendar/calendarday/").status_code == 302
