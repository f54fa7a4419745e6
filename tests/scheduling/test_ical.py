"""iCalendar: the private feed (address, privacy, revocation, queries) and one event."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from scheduling.models import Attendance, CalendarFeed, Event, EventException
from scheduling.recurrence import series_end_of
from staff.choices import Role
from tests.staff.factories import DepartmentFactory, UserFactory

SH = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 11, 27, 8, 0, tzinfo=SH)


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


def make_event(organizer, start: str, *, minutes: int = 60, attendees=(), **fields) -> Event:
    """An event row as the services leave it: its series end, the organiser attending,
    and the attendances carrying the event's times."""
    begin = at(start)
    end = begin + dt.timedelta(minutes=minutes)
    rrule = fields.pop("rrule", "")
    event = Event.objects.create(organizer=organizer, title=fields.pop("title", "物业例会"),
                                 start=begin, end=end, rrule=rrule,
                                 series_end=series_end_of(start=begin, end=end, rrule=rrule),
                                 **fields)
    times = {"event_start": event.start, "event_until": event.series_end,
             "event_repeats": bool(rrule)}
    Attendance.objects.create(event=event, user=organizer, response="accepted", **times)
    for user, response in attendees:
        Attendance.objects.create(event=event, user=user, response=response, **times)
    return event


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def me(db):
    return UserFactory(username="me", role=Role.FRONT_DESK)


@pytest.fixture
def colleague(db):
    return UserFactory(username="colleague", role=Role.DISPATCHER)


def feed_url(user) -> str:
    feed, _ = CalendarFeed.objects.get_or_create(user=user, defaults={"token": f"t-{user.pk}"})
    return reverse("scheduling:feed_ics", args=[feed.token])


def parse(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def events_of(calendar: Calendar) -> list:
    return [c for c in calendar.walk("VEVENT")]


def titles(calendar: Calendar) -> list[str]:
    return sorted(str(c["SUMMARY"]) for c in events_of(calendar))


# --- the feed address page ---------------------------------------------------------------

@pytest.mark.django_db
def test_feed_page_needs_a_login_and_a_role(client, no_role_user, login):
    url = reverse("scheduling:feed")
    assert client.get(url).status_code == 302
    assert login(no_role_user).get(url).status_code == 403
    assert login(no_role_user).post(url, {"action": "create"}).status_code == 403


@pytest.mark.django_db
def test_a_new_address_replaces_the_old_and_revoking_ends_it(me, login):
    browser = login(me)
    page = reverse("scheduling:feed")
    assert b'data-testid="feed-create"' in browser.get(page).content
    assert browser.post(page, {"action": "create"}).status_code == 302
    first = CalendarFeed.objects.get(user=me).token
    assert len(first) >= 40
    assert first.encode() in browser.get(page).content
    assert Client().get(reverse("scheduling:feed_ics", args=[first])).status_code == 200

    browser.post(page, {"action": "create"})  # regenerate
    second = CalendarFeed.objects.get(user=me).token
    assert second != first
    assert Client().get(reverse("scheduling:feed_ics", args=[first])).status_code == 404
    assert Client().get(reverse("scheduling:feed_ics", args=[second])).status_code == 200

    browser.post(page, {"action": "revoke"})
    assert not CalendarFeed.objects.filter(user=me).exists()
    assert Client().get(reverse("scheduling:feed_ics", args=[second])).status_code == 404


@pytest.mark.django_db
def test_an_unknown_token_or_an_inactive_user_gets_404(me):
    assert Client().get(reverse("scheduling:feed_ics", args=["nope"])).status_code == 404
    url = feed_url(me)
    me.is_active = False
    me.save()
    assert Client().get(url).status_code == 404


# --- the feed ----------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_feed_is_valid_icalendar_without_a_login(me):
    make_event(me, "2026-11-28 10:00", place="会议室", notes="带上报表")
    make_event(me, "2026-11-30 00:00", minutes=24 * 60, all_day=True, title="全天培训")
    calendar = parse(Client().get(feed_url(me)))
    assert calendar["VERSION"] == "2.0"
    assert str(calendar["PRODID"])
    assert calendar["X-WR-TIMEZONE"] == "Asia/Shanghai"
    components = events_of(calendar)
    assert len(components) == 2
    for component in components:
        for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
            assert required in component
    timed = next(c for c in components if c["SUMMARY"] == "物业例会")
    assert timed.decoded("DTSTART") == at("2026-11-28 10:00")
    assert timed.decoded("DTSTART").utcoffset() == dt.timedelta(0)  # UTC
    assert timed["LOCATION"] == "会议室"
    all_day = next(c for c in components if c["SUMMARY"] == "全天培训")
    assert all_day.decoded("DTSTART") == dt.date(2026, 11, 30)
    assert all_day.decoded("DTEND") == dt.date(2026, 12, 1)


@pytest.mark.django_db
def test_a_feed_never_shows_events_its_owner_is_not_in(me, colleague):
    make_event(me, "2026-11-28 09:00", title="我的私事", private=True)
    make_event(colleague, "2026-11-28 10:00", title="同事的私事", private=True)
    make_event(colleague, "2026-11-28 11:00", title="同事的公开会议")
    make_event(colleague, "2026-11-28 12:00", title="邀请我的会议", attendees=[(me, "pending")])
    make_event(colleague, "2026-11-28 13:00", title="邀请我的私密会议", private=True,
               attendees=[(me, "accepted")])
    make_event(colleague, "2026-11-28 14:00", title="我拒绝的会议", attendees=[(me, "declined")])
    make_event(me, "2026-11-28 15:00", title="已取消", cancelled_at=NOW)
    mine = parse(Client().get(feed_url(me)))
    assert titles(mine) == sorted(["我的私事", "邀请我的会议", "邀请我的私密会议"])
    private = next(c for c in events_of(mine) if c["SUMMARY"] == "我的私事")
    assert private["CLASS"] == "PRIVATE"
    theirs = Client().get(feed_url(colleague))
    assert "我的私事".encode() not in theirs.content
    assert titles(parse(theirs)) == sorted(["同事的私事", "同事的公开会议", "邀请我的会议",
                                            "邀请我的私密会议", "我拒绝的会议"])


@pytest.mark.django_db
def test_repeating_events_are_expanded_without_cancelled_and_with_moved_occurrences(me):
    event = make_event(me, "2026-11-27 10:00", rrule="FREQ=DAILY;COUNT=4")
    EventException.objects.create(event=event, original_start=at("2026-11-28 10:00"),
                                  cancelled=True)
    EventException.objects.create(event=event, original_start=at("2026-11-29 10:00"),
                                  start=at("2026-11-29 15:00"), end=at("2026-11-29 16:00"),
                                  title="改到下午")
    components = events_of(parse(Client().get(feed_url(me))))
    starts = sorted(c.decoded("DTSTART") for c in components)
    assert starts == [at("2026-11-27 10:00"), at("2026-11-29 15:00"), at("2026-11-30 10:00")]
    assert len({str(c["UID"]) for c in components}) == 3
    assert "改到下午" in [str(c["SUMMARY"]) for c in components]


@pytest.mark.django_db
def test_the_feed_covers_one_month_back_to_six_months_ahead(me):
    make_event(me, "2026-10-01 10:00", title="太早")
    make_event(me, "2026-11-01 10:00", title="上个月")
    make_event(me, "2027-05-01 10:00", title="半年内")
    make_event(me, "2027-07-01 10:00", title="太晚")
    assert titles(parse(Client().get(feed_url(me)))) == ["上个月", "半年内"]


@pytest.mark.django_db
def test_the_feed_reads_a_constant_number_of_queries(me, colleague):
    url = feed_url(me)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert Client().get(url).status_code == 200
        return len(captured)

    make_event(me, "2026-11-28 10:00", attendees=[(colleague, "accepted")])
    few = queries()
    for day in range(1, 6):
        event = make_event(colleague, f"2026-12-0{day} 10:00", rrule="FREQ=WEEKLY;COUNT=3",
                           attendees=[(me, "accepted"), (UserFactory(), "pending")])
        EventException.objects.create(event=event, original_start=event.start, cancelled=True)
    assert queries() == few


# --- one event as a file -----------------------------------------------------------------

@pytest.mark.django_db
def test_one_event_downloads_with_its_rule_exceptions_and_time_zone(me, login):
    event = make_event(me, "2026-11-30 09:00", rrule="FREQ=WEEKLY;BYDAY=MO;COUNT=4",
                       title="周一例会")
    EventException.objects.create(event=event, original_start=at("2026-12-07 09:00"),
                                  cancelled=True)
    EventException.objects.create(event=event, original_start=at("2026-12-14 09:00"),
                                  start=at("2026-12-15 09:00"), end=at("2026-12-15 10:00"))
    response = login(me).get(reverse("scheduling:event_ics", args=[event.pk]))
    calendar = parse(response)
    assert "attachment" in response["Content-Disposition"]
    assert calendar["X-WR-TIMEZONE"] == "Asia/Shanghai"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    master, override = events_of(calendar)
    assert master["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert master.decoded("DTSTART") == at("2026-11-30 09:00")
    assert master["RRULE"].to_ical() == b"FREQ=WEEKLY;COUNT=4;BYDAY=MO"
    assert [d.dt for d in master["EXDATE"].dts] == [at("2026-12-07 09:00")]
    assert override["UID"] == master["UID"]
    assert override.decoded("RECURRENCE-ID") == at("2026-12-14 09:00")
    assert override.decoded("DTSTART") == at("2026-12-15 09:00")
    for component in (master, override):
        for required in ("UID", "DTSTAMP", "DTSTART", "DTEND"):
            assert required in component


@pytest.mark.django_db
def test_one_event_downloads_only_for_those_who_may_see_its_details(me, colleague, manager,
                                                                   client, login):
    same_department = UserFactory(role=Role.FRONT_DESK, department=me.department)
    elsewhere = UserFactory(role=Role.FRONT_DESK,
                            department=DepartmentFactory(code="security"))
    public = make_event(me, "2026-11-28 10:00", title="公开")
    private = make_event(me, "2026-11-28 11:00", title="私密", private=True,
                         attendees=[(colleague, "declined")])
    url = lambda event: reverse("scheduling:event_ics", args=[event.pk])  # noqa: E731
    assert client.get(url(public)).status_code == 302  # anonymous: to the login page
    assert login(same_department).get(url(public)).status_code == 200
    assert login(manager).get(url(public)).status_code == 200
    assert login(elsewhere).get(url(public)).status_code == 404
    for outsider in (same_department, manager, elsewhere):
        response = login(outsider).get(url(private))
        assert response.status_code == 404
        assert "私密".encode() not in response.content
    assert login(colleague).get(url(private)).status_code == 200  # invited
    assert login(me).get(reverse("scheduling:event_ics", args=[999999])).status_code == 404
