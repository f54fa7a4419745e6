"""The calendar pages: one's own calendar (day, week, month, agenda), colleagues side by
side (team), the event form, the event page with answers, and the drag endpoint.

What a viewer may read of someone's events is decided by ``selectors.calendar_for`` (busy
only, or details); the pages only lay the items out. Every write calls a service.
"""

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal import inputs

from . import calendar_cache, selectors, services
from .calendar_cache import END_TS, START_TS
from .choices import RESPONSE_ACTIONS, EventKind, Response
from .forms_events import REPEAT_FIELDS, EventForm, MoveForm, Scope, TeamForm, event_initial
from .models import Event
from .templatetags.calendar_tags import ChipWriter

VIEW_PERM = "scheduling.view_event"
ADD_PERM = "scheduling.add_event"
VIEWS = ("day", "week", "month", "agenda")
AGENDA_DAYS = 14
MAX_TEAM = 40  # people side by side on one page
TEAM_CELL_ITEMS = 4  # events shown in one person's day of the team week
MINUTES_PER_DAY = 24 * 60


# --- dates and ranges -----------------------------------------------------------------------

def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _chosen_day(request: HttpRequest) -> date:
    return inputs.parse_day(request.GET.get("date"), field="date") or timezone.localdate()


def _range(view: str, day: date) -> tuple[date, date, date, date]:
    """``(first, last_exclusive, previous, next)`` days for a view around ``day``."""
    if view == "day":
        return day, day + timedelta(days=1), day - timedelta(days=1), day + timedelta(days=1)
    if view == "month":
        first_of_month = day.replace(day=1)
        next_month = (first_of_month + timedelta(days=32)).replace(day=1)
        previous_month = (first_of_month - timedelta(days=1)).replace(day=1)
        first = first_of_month - timedelta(days=first_of_month.weekday())
        last = next_month + timedelta(days=(7 - next_month.weekday()) % 7)
        return first, last, previous_month, next_month
    if view == "agenda":
        return (day, day + timedelta(days=AGENDA_DAYS), day - timedelta(days=AGENDA_DAYS),
                day + timedelta(days=AGENDA_DAYS))
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=7), monday - timedelta(days=7), monday + timedelta(
        days=7)


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days)]


# --- items laid out -------------------------------------------------------------------------

@dataclass
class Item:
    """One occurrence as a page shows it (on one day for the time grid)."""

    event_id: int | None
    title: str
    place: str
    kind: str
    start: datetime
    end: datetime
    all_day: bool
    busy_only: bool
    response: str | None
    original_start: datetime
    private: bool = False
    version: int | None = None
    recurring: bool = False
    movable: bool = False
    top: int = 0  # minutes from the day's midnight
    height: int = 0  # minutes
    lane: int = 0
    lanes: int = 1

    @property
    def url(self) -> str:
        if self.event_id is None:
            return ""
        url = reverse("scheduling:event_detail", args=[self.event_id])
        if self.recurring:
            url += "?" + urlencode({"at": self.original_start.isoformat()})
        return url

    @property
    def declined(self) -> bool:
        return self.response == Response.DECLINED


def _items(raw: list[dict], viewer) -> list[Item]:
    """Occurrences as items, sorted; movable (dragged) where ``viewer`` organises them."""
    items = []
    busy_title = _("Busy")
    for row in raw:
        busy = bool(row.get("busy_only"))
        item = Item(
            event_id=None if busy else row.get("event_id"),
            title=busy_title if busy else (row.get("title") or ""),
            place="" if busy else (row.get("place") or ""),
            kind="busy" if busy else (row.get("kind") or ""), start=row["start"],
            end=row["end"], all_day=bool(row.get("all_day")), busy_only=busy,
            response=None if busy else row.get("response"),
            original_start=row.get("original_start") or _original_start(row),
            private=bool(row.get("private")),
            version=None if busy else row.get("version"),
            recurring=not busy and bool(row.get("recurring")))
        item.movable = (not busy and not item.all_day
                        and row.get("organizer_id") == viewer.pk)
        items.append(item)
    items.sort(key=lambda i: (i.start, i.end, i.title))
    return items


def _original_start(row: dict) -> datetime:
    """Which instance of its series a row is: named in its key ("<event id>:<start>")."""
    _pk, _sep, moment = (row.get("key") or "").partition(":")
    try:
        return datetime.fromisoformat(moment)
    except ValueError:
        return row["start"]


def _is_all_day_row(item: Item) -> bool:
    """All-day events and those lasting a day or more go in the all-day row."""
    return item.all_day or (item.end - item.start) >= timedelta(days=1)


def _lay_out(items: list[Item]) -> None:
    """Side by side lanes for overlapping items of one column (greedy, by start)."""
    cluster: list[Item] = []
    lane_ends: list[int] = []
    cluster_end = -1

    def close():
        for member in cluster:
            member.lanes = len(lane_ends)

    for item in sorted(items, key=lambda i: (i.top, -i.height)):
        if cluster and item.top >= cluster_end:
            close()
            cluster, lane_ends = [], []
        for lane, lane_end in enumerate(lane_ends):
            if lane_end <= item.top:
                item.lane = lane
                lane_ends[lane] = item.top + item.height
                break
        else:
            item.lane = len(lane_ends)
            lane_ends.append(item.top + item.height)
        cluster.append(item)
        cluster_end = max(cluster_end, item.top + item.height)
    close()


def _segment(item: Item, day_start: datetime, day_end: datetime) -> Item:
    """The part of a timed item within one day (``[day_start, day_end)``, which it
    overlaps), positioned in minutes from the local midnight."""
    start, end = max(item.start, day_start), min(item.end, day_end)
    if start == day_start:
        top = 0
    else:
        local = timezone.localtime(start)
        top = min(local.hour * 60 + local.minute, MINUTES_PER_DAY - 15)
    height = max(15, min(int((end - start).total_seconds() // 60), MINUTES_PER_DAY - top))
    return Item(**{**item.__dict__, "top": top, "height": height,
                   "movable": item.movable and start == item.start and end == item.end})


@dataclass
class Column:
    """A column of the time grid (a day, or a person on one day) or a month/agenda cell."""

    day: date
    label: str = ""
    user: object = None
    all_day: list = field(default_factory=list)
    timed: list = field(default_factory=list)
    items: list = field(default_factory=list)
    today: bool = False
    in_month: bool = True
    more: int = 0  # items left out (team week)
    day_url: str = ""


def _column(day: date, items: list[Item], *, label: str = "", user=None,
            layout: bool = True) -> Column:
    """The items overlapping ``day``; with ``layout``, split into the all-day row and the
    time grid's positioned segments."""
    column = Column(day=day, label=label, user=user, today=day == timezone.localdate())
    day_start, day_end = _midnight(day), _midnight(day + timedelta(days=1))
    for item in items:
        if item.start >= day_end or item.end <= day_start:
            continue
        column.items.append(item)
        if not layout:
            continue
        if _is_all_day_row(item):
            column.all_day.append(item)
        else:
            column.timed.append(_segment(item, day_start, day_end))
    _lay_out(column.timed)
    return column


def _hours() -> list[str]:
    return [f"{h:02d}:00" for h in range(24)]


def _calendars(viewer, users, first: date, last: date) -> dict:
    return selectors.calendar_for(viewer=viewer, users=users, start=_midnight(first),
                                  end=_midnight(last))


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _nav_query(view: str, day: date, **extra) -> str:
    return "?" + urlencode({"view": view, "date": day.isoformat(), **extra}, doseq=True)


# --- pages ----------------------------------------------------------------------------------

@require_GET
def calendar_view(request: HttpRequest) -> HttpResponse:
    """The signed-in user's calendar: ``?view=day|week|month|agenda&date=YYYY-MM-DD``."""
    _require(request.user.has_perm(VIEW_PERM))
    view = request.GET.get("view") if request.GET.get("view") in VIEWS else "week"
    day = _chosen_day(request)
    first, last, previous, following = _range(view, day)
    calendars = _calendars(request.user, [request.user], first, last)
    items = _items(calendars.get(request.user.pk, []), request.user)
    columns = [_column(d, items) for d in _days(first, last)]
    if view == "month":
        for column in columns:
            column.in_month = column.day.month == day.month
    weeks = [columns[n:n + 7] for n in range(0, len(columns), 7)] if view == "month" else []
    agenda = [c for c in columns if c.items] if view == "agenda" else []
    return render(request, "scheduling/calendar/calendar.html", {
        "view": view, "day": day, "first": first, "last": last - timedelta(days=1),
        "columns": columns, "weeks": weeks, "agenda": agenda, "hours": _hours(),
        "previous_query": _nav_query(view, previous),
        "next_query": _nav_query(view, following),
        "today_query": _nav_query(view, timezone.localdate()),
        "views": [(v, _nav_query(v, day)) for v in VIEWS],
        "may_add": request.user.has_perm(ADD_PERM),
        "draggable": view in ("week", "day"), "kinds": EventKind.choices,
    })


def _team_members(request: HttpRequest, form: TeamForm) -> list:
    User = get_user_model()
    data = form.cleaned_data if form.is_valid() else {}
    qs = User.objects.filter(is_active=True).order_by("full_name", "pk")
    if data.get("users"):  # read by the form already: active, in name order
        return list(data["users"])[:MAX_TEAM]
    department = data.get("department") or request.user.department
    if department is None:
        return [request.user]
    return list(qs.filter(department=department)[:MAX_TEAM])


def _by_day(entries: list[tuple], days: list[date]) -> list[list[tuple]]:
    """``entries`` (``Calendars.entries``, sorted by start) in one list per day of
    ``days`` they overlap, in the same order."""
    bounds = [_midnight(d).timestamp() for d in [*days, days[-1] + timedelta(days=1)]]
    last = len(days)
    found: list[list[tuple]] = [[] for _day in days]
    for entry in entries:
        start, end = entry[START_TS], entry[END_TS]
        index = max(bisect_right(bounds, start) - 1, 0)
        while index < last and bounds[index] < end:
            if bounds[index + 1] > start:
                found[index].append(entry)
            index += 1
    return found


def _team_cell(writer: ChipWriter, calendars: selectors.Calendars, owner,
               rows: list[tuple], day_url: str) -> SafeString:
    """One person's day in the team week: the first few chips and a link to the day
    view for the rest."""
    first = [calendars.shown(owner, entry) for entry in rows[:TEAM_CELL_ITEMS]]
    first.sort(key=lambda row: (row["start"], row["end"], row["title"]))
    shown = [writer.row_chip(row) for row in first]
    if not shown:
        shown = [f'<span class="visually-hidden">{writer.free}</span>']
    more = len(rows) - TEAM_CELL_ITEMS
    if more > 0:
        label = escape(ngettext("%(counter)s more…", "%(counter)s more…", more)
                       % {"counter": more})
        shown.append(f'<a class="small d-block" href="{escape(day_url)}" '
                     f'data-testid="team-more">{label}</a>')
    return mark_safe("".join(shown))  # noqa: S308 - the writer escapes every value


def _team_week(viewer, members: list, days: list[date], day_urls: list[str]) -> list[list[str]]:
    """Each member's days in the team week as cells of HTML. Each member's row is kept in
    the cache under the generations of their calendar and the viewer's (see
    ``calendar_cache``) and whatever else decides what the viewer may read of it, so a
    change of any of those is never missed; a change rebuilds only the rows it concerns."""
    start, end = _midnight(days[0]), _midnight(days[-1] + timedelta(days=1))
    generations = calendar_cache.generations([*(m.pk for m in members), viewer.pk]) or {}
    shared = (get_language(), timezone.get_current_timezone_name(), viewer.pk,
              selectors.is_manager(viewer), viewer.department_id, start.isoformat(),
              TEAM_CELL_ITEMS, day_urls)
    keys = {}
    for member in members:
        key = calendar_cache.page_key(
            "team-row", {pk: generations.get(pk) for pk in (member.pk, viewer.pk)},
            *shared, member.pk, member.department_id)
        if key:
            keys[member.pk] = key
    cached = cache.get_many(list(keys.values())) if keys else {}
    rows = {pk: cached[key] for pk, key in keys.items() if key in cached}
    missing = [member for member in members if member.pk not in rows]
    if missing:
        calendars = selectors.Calendars(viewer=viewer, users=missing, start=start, end=end,
                                        generations=generations or None)
        writer = ChipWriter()
        built = {member.pk: [str(_team_cell(writer, calendars, member, found, url))
                             for found, url in zip(_by_day(calendars.entries(member), days),
                                                   day_urls, strict=True)]
                 for member in missing}
        rows.update(built)
        fresh = {keys[pk]: cells for pk, cells in built.items() if pk in keys}
        if fresh:
            cache.set_many(fresh, calendar_cache.cache_seconds())
    return [rows[member.pk] for member in members]


@require_GET
def team_view(request: HttpRequest) -> HttpResponse:
    """Colleagues side by side for a day or a week: busy or free for everyone, details only
    where the viewer may see them (the selector's rule)."""
    _require(request.user.has_perm(VIEW_PERM))
    view = "day" if request.GET.get("view") == "day" else "week"
    day = _chosen_day(request)
    first, last, previous, following = _range(view, day)
    initial = {} if request.GET.get("users") or request.GET.get("department") else {
        "department": request.user.department_id}
    form = TeamForm(request.GET if (request.GET.get("users") or request.GET.get(
        "department")) else None, initial=initial)
    members = _team_members(request, form)
    days = _days(first, last)
    member_query = urlencode([("users", m.pk) for m in members])
    day_urls = [f"?view=day&date={d.isoformat()}&{member_query}" for d in days]
    rows, columns = [], []
    if view == "day":
        calendars = selectors.Calendars(viewer=request.user, users=members,
                                        start=_midnight(first), end=_midnight(last))
        for member in members:
            items = _items([calendars.shown(member, entry)
                            for entry in calendars.entries(member)], request.user)
            for item in items:
                item.movable = False
            columns.append(_column(day, items, label=member.display_name, user=member))
    else:
        today = timezone.localdate()
        for member, cells in zip(members, _team_week(request.user, members, days, day_urls),
                                 strict=True):
            rows.append({"user": member, "cells": [
                {"today": d == today, "html": mark_safe(html)}  # noqa: S308 - escaped
                for d, html in zip(days, cells, strict=True)]})
    keep = {k: request.GET.getlist(k) for k in ("department", "users") if request.GET.get(k)}
    return render(request, "scheduling/calendar/team.html", {
        "view": view, "day": day, "first": first, "last": last - timedelta(days=1),
        "form": form, "members": members, "rows": rows, "columns": columns,
        "days": list(zip(days, day_urls, strict=True)),
        "hours": _hours(), "capped": len(members) >= MAX_TEAM,
        "previous_query": _nav_query(view, previous, **keep),
        "next_query": _nav_query(view, following, **keep),
        "today_query": _nav_query(view, timezone.localdate(), **keep),
        "views": [(v, _nav_query(v, day, **keep)) for v in ("day", "week")],
        "kinds": EventKind.choices,
    })


# --- events ---------------------------------------------------------------------------------

def may_edit(user, event: Event) -> bool:
    """The organiser or a manager (the rule ``services.event_update`` applies)."""
    return event.organizer_id == user.pk or selectors.is_manager(user)


def _event_for(request: HttpRequest, pk: int) -> Event:
    """The event if the viewer may read its details (organiser, attendee, or the
    selector's rule for the organiser's calendar); otherwise 404 (it may be private)."""
    try:
        event = (Event.objects.select_related("organizer", "organizer__department", "party",
                                              "room", "ticket").get(pk=pk))
    except Event.DoesNotExist as exc:
        raise Http404 from exc
    user = request.user
    if event.organizer_id == user.pk or event.attendances.filter(user=user).exists():
        return event
    if user.has_perm(VIEW_PERM) and selectors.may_see_details(user, event.organizer, event):
        return event
    raise Http404


def _occurrence_start(request: HttpRequest, value: str | None):
    if not value:
        return None
    # An unencoded "+08:00" in a query string arrives as " 08:00".
    try:
        return inputs.parse_moment(re.sub(r" (\d\d:?\d\d)$", r"+\1", value.strip()))
    except inputs.BadInput:
        raise Http404 from None  # no occurrence starts there


def _occurrence(event: Event, at):
    from .recurrence import occurrence_at

    if at is None or not event.rrule:
        return None
    occurrence = occurrence_at(event, at)
    if occurrence is None:
        raise Http404
    return occurrence


def conflict_lines(viewer, conflicts) -> list[str]:
    """“王丽娜: 周例会 11月30日 09:00–10:00” for each conflict, the title hidden (“Busy”)
    where the viewer may not see it."""
    lines = []
    for conflict in conflicts:
        occurrence = conflict.occurrence
        event = occurrence.event
        visible = (event.organizer_id == viewer.pk
                   or selectors.may_see_details(viewer, conflict.user, event))
        start = timezone.localtime(occurrence.start)
        end = timezone.localtime(occurrence.end)
        when = "{} {}–{}".format(formats.date_format(start, "MONTH_DAY_FORMAT"),
                                 start.strftime("%H:%M"), end.strftime("%H:%M"))
        lines.append(_("%(person)s: %(title)s %(when)s") % {
            "person": conflict.user.display_name,
            "title": occurrence.title if visible else _("Busy"), "when": when})
    return lines


def _form_page(request, form, *, event=None, occurrence=None, conflicts=None,
               blocking=False, status=200) -> HttpResponse:
    return render(request, "scheduling/calendar/event_form.html", {
        "form": form, "event": event, "occurrence": occurrence,
        "conflicts": conflicts or [], "blocking": blocking,
    }, status=status)


def _refused(form, exc: ValidationError) -> tuple[list[str], bool]:
    """Put a service's refusal on the form; conflicts are returned to be listed."""
    if isinstance(exc, services.ConflictError):
        return conflict_lines(form.user, exc.conflicts), bool(exc.blocking)
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, list(exc.messages))
    return [], False


@require_http_methods(["GET", "POST"])
def event_new(request: HttpRequest) -> HttpResponse:
    """A new event; ``?start=&end=`` prefill the times (a drag on empty slots)."""
    _require(request.user.has_perm(ADD_PERM))
    initial = {}
    for name in ("start", "end"):
        value = inputs.parse_moment(request.GET.get(name), field=name)
        if value is not None:
            initial[name] = value
    if request.GET.get("all_day"):
        initial["all_day"] = True
    form = EventForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(
                by=request.user, confirm_conflicts=form.cleaned_data["confirm_conflicts"],
                **form.service_values())
        except ValidationError as exc:
            conflicts, blocking = _refused(form, exc)
            return _form_page(request, form, conflicts=conflicts, blocking=blocking,
                              status=409 if conflicts else 400)
        messages.success(request, _("Event saved."))
        return redirect("scheduling:event_detail", pk=event.pk)
    return _form_page(request, form, status=400 if form.is_bound else 200)


@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an event; for a repeating one, this occurrence, this and following, or all."""
    event = _event_for(request, pk)
    _require(may_edit(request.user, event) and event.cancelled_at is None)
    at = _occurrence_start(request, request.POST.get("occurrence_start")
                           or request.GET.get("at"))
    occurrence = _occurrence(event, at)
    initial = event_initial(event, start=occurrence.start if occurrence else None,
                            end=occurrence.end if occurrence else None)
    if occurrence:
        initial.update(title=occurrence.title, place=occurrence.place,
                       occurrence_start=occurrence.original_start, scope=Scope.THIS)
    form = EventForm(request.POST or None, user=request.user, event=event, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        scope = data.get("scope") or Scope.ALL
        if scope != Scope.ALL and occurrence is None:
            form.add_error("scope", _("Open the occurrence to change from the calendar."))
            return _form_page(request, form, event=event, status=400)
        changes = form.service_values()
        if not any(name in form.changed_data for name in REPEAT_FIELDS):
            # The stored rule stays as it is (the form shows only what it can build).
            changes["rrule"] = event.rrule
        if scope == Scope.ALL and occurrence is not None:
            # Times typed on an occurrence move the whole series by as much.
            changes["start"] = event.start + (changes["start"] - occurrence.start)
            changes["end"] = changes["start"] + (data["end"] - data["start"])
        if scope == Scope.THIS:
            # One occurrence keeps the series' rule, kind, attendees and privacy.
            changes = {k: changes[k] for k in ("title", "place", "start", "end")}
        try:
            services.event_update(
                event_id=event.pk, by=request.user, expected_version=data.get("version"),
                scope=scope, occurrence_start=occurrence.original_start if occurrence else None,
                confirm_conflicts=data["confirm_conflicts"], **changes)
        except services.StaleEventError as exc:
            form.add_error(None, list(exc.messages))
            _keep_current_version(form, event)
            return _form_page(request, form, event=event, occurrence=occurrence, status=409)
        except ValidationError as exc:
            conflicts, blocking = _refused(form, exc)
            _keep_current_version(form, event)
            return _form_page(request, form, event=event, occurrence=occurrence,
                              conflicts=conflicts, blocking=blocking,
                              status=409 if conflicts else 400)
        messages.success(request, _("Event saved."))
        return redirect("scheduling:event_detail", pk=event.pk)
    return _form_page(request, form, event=event, occurrence=occurrence,
                      status=400 if form.is_bound else 200)


def _keep_current_version(form, event: Event) -> None:
    """After a refusal the form carries the version it was checked against, unless the
    event changed meanwhile (then the stale message says so, and saving again is a choice
    made having seen it)."""
    current = Event.objects.filter(pk=event.pk).values_list("version", flat=True).first()
    if current is not None:
        form.data = form.data.copy()
        form.data["version"] = str(current)


@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An event (or one occurrence, ``?at=``) with its attendees and their answers."""
    event = _event_for(request, pk)
    occurrence = _occurrence(event, _occurrence_start(request, request.GET.get("at")))
    attendances = list(event.attendances.select_related("user", "user__department")
                       .order_by("user__full_name", "user_id"))
    mine = next((a for a in attendances if a.user_id == request.user.pk), None)
    # Owners and occupants taking part: for those who may look up owners.
    outside = (list(event.outside_participants.only("id", "name").order_by("name", "id"))
               if request.user.has_perm("owners.view_party") else [])
    return render(request, "scheduling/calendar/event_detail.html", {
        "event": event, "occurrence": occurrence, "attendances": attendances, "mine": mine,
        "outside": outside,
        "start": occurrence.start if occurrence else event.start,
        "end": occurrence.end if occurrence else event.end,
        "title": occurrence.title if occurrence else event.title,
        "place": occurrence.place if occurrence else event.place,
        "is_organizer": event.organizer_id == request.user.pk,
        "may_edit": may_edit(request.user, event),
        "responses": [(value, RESPONSE_ACTIONS[value]) for value in Response.values
                      if value != Response.PENDING],
        "cancelled": event.cancelled_at is not None,
        "at": occurrence.original_start.isoformat() if occurrence else "",
    })


@require_POST
def event_respond(request: HttpRequest, pk: int) -> HttpResponse:
    """An invitee accepts, declines or says maybe."""
    event = _event_for(request, pk)
    response = request.POST.get("response")
    if response not in (Response.ACCEPTED, Response.DECLINED, Response.TENTATIVE):
        return HttpResponse(status=400)
    try:
        services.attendance_respond(event_id=event.pk, user=request.user, response=response)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your answer was saved: %(answer)s.") % {
            "answer": Response(response).label})
    return redirect(_detail_url(event, request.POST.get("at")))


def _detail_url(event: Event, at: str | None) -> str:
    url = reverse("scheduling:event_detail", args=[event.pk])
    return url + "?" + urlencode({"at": at}) if at else url


@require_POST
def event_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """The organiser cancels the event, one occurrence or this and the following ones."""
    event = _event_for(request, pk)
    _require(may_edit(request.user, event))
    scope = request.POST.get("scope") or Scope.ALL
    if scope not in (Scope.THIS, Scope.FOLLOWING, Scope.ALL):
        return HttpResponse(status=400)
    at = _occurrence_start(request, request.POST.get("at"))
    if scope != Scope.ALL and (at is None or not event.rrule):
        return HttpResponse(status=400)
    try:
        services.event_cancel(event_id=event.pk, by=request.user, scope=scope,
                              occurrence_start=at)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_detail_url(event, request.POST.get("at")))
    messages.success(request, _("Event cancelled."))
    return redirect("scheduling:calendar")


@require_POST
def event_move(request: HttpRequest, pk: int) -> JsonResponse:
    """A drag in the week grid: move or resize an event (one occurrence of a repeating
    one). Answers JSON: 200 with the new version, 409 with the message on a conflict or a
    stale version, 400 on bad input."""
    event = _event_for(request, pk)
    if not may_edit(request.user, event):
        return JsonResponse({"error": _("Only the organiser or a manager may move this "
                                        "event.")}, status=403)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"error": " ".join(
            str(e) for errors in form.errors.values() for e in errors)}, status=400)
    data = form.cleaned_data
    recurring = bool(event.rrule)
    if recurring and data.get("occurrence_start") is None:
        return JsonResponse({"error": _("Which occurrence was moved is missing.")},
                            status=400)
    try:
        updated = services.event_update(
            event_id=event.pk, by=request.user, expected_version=data["version"],
            scope=Scope.THIS if recurring else Scope.ALL,
            occurrence_start=data.get("occurrence_start") if recurring else None,
            confirm_conflicts=data["confirm_conflicts"], start=data["start"], end=data["end"])
    except services.StaleEventError as exc:
        return JsonResponse({"error": " ".join(exc.messages), "stale": True}, status=409)
    except services.ConflictError as exc:
        lines = conflict_lines(request.user, exc.conflicts)
        lead = (_("This time is not possible:") if exc.blocking
                else _("This time conflicts with:"))
        return JsonResponse({"error": lead + " " + "; ".join(lines), "conflicts": lines,
                             "blocking": bool(exc.blocking),
                             "can_confirm": not exc.blocking}, status=409)
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=400)
    version = getattr(updated, "version", None)
    if version is None:
        version = Event.objects.filter(pk=event.pk).values_list("version", flat=True).first()
    return JsonResponse({"ok": True, "version": version})


urlpatterns = [
    path("calendar/", calendar_view, name="calendar"),
    path("team/", team_view, name="team"),
    path("events/new/", event_new, name="event_new"),
    path("events/<int:pk>/", event_detail, name="event_detail"),
    path("events/<int:pk>/edit/", event_edit, name="event_edit"),
    path("events/<int:pk>/respond/", event_respond, name="event_respond"),
    path("events/<int:pk>/cancel/", event_cancel, name="event_cancel"),
    path("events/<int:pk>/move/", event_move, name="event_move"),
]
