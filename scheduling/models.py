from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from versioning.models import VersionedModel

from .choices import ConflictAction, EventKind, Response, TaskPriority, TaskStatus


class Event(VersionedModel):
    """Something in staff members' calendars: once, or repeating by an RFC 5545 rule.

    ``start``/``end`` are the first occurrence; ``rrule`` (an RRULE value such as
    ``FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10``) repeats it; ``series_end`` is the end of the last
    occurrence (empty when the rule never ends), so a range query needs no expansion to find
    the candidate rows.
    """

    organizer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("organiser"),
                                  on_delete=models.PROTECT, related_name="organised_events")
    kind = models.CharField(_("kind"), max_length=12, choices=EventKind.choices,
                            default=EventKind.APPOINTMENT)
    title = models.CharField(_("title"), max_length=120)
    place = models.CharField(_("place"), max_length=120, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    all_day = models.BooleanField(_("all day"), default=False)
    rrule = models.CharField(_("repeats"), max_length=300, blank=True,
                             help_text=_("RFC 5545 rule, e.g. FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10"))
    series_end = models.DateTimeField(_("last occurrence ends"), null=True, blank=True)
    private = models.BooleanField(_("private"), default=False,
                                  help_text=_("Others see only that you are busy"))
    party = models.ForeignKey("owners.Party", verbose_name=_("owner or occupant"),
                              on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="calendar_events")
    room = models.ForeignKey("owners.Room", verbose_name=_("room"), on_delete=models.SET_NULL,
                             null=True, blank=True, related_name="calendar_events")
    ticket = models.ForeignKey("service_tickets.Ticket", verbose_name=_("ticket"),
                               on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="calendar_events")
    outside_participants = models.ManyToManyField(
        "owners.Party", verbose_name=_("outside participants"), blank=True,
        related_name="invited_events")
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["organizer", "start"], name="sched_event_organizer_idx"),
            models.Index(fields=["start", "end"], name="sched_event_range_idx"),
            models.Index(fields=["series_end"], name="sched_event_series_idx",
                         condition=~models.Q(rrule="")),
        ]
        constraints = [models.CheckConstraint(condition=models.Q(end__gt=models.F("start")),
                                              name="sched_event_ends_after_start")]

    def __str__(self) -> str:
        return self.title


class EventException(models.Model):
    """One occurrence of a repeating event moved, changed or cancelled ("this one only")."""

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE,
                              related_name="exceptions")
    original_start = models.DateTimeField(_("original start"))
    cancelled = models.BooleanField(_("cancelled"), default=False)
    start = models.DateTimeField(_("start"), null=True, blank=True)
    end = models.DateTimeField(_("end"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=120, blank=True)
    place = models.CharField(_("place"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("changed occurrence")
        verbose_name_plural = _("changed occurrences")
        ordering = ["original_start"]
        constraints = [models.UniqueConstraint(fields=["event", "original_start"],
                                               name="sched_exception_once")]

    def __str__(self) -> str:
        return f"{self.event} {self.original_start:%Y-%m-%d %H:%M}"


class Attendance(models.Model):
    """A staff member invited to an event, and their answer.

    ``event_start``, ``event_until`` and ``event_repeats`` copy the event's ``start``,
    ``series_end`` and whether it has a rule (kept equal by the services), so whose
    calendar holds what and when is read through one index per person instead of every
    event of everyone.
    """

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE,
                              related_name="attendances")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("attendee"),
                             on_delete=models.CASCADE, related_name="attendances")
    response = models.CharField(_("answer"), max_length=10, choices=Response.choices,
                                default=Response.PENDING)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("invited at"), default=timezone.now)
    event_start = models.DateTimeField(_("event starts"), null=True, editable=False)
    event_until = models.DateTimeField(_("last occurrence ends"), null=True, editable=False)
    event_repeats = models.BooleanField(_("repeats"), default=False, editable=False)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["event", "user"]
        constraints = [models.UniqueConstraint(fields=["event", "user"],
                                               name="sched_attendance_once")]
        indexes = [
            models.Index(fields=["user", "event"], name="sched_attendance_user_idx"),
            # A person's single events by start (the end read from the index too) ...
            models.Index(fields=["user", "event_start", "event_until"],
                         condition=models.Q(event_repeats=False), name="sched_att_single_idx"),
            # ... and their series by when they end (NULL: never).
            models.Index(fields=["user", "event_until", "event_start"],
                         condition=models.Q(event_repeats=True), name="sched_att_series_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.event}"


class ConflictPolicy(models.Model):
    """What an overlap does for events of a kind: warn (meetings) or block (visits)."""

    kind = models.CharField(_("kind"), max_length=12, choices=EventKind.choices, unique=True)
    action = models.CharField(_("on a conflict"), max_length=8, choices=ConflictAction.choices,
                              default=ConflictAction.WARN)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("conflict policy")
        verbose_name_plural = _("conflict policies")
        ordering = ["kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_action_display()}"


class ReminderSetting(models.Model):
    """How long before events and task due times a person wants to be reminded."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"),
                             on_delete=models.CASCADE, related_name="reminder_settings")
    minutes_before = models.PositiveIntegerField(_("minutes before"))

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["user", "minutes_before"]
        constraints = [models.UniqueConstraint(fields=["user", "minutes_before"],
                                               name="sched_reminder_setting_once")]

    def __str__(self) -> str:
        return f"{self.user} {self.minutes_before}"


class ReminderSent(models.Model):
    """A reminder already given (``key`` names the occurrence or task and the lead time),
    so the scanner never reminds twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"),
                             on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("what"), max_length=120)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [models.UniqueConstraint(fields=["user", "key"],
                                               name="sched_reminder_sent_once")]

    def __str__(self) -> str:
        return self.key


class Memo(VersionedModel):
    """A personal note (备忘录), optionally for a date, pinned to the top when wanted."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"),
                              on_delete=models.CASCADE, related_name="memos")
    text = models.TextField(_("text"))
    day = models.DateField(_("date"), null=True, blank=True)
    pinned = models.BooleanField(_("pinned"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("memo")
        verbose_name_plural = _("memos")
        ordering = ["-pinned", "-updated_at", "-id"]
        indexes = [models.Index(fields=["owner", "-pinned", "-updated_at", "-id"],
                                name="sched_memo_owner_idx")]

    def __str__(self) -> str:
        return self.text[:40]


class Task(VersionedModel):
    """A task (任务) someone gave someone, with a due time, linked to an owner or ticket."""

    title = models.CharField(_("title"), max_length=120)
    notes = models.TextField(_("notes"), blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    priority = models.CharField(_("priority"), max_length=8, choices=TaskPriority.choices,
                                default=TaskPriority.NORMAL)
    status = models.CharField(_("status"), max_length=12, choices=TaskStatus.choices,
                              default=TaskStatus.OPEN)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assignee"),
                                 on_delete=models.PROTECT, related_name="tasks")
    assigner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("given by"),
                                 on_delete=models.PROTECT, related_name="tasks_given")
    party = models.ForeignKey("owners.Party", verbose_name=_("owner or occupant"),
                              on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="tasks")
    room = models.ForeignKey("owners.Room", verbose_name=_("room"), on_delete=models.SET_NULL,
                             null=True, blank=True, related_name="tasks")
    ticket = models.ForeignKey("service_tickets.Ticket", verbose_name=_("ticket"),
                               on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="tasks")
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["assignee", "status", "due_at"], name="sched_task_mine_idx"),
            models.Index(fields=["assigner", "status", "due_at"], name="sched_task_given_idx"),
            models.Index(fields=["due_at"], name="sched_task_due_idx",
                         condition=models.Q(status__in=["open", "in_progress"])),
        ]

    def __str__(self) -> str:
        return self.title


class CalendarFeed(models.Model):
    """A private, revocable address from which a person's phone reads their schedule."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("user"),
                                on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.user)
