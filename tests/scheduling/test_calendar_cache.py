"""The calendar cache (``scheduling.calendar_cache``): a second read of a person's week
costs no query, and every way an event, answer or occurrence changes drops what was
cached, for everyone concerned, once the change commits."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import transaction

from scheduling import calendar_cache, services
from scheduling.models import Event
from scheduling.selectors import calendar_for
from staff.choices import Role
from tests.scheduling.factories import EventFactory, at, series
from tests.staff.factories import UserFactory

WEEK = (at("2026-03-02 00:00"), at("2026-03-09 00:00"))


@pytest.fixture(autouse=True)
def _cached(settings):
    settings.CALENDAR_CACHE_SECONDS = 300
    cache.clear()


@pytest.fixture
def organizer(db):
    return UserFactory(full_name="王调度", role=Role.DISPATCHER)


@pytest.fixture
def guest(db):
    return UserFactory(full_name="李工", role=Role.SERVICE_STAFF)


def titles(user, viewer=None):
    """What ``user``'s week shows to ``viewer`` (themselves by default)."""
    viewer = viewer or user
    return [row["title"] for row in calendar_for(viewer=viewer, users=[user],
                                                 start=WEEK[0], end=WEEK[1])[user.pk]]


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Runs a change as if it were committed (the test's own transaction never is)."""
    def run(change, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return change(*args, **kwargs)
    return run


def test_a_second_read_comes_from_the_cache(organizer, guest, django_assert_num_queries):
    EventFactory(organizer=organizer, title="周例会", attendees=[guest])
    series(organizer, "2026-03-02 08:00", "FREQ=DAILY;COUNT=5", title="晨会")
    first = calendar_cache.occurrences_of([organizer.pk, guest.pk], *WEEK)
    with django_assert_num_queries(0):
        again = calendar_cache.occurrences_of([organizer.pk, guest.pk], *WEEK)
    assert again == first
    assert [entry[5] for entry in again[organizer.pk]] == ["晨会", "周例会", *["晨会"] * 4]
    assert [entry[5] for entry in again[guest.pk]] == ["周例会"]


def test_people_read_together_or_alone_get_the_same(organizer, guest):
    EventFactory(organizer=organizer, title="周例会", attendees=[guest])
    alone = calendar_cache.occurrences_of([guest.pk], *WEEK)
    together = calendar_cache.occurrences_of([organizer.pk, guest.pk], *WEEK)
    assert together[guest.pk] == alone[guest.pk]


def test_creating_an_event_shows_it_to_everyone_invited(organizer, guest, commit):
    assert titles(organizer) == titles(guest) == []
    commit(services.event_create, by=organizer, kind="meeting", title="消防演练",
           start=at("2026-03-03 10:00"), end=at("2026-03-03 11:00"), attendees=[guest])
    assert titles(organizer) == titles(guest) == ["消防演练"]


def test_every_change_of_an_event_reaches_the_cached_calendars(organizer, guest, commit):
    third = UserFactory(full_name="赵工", role=Role.SERVICE_STAFF)
    event = commit(services.event_create, by=organizer, kind="meeting", title="消防演练",
                   start=at("2026-03-03 10:00"), end=at("2026-03-03 11:00"),
                   attendees=[guest])
    assert titles(guest) == ["消防演练"] and titles(third) == []

    event = commit(services.event_update, event_id=event.pk, by=organizer,
                   expected_version=event.version, title="消防演练（改）")
    assert titles(guest) == ["消防演练（改）"]

    event = commit(services.event_update, event_id=event.pk, by=organizer,
                   expected_version=event.version, attendees=[third])
    assert titles(guest) == [] and titles(third) == ["消防演练（改）"]

    event = commit(services.event_update, event_id=event.pk, by=organizer,
                   expected_version=event.version, start=at("2026-03-10 10:00"),
                   end=at("2026-03-10 11:00"))
    assert titles(third) == [] and titles(organizer) == []


def test_an_answer_changes_the_calendar_it_is_in(organizer, guest, commit):
    event = EventFactory(organizer=organizer, title="周例会", attendees=[guest])
    assert titles(guest, viewer=organizer) == ["周例会"]
    commit(services.attendance_respond, event_id=event.pk, user=guest, response="declined")
    assert titles(guest, viewer=organizer) == []  # declined: not busy
    assert calendar_for(viewer=guest, users=[guest], start=WEEK[0],
                        end=WEEK[1])[guest.pk][0]["response"] == "declined"


def test_one_occurrence_changed_or_cancelled(organizer, guest, commit):
    event = series(organizer, "2026-03-02 08:00", "FREQ=DAILY;COUNT=3", title="晨会",
                   attendees=[guest])
    assert titles(guest) == ["晨会"] * 3
    event = commit(services.event_update, event_id=event.pk, by=organizer,
                   expected_version=event.version, scope="this",
                   occurrence_start=at("2026-03-03 08:00"), title="晨会（延后）",
                   start=at("2026-03-03 09:00"), end=at("2026-03-03 10:00"))
    assert titles(guest) == ["晨会", "晨会（延后）", "晨会"]
    commit(services.event_cancel, event_id=event.pk, by=organizer, scope="this",
           occurrence_start=at("2026-03-04 08:00"))
    assert titles(guest) == ["晨会", "晨会（延后）"]
    commit(services.event_cancel, event_id=event.pk, by=organizer)
    assert titles(guest) == titles(organizer) == []


def test_changes_outside_the_services_reach_the_cache_too(organizer, guest, commit):
    """The admin and the shell save and delete rows one by one: the signals drop them."""
    event = EventFactory(organizer=organizer, title="周例会", attendees=[guest])
    assert titles(guest) == ["周例会"]
    event.title = "月例会"
    commit(event.save)
    assert titles(guest) == ["月例会"]
    commit(Event.objects.filter(pk=event.pk).delete)
    assert titles(guest) == titles(organizer) == []


def test_a_change_is_seen_only_after_it_commits(organizer, guest):
    """Until the transaction commits, other readers keep the old calendar (which is
    what the database still shows them); the commit drops it."""
    event = EventFactory(organizer=organizer, title="周例会", attendees=[guest])
    assert titles(guest) == ["周例会"]
    with transaction.atomic():
        event.title = "月例会"
        event.save()
        assert titles(guest) == ["周例会"]  # cached: the commit has not happened
    # The test's own transaction never commits, so the drop never ran.
    assert cache.get(calendar_cache._generation_key(guest.pk)) is not None


def test_what_a_reader_stores_after_a_change_committed_is_never_read(organizer, guest):
    """A reader that took the generation before a change committed stores what it read
    under that generation; the change dropped it, so the next reader reads afresh."""
    event = EventFactory(organizer=organizer, title="周例会", attendees=[guest])
    before = calendar_cache._generations([guest.pk])[guest.pk]
    event.title = "月例会"
    Event.objects.filter(pk=event.pk).update(title="月例会")
    cache.delete_many([calendar_cache._generation_key(guest.pk)])  # what the commit does
    stale = {calendar_cache._entry_key(guest.pk, before, *WEEK): [("stale",)]}
    cache.set_many(stale, 300)
    assert titles(guest) == ["月例会"]


def test_without_the_setting_nothing_is_cached(settings, organizer,
                                              django_assert_num_queries):
    settings.CALENDAR_CACHE_SECONDS = 0
    EventFactory(organizer=organizer, title="周例会")
    calendar_cache.occurrences_of([organizer.pk], *WEEK)
    with django_assert_num_queries(1):
        calendar_cache.occurrences_of([organizer.pk], *WEEK)
    assert cache.get(calendar_cache._generation_key(organizer.pk)) is None


def test_ranges_are_cached_apart(organizer):
    EventFactory(organizer=organizer, title="周例会")
    EventFactory(organizer=organizer, title="下周例会",
                 start=at("2026-03-09 09:00"), end=at("2026-03-09 10:00"))
    week = calendar_cache.occurrences_of([organizer.pk], *WEEK)
    following = calendar_cache.occurrences_of(
        [organizer.pk], WEEK[0] + timedelta(days=7), WEEK[1] + timedelta(days=7))
    assert [e[5] for e in week[organizer.pk]] == ["周例会"]
    assert [e[5] for e in following[organizer.pk]] == ["下周例会"]


# --- the team week, kept whole ------------------------------------------------------------

def team_week(client, *members):
    from django.urls import reverse

    query = "&".join(f"users={m.pk}" for m in members)
    response = client.get(reverse("scheduling:team") + f"?view=week&date=2026-03-02&{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_the_team_week_is_built_once_until_a_calendar_in_it_changes(organizer, guest, login,
                                                                    commit):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    viewer = UserFactory(full_name="赵经理", role=Role.MANAGER)
    event = EventFactory(organizer=organizer, title="周例会", attendees=[guest])
    client = login(viewer)
    with CaptureQueriesContext(connection) as first:
        assert "周例会" in team_week(client, organizer, guest)
    with CaptureQueriesContext(connection) as again:
        assert team_week(client, organizer, guest).count('title="周例会"') == 2
    assert not any("scheduling_attendance" in q["sql"] for q in again.captured_queries)
    assert any("scheduling_attendance" in q["sql"] for q in first.captured_queries)

    commit(services.event_update, event_id=event.pk, by=organizer,
           expected_version=event.version, title="月例会")
    page = team_week(client, organizer, guest)
    assert page.count('title="月例会"') == 2 and "周例会" not in page


def test_the_cached_team_week_follows_what_the_viewer_may_see(db, login, commit):
    from staff.models import Department

    works, desk = (Department.objects.create(name=n, code=c)
                   for n, c in (("工程部", "works"), ("客服部", "desk")))
    tech = UserFactory(full_name="李工", role=Role.SERVICE_STAFF, department=works)
    viewer = UserFactory(full_name="王前台", role=Role.FRONT_DESK, department=desk)
    EventFactory(organizer=tech, title="检修水泵")
    client = login(viewer)
    assert "检修水泵" not in team_week(client, tech)  # another department: busy only
    viewer.department = works
    viewer.save()
    assert "检修水泵" in team_week(login(viewer), tech)  # now the same department
    tech.department = desk
    tech.save()
    assert "检修水泵" not in team_week(login(viewer), tech)
    EventFactory(organizer=tech, title="交接班", attendees=[viewer],
                 start=at("2026-03-03 09:00"), end=at("2026-03-03 10:00"))
    # Created in bulk (no signals) by the factory: dropped here as the services would.
    commit(calendar_cache.forget, [tech.pk, viewer.pk])
    page = team_week(login(viewer), tech)
    assert "交接班" in page and "检修水泵" not in page  # invited to one, not the other


def test_with_the_cache_unreachable_calendars_are_read_from_the_database(
        organizer, monkeypatch):
    """Redis errors are swallowed (the cache answers nothing and stores nothing): every
    read then goes to the database and nothing is kept."""
    EventFactory(organizer=organizer, title="周例会")
    monkeypatch.setattr(calendar_cache.cache, "get_many", lambda keys: {})
    monkeypatch.setattr(calendar_cache.cache, "add", lambda *args, **kwargs: None)
    assert titles(organizer) == ["周例会"]
    assert calendar_cache.generations([organizer.pk]) == {organizer.pk: None}
    assert calendar_cache.page_key("team-week", {organizer.pk: None}) is None


def test_a_change_rebuilds_only_the_rows_it_concerns(organizer, guest, login, commit):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    viewer = UserFactory(full_name="赵经理", role=Role.MANAGER)
    EventFactory(organizer=organizer, title="周例会")
    solo = EventFactory(organizer=guest, title="入户维修",
                        start=at("2026-03-03 09:00"), end=at("2026-03-03 10:00"))
    client = login(viewer)
    team_week(client, organizer, guest)
    solo.title = "入户维修（改）"
    commit(solo.save)
    with CaptureQueriesContext(connection) as again:
        page = team_week(client, organizer, guest)
    assert "入户维修（改）" in page and 'title="周例会"' in page
    [read] = [q["sql"] for q in again.captured_queries if "scheduling_attendance" in q["sql"]]
    # Only the changed calendar is read again; the organiser's row came from the cache.
    assert f'"user_id" IN ({guest.pk})' in read
