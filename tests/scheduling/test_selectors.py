"""Calendars: whose events are read, who sees details and who sees only "busy"."""

import pytest
from django.utils.translation import gettext

from scheduling.ranges import events_in_range
from scheduling.selectors import calendar_for, may_see_details
from staff.choices import Role
from tests.scheduling.factories import EventExceptionFactory, EventFactory, at, series
from tests.staff.factories import DepartmentFactory, UserFactory

DAY = (at("2026-03-02 00:00"), at("2026-03-03 00:00"))


@pytest.fixture
def engineering(db):
    return DepartmentFactory(name="工程部", code="engineering")


@pytest.fixture
def owner(engineering):
    return UserFactory(full_name="张工", department=engineering, role=Role.SERVICE_STAFF)


@pytest.fixture
def teammate(engineering):
    return UserFactory(full_name="李工", department=engineering, role=Role.SERVICE_STAFF)


@pytest.fixture
def colleague(db):
    return UserFactory(full_name="外部门同事", role=Role.FRONT_DESK)


def one(viewer, user, start=DAY[0], end=DAY[1]):
    return calendar_for(viewer=viewer, users=[user], start=start, end=end)[user.pk]


def test_colleague_from_another_department_sees_busy_only(owner, colleague):
    EventFactory(organizer=owner, title="维修水泵", place="B2 泵房")
    [item] = one(colleague, owner)
    assert item["busy_only"] is True
    assert item["title"] == gettext("Busy")
    assert "维修水泵" not in str(item) and "泵房" not in str(item)
    assert item["kind"] == ""


def test_owner_sees_their_own_details(owner):
    EventFactory(organizer=owner, title="维修水泵", private=True)
    [item] = one(owner, owner)
    assert (item["busy_only"], item["title"]) == (False, "维修水泵")


def test_same_department_sees_details_of_non_private_events(owner, teammate):
    EventFactory(organizer=owner, title="维修水泵")
    assert one(teammate, owner)[0]["title"] == "维修水泵"


def test_manager_sees_details_of_non_private_events(owner, manager):
    EventFactory(organizer=owner, title="维修水泵")
    assert one(manager, owner)[0]["title"] == "维修水泵"


@pytest.mark.parametrize("who", ["teammate", "manager", "colleague", "administrator"])
def test_private_event_title_never_shown_to_others(owner, who, request):
    viewer = request.getfixturevalue(who)
    EventFactory(organizer=owner, title="私人体检", place="医院", private=True)
    [item] = one(viewer, owner)
    assert item["busy_only"] is True
    assert "私人体检" not in str(item) and "医院" not in str(item)


def test_attendee_sees_private_event_details(owner, colleague):
    EventFactory(organizer=owner, title="私人面谈", private=True, attendees=[colleague])
    [item] = one(colleague, owner)
    assert (item["busy_only"], item["title"]) == (False, "私人面谈")


def test_declined_events_leave_the_calendar(owner, colleague, teammate):
    EventFactory(organizer=owner, attendees=[(teammate, "declined")])
    assert one(colleague, teammate) == []
    # but the person themselves still sees it, with their answer
    [item] = one(teammate, teammate)
    assert item["response"] == "declined"


def test_moved_and_exceptional_titles_are_hidden_too(owner, colleague):
    event = series(owner, "2026-03-02 09:00", "FREQ=DAILY;COUNT=3", title="例会")
    EventExceptionFactory(event=event, original_start=at("2026-03-03 09:00"),
                          title="机密谈判", start=at("2026-03-03 15:00"),
                          end=at("2026-03-03 16:00"))
    items = one(colleague, owner, at("2026-03-01 00:00"), at("2026-03-10 00:00"))
    assert [i["start"] for i in items] == [at("2026-03-02 09:00"), at("2026-03-03 15:00"),
                                           at("2026-03-04 09:00")]
    assert all(i["busy_only"] for i in items)
    assert "机密谈判" not in str(items)


def test_may_see_details_rules(owner, teammate, colleague, manager):
    public = EventFactory(organizer=owner)
    private = EventFactory(organizer=owner, private=True, attendees=[colleague])
    assert may_see_details(owner, owner, public)
    assert may_see_details(teammate, owner, public)
    assert may_see_details(manager, owner, public)
    assert not may_see_details(colleague, owner, public)
    assert may_see_details(colleague, owner, private)
    assert not may_see_details(teammate, owner, private)
    assert not may_see_details(manager, owner, private)


def test_events_in_range_skips_cancelled_and_past_series(owner):
    EventFactory(organizer=owner, cancelled_at=at("2026-03-01 00:00"))
    series(owner, "2026-01-05 09:00", "FREQ=WEEKLY;COUNT=3")  # over by 2026-01-19
    endless = series(owner, "2026-01-05 09:00", "FREQ=WEEKLY")
    running = EventFactory(organizer=owner)
    found = set(events_in_range([owner], *DAY))
    assert found == {endless, running}


def test_events_in_range_finds_an_occurrence_moved_past_the_series_end(owner):
    event = series(owner, "2026-02-02 09:00", "FREQ=WEEKLY;COUNT=2")
    EventExceptionFactory(event=event, original_start=at("2026-02-09 09:00"),
                          start=at("2026-03-02 09:00"), end=at("2026-03-02 10:00"))
    assert list(events_in_range([owner], *DAY)) == [event]
    assert one(owner, owner)[0]["start"] == at("2026-03-02 09:00")


def _fill(people, organiser_pool):
    for index, person in enumerate(people):
        EventFactory(organizer=person, private=index % 2 == 0)
        series(organiser_pool[(index + 1) % len(organiser_pool)], "2026-02-02 12:00",
               "FREQ=DAILY", attendees=[person])


def test_calendar_queries_do_not_grow_with_people_or_events(
        colleague, django_assert_num_queries):
    few = UserFactory.create_batch(2)
    many = UserFactory.create_batch(10)
    _fill(few, few)
    _fill(many, many)
    # warm the viewer's permission cache the way one request would once
    with django_assert_num_queries(4) as small:
        calendar_for(viewer=colleague, users=few, start=DAY[0], end=DAY[1])
    colleague = type(colleague).objects.get(pk=colleague.pk)
    with django_assert_num_queries(len(small.captured_queries)):
        result = calendar_for(viewer=colleague, users=many, start=DAY[0], end=DAY[1])
    # each: their own event, the series they organise and the one they attend
    assert all(len(items) == 3 for items in result.values())
