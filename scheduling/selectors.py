"""Reads of the scheduling area: whose events fall in a range, and what a viewer may see.

A colleague's event shows as "busy" unless the viewer may see its details (themselves, its
organiser and attendees, managers, the same department); a private event's details are
for its organiser and attendees only.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from . import calendar_cache
from .choices import Response
from .models import Attendance, Event, EventException

MANAGER_PERMISSION = "scheduling.change_conflictpolicy"  # held by managers and administrators


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


def is_manager(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(MANAGER_PERMISSION))


def _involved(event) -> set[int]:
    """The organiser and attendees (prefetched attendances), declined or not; of an
    ``EventRow``, those of the people it was read for."""
    answers = getattr(event, "answers", None)
    if answers is not None:
        return {event.organizer_id, *answers}
    return {event.organizer_id, *(a.user_id for a in event.attendances.all())}


def may_see_details(viewer, owner, event) -> bool:
    """Whether ``viewer`` may read ``event`` (seen in ``owner``'s calendar) beyond "busy"."""
    return _details_rule(viewer)(owner, event)


def event_responses(event) -> dict[int, str]:
    """Each involved person's answer (the organiser has accepted unless they said else)."""
    answers = {event.organizer_id: Response.ACCEPTED}
    known = getattr(event, "answers", None)
    if known is not None:
        answers.update(known)
    else:
        answers.update({a.user_id: a.response for a in event.attendances.all()})
    return answers


def _viewer_rule(viewer):
    """Whether ``viewer`` may read an event beyond "busy", as ``rule(owner, involved,
    private)``, with what depends only on the viewer worked out once (a team's week asks
    it thousands of times): the people asked to an event (``involved``: its organiser and
    attendees) see it; a private one nobody else; otherwise the calendar's owner, managers
    and the owner's department."""
    if viewer is None or not viewer.is_authenticated:
        return lambda owner, involved, private: False
    manager = is_manager(viewer)
    department = viewer.department_id

    def rule(owner, involved: bool, private: bool) -> bool:
        if involved:
            return True
        if private:
            return False
        if owner is not None and viewer.pk == owner.pk:
            return True
        return manager or bool(department and department == getattr(owner, "department_id",
                                                                   None))
    return rule


def _details_rule(viewer):
    """``may_see_details`` for one viewer (see ``_viewer_rule``)."""
    rule = _viewer_rule(viewer)
    viewer_id = getattr(viewer, "pk", None)
    return lambda owner, event: rule(owner, viewer_id in _involved(event), event.private)


class Calendars:
    """The calendars of ``users`` in ``[start, end)`` as ``viewer`` may see them, read in
    one go: what each person's calendar holds comes from ``calendar_cache`` (the same for
    every viewer), what the viewer may read of it is decided here.

    Events a person declined are left out of their calendar (they are not busy), except in
    the viewer's own, where they are shown with their answer. ``entries(owner)`` gives a
    calendar's occurrences as the cache's tuples (cheap to sort into days), ``shown(owner,
    entry)`` one of them as a page or the API shows it: details where the viewer may see
    them, otherwise just "Busy"."""

    def __init__(self, *, viewer, users: Iterable, start: datetime, end: datetime,
                 generations: dict | None = None) -> None:
        self.viewer = viewer
        self.users = list(users)
        self._found = calendar_cache.occurrences_of(
            [*(user.pk for user in self.users), viewer.pk], start, end,
            known_generations=generations)
        self._asked = {entry[calendar_cache.EVENT_ID] for entry in self._found.get(viewer.pk, ())}
        self._may_see = _viewer_rule(viewer)
        self._busy = _("Busy")

    def entries(self, owner) -> list[tuple]:
        """``owner``'s occurrences (tuples of ``calendar_cache.FIELDS``), sorted by time."""
        found = self._found.get(owner.pk, [])
        if owner.pk == self.viewer.pk:
            return found
        declined = Response.DECLINED
        return [entry for entry in found if entry[calendar_cache.RESPONSE] != declined]

    def shown(self, owner, entry: tuple) -> dict:
        (when, until, event_id, key, original_start, title, place, kind, all_day, private,
         version, recurring, organizer_id, response, *_stamps) = entry
        involved = organizer_id == self.viewer.pk or event_id in self._asked
        busy_only = not self._may_see(owner, involved, private)
        return {
            "all_day": all_day, "event_id": event_id, "private": private,
            "version": version, "recurring": recurring, "organizer_id": organizer_id,
            "key": key, "start": when, "end": until, "original_start": original_start,
            "title": self._busy if busy_only else title,
            "place": "" if busy_only else place, "kind": "" if busy_only else kind,
            "busy_only": busy_only, "response": response,
        }


def calendar_for(*, viewer, users: Iterable, start: datetime,
                 end: datetime) -> dict[int, list[dict]]:
    """Each user's occurrences in ``[start, end)``, sorted, as dictionaries a page or the
    API can show (see ``Calendars``). A constant number of queries, whatever the number
    of users and events."""
    calendars = Calendars(viewer=viewer, users=users, start=start, end=end)
    return {owner.pk: [calendars.shown(owner, entry) for entry in calendars.entries(owner)]
            for owner in calendars.users}
