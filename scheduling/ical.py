"""iCalendar (RFC 5545): each person's private, revocable feed, and one event as a file.

The feed expands the occurrences from one month back to six months ahead into single
VEVENTs (UTC times): simple, valid and read alike by every phone. The download of one
event keeps its rule instead (RRULE, EXDATE for cancelled occurrences, RECURRENCE-ID
overrides for changed ones) in Asia/Shanghai time with its VTIMEZONE.

Only events the person organises or attends (and did not decline) are in their feed, so
a private event appears in no one else's; details are checked with
``selectors.may_see_details`` all the same.
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from icalendar import Calendar, vRecur
from icalendar import Event as VEvent

from audit.services import audit_record

from .choices import Response
from .models import CalendarFeed, Event
from .ranges import events_in_range
from .recurrence import occurrences, whole_days
from .selectors import may_see_details

PRODID = "-//Wuye CRM//Scheduling//ZH"
UID_DOMAIN = "wuye-crm"
PAST = timedelta(days=31)
AHEAD = timedelta(days=183)


# --- the feed address --------------------------------------------------------------------

def feed_for(*, user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


@transaction.atomic
def feed_issue(*, user) -> CalendarFeed:
    """Give ``user`` a new feed address; an earlier one stops working at once."""
    token = secrets.token_urlsafe(32)
    feed, created = CalendarFeed.objects.update_or_create(
        user=user, defaults={"token": token, "created_at": timezone.now()})
    audit_record(actor=user, action="scheduling.feed_create" if created
                 else "scheduling.feed_regenerate", target=feed)
    return feed


@transaction.atomic
def feed_revoke(*, user) -> bool:
    """Remove ``user``'s feed address; calendar apps reading it get 404 from now on."""
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is None:
        return False
    audit_record(actor=user, action="scheduling.feed_revoke", target=feed)
    feed.delete()
    return True


def feed_owner(*, token: str):
    """The active user whose feed ``token`` is, else 404 (unknown or revoked)."""
    if not token or len(token) > 64:
        raise Http404
    feed = (CalendarFeed.objects.select_related("user")
            .filter(token=token, user__is_active=True).first())
    if feed is None or not secrets.compare_digest(feed.token, token):
        raise Http404
    return feed.user


# --- building the calendar ---------------------------------------------------------------

def _calendar(name: str = "") -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    if name:
        cal.add("x-wr-calname", name)
    return cal


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _uid(event: Event, original_start: datetime | None = None) -> str:
    if original_start is None:
        return f"event-{event.pk}@{UID_DOMAIN}"
    return f"event-{event.pk}-{_utc(original_start):%Y%m%dT%H%M%SZ}@{UID_DOMAIN}"


def _days(start: datetime, end: datetime) -> tuple[date, date]:
    first, last = whole_days(start, end)
    return timezone.localtime(first).date(), timezone.localtime(last).date()


def _times(component: VEvent, start: datetime, end: datetime, all_day: bool, *,
           local: bool) -> None:
    if all_day:
        first, last = _days(start, end)
        component.add("dtstart", first)
        component.add("dtend", last)
    elif local:
        component.add("dtstart", timezone.localtime(start))
        component.add("dtend", timezone.localtime(end))
    else:
        component.add("dtstart", _utc(start))
        component.add("dtend", _utc(end))


def _details(component: VEvent, event: Event, *, title: str, place: str,
             stamp: datetime) -> None:
    component.add("dtstamp", _utc(stamp))
    component.add("last-modified", _utc(event.updated_at))
    component.add("sequence", max(event.version - 1, 0))
    component.add("summary", title)
    if place:
        component.add("location", place)
    if event.notes:
        component.add("description", event.notes)
    component.add("class", "PRIVATE" if event.private else "PUBLIC")
    component.add("status", "CONFIRMED")


def _declined(event: Event, user) -> bool:
    return any(a.user_id == user.pk and a.response == Response.DECLINED
               for a in event.attendances.all())


def feed_calendar(*, user, now: datetime | None = None) -> bytes:
    """``user``'s events from a month back to six months ahead, one VEVENT per occurrence.

    A constant number of queries (events, their exceptions and attendances)."""
    now = now or timezone.now()
    start, end = now - PAST, now + AHEAD
    cal = _calendar(user.display_name)
    for event in events_in_range([user], start, end).order_by("start", "pk"):
        if _declined(event, user) or not may_see_details(user, user, event):
            continue
        for occ in occurrences(event, start, end):
            component = VEvent()
            component.add("uid", _uid(event, occ.original_start))
            _times(component, occ.start, occ.end, event.all_day, local=False)
            _details(component, event, title=occ.title, place=occ.place, stamp=now)
            cal.add_component(component)
    return cal.to_ical()


def event_for_download(*, viewer, pk: int) -> Event:
    """The event ``viewer`` may see the details of, else 404 (no hint that it exists)."""
    if not viewer.has_perm("scheduling.view_event"):
        raise Http404
    event = (Event.objects.select_related("organizer")
             .prefetch_related("exceptions", "attendances").filter(pk=pk).first())
    if event is None or not may_see_details(viewer, event.organizer, event):
        raise Http404
    return event


def event_calendar(*, event: Event, now: datetime | None = None) -> bytes:
    """One event as a calendar file: its rule, cancelled occurrences as EXDATE and changed
    ones as RECURRENCE-ID overrides, in local time with the VTIMEZONE."""
    now = now or timezone.now()
    cal = _calendar()
    master = VEvent()
    master.add("uid", _uid(event))
    _times(master, event.start, event.end, event.all_day, local=True)
    _details(master, event, title=event.title, place=event.place, stamp=now)
    if event.cancelled_at is not None:
        master["status"] = "CANCELLED"
    cal.add_component(master)
    if event.rrule:
        master.add("rrule", vRecur.from_ical(event.rrule))
        duration = event.end - event.start
        exceptions = sorted(event.exceptions.all(), key=lambda e: e.original_start)
        cancelled = [e.original_start for e in exceptions if e.cancelled]
        if cancelled:
            master.add("exdate", [_days(moment, moment)[0] if event.all_day
                                  else timezone.localtime(moment) for moment in cancelled])
        for exc in exceptions:
            if exc.cancelled:
                continue
            override = VEvent()
            override.add("uid", _uid(event))
            original = exc.original_start
            override.add("recurrence-id", _days(original, original)[0] if event.all_day
                         else timezone.localtime(original))
            moved_start = exc.start or original
            _times(override, moved_start, exc.end or moved_start + duration, event.all_day,
                   local=True)
            _details(override, event, title=exc.title or event.title,
                     place=exc.place or event.place, stamp=now)
            cal.add_component(override)
    cal.add_missing_timezones()
    return cal.to_ical()

