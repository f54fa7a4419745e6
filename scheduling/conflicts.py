"""Double bookings: which of the people asked to an event are already busy then.

Every occurrence of a proposed series (up to its end, or a horizon for one that never
ends) is checked against every attendee's existing occurrences: one query for all the
attendees' events over the whole span, then interval checks in Python on sorted lists.
"""

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from .choices import ConflictAction, EventKind, Response
from .models import ConflictPolicy, Event
from .ranges import calendar_rows
from .recurrence import Occurrence, busy_span, occurrences, series_end_of
from .selectors import event_responses

DEFAULT_BLOCKING = {EventKind.VISIT}


@dataclass
class Conflict:
    """``user`` is already busy with ``occurrence`` when the proposal (``proposed_start``,
    the clashing occurrence of the proposed series) happens."""

    user: object
    occurrence: Occurrence
    proposed_start: datetime | None = None


def policy_for(kind: str) -> str:
    """``"block"`` or ``"warn"``: the kind's policy, by default blocking on-site visits."""
    action = ConflictPolicy.objects.filter(kind=kind).values_list("action", flat=True).first()
    if action:
        return action
    return ConflictAction.BLOCK if kind in DEFAULT_BLOCKING else ConflictAction.WARN


def proposed_spans(*, start: datetime, end: datetime, rrule: str = "", all_day: bool = False,
                   horizon_days: int = 366) -> list[tuple[datetime, datetime]]:
    """The busy spans of every occurrence of a proposed series, up to the horizon."""
    proposal = Event(start=start, end=end, rrule=rrule or "", all_day=all_day, title="")
    last = series_end_of(start=start, end=end, rrule=rrule or "")
    horizon = start + timedelta(days=horizon_days)
    until = min(last, horizon) if last is not None else horizon
    spans = [busy_span(occ) for occ in occurrences(proposal, start, max(until, end))]
    spans.sort()
    return spans


def find_conflicts(*, start: datetime, end: datetime, rrule: str = "", attendees: Iterable,
                   exclude_event_id: int | None = None, horizon_days: int = 366,
                   all_day: bool = False, viewer=None) -> list[Conflict]:
    """Each (attendee, existing occurrence) clashing with any occurrence of the proposal,
    ignoring events the attendee declined, cancelled events and ``exclude_event_id``.
    Touching ends are no clash; all-day events fill their whole local days. The events
    also carry ``viewer``'s answers, so whether they may read them can be told."""
    people = {user.pk: user for user in attendees if user is not None}
    spans = proposed_spans(start=start, end=end, rrule=rrule, all_day=all_day,
                           horizon_days=horizon_days)
    if not people or not spans:
        return []
    # A day either side: an all-day event stored with times still fills its whole day.
    lo = spans[0][0] - timedelta(days=1)
    hi = max(span_end for _s, span_end in spans) + timedelta(days=1)
    searched = [*people, *([viewer.pk] if viewer is not None else [])]
    busy: dict[int, list[tuple[datetime, datetime, Occurrence]]] = {pk: [] for pk in people}
    for event in calendar_rows(searched, lo, hi):
        if event.pk == exclude_event_id:
            continue
        answers = event_responses(event)
        involved = [pk for pk, answer in answers.items()
                    if pk in people and answer != Response.DECLINED]
        if not involved:
            continue
        for occ in occurrences(event, lo, hi):
            occ_start, occ_end = busy_span(occ)
            for pk in involved:
                busy[pk].append((occ_start, occ_end, occ))

    found: list[Conflict] = []
    for pk, intervals in busy.items():
        if not intervals:
            continue
        intervals.sort(key=lambda item: (item[0], item[1]))
        starts = [item[0] for item in intervals]
        longest = max(item[1] - item[0] for item in intervals)
        seen: set[str] = set()
        for span_start, span_end in spans:
            # Only intervals starting after (span_start - longest) can still be running.
            first = bisect_right(starts, span_start - longest)
            last = bisect_left(starts, span_end)
            for occ_start, occ_end, occ in intervals[first:last]:
                if occ_start < span_end and occ_end > span_start and occ.key not in seen:
                    seen.add(occ.key)
                    found.append(Conflict(user=people[pk], occurrence=occ,
                                          proposed_start=span_start))
    found.sort(key=lambda c: (c.occurrence.start, c.user.pk))
    return found
