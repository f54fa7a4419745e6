"""Reads of the scheduling area: what a viewer may see of people's calendars (whose events
fall in a range is read by ``ranges``, through ``calendar_cache``).

A colleague's event shows as "busy" unless the viewer may see its details (themselves, its
organiser and attendees, managers, the same department); a private event's details are
for its organiser and attendees only.
"""

from collections.abc import Iterable
from datetime import datetime

from django.utils.translation import gettext as _

from . import calendar_cache
from .choices import Response

MANAGER_PERMISSION = "scheduling.change_conflictpolicy"  # held by managers and administrators


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
