"""Writes of the scheduling area: creating, changing and cancelling events, and answering
invitations.

Each function owns its transaction: it checks the actor, the times and the repeat rule,
looks for double bookings (a kind's policy either warns, and the organiser may confirm,
or blocks), writes, audits, and leaves messages and e-mails to after the commit.
"""

from datetime import datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from audit.services import audit_record
from background.enqueue import enqueue_on_commit
from inbox.services import notify
from owners.timeline import activity_record
from portal.stored_text import choice, message, moment

from . import calendar_cache
from .choices import ConflictAction, EventKind, Response
from .conflicts import Conflict, find_conflicts, policy_for
from .models import Attendance, Event, EventException
from .ranges import LONGEST_EVENT
from .recurrence import (
    _parts,
    format_until,
    instance_starts,
    is_instance,
    occurrence_at,
    series_end_of,
    validate_rrule,
    whole_days,
)
from .selectors import is_manager

EDITABLE = {"kind", "title", "start", "end", "all_day", "place", "notes", "rrule", "private",
            "attendees", "party", "room", "ticket", "outside_participants"}
OCCURRENCE_EDITABLE = {"start", "end", "title", "place"}
SCOPES = {"all", "this", "following"}


class ConflictError(ValidationError):
    """Some of the people are already busy then; ``blocking`` when the kind's policy refuses
    the booking (else the organiser may confirm it)."""

    def __init__(self, conflicts: list[Conflict], *, blocking: bool):
        if blocking:
            message = _("Some of the people are already busy at that time, and events of "
                        "this kind cannot be double-booked.")
        else:
            message = _("Some of the people are already busy at that time. Confirm to book "
                        "it anyway.")
        super().__init__(message, code="conflict")
        self.conflicts = conflicts
        self.blocking = blocking


class StaleEventError(ValidationError):
    """The event changed since the editor opened it."""

    def __init__(self, *, current: int | None = None):
        super().__init__(_("Someone else changed this event after you opened it. Reload it "
                           "to see their change, then make yours again."), code="stale")
        self.current = current


# --- helpers ------------------------------------------------------------------------------

def event_url(event_id: int) -> str:
    try:
        return reverse("scheduling:event_detail", args=[event_id])
    except NoReverseMatch:  # the pages may not be installed yet
        return ""


def _normalise_times(start: datetime, end: datetime, all_day: bool) -> tuple[datetime, datetime]:
    if start is None or end is None:
        raise ValidationError(_("Give the start and the end."), code="times")
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise ValidationError(_("Times must carry a time zone."), code="times")
    if all_day:
        if end < start:
            raise ValidationError(_("The end must be after the start."), code="times")
        start, end = whole_days(start, end)
    elif end <= start:
        raise ValidationError(_("The end must be after the start."), code="times")
    if end - start > LONGEST_EVENT:
        raise ValidationError(_("An event lasts at most %(days)s days; make it repeat "
                                "instead.") % {"days": LONGEST_EVENT.days}, code="times")
    return start, end


def _check_conflicts(*, kind: str, start: datetime, end: datetime, rrule: str,
                     all_day: bool, people: list, exclude_event_id: int | None,
                     confirm: bool, by=None) -> None:
    conflicts = find_conflicts(start=start, end=end, rrule=rrule, attendees=people,
                               exclude_event_id=exclude_event_id, all_day=all_day,
                               viewer=by)
    if not conflicts:
        return
    if policy_for(kind) == ConflictAction.BLOCK:
        raise ConflictError(conflicts, blocking=True)
    if not confirm:
        raise ConflictError(conflicts, blocking=False)


def _unique_people(users, *, without=None) -> list:
    people = {}
    for user in users or ():
        if user is None or (without is not None and user.pk == without.pk):
            continue
        people[user.pk] = user
    return list(people.values())


def _may_edit(event: Event, by) -> bool:
    return by is not None and (event.organizer_id == by.pk or is_manager(by))


def _locked(event_id: int, *, by, expected_version: int | None) -> Event:
    event = Event.objects.select_for_update(of=("self",)).select_related("organizer").get(
        pk=event_id)
    if not _may_edit(event, by):
        raise PermissionDenied(_("Only the organiser or a manager may change this event."))
    if expected_version is not None and event.version != expected_version:
        raise StaleEventError(current=event.version)
    if event.cancelled_at is not None:
        raise ValidationError(_("This event was cancelled."), code="cancelled")
    return event


def _attendees(event: Event) -> list:
    """Everyone invited except the organiser, with their user rows."""
    return [a.user for a in event.attendances.select_related("user")
            if a.user_id != event.organizer_id]


def _timeline(event: Event, by) -> None:
    if event.party_id is None and event.room_id is None:
        return
    # The timeline is read by others: a private event shows only that it took place.
    title = message(gettext_noop("%(kind)s: %(title)s (%(when)s)"),
                    kind=choice(EventKind, event.kind),
                    title=message(gettext_noop("private")) if event.private else event.title,
                    when=moment(event.start, all_day=event.all_day))
    if event.cancelled_at is not None:
        title = message(gettext_noop("%(event)s — cancelled"), event=title)
    activity_record(party=event.party, room=event.room, kind="event", title=title,
                    actor=by, occurred_at=event.start, source="scheduling.event",
                    source_id=str(event.pk), url=event_url(event.pk))


def _send_mail(kind: str, event: Event, users) -> None:
    ids = sorted({u.pk for u in users if u is not None and u.email})
    if ids:
        enqueue_on_commit("scheduling.send_event_email", kind, event.pk, ids)


MAIL_KINDS = {"invited", "changed", "cancelled"}


def event_email_send(*, kind: str, event_id: int, user_ids: list[int]) -> int:
    """E-mail the people an event was offered to, changed for or cancelled for, each in
    their own language; returns the e-mails sent. Each (person, event, kind, version) is
    claimed once, so a redelivered message sends nothing twice."""
    from django.db import IntegrityError

    from staff.emails import send_templated
    from staff.models import User

    from .models import ReminderSent

    if kind not in MAIL_KINDS:
        raise ValueError(f"unknown event e-mail {kind!r}")
    event = Event.objects.select_related("organizer").filter(pk=event_id).first()
    if event is None:
        return 0
    sent = 0
    for user in User.objects.filter(pk__in=user_ids, is_active=True).exclude(email=""):
        key = f"event-mail:{kind}:{event.pk}:v{event.version}"
        try:
            with transaction.atomic():
                ReminderSent.objects.create(user=user, key=key[:120])
        except IntegrityError:
            continue  # already sent by an earlier delivery of this message
        send_templated(name=f"event-{kind}", to=[user.email], language=user.language,
                       context={"user": user, "event": event, "url": event_url(event.pk),
                                "organiser": event.organizer})
        sent += 1
    return sent


def _when_and_where(event: Event, when: datetime) -> dict:
    return message(gettext_noop("%(when)s, %(place)s"),
                   when=moment(when, all_day=event.all_day), place=event.place or "—")


def _tell_invited(event: Event, users, by) -> None:
    users = [u for u in users if u.pk != getattr(by, "pk", None)]
    title = message(gettext_noop("%(name)s invited you: %(title)s"),
                    name=event.organizer.display_name, title=event.title)
    body = _when_and_where(event, event.start)
    for user in users:
        notify(recipients=[user], url=event_url(event.pk), title=title, body=body,
               source=f"event-invite:{event.pk}:{user.pk}")
    _send_mail("invited", event, users)


def _tell_changed(event: Event, users, by) -> None:
    users = [u for u in users if u.pk != getattr(by, "pk", None)]
    notify(recipients=users, url=event_url(event.pk),
           title=message(gettext_noop("Event changed: %(title)s"), title=event.title),
           body=_when_and_where(event, event.start),
           source=f"event-change:{event.pk}:{event.version}")
    _send_mail("changed", event, users)


def _tell_cancelled(event: Event, users, by, *, occurrence_start: datetime | None = None,
                    version: int | None = None) -> None:
    users = [u for u in users if u.pk != getattr(by, "pk", None)]
    when = occurrence_start or event.start
    notify(recipients=users, url=event_url(event.pk),
           title=message(gettext_noop("Event cancelled: %(title)s"), title=event.title),
           body=moment(when, all_day=event.all_day),
           source=f"event-cancel:{event.pk}:{version or event.version}")
    _send_mail("cancelled", event, users)


# --- create -------------------------------------------------------------------------------

@transaction.atomic
def event_create(
    *,
    by,
    kind: str,
    title: str,
    start: datetime,
    end: datetime,
    all_day: bool = False,
    place: str = "",
    notes: str = "",
    rrule: str = "",
    private: bool = False,
    attendees=(),
    party=None,
    room=None,
    ticket=None,
    outside_participants=(),
    confirm_conflicts: bool = False,
) -> Event:
    """Put an event in the organiser's (``by``) and the attendees' calendars and invite the
    attendees. Raises ``ConflictError`` when someone is busy then (unless the kind's policy
    only warns and ``confirm_conflicts``), ``ValidationError`` for bad input."""
    if not by.has_perm("scheduling.add_event"):
        raise PermissionDenied(_("You may not add events."))
    if kind not in EventKind.values:
        raise ValidationError(_("Choose a kind of event."), code="kind")
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("Give the event a title."), code="title")
    start, end = _normalise_times(start, end, all_day)
    rrule = validate_rrule(rrule, start=start)
    people = _unique_people(attendees, without=by)
    _check_conflicts(kind=kind, start=start, end=end, rrule=rrule, all_day=all_day,
                     people=[by, *people], exclude_event_id=None, confirm=confirm_conflicts, by=by)
    event = Event.objects.create(
        organizer=by, kind=kind, title=title[:120], place=(place or "").strip()[:120],
        notes=notes or "", start=start, end=end, all_day=all_day, rrule=rrule,
        series_end=series_end_of(start=start, end=end, rrule=rrule), private=private,
        party=party, room=room, ticket=ticket)
    now = timezone.now()
    _add_attendances(
        [_attendance(event, by, response=Response.ACCEPTED, responded_at=now)]
        + [_attendance(event, user) for user in people])
    if outside_participants:
        event.outside_participants.set(list(outside_participants))
    audit_record(actor=by, action="scheduling.event_created", target=event,
                 details={"kind": kind, "start": start.isoformat(), "rrule": rrule,
                          "attendees": [u.pk for u in people]})
    _timeline(event, by)
    _tell_invited(event, people, by)
    return event


# --- update -------------------------------------------------------------------------------

def _apply_changes(values: dict, changes: dict) -> dict:
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %(fields)s.")
                              % {"fields": ", ".join(sorted(unknown))}, code="fields")
    return {**values, **changes}


def _event_values(event: Event) -> dict:
    return {
        "kind": event.kind, "title": event.title, "start": event.start, "end": event.end,
        "all_day": event.all_day, "place": event.place, "notes": event.notes,
        "rrule": event.rrule, "private": event.private, "party": event.party,
        "room": event.room, "ticket": event.ticket,
    }


def _validated(values: dict) -> dict:
    if values["kind"] not in EventKind.values:
        raise ValidationError(_("Choose a kind of event."), code="kind")
    values["title"] = (values["title"] or "").strip()[:120]
    if not values["title"]:
        raise ValidationError(_("Give the event a title."), code="title")
    values["place"] = (values["place"] or "").strip()[:120]
    values["start"], values["end"] = _normalise_times(values["start"], values["end"],
                                                      values["all_day"])
    values["rrule"] = validate_rrule(values["rrule"] or "", start=values["start"])
    return values


def _attendance(event: Event, user, **fields) -> Attendance:
    """A new attendance row carrying its event's times (see ``Attendance``)."""
    return Attendance(event=event, user=user, event_start=event.start,
                      event_until=event.series_end, event_repeats=bool(event.rrule), **fields)


def _add_attendances(rows: list[Attendance]) -> None:
    """Insert attendances in one statement (which sends no signals, so the cached
    calendars of the people added are dropped here)."""
    Attendance.objects.bulk_create(rows)
    calendar_cache.forget([row.user_id for row in rows])


def _save_event(event: Event) -> None:
    """Save an event whose times or rule may have changed, and its attendances' copies."""
    event.save()
    event.attendances.update(event_start=event.start, event_until=event.series_end,
                             event_repeats=bool(event.rrule))


def _set_attendees(event: Event, people: list) -> tuple[list, list]:
    """Make ``people`` (plus the organiser) the attendees; returns (added, removed)."""
    current = {a.user_id: a for a in event.attendances.select_related("user")}
    wanted = {u.pk: u for u in people if u.pk != event.organizer_id}
    added = [u for pk, u in wanted.items() if pk not in current]
    removed = [a.user for pk, a in current.items()
               if pk not in wanted and pk != event.organizer_id]
    _add_attendances([_attendance(event, u) for u in added])
    if removed:
        event.attendances.filter(user__in=[u.pk for u in removed]).delete()
    return added, removed


def _keep_exceptions_matching(event: Event) -> None:
    """Drop changed occurrences that are no longer instances of the (changed) series."""
    for exc in list(event.exceptions.all()):
        if not is_instance(event, exc.original_start):
            exc.delete()


def _update_all(event: Event, *, by, changes: dict, confirm: bool) -> Event:
    before = _event_values(event)
    values = _validated(_apply_changes(before, {k: v for k, v in changes.items()
                                                if k not in ("attendees",
                                                             "outside_participants")}))
    old_people = _attendees(event)
    people = (_unique_people(changes["attendees"], without=event.organizer)
              if "attendees" in changes else old_people)
    timing_changed = any(values[k] != before[k] for k in ("start", "end", "rrule", "all_day"))
    people_added = {u.pk for u in people} - {u.pk for u in old_people}
    if timing_changed or people_added or values["kind"] != before["kind"]:
        _check_conflicts(kind=values["kind"], start=values["start"], end=values["end"],
                         rrule=values["rrule"], all_day=values["all_day"],
                         people=[event.organizer, *people], exclude_event_id=event.pk,
                         confirm=confirm, by=by)
    shift = values["start"] - before["start"]
    for field, value in values.items():
        setattr(event, field, value)
    event.series_end = series_end_of(start=event.start, end=event.end, rrule=event.rrule)
    event.version += 1
    _save_event(event)
    if shift and values["rrule"] == before["rrule"]:
        # Moving a whole series moves which instances its changed occurrences belong to.
        # Latest first when moving later (earliest first otherwise), so no two rows ever
        # share an original start on the way.
        order = "-original_start" if shift > timedelta(0) else "original_start"
        for exc in event.exceptions.order_by(order):
            exc.original_start += shift
            exc.save(update_fields=["original_start"])
    if timing_changed:
        _keep_exceptions_matching(event)
    added, removed = _set_attendees(event, people)
    if "outside_participants" in changes:
        event.outside_participants.set(list(changes["outside_participants"] or ()))
    audit_record(actor=by, action="scheduling.event_changed", target=event,
                 details={"scope": "all",
                          "fields": sorted(k for k in values if values[k] != before[k])})
    _timeline(event, by)
    kept = [u for u in people if u.pk not in {a.pk for a in added}]
    _tell_changed(event, [event.organizer, *kept], by)
    _tell_invited(event, added, by)
    if removed:
        _tell_cancelled(event, removed, by)
    return event


def _update_this(event: Event, *, by, occurrence_start: datetime, changes: dict,
                 confirm: bool) -> Event:
    unknown = set(changes) - OCCURRENCE_EDITABLE
    if unknown:
        raise ValidationError(_("Only the time, title and place of one occurrence can be "
                                "changed; change the whole series for the rest."),
                              code="fields")
    occ = occurrence_at(event, occurrence_start)
    if occ is None:
        raise ValidationError(_("The event has no such occurrence."), code="occurrence")
    start = changes.get("start", occ.start)
    end = changes.get("end", occ.end if "start" not in changes
                      else start + (occ.end - occ.start))
    start, end = _normalise_times(start, end, event.all_day)
    title = (changes.get("title", occ.title) or "").strip()[:120] or event.title
    place = (changes.get("place", occ.place) or "").strip()[:120]
    if (start, end) != (occ.start, occ.end):
        _check_conflicts(kind=event.kind, start=start, end=end, rrule="",
                         all_day=event.all_day, people=[event.organizer, *_attendees(event)],
                         exclude_event_id=event.pk, confirm=confirm, by=by)
    original_end = occurrence_start + (event.end - event.start)
    moved = (start, end) != (occurrence_start, original_end)
    EventException.objects.update_or_create(
        event=event, original_start=occurrence_start,
        defaults={"cancelled": False,
                  "start": start if moved else None, "end": end if moved else None,
                  "title": title if title != event.title else "",
                  "place": place if place != event.place else ""})
    event.version += 1
    event.save(update_fields=["version", "updated_at"])
    audit_record(actor=by, action="scheduling.event_changed", target=event,
                 details={"scope": "this", "occurrence": occurrence_start.isoformat(),
                          "start": start.isoformat(), "end": end.isoformat()})
    _tell_changed(event, [event.organizer, *_attendees(event)], by)
    return event


def _end_series_before(event: Event, split: datetime) -> None:
    """Make ``event``'s series stop just before the instance starting at ``split``."""
    parts = [(name, value) for name, value in _parts(event.rrule)
             if name not in ("COUNT", "UNTIL")]
    parts.append(("UNTIL", format_until(split - timedelta(seconds=1))))
    event.rrule = ";".join(f"{name}={value}" for name, value in parts)
    event.series_end = series_end_of(start=event.start, end=event.end, rrule=event.rrule)


def _rest_of_rule(event: Event, split: datetime) -> str:
    """The rule of the instances from ``split`` on, as a series starting at ``split``."""
    parts = _parts(event.rrule)
    names = dict(parts)
    if "COUNT" not in names:
        return ";".join(f"{name}={value}" for name, value in parts)
    remaining = sum(1 for s in instance_starts(event) if s >= split)
    return ";".join(f"{name}={remaining if name == 'COUNT' else value}"
                    for name, value in parts)


def _update_following(event: Event, *, by, occurrence_start: datetime, changes: dict,
                      confirm: bool) -> Event:
    if occurrence_at(event, occurrence_start) is None:
        raise ValidationError(_("The event has no such occurrence."), code="occurrence")
    duration = event.end - event.start
    base = {**_event_values(event), "start": occurrence_start,
            "end": occurrence_start + duration, "rrule": _rest_of_rule(event, occurrence_start)}
    if "start" in changes and "end" not in changes:
        changes = {**changes, "end": changes["start"] + duration}
    values = _validated(_apply_changes(base, {k: v for k, v in changes.items()
                                              if k not in ("attendees",
                                                           "outside_participants")}))
    old_people = _attendees(event)
    people = (_unique_people(changes["attendees"], without=event.organizer)
              if "attendees" in changes else old_people)
    _check_conflicts(kind=values["kind"], start=values["start"], end=values["end"],
                     rrule=values["rrule"], all_day=values["all_day"],
                     people=[event.organizer, *people], exclude_event_id=event.pk,
                     confirm=confirm, by=by)
    same_timing = (values["start"] == base["start"] and values["end"] == base["end"]
                   and values["rrule"] == base["rrule"])
    later = list(event.exceptions.filter(original_start__gte=occurrence_start))
    _end_series_before(event, occurrence_start)
    event.version += 1
    _save_event(event)
    new = Event.objects.create(
        organizer=event.organizer, **values,
        series_end=series_end_of(start=values["start"], end=values["end"],
                                 rrule=values["rrule"]))
    answers = {a.user_id: a for a in event.attendances.all()}
    _add_attendances(
        [_attendance(new, event.organizer, response=Response.ACCEPTED,
                     responded_at=timezone.now())]
        + [_attendance(new, u,
                       response=answers[u.pk].response if u.pk in answers else Response.PENDING,
                       responded_at=answers[u.pk].responded_at if u.pk in answers else None)
           for u in people])
    outside = (changes["outside_participants"] if "outside_participants" in changes
               else list(event.outside_participants.all()))
    if outside:
        new.outside_participants.set(list(outside))
    for exc in later:
        if same_timing:
            exc.event = new
            exc.save(update_fields=["event"])
        else:
            exc.delete()
    audit_record(actor=by, action="scheduling.event_changed", target=event,
                 details={"scope": "following", "occurrence": occurrence_start.isoformat(),
                          "new_event": new.pk})
    audit_record(actor=by, action="scheduling.event_created", target=new,
                 details={"split_from": event.pk})
    _timeline(new, by)
    added = [u for u in people if u.pk not in answers]
    kept = [u for u in people if u.pk in answers]
    removed = [u for u in old_people if u.pk not in {p.pk for p in people}]
    _tell_changed(new, [event.organizer, *kept], by)
    _tell_invited(new, added, by)
    if removed:
        _tell_cancelled(new, removed, by)
    return new


@transaction.atomic
def event_update(
    *,
    event_id: int,
    by,
    expected_version: int,
    scope: str = "all",
    occurrence_start: datetime | None = None,
    confirm_conflicts: bool = False,
    **changes,
) -> Event:
    """Change an event: the whole series (``"all"``, moving it when ``start`` changes),
    one occurrence (``"this"``, kept as an exception) or the occurrences from
    ``occurrence_start`` on (``"following"``: the series ends before it and a new series,
    returned, carries on with the changes and the same attendees). Only the organiser or a
    manager may; a stale ``expected_version`` is refused."""
    if scope not in SCOPES:
        raise ValidationError(_("Choose which occurrences to change."), code="scope")
    event = _locked(event_id, by=by, expected_version=expected_version)
    if scope != "all" and event.rrule:
        if occurrence_start is None:
            raise ValidationError(_("Choose the occurrence to change."), code="occurrence")
        if scope == "this":
            return _update_this(event, by=by, occurrence_start=occurrence_start,
                                changes=changes, confirm=confirm_conflicts)
        if occurrence_start != event.start:
            return _update_following(event, by=by, occurrence_start=occurrence_start,
                                     changes=changes, confirm=confirm_conflicts)
    return _update_all(event, by=by, changes=changes, confirm=confirm_conflicts)


# --- cancel -------------------------------------------------------------------------------

@transaction.atomic
def event_cancel(*, event_id: int, by, scope: str = "all",
                 occurrence_start: datetime | None = None,
                 expected_version: int | None = None) -> Event:
    """Cancel an event, one occurrence of it (``"this"``) or the occurrences from
    ``occurrence_start`` on (``"following"``), and tell the attendees."""
    if scope not in SCOPES:
        raise ValidationError(_("Choose which occurrences to cancel."), code="scope")
    event = _locked(event_id, by=by, expected_version=expected_version)
    people = _attendees(event)
    if scope != "all" and event.rrule:
        if occurrence_start is None:
            raise ValidationError(_("Choose the occurrence to cancel."), code="occurrence")
        if occurrence_at(event, occurrence_start) is None:
            raise ValidationError(_("The event has no such occurrence."), code="occurrence")
        if scope == "this" or occurrence_start != event.start:
            if scope == "this":
                EventException.objects.update_or_create(
                    event=event, original_start=occurrence_start,
                    defaults={"cancelled": True, "start": None, "end": None})
            else:
                event.exceptions.filter(original_start__gte=occurrence_start).delete()
                _end_series_before(event, occurrence_start)
            event.version += 1
            _save_event(event)
            audit_record(actor=by, action="scheduling.event_cancelled", target=event,
                         details={"scope": scope, "occurrence": occurrence_start.isoformat()})
            _tell_cancelled(event, [event.organizer, *people], by,
                            occurrence_start=occurrence_start)
            return event
    event.cancelled_at = timezone.now()
    event.version += 1
    event.save()
    audit_record(actor=by, action="scheduling.event_cancelled", target=event,
                 details={"scope": "all"})
    _timeline(event, by)
    _tell_cancelled(event, [event.organizer, *people], by)
    return event


# --- answers ------------------------------------------------------------------------------

ANSWERS = {Response.ACCEPTED, Response.DECLINED, Response.TENTATIVE}


@transaction.atomic
def attendance_respond(*, event_id: int, user, response: str) -> Attendance:
    """Record ``user``'s answer to an invitation and tell the organiser in their inbox."""
    if response not in ANSWERS:
        raise ValidationError(_("Answer yes, no or maybe."), code="response")
    attendance = (Attendance.objects.select_for_update(of=("self",))
                  .select_related("event__organizer").filter(event_id=event_id, user=user)
                  .first())
    if attendance is None:
        raise PermissionDenied(_("You are not invited to this event."))
    event = attendance.event
    if event.cancelled_at is not None:
        raise ValidationError(_("This event was cancelled."), code="cancelled")
    now = timezone.now()
    changed = attendance.response != response
    attendance.response = response
    attendance.responded_at = now
    attendance.save(update_fields=["response", "responded_at"])
    if changed:
        audit_record(actor=user, action="scheduling.attendance_answered", target=event,
                     details={"response": response})
    if changed and event.organizer_id != user.pk:
        notify(recipients=[event.organizer], url=event_url(event.pk),
               title=message(gettext_noop("%(name)s answered “%(answer)s”: %(title)s"),
                             name=user.display_name, answer=choice(Response, response),
                             title=event.title),
               source=f"event-answer:{attendance.pk}:{now.timestamp():.0f}:{response}")
    return attendance


def local_day_bounds(day) -> tuple[datetime, datetime]:
    """Aware start and end of a local calendar day (handy for callers building ranges)."""
    tz = timezone.get_default_timezone()
    start = timezone.make_aware(datetime.combine(day, time(0)), tz)
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time(0)), tz)
