"""Which events fall in a range for whom: the database reads beneath the calendar cache
(``calendar_cache``), the conflict check and the iCalendar feeds. No viewer's rules here:
what a viewer may read of a calendar is ``selectors``'s.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Prefetch, Q, QuerySet

from .models import Attendance, Event, EventException


def _ids(users: Iterable) -> list[int]:
    return [getattr(user, "pk", user) for user in users]


# One occurrence lasts at most this long (checked when events are saved), so a range search
# reads events by their start through an index instead of every row.
LONGEST_EVENT = timedelta(days=31)


def _attendances_in_range(ids: list[int], start: datetime, end: datetime) -> list[QuerySet]:
    """The attendances of ``ids`` at events not cancelled that may have an occurrence in
    ``[start, end)``, as three searches that each walk an index: single events by start
    (at most ``LONGEST_EVENT`` before the range), series still running by when they end,
    and occurrences moved into the range. The attendances carry their event's times, so
    each person's calendar is read through their own index entries only."""
    mine = Attendance.objects.filter(user_id__in=ids, event__cancelled_at__isnull=True)
    single = mine.filter(event_repeats=False, event_start__gte=start - LONGEST_EVENT,
                         event_start__lt=end, event_until__gt=start)
    repeating = mine.filter(event_repeats=True, event_start__lt=end).filter(
        Q(event_until__isnull=True) | Q(event_until__gt=start))
    moved = mine.filter(event_id__in=EventException.objects.filter(
        cancelled=False, start__lt=end, end__gt=start).values("event_id"))
    return [qs.order_by() for qs in (single, repeating, moved)]


def events_in_range(users: Iterable, start: datetime, end: datetime) -> QuerySet[Event]:
    """Events not cancelled, organised or attended by any of ``users`` (objects or ids),
    that may have an occurrence overlapping ``[start, end)``; with their exceptions and
    attendances prefetched. Expand them with ``recurrence.occurrences``."""
    first, *others = [qs.values_list("event_id", flat=True)
                      for qs in _attendances_in_range(_ids(users), start, end)]
    return (
        Event.objects.filter(pk__in=set(first.union(*others)))
        .select_related("organizer")
        .prefetch_related(
            "exceptions",
            Prefetch("attendances", queryset=Attendance.objects.order_by("pk")),
        )
    )


@dataclass(eq=False)
class EventRow:
    """An event as a calendar reads it: its own columns, its changed occurrences and the
    answers of the people searched for (see ``calendar_rows``). Expands with
    ``recurrence.occurrences`` like an ``Event``; built from plain values, without model
    instances, because a team's week holds thousands of them."""

    pk: int
    kind: str
    title: str
    place: str
    start: datetime
    end: datetime
    all_day: bool
    rrule: str
    private: bool
    organizer_id: int
    version: int
    series_end: datetime | None
    cancelled_at: None = None
    answers: dict = field(default_factory=dict)
    exception_list: list = field(default_factory=list)


_ROW_FIELDS = ("event_id", "user_id", "response", "event__kind", "event__title",
               "event__place", "event__start", "event__end", "event__all_day",
               "event__rrule", "event__private", "event__organizer_id", "event__version",
               "event__series_end")


def calendar_rows(users: Iterable, start: datetime, end: datetime) -> list[EventRow]:
    """The events not cancelled that ``users`` (objects or ids) are asked to (declined or
    not) and that may have an occurrence overlapping ``[start, end)``, each with the
    answers of those of ``users`` it concerns: two queries, whatever the number of people
    (the second only for the changed occurrences of series)."""
    first, *others = [qs.values_list(*_ROW_FIELDS)
                      for qs in _attendances_in_range(_ids(users), start, end)]
    rows: dict[int, EventRow] = {}
    for values in first.union(*others):
        event_id, user_id, response, *columns = values
        row = rows.get(event_id)
        if row is None:
            row = rows[event_id] = EventRow(event_id, *columns)
        row.answers[user_id] = response
    series = [pk for pk, row in rows.items() if row.rrule]
    if series:
        for exc in EventException.objects.filter(event_id__in=series).order_by(
                "original_start"):
            rows[exc.event_id].exception_list.append(exc)
    return sorted(rows.values(), key=lambda row: (row.start, row.pk))
