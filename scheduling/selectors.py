"""Reads of the scheduling area: whose events fall in a range, and what a viewer may see.

A colleague's event shows as "busy" unless the viewer may see its details (themselves, its
organiser and attendees, managers, the same department); a private event's details are
for its organiser and attendees only.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from .choices import Response
from .models import Attendance, Event, EventException
from .recurrence import occurrences

MANAGER_PERMISSION = "scheduling.change_conflictpolicy"  # held by managers and administrators


def _ids(users: Iterable) -> list[int]:
    return [getattr(user, "pk", user) for user in users]


# One occurrence lasts at most this long (checked when events are saved), so a range search
# reads events by their start through an index instead of every row.
LONGEST_EVENT = timedelta(days=31)


def events_in_range(users: Iterable, start: datetime, end: datetime) -> QuerySet[Event]:
    """Events not cancelled, organised or attended by any of ``users`` (objects or ids),
    that may have an occurrence overlapping ``[start, end)``; with their exceptions and
    attendances prefetched. Expand them with ``recurrence.occurrences``.

    The candidates come from three searches that each walk an index, unioned in one
    query: single occurrences by their start, repeating series still running, and
    occurrences moved into the range; then the rows themselves in a second."""
    ids = _ids(users)
    involved = (Q(organizer_id__in=ids)
                | Exists(Attendance.objects.filter(event=OuterRef("pk"), user_id__in=ids)))
    live = Event.objects.filter(involved, cancelled_at__isnull=True)
    single = live.filter(start__gte=start - LONGEST_EVENT, start__lt=end, end__gt=start)
    repeating = (live.exclude(rrule="").filter(start__lt=end)
                 .filter(Q(series_end__isnull=True) | Q(series_end__gt=start)))
    moved = (EventException.objects.filter(cancelled=False, start__lt=end, end__gt=start,
                                           event__cancelled_at__isnull=True)
             .filter(Q(event__organizer_id__in=ids)
                     | Exists(Attendance.objects.filter(event=OuterRef("event_id"),
                                                        user_id__in=ids))))
    found = set(single.order_by().values_list("pk", flat=True).union(
        repeating.order_by().values_list("pk", flat=True),
        moved.order_by().values_list("event_id", flat=True)))
    return (
        Event.objects.filter(pk__in=found)
        .select_related("organizer")
        .prefetch_related(
            "exceptions",
            Prefetch("attendances", queryset=Attendance.objects.order_by("pk")),
        )
    )


def is_manager(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(MANAGER_PERMISSION))


def _involved(event) -> set[int]:
    """The organiser and attendees (prefetched attendances), declined or not."""
    return {event.organizer_id, *(a.user_id for a in event.attendances.all())}


def may_see_details(viewer, owner, event) -> bool:
    """Whether ``viewer`` may read ``event`` (seen in ``owner``'s calendar) beyond "busy"."""
    if viewer is None or not viewer.is_authenticated:
        return False
    if viewer.pk in _involved(event):
        return True
    if event.private:
        return False
    if owner is not None and viewer.pk == owner.pk:
        return True
    if is_manager(viewer):
        return True
    owner_department = getattr(owner, "department_id", None) if owner is not None else None
    return bool(viewer.department_id and viewer.department_id == owner_department)


def event_responses(event) -> dict[int, str]:
    """Each involved person's answer (the organiser has accepted unless they said else)."""
    answers = {event.organizer_id: Response.ACCEPTED}
    answers.update({a.user_id: a.response for a in event.attendances.all()})
    return answers


def calendar_for(*, viewer, users: Iterable, start: datetime,
                 end: datetime) -> dict[int, list[dict]]:
    """Each user's occurrences in ``[start, end)``, sorted, as dictionaries a page or the
    API can show: details where ``viewer`` may see them, otherwise just "Busy".

    Events a person declined are left out of their calendar (they are not busy), except in
    the viewer's own, where they are shown with their answer. A constant number of
    queries, whatever the number of users and events.
    """
    users = list(users)
    by_id = {user.pk: user for user in users}
    result: dict[int, list[dict]] = {user.pk: [] for user in users}
    busy_label = _("Busy")
    for event in events_in_range(users, start, end):
        answers = event_responses(event)
        shown_to = [by_id[pk] for pk in answers if pk in by_id
                    and (answers[pk] != Response.DECLINED or pk == viewer.pk)]
        if not shown_to:
            continue
        found = occurrences(event, start, end)
        if not found:
            continue
        for owner in shown_to:
            busy_only = not may_see_details(viewer, owner, event)
            for occ in found:
                result[owner.pk].append({
                    "key": occ.key,
                    "start": occ.start,
                    "end": occ.end,
                    "all_day": event.all_day,
                    "title": busy_label if busy_only else occ.title,
                    "place": "" if busy_only else occ.place,
                    "kind": "" if busy_only else event.kind,
                    "event_id": event.pk,
                    "busy_only": busy_only,
                    "response": answers[owner.pk],
                    "private": event.private,
                })
    for items in result.values():
        items.sort(key=lambda item: (item["start"], item["end"], item["event_id"]))
    return result
