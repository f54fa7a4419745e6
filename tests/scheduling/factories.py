import datetime as dt
from zoneinfo import ZoneInfo

import factory
from factory.django import DjangoModelFactory

from scheduling.models import Attendance, ConflictPolicy, Event, EventException
from tests.staff.factories import UserFactory

SH = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    """A Shanghai wall-clock time, e.g. ``at("2026-03-02 09:00")``."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


class EventFactory(DjangoModelFactory):
    """An event row written directly (no conflict check, no messages): for arranging
    calendars in tests. Use ``scheduling.services.event_create`` to test creating."""

    class Meta:
        model = Event
        skip_postgeneration_save = True

    organizer = factory.SubFactory(UserFactory)
    kind = "meeting"
    title = factory.Sequence(lambda n: f"物业例会{n}")
    start = factory.LazyFunction(lambda: at("2026-03-02 09:00"))
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(hours=1))
    rrule = ""
    series_end = factory.LazyAttribute(lambda o: None if o.rrule else o.end)

    @factory.post_generation
    def attendees(obj, create, extracted, **kwargs):
        """``attendees=[user, (user, "declined"), ...]``; the organiser always attends."""
        if not create:
            return
        times = {"event_start": obj.start, "event_until": obj.series_end,
                 "event_repeats": bool(obj.rrule)}  # as the services copy them
        rows = [Attendance(event=obj, user=obj.organizer, response="accepted", **times)]
        for item in extracted or ():
            user, response = item if isinstance(item, tuple) else (item, "pending")
            if user.pk == obj.organizer_id:
                continue
            rows.append(Attendance(event=obj, user=user, response=response, **times))
        Attendance.objects.bulk_create(rows)


def series(organizer, start: str, rrule: str, *, minutes: int = 60, attendees=(), **fields):
    """A repeating event with its ``series_end`` computed as the services do."""
    from scheduling.recurrence import series_end_of, validate_rrule

    begin = at(start)
    end = begin + dt.timedelta(minutes=minutes)
    rule = validate_rrule(rrule, start=begin)
    return EventFactory(organizer=organizer, start=begin, end=end, rrule=rule,
                        series_end=series_end_of(start=begin, end=end, rrule=rule),
                        attendees=attendees, **fields)


class EventExceptionFactory(DjangoModelFactory):
    class Meta:
        model = EventException

    event = factory.SubFactory(EventFactory)
    original_start = factory.LazyAttribute(lambda o: o.event.start)


class ConflictPolicyFactory(DjangoModelFactory):
    class Meta:
        model = ConflictPolicy
        django_get_or_create = ["kind"]

    kind = "meeting"
    action = "warn"
