"""Double bookings: every occurrence of a proposal against every attendee's calendar."""

import datetime as dt

import pytest

from scheduling.conflicts import find_conflicts, policy_for
from tests.scheduling.factories import (
    ConflictPolicyFactory,
    EventExceptionFactory,
    EventFactory,
    at,
    series,
)
from tests.staff.factories import UserFactory

UTC = dt.UTC


@pytest.fixture
def alice(db):
    return UserFactory(full_name="王芳")


@pytest.fixture
def bob(db):
    return UserFactory(full_name="李强")


def meeting(organizer, start, end, **kw):
    return EventFactory(organizer=organizer, start=at(start), end=at(end), **kw)


def test_overlap_is_a_conflict(alice):
    busy = meeting(alice, "2026-03-02 09:00", "2026-03-02 10:00")
    found = find_conflicts(start=at("2026-03-02 09:30"), end=at("2026-03-02 10:30"),
                           attendees=[alice])
    assert [(c.user, c.occurrence.event.pk) for c in found] == [(alice, busy.pk)]


def test_touching_ends_are_no_conflict(alice):
    meeting(alice, "2026-03-02 09:00", "2026-03-02 10:00")
    assert find_conflicts(start=at("2026-03-02 10:00"), end=at("2026-03-02 11:00"),
                          attendees=[alice]) == []
    assert find_conflicts(start=at("2026-03-02 08:00"), end=at("2026-03-02 09:00"),
                          attendees=[alice]) == []


def test_attendee_not_organiser_is_busy_too(alice, bob):
    meeting(bob, "2026-03-02 09:00", "2026-03-02 10:00", attendees=[(alice, "accepted")])
    found = find_conflicts(start=at("2026-03-02 09:00"), end=at("2026-03-02 10:00"),
                           attendees=[alice])
    assert [c.user for c in found] == [alice]


def test_pending_invitation_counts_as_busy(alice, bob):
    meeting(bob, "2026-03-02 09:00", "2026-03-02 10:00", attendees=[alice])
    assert len(find_conflicts(start=at("2026-03-02 09:00"), end=at("2026-03-02 10:00"),
                              attendees=[alice])) == 1


def test_declined_events_are_ignored(alice, bob):
    meeting(bob, "2026-03-02 09:00", "2026-03-02 10:00", attendees=[(alice, "declined")])
    assert find_conflicts(start=at("2026-03-02 09:00"), end=at("2026-03-02 10:00"),
                          attendees=[alice]) == []
    # but the organiser is still busy
    assert [c.user for c in find_conflicts(
        start=at("2026-03-02 09:00"), end=at("2026-03-02 10:00"), attendees=[alice, bob])] \
        == [bob]


def test_cancelled_events_are_ignored(alice):
    meeting(alice, "2026-03-02 09:00", "2026-03-02 10:00", cancelled_at=at("2026-03-01 00:00"))
    assert find_conflicts(start=at("2026-03-02 09:00"), end=at("2026-03-02 10:00"),
                          attendees=[alice]) == []


def test_the_event_itself_is_excluded(alice):
    own = meeting(alice, "2026-03-02 09:00", "2026-03-02 10:00")
    assert find_conflicts(start=at("2026-03-02 09:30"), end=at("2026-03-02 10:30"),
                          attendees=[alice], exclude_event_id=own.pk) == []


def test_other_people_are_not_checked(alice, bob):
    meeting(bob, "2026-03-02 09:00", "2026-03-02 10:00")
    assert find_conflicts(start=at("2026-03-02 09:00"), end=at("2026-03-02 10:00"),
                          attendees=[alice]) == []


def test_all_day_event_blocks_the_whole_local_day(alice):
    EventFactory(organizer=alice, start=at("2026-03-02 00:00"), end=at("2026-03-03 00:00"),
                 all_day=True, title="培训")
    assert len(find_conflicts(start=at("2026-03-02 20:00"), end=at("2026-03-02 21:00"),
                              attendees=[alice])) == 1
    assert find_conflicts(start=at("2026-03-03 00:00"), end=at("2026-03-03 01:00"),
                          attendees=[alice]) == []
    assert find_conflicts(start=at("2026-03-01 23:00"), end=at("2026-03-02 00:00"),
                          attendees=[alice]) == []


def test_all_day_event_stored_with_times_still_fills_its_day(alice):
    EventFactory(organizer=alice, start=at("2026-03-02 10:00"), end=at("2026-03-02 11:00"),
                 all_day=True)
    assert len(find_conflicts(start=at("2026-03-02 07:00"), end=at("2026-03-02 08:00"),
                              attendees=[alice])) == 1


def test_proposed_all_day_event_fills_its_day(alice):
    meeting(alice, "2026-03-02 18:00", "2026-03-02 19:00")
    found = find_conflicts(start=at("2026-03-02 00:00"), end=at("2026-03-03 00:00"),
                           all_day=True, attendees=[alice])
    assert len(found) == 1


def test_every_occurrence_of_a_recurring_proposal_is_checked(alice):
    # given an existing one-off on the third Monday
    clash = meeting(alice, "2026-03-16 09:30", "2026-03-16 10:00", title="业主来访")
    # when a weekly Monday 09:00 meeting is proposed from the first Monday
    found = find_conflicts(start=at("2026-03-02 09:00"), end=at("2026-03-02 10:00"),
                           rrule="FREQ=WEEKLY;BYDAY=MO", attendees=[alice])
    # then its third occurrence clashes
    assert [(c.occurrence.event.pk, c.proposed_start) for c in found] == [
        (clash.pk, at("2026-03-16 09:00"))]


def test_a_finite_proposal_stops_at_its_end(alice):
    meeting(alice, "2026-03-23 09:00", "2026-03-23 10:00")
    assert find_conflicts(start=at("2026-03-02 09:00"), end=at("2026-03-02 10:00"),
                          rrule="FREQ=WEEKLY;COUNT=3", attendees=[alice]) == []


def test_an_endless_proposal_is_checked_up_to_the_horizon(alice):
    meeting(alice, "2026-09-07 09:00", "2026-09-07 10:00")
    found = find_conflicts(start=at("2026-03-02 09:00"), end=at("2026-03-02 10:00"),
                           rrule="FREQ=WEEKLY", attendees=[alice])
    assert len(found) == 1
    assert find_conflicts(start=at("2026-03-02 09:00"), end=at("2026-03-02 10:00"),
                          rrule="FREQ=WEEKLY", attendees=[alice], horizon_days=30) == []


def test_existing_series_clash_with_a_one_off(alice):
    series(alice, "2026-03-02 09:00", "FREQ=DAILY", title="晨会")
    found = find_conflicts(start=at("2026-05-20 09:30"), end=at("2026-05-20 09:45"),
                           attendees=[alice])
    assert [c.occurrence.start for c in found] == [at("2026-05-20 09:00")]


def test_cancelled_and_moved_occurrences_of_a_series(alice):
    weekly = series(alice, "2026-03-02 09:00", "FREQ=WEEKLY;COUNT=4")
    EventExceptionFactory(event=weekly, original_start=at("2026-03-09 09:00"), cancelled=True)
    EventExceptionFactory(event=weekly, original_start=at("2026-03-16 09:00"),
                          start=at("2026-03-17 15:00"), end=at("2026-03-17 16:00"))
    assert find_conflicts(start=at("2026-03-09 09:00"), end=at("2026-03-09 10:00"),
                          attendees=[alice]) == []
    assert find_conflicts(start=at("2026-03-16 09:00"), end=at("2026-03-16 10:00"),
                          attendees=[alice]) == []
    assert len(find_conflicts(start=at("2026-03-17 15:30"), end=at("2026-03-17 16:30"),
                              attendees=[alice])) == 1


def test_utc_input_is_compared_with_shanghai_events(alice):
    # 09:00-10:00 Shanghai is 01:00-02:00 UTC
    meeting(alice, "2026-03-02 09:00", "2026-03-02 10:00")
    assert len(find_conflicts(start=dt.datetime(2026, 3, 2, 1, 30, tzinfo=UTC),
                              end=dt.datetime(2026, 3, 2, 2, 30, tzinfo=UTC),
                              attendees=[alice])) == 1
    assert find_conflicts(start=dt.datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
                          end=dt.datetime(2026, 3, 2, 10, 0, tzinfo=UTC),
                          attendees=[alice]) == []


def test_weekly_rule_given_in_utc_repeats_on_the_local_day(alice):
    # Monday 07:00 Shanghai is Sunday 23:00 UTC: the series repeats on local Mondays
    meeting(alice, "2026-03-09 07:30", "2026-03-09 08:00")
    found = find_conflicts(start=dt.datetime(2026, 3, 1, 23, 0, tzinfo=UTC),
                           end=dt.datetime(2026, 3, 2, 0, 0, tzinfo=UTC),
                           rrule="FREQ=WEEKLY;BYDAY=MO", attendees=[alice])
    assert len(found) == 1


def test_one_query_for_the_events_whatever_the_number_of_people(
        alice, bob, django_assert_max_num_queries):
    people = [alice, bob, *UserFactory.create_batch(5)]
    for person in people:
        meeting(person, "2026-03-02 09:00", "2026-03-02 10:00")
        series(person, "2026-03-02 12:00", "FREQ=DAILY;COUNT=20")
    with django_assert_max_num_queries(4):  # candidates, events, exceptions, attendances
        found = find_conflicts(start=at("2026-03-02 09:00"), end=at("2026-03-02 12:30"),
                               rrule="FREQ=DAILY;COUNT=10", attendees=people)
    assert len(found) == (1 + 10) * len(people)  # the one-off and ten lunches each


def test_policy_defaults_block_visits_and_warn_otherwise(db):
    assert policy_for("visit") == "block"
    assert policy_for("meeting") == "warn"
    ConflictPolicyFactory(kind="meeting", action="block")
    ConflictPolicyFactory(kind="visit", action="warn")
    assert policy_for("meeting") == "block"
    assert policy_for("visit") == "warn"
