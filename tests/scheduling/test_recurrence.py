"""Repeat rules: checking them, expanding them in local time, and single-occurrence
exceptions (cancelled, retitled, moved)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from scheduling.models import Event
from scheduling.recurrence import (
    _instance_starts,
    busy_span,
    occurrence_at,
    occurrences,
    series_end_of,
    validate_rrule,
)
from tests.scheduling.factories import EventExceptionFactory, at, series
from tests.staff.factories import UserFactory

UTC = dt.UTC


def starts(found):
    return [o.start for o in found]


def unsaved(start, end, rrule="", **fields):
    return Event(start=start, end=end, rrule=rrule, title="例会", **fields)


# --- validate_rrule -----------------------------------------------------------------------

def test_rule_is_normalised_to_upper_case_and_utc_until():
    # given a lower-case rule with a local UNTIL
    # when it is checked
    rule = validate_rrule("rrule:freq=weekly;byday=mo,we;until=20260331T235959",
                          start=at("2026-03-02 09:00"))
    # then it comes back upper case with UNTIL in UTC
    assert rule == "FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20260331T155959Z"


def test_empty_rule_means_no_repeat():
    assert validate_rrule("  ") == ""


@pytest.mark.parametrize("text", [
    "FREQ=HOURLY",
    "FREQ=MINUTELY;COUNT=3",
    "BYDAY=MO",
    "FREQ=WEEKLY;COUNT=1001",
    "FREQ=WEEKLY;COUNT=0",
    "FREQ=WEEKLY;COUNT=3;UNTIL=20260401T000000Z",
    "FREQ=DAILY;BYHOUR=9,15",
    "FREQ=WEEKLY;BYDAY=XX",
    "FREQ=WEEKLY;INTERVAL=abc",
    "FREQ=WEEKLY;FREQ=DAILY",
    "FREQ=WEEKLY;UNTIL=tomorrow",
    "FREQ=DAILY;UNTIL=20450101T000000Z",
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
    "nonsense",
])
def test_bad_rules_are_refused(text):
    with pytest.raises(ValidationError):
        validate_rrule(text, start=at("2026-03-02 09:00"))


def test_rule_ending_before_the_start_is_refused():
    with pytest.raises(ValidationError):
        validate_rrule("FREQ=DAILY;UNTIL=20260101T000000Z", start=at("2026-03-02 09:00"))


def test_series_end_is_the_end_of_the_last_occurrence():
    start, end = at("2026-03-02 09:00"), at("2026-03-02 10:30")
    assert series_end_of(start=start, end=end,
                         rrule="FREQ=WEEKLY;COUNT=3") == at("2026-03-16 10:30")
    assert series_end_of(start=start, end=end, rrule="FREQ=DAILY;UNTIL=20260305T155959Z") \
        == at("2026-03-05 10:30")
    assert series_end_of(start=start, end=end, rrule="FREQ=WEEKLY") is None
    assert series_end_of(start=start, end=end, rrule="") == end


# --- expansion ----------------------------------------------------------------------------

def test_single_event_has_one_occurrence_when_it_overlaps():
    event = unsaved(at("2026-03-02 09:00"), at("2026-03-02 10:00"))
    assert starts(occurrences(event, at("2026-03-02 00:00"), at("2026-03-03 00:00"))) \
        == [at("2026-03-02 09:00")]


def test_touching_range_ends_do_not_overlap():
    event = unsaved(at("2026-03-02 09:00"), at("2026-03-02 10:00"))
    assert occurrences(event, at("2026-03-02 10:00"), at("2026-03-02 11:00")) == []
    assert occurrences(event, at("2026-03-02 08:00"), at("2026-03-02 09:00")) == []
    assert len(occurrences(event, at("2026-03-02 09:59"), at("2026-03-02 11:00"))) == 1


def test_weekly_on_chosen_days_keeps_the_local_time():
    # given every Monday and Wednesday at 09:00 Shanghai time
    event = unsaved(at("2026-03-02 09:00"), at("2026-03-02 10:00"),
                    "FREQ=WEEKLY;BYDAY=MO,WE")
    # when two weeks are expanded
    found = occurrences(event, at("2026-03-01 00:00"), at("2026-03-15 00:00"))
    # then there are four, all at 09:00 local
    assert starts(found) == [at("2026-03-02 09:00"), at("2026-03-04 09:00"),
                             at("2026-03-09 09:00"), at("2026-03-11 09:00")]
    assert all(o.end - o.start == dt.timedelta(hours=1) for o in found)
    assert all(o.start.astimezone(ZoneInfo("Asia/Shanghai")).hour == 9 for o in found)


def test_an_occurrence_already_running_at_the_range_start_is_included():
    event = unsaved(at("2026-03-02 09:00"), at("2026-03-02 11:00"), "FREQ=DAILY")
    found = occurrences(event, at("2026-03-05 10:00"), at("2026-03-05 10:30"))
    assert starts(found) == [at("2026-03-05 09:00")]


def test_monthly_by_month_day():
    event = unsaved(at("2026-01-15 14:00"), at("2026-01-15 15:00"),
                    "FREQ=MONTHLY;BYMONTHDAY=15")
    found = occurrences(event, at("2026-01-01 00:00"), at("2026-05-01 00:00"))
    assert starts(found) == [at(f"2026-0{m}-15 14:00") for m in range(1, 5)]


def test_monthly_last_friday():
    event = unsaved(at("2026-01-30 16:00"), at("2026-01-30 17:00"),
                    "FREQ=MONTHLY;BYDAY=FR;BYSETPOS=-1")
    found = occurrences(event, at("2026-01-01 00:00"), at("2026-04-01 00:00"))
    assert starts(found) == [at("2026-01-30 16:00"), at("2026-02-27 16:00"),
                             at("2026-03-27 16:00")]


def test_count_limits_the_series():
    event = unsaved(at("2026-03-02 09:00"), at("2026-03-02 10:00"), "FREQ=WEEKLY;COUNT=3")
    found = occurrences(event, at("2026-01-01 00:00"), at("2027-01-01 00:00"))
    assert starts(found) == [at("2026-03-02 09:00"), at("2026-03-09 09:00"),
                             at("2026-03-16 09:00")]


def test_until_is_inclusive():
    rule = validate_rrule("FREQ=DAILY;UNTIL=20260304", start=at("2026-03-02 09:00"))
    event = unsaved(at("2026-03-02 09:00"), at("2026-03-02 10:00"), rule)
    found = occurrences(event, at("2026-01-01 00:00"), at("2027-01-01 00:00"))
    assert starts(found) == [at("2026-03-02 09:00"), at("2026-03-03 09:00"),
                             at("2026-03-04 09:00")]


def test_the_start_is_the_first_occurrence_even_off_the_rule():
    # given a Tuesday start for a Monday rule
    event = unsaved(at("2026-03-03 09:00"), at("2026-03-03 10:00"), "FREQ=WEEKLY;BYDAY=MO")
    found = occurrences(event, at("2026-03-01 00:00"), at("2026-03-17 00:00"))
    assert starts(found) == [at("2026-03-03 09:00"), at("2026-03-09 09:00"),
                             at("2026-03-16 09:00")]


def test_range_given_in_utc_finds_the_same_occurrences():
    event = unsaved(at("2026-03-02 07:00"), at("2026-03-02 08:00"), "FREQ=DAILY")
    # 2026-03-03 00:00 Shanghai is 2026-03-02 16:00 UTC
    found = occurrences(event, dt.datetime(2026, 3, 2, 16, tzinfo=UTC),
                        dt.datetime(2026, 3, 3, 16, tzinfo=UTC))
    assert starts(found) == [at("2026-03-03 07:00")]


def test_cancelled_event_has_no_occurrences():
    event = unsaved(at("2026-03-02 09:00"), at("2026-03-02 10:00"),
                    cancelled_at=at("2026-03-01 09:00"))
    assert occurrences(event, at("2026-03-01 00:00"), at("2026-03-05 00:00")) == []


def test_all_day_event_is_busy_the_whole_local_day():
    event = unsaved(at("2026-03-02 00:00"), at("2026-03-03 00:00"), all_day=True)
    occ = occurrences(event, at("2026-03-01 00:00"), at("2026-03-05 00:00"))[0]
    assert busy_span(occ) == (at("2026-03-02 00:00"), at("2026-03-03 00:00"))
    odd = unsaved(at("2026-03-02 10:00"), at("2026-03-03 12:00"), all_day=True)
    occ = occurrences(odd, at("2026-03-01 00:00"), at("2026-03-05 00:00"))[0]
    assert busy_span(occ) == (at("2026-03-02 00:00"), at("2026-03-04 00:00"))


# --- exceptions ---------------------------------------------------------------------------

@pytest.fixture
def weekly(db):
    return series(UserFactory(), "2026-03-02 09:00", "FREQ=WEEKLY;COUNT=4", title="周会")


def test_cancelled_occurrence_is_left_out(weekly):
    EventExceptionFactory(event=weekly, original_start=at("2026-03-09 09:00"), cancelled=True)
    found = occurrences(weekly, at("2026-03-01 00:00"), at("2026-04-01 00:00"))
    assert starts(found) == [at("2026-03-02 09:00"), at("2026-03-16 09:00"),
                             at("2026-03-23 09:00")]


def test_retitled_occurrence_keeps_its_time(weekly):
    EventExceptionFactory(event=weekly, original_start=at("2026-03-16 09:00"),
                          title="周会（延长）", place="二楼会议室")
    found = occurrences(weekly, at("2026-03-16 00:00"), at("2026-03-17 00:00"))
    assert [(o.start, o.title, o.place, o.changed) for o in found] == [
        (at("2026-03-16 09:00"), "周会（延长）", "二楼会议室", True)]


def test_moved_occurrence_appears_where_it_moved_to(weekly):
    # given the second Monday moved to Tuesday afternoon
    EventExceptionFactory(event=weekly, original_start=at("2026-03-09 09:00"),
                          start=at("2026-03-10 14:00"), end=at("2026-03-10 15:30"))
    # when the week is expanded
    found = occurrences(weekly, at("2026-03-09 00:00"), at("2026-03-16 00:00"))
    # then it is on Tuesday, named by its original start
    assert [(o.start, o.end, o.original_start) for o in found] == [
        (at("2026-03-10 14:00"), at("2026-03-10 15:30"), at("2026-03-09 09:00"))]
    assert found[0].key == f"{weekly.pk}:2026-03-09T01:00:00+00:00"
    # and Monday has nothing any more
    assert occurrences(weekly, at("2026-03-09 00:00"), at("2026-03-10 00:00")) == []


def test_occurrence_moved_into_the_range_from_outside(weekly):
    EventExceptionFactory(event=weekly, original_start=at("2026-03-23 09:00"),
                          start=at("2026-04-01 09:00"), end=at("2026-04-01 10:00"))
    found = occurrences(weekly, at("2026-04-01 00:00"), at("2026-04-02 00:00"))
    assert starts(found) == [at("2026-04-01 09:00")]


def test_prefetched_exceptions_need_no_query(weekly, django_assert_num_queries):
    EventExceptionFactory(event=weekly, original_start=at("2026-03-09 09:00"), cancelled=True)
    event = Event.objects.prefetch_related("exceptions").get(pk=weekly.pk)
    with django_assert_num_queries(0):
        found = occurrences(event, at("2026-03-01 00:00"), at("2026-04-01 00:00"))
    assert len(found) == 3


def test_occurrence_at_finds_instances_only(weekly):
    assert occurrence_at(weekly, at("2026-03-09 09:00")).start == at("2026-03-09 09:00")
    assert occurrence_at(weekly, at("2026-03-09 10:00")) is None
    assert occurrence_at(weekly, at("2026-03-30 09:00")) is None  # past COUNT


def test_wall_clock_time_survives_daylight_saving(settings):
    # given a zone with daylight saving time (summer time starts 2026-03-29 in Berlin)
    settings.TIME_ZONE = "Europe/Berlin"
    berlin = ZoneInfo("Europe/Berlin")
    start = dt.datetime(2026, 3, 23, 9, tzinfo=berlin)
    event = unsaved(start, start + dt.timedelta(hours=1), "FREQ=WEEKLY;COUNT=2")
    # when the series is expanded across the change
    found = occurrences(event, start, start + dt.timedelta(days=14))
    # then both meetings are at 09:00 local, 167 hours apart
    assert [o.start.astimezone(berlin).hour for o in found] == [9, 9]
    assert found[1].start.astimezone(UTC) - found[0].start.astimezone(UTC) \
        == dt.timedelta(hours=167)


# --- skipping ahead -------------------------------------------------------------------------

@pytest.mark.parametrize("rule", [
    "FREQ=DAILY", "FREQ=DAILY;INTERVAL=3", "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR",
    "FREQ=DAILY;COUNT=400", "FREQ=DAILY;INTERVAL=2;COUNT=150;BYDAY=MO,SA",
    "FREQ=WEEKLY", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE,FR", "FREQ=WEEKLY;BYDAY=SU,TU;WKST=SU",
    "FREQ=WEEKLY;INTERVAL=3;BYDAY=TH;COUNT=40", "FREQ=WEEKLY;BYDAY=MO;UNTIL=20270301T000000Z",
    "FREQ=MONTHLY;BYMONTHDAY=31", "FREQ=MONTHLY;COUNT=30",
])
def test_a_series_read_from_far_ahead_has_the_same_instances_as_walked_from_its_start(rule):
    """Starting a long series whole periods later to find the instances of one week gives
    exactly the instances that walking it from its first occurrence gives."""
    start = at("2026-01-07 09:30")  # a Wednesday
    end = start + dt.timedelta(minutes=45)
    rrule = validate_rrule(rule, start=start)
    last_start = (series_end_of(start=start, end=end, rrule=rrule) or start) - (end - start) \
        if "COUNT" in rule or "UNTIL" in rule else None
    for week in range(0, 70, 3):
        after = at("2026-01-05 00:00") + dt.timedelta(weeks=week, hours=week)
        before = after + dt.timedelta(days=7)
        fast = list(_instance_starts(start=start, rrule=rrule, after=after, before=before,
                                     last_start=last_start))
        walked = list(_instance_starts(start=start, rrule=rrule, after=after, before=before,
                                       skip_ahead=False))
        assert fast == walked, (rule, after)


def test_daily_and_weekly_rules_worked_out_in_the_window_match_dateutil():
    """Hundreds of random daily and weekly rules (intervals, weekdays, week starts, counts,
    end dates) over random windows: the same instances as dateutil walking each rule."""
    import random

    rng = random.Random(20261127)
    codes = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
    for _ in range(400):
        start = at("2026-01-01 00:00") + dt.timedelta(days=rng.randrange(400),
                                                     minutes=15 * rng.randrange(96))
        end = start + dt.timedelta(minutes=rng.choice([30, 60, 90, 600]))
        parts = [f"FREQ={rng.choice(['DAILY', 'WEEKLY'])}"]
        if rng.random() < 0.5:
            parts.append(f"INTERVAL={rng.randrange(1, 5)}")
        if rng.random() < 0.6:
            parts.append("BYDAY=" + ",".join(rng.sample(codes, rng.randrange(1, 5))))
        if rng.random() < 0.3:
            parts.append(f"WKST={rng.choice(codes)}")
        ending = rng.random()
        if ending < 0.4:
            parts.append(f"COUNT={rng.randrange(1, 100)}")
        elif ending < 0.7:
            until = start + dt.timedelta(days=rng.randrange(1, 500))
            parts.append("UNTIL=" + until.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ"))
        rrule = validate_rrule(";".join(parts), start=start)
        last = series_end_of(start=start, end=end, rrule=rrule)
        last_start = last - (end - start) if last is not None else None
        after = start + dt.timedelta(days=rng.randrange(-10, 600), hours=rng.randrange(24))
        before = after + dt.timedelta(days=rng.choice([1, 7, 35, 42]))
        fast = list(_instance_starts(start=start, rrule=rrule, after=after, before=before,
                                     last_start=last_start))
        walked = list(_instance_starts(start=start, rrule=rrule, after=after, before=before,
                                       skip_ahead=False))
        assert fast == walked, (rrule, start, after, before)
