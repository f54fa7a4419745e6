"""Reminders before events and task due times: each person's lead times, and the scanner.

The scanner runs every minute (django-celery-beat) and reads everything from the
database, so a restarted worker or broker loses nothing. A ``ReminderSent`` row per
(person, occurrence or task, lead time) makes a second run, or two scanners at once,
remind once.

A reminder is due when ``start - lead`` falls in the last ``WINDOW`` minutes. When the
scanner was down longer than that, the choice is: a reminder whose moment passed is still
given as long as the event has not started (the task is not yet due), but only the
nearest such lead time per occurrence, so someone back from an outage, or invited two hours
before a meeting, gets one reminder rather than "in one day" and "in one hour" together.
A reminder for something that already started is never given late.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, Prefetch, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from audit.services import audit_record
from background.enqueue import enqueue_on_commit
from portal.stored_text import message, moment

from .choices import Response, TaskStatus
from .models import Attendance, Event, EventException, ReminderSent, ReminderSetting, Task

WINDOW = timedelta(minutes=10)
DEFAULT_MINUTES = (15,)
MAX_MINUTES = 14 * 24 * 60  # two weeks: the scan reads every event within the longest lead
MAX_SETTINGS = 5
OPEN_TASK = (TaskStatus.OPEN, TaskStatus.IN_PROGRESS)


# --- each person's lead times -----------------------------------------------------------

def reminder_settings_for(*, user):
    return ReminderSetting.objects.filter(user=user).order_by("minutes_before")


def lead_times(*, user) -> list[int]:
    """The person's lead times in minutes, or the default when they chose none."""
    chosen = list(reminder_settings_for(user=user).values_list("minutes_before", flat=True))
    return chosen or list(DEFAULT_MINUTES)


@transaction.atomic
def reminder_setting_add(*, user, minutes_before: int) -> ReminderSetting:
    """Add a lead time for ``user`` (its own person only: views pass request.user)."""
    if not user.has_perm("scheduling.add_remindersetting"):
        raise PermissionDenied
    if not 0 <= minutes_before <= MAX_MINUTES:
        raise ValidationError(_("Choose between 0 minutes and two weeks."))
    existing = ReminderSetting.objects.filter(user=user)
    if existing.count() >= MAX_SETTINGS:
        raise ValidationError(_("At most %(n)s reminders.") % {"n": MAX_SETTINGS})
    try:
        with transaction.atomic():
            setting = ReminderSetting.objects.create(user=user, minutes_before=minutes_before)
    except IntegrityError:
        raise ValidationError(_("You already have this reminder.")) from None
    audit_record(actor=user, action="scheduling.reminder_setting_add", target=setting,
                 details={"minutes_before": minutes_before})
    return setting


@transaction.atomic
def reminder_setting_remove(*, user, setting_id: int) -> bool:
    """Remove one of ``user``'s own lead times; someone else's is never found."""
    if not user.has_perm("scheduling.delete_remindersetting"):
        raise PermissionDenied
    setting = ReminderSetting.objects.filter(user=user, pk=setting_id).first()
    if setting is None:
        return False
    audit_record(actor=user, action="scheduling.reminder_setting_remove", target=setting,
                 details={"minutes_before": setting.minutes_before})
    setting.delete()
    return True


# --- the scanner -------------------------------------------------------------------------

@dataclass(frozen=True)
class _Due:
    user: object
    key: str
    kind: str  # "event" or "task"
    object_id: int
    start: datetime
    end: datetime | None
    title: str
    place: str
    minutes: int


def _chosen_leads(leads: list[int], start: datetime, now: datetime) -> set[int]:
    chosen = {m for m in leads if now - WINDOW < start - timedelta(minutes=m) <= now}
    if start > now:
        passed = [m for m in leads if start - timedelta(minutes=m) <= now]
        if passed:
            chosen.add(min(passed))  # late, but before the start: the nearest one only
    return chosen


def _candidate_events(lo: datetime, hi: datetime):
    """Events with an occurrence that may start in (lo, hi]: indexed range conditions, no
    expansion."""
    moved_in = EventException.objects.filter(event=OuterRef("pk"), cancelled=False,
                                             start__gt=lo, start__lte=hi)
    repeating = ~Q(rrule="") & Q(start__lte=hi) & (Q(series_end__isnull=True)
                                                   | Q(series_end__gt=lo))
    once = Q(rrule="", start__gt=lo, start__lte=hi)
    return (Event.objects.filter(cancelled_at__isnull=True)
            .filter(once | repeating | Exists(moved_in))
            .select_related("organizer")
            .prefetch_related("exceptions", Prefetch(
                "attendances", queryset=Attendance.objects.select_related("user"))))


def _people(event: Event) -> list:
    """Attendees who accepted or did not decline, and the organiser unless they declined."""
    people, declined = {}, set()
    for attendance in event.attendances.all():
        if attendance.response == Response.DECLINED:
            declined.add(attendance.user_id)
        elif attendance.user.is_active:
            people[attendance.user_id] = attendance.user
    organiser = event.organizer
    if organiser.is_active and organiser.pk not in declined:
        people.setdefault(organiser.pk, organiser)
    return list(people.values())


def _due_reminders(now: datetime) -> list[_Due]:
    from .recurrence import occurrences

    top = ReminderSetting.objects.aggregate(top=Max("minutes_before"))["top"] or 0
    lo, hi = now - WINDOW, now + timedelta(minutes=max(top, *DEFAULT_MINUTES))
    items = []  # (user, kind, ...)
    for event in _candidate_events(lo, hi):
        people = _people(event)
        if not people:
            continue
        for occurrence in occurrences(event, lo, hi + timedelta(seconds=1)):
            if not lo < occurrence.start <= hi:
                continue
            for user in people:
                items.append((user, "event", event.pk, f"event:{occurrence.key}",
                              occurrence.start, occurrence.end, occurrence.title,
                              occurrence.place))
    tasks = (Task.objects.filter(status__in=OPEN_TASK, due_at__gt=lo, due_at__lte=hi,
                                 assignee__is_active=True)
             .select_related("assignee").order_by("due_at", "pk"))
    for task in tasks:
        items.append((task.assignee, "task", task.pk,
                      f"task:{task.pk}:{task.due_at.isoformat()}", task.due_at, None,
                      task.title, ""))
    if not items:
        return []
    leads: dict[int, list[int]] = {}
    for user_id, minutes in ReminderSetting.objects.filter(
            user_id__in={item[0].pk for item in items}).values_list("user_id",
                                                                     "minutes_before"):
        leads.setdefault(user_id, []).append(minutes)
    due = []
    for user, kind, object_id, base, start, end, title, place in items:
        for minutes in sorted(_chosen_leads(leads.get(user.pk, list(DEFAULT_MINUTES)),
                                            start, now)):
            due.append(_Due(user=user, key=f"{base}:{minutes}", kind=kind,
                            object_id=object_id, start=start, end=end, title=title,
                            place=place, minutes=minutes))
    if due:
        given = set(ReminderSent.objects.filter(
            user_id__in={d.user.pk for d in due}, key__in={d.key for d in due},
        ).values_list("user_id", "key"))
        due = [d for d in due if (d.user.pk, d.key) not in given]
    return due


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _message_title(due: _Due) -> dict:
    """Shown in the reader's language, the time in their format."""
    if due.kind == "event":
        return message(gettext_noop("Reminder: %(title)s at %(time)s"), title=due.title,
                       time=moment(due.start))
    return message(gettext_noop("Task due at %(time)s: %(title)s"), title=due.title,
                   time=moment(due.start))


def reminders_scan(*, now: datetime | None = None) -> int:
    """Give every reminder that is due once (inbox now, e-mail by a task); returns how
    many were given. Safe to run any number of times, and by two scanners at once."""
    from inbox.services import notify

    now = now or timezone.now()
    given = 0
    for due in _due_reminders(now):
        url = _url(f"scheduling:{due.kind}_detail", due.object_id)
        try:
            with transaction.atomic():
                sent = ReminderSent.objects.create(user=due.user, key=due.key, created_at=now)
                notify(recipients=[due.user], title=_message_title(due),
                       body=due.place, url=url, source=due.key)
                if due.user.email:
                    enqueue_on_commit("scheduling.send_reminder_email", sent.pk, due.kind,
                                      due.object_id, due.start.isoformat())
        except IntegrityError:
            continue  # another scanner gave it a moment ago
        given += 1
    return given


# --- the e-mail --------------------------------------------------------------------------

def reminder_email_send(*, reminder_id: int, kind: str, object_id: int, start: str) -> bool:
    """E-mail one given reminder in the person's language; a repeated message (the same
    reminder id) finds its claim and sends nothing."""
    from staff.emails import send_templated

    from .recurrence import occurrences

    sent = ReminderSent.objects.filter(pk=reminder_id).select_related("user").first()
    if sent is None or not sent.user.email or not sent.user.is_active:
        return False
    user = sent.user
    moment = datetime.fromisoformat(start)
    context = {"user": user, "start": moment, "end": None, "title": "", "place": ""}
    if kind == "event":
        event = Event.objects.filter(pk=object_id, cancelled_at__isnull=True).first()
        if event is None:
            return False
        found = [o for o in occurrences(event, moment - timedelta(minutes=1),
                                        moment + timedelta(minutes=1)) if o.start == moment]
        if not found:
            return False  # moved or cancelled since
        occurrence = found[0]
        context.update(end=occurrence.end, title=occurrence.title, place=occurrence.place)
    else:
        task = Task.objects.filter(pk=object_id, status__in=OPEN_TASK, due_at=moment,
                                   assignee=user).first()
        if task is None:
            return False
        context.update(title=task.title)
    try:
        with transaction.atomic():
            # Claimed like the event e-mails: a redelivered message finds the row.
            ReminderSent.objects.create(user=user, key=f"mail:{sent.key}"[:120])
    except IntegrityError:
        return False
    send_templated(name=f"reminder-{kind}", to=[user.email], language=user.language,
                   context=context)
    return True

