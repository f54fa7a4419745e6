from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.stored_text import text
from versioning.models import VersionedModel

from ..choices import EventKind, Priority, Responsibility, Severity, Source, Status, TicketType


class TicketCounter(models.Model):
    """The last number handed out on a day, locked while a ticket is numbered."""

    day = models.DateField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


# Where the day's sequence starts in a number (GD20261127-0042: "0042", position 12), so
# the desk finds a ticket by its last digits through an index on that part.
NUMBER_SEQUENCE_START = 12


def number_sequence():
    """The expression of the day's sequence part of the number (as text, "0042")."""
    return Substr("number", NUMBER_SEQUENCE_START)


# When a done ticket's follow-up is due: its follow-up time, else (owed one it was not
# given) the time it was done. The list of follow-ups due reads it through an index.
AWAITING_DUE = Coalesce("follow_up_due", "resolved_at")


class Ticket(VersionedModel):
    """A service request or complaint (工单) from creation to closing.

    Foreign keys that lead a composite index below (category, room, party, territory,
    assignee) need no index of their own, nor do the rarely searched ones: every index
    costs each insert and the planner of every list query."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    type = models.CharField(_("type"), max_length=12, choices=TicketType.choices)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    category = models.ForeignKey("service_tickets.Category", verbose_name=_("category"),
                                 on_delete=models.PROTECT, related_name="tickets", db_index=False)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.NEW)
    description = models.TextField(_("description"))
    estate = models.ForeignKey("owners.Estate", verbose_name=_("estate"),
                               on_delete=models.PROTECT, related_name="+")
    building = models.ForeignKey("owners.Building", verbose_name=_("building"),
                                 on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")
    room = models.ForeignKey("owners.Room", verbose_name=_("room"), on_delete=models.PROTECT,
                             null=True, blank=True, related_name="tickets", db_index=False)
    party = models.ForeignKey("owners.Party", verbose_name=_("owner or occupant"),
                              on_delete=models.PROTECT, null=True, blank=True,
                              related_name="tickets", db_index=False)
    territory = models.ForeignKey("service_tickets.Territory", verbose_name=_("territory"),
                                  on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="tickets", db_index=False)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assignee"),
                                 on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="assigned_tickets", db_index=False)
    helpers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("helpers"),
                                     blank=True, related_name="helped_tickets")
    watchers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("watchers"),
                                      blank=True, related_name="watched_tickets")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("logged by"),
                                   on_delete=models.PROTECT, related_name="+", db_index=False)
    # SLA clocks: due times in working hours (or 24×7), moved on when the ticket is held.
    accept_due = models.DateTimeField(_("accept by"), null=True, blank=True)
    respond_due = models.DateTimeField(_("respond by"), null=True, blank=True)
    resolve_due = models.DateTimeField(_("resolve by"), null=True, blank=True)
    resolve_warn_at = models.DateTimeField(_("resolution at risk from"), null=True,
                                           blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    responded_at = models.DateTimeField(_("work started at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("done at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    held_since = models.DateTimeField(_("on hold since"), null=True, blank=True)
    # Work done: labour in minutes (materials are rows of TicketMaterial).
    labour_minutes = models.PositiveIntegerField(_("labour (minutes)"), default=0)
    # The owner chasing the ticket (催单).
    chase_count = models.PositiveSmallIntegerField(_("times chased"), default=0)
    last_chased_at = models.DateTimeField(_("last chased at"), null=True, blank=True)
    notice = models.ForeignKey("service_tickets.Notice", verbose_name=_("notice"),
                               on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="tickets")
    # Complaints (投诉): who is complained about, how bad, who is responsible, the remedy
    # and the reply the complainant is owed.
    complained_department = models.ForeignKey(
        "staff.Department", verbose_name=_("department complained about"),
        on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False)
    complained_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("staff member complained about"),
        on_delete=models.PROTECT, null=True, blank=True, related_name="complaints_against",
        db_index=False)
    complained_other = models.CharField(_("other party complained about"), max_length=100,
                                        blank=True, help_text=_("e.g. a contractor"))
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices,
                                blank=True)
    responsibility = models.CharField(_("responsibility"), max_length=12,
                                      choices=Responsibility.choices, blank=True)
    remedy = models.TextField(_("remedy"), blank=True)
    reply_due = models.DateTimeField(_("reply due"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    # Follow-up (回访): when it is due, when it was done, and how it went.
    owner_rating = models.PositiveSmallIntegerField(
        _("owner's own rating"), null=True, blank=True,
        help_text=_("1–5, given by the owner when the work was done"))
    follow_up_due = models.DateTimeField(_("follow up by"), null=True, blank=True)
    followed_up_at = models.DateTimeField(_("followed up at"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-created_at", "-id"], name="tickets_status_idx"),
            models.Index(fields=["assignee", "status"], name="tickets_assignee_idx"),
            models.Index(fields=["territory", "status"], name="tickets_territory_idx"),
            models.Index(fields=["room", "category", "status"], name="tickets_room_idx"),
            models.Index(fields=["resolve_due"], name="tickets_resolve_due_idx"),
            models.Index(fields=["accept_due"], name="tickets_accept_due_idx"),
            models.Index(fields=["follow_up_due"], name="tickets_follow_up_due_idx",
                         condition=models.Q(status="done", followed_up_at__isnull=True)),
            models.Index(fields=["reply_due"], name="tickets_reply_due_idx",
                         condition=models.Q(replied_at__isnull=True, type="complaint")),
            models.Index(fields=["category", "status"], name="tickets_category_idx"),
            models.Index(fields=["priority", "status"], name="tickets_priority_idx"),
            models.Index(fields=["party", "status"], name="tickets_party_idx"),
            models.Index(fields=["closed_at"], name="tickets_closed_idx"),
            models.Index(fields=["status", "resolve_due", "id"], name="tickets_status_due_idx"),
            models.Index(AWAITING_DUE, "id", name="tickets_awaiting_follow_up_idx",
                         condition=models.Q(status="done", followed_up_at__isnull=True)),
            models.Index(number_sequence(), models.F("created_at").desc(),
                         models.F("id").desc(), name="tickets_number_sequence_idx"),
        ]
        permissions = [("view_all_tickets", _("Can see tickets of every territory"))]

    def __str__(self) -> str:
        return self.number

    def is_breached(self, now=None) -> bool:
        """The resolution time has passed and the ticket is not done."""
        return resolution_breached(self, now or timezone.now())

    def is_at_risk(self, now=None) -> bool:
        return resolution_at_risk(self, now or timezone.now())


def resolution_breached(ticket, now) -> bool:
    """Whether ``ticket`` (a ``Ticket`` or anything with its resolution times) has passed
    its resolution time without being resolved, and is not on hold."""
    return bool(ticket.resolve_due and ticket.resolved_at is None
                and ticket.held_since is None and now > ticket.resolve_due)


def resolution_at_risk(ticket, now) -> bool:
    """Past the warning time of its resolution clock, not breached yet."""
    return bool(ticket.resolve_warn_at and ticket.resolved_at is None
                and ticket.held_since is None and ticket.resolve_warn_at <= now
                and not resolution_breached(ticket, now))


class TicketEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("ticket events cannot be changed")

    def delete(self):
        raise TypeError("ticket events cannot be deleted")


class TicketEvent(models.Model):
    """Something that happened to a ticket; never changed once written."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.PROTECT,
                               related_name="events")
    kind = models.CharField(_("kind"), max_length=12, choices=EventKind.choices)
    action = models.CharField(_("action"), max_length=12, blank=True)
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"),
                              on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    # What the person typed (a reason, a comment); in events written before ``message``
    # was kept, also what the system said, in the writer's language.
    note = models.TextField(_("note"), blank=True)
    # What the system says about the event, shown in the reader's language
    # (portal.stored_text).
    message = models.JSONField(_("description (message id)"), null=True, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    objects = TicketEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["ticket", "created_at", "id"], name="tickets_event_ticket_idx"),
            models.Index(fields=["kind", "-created_at"], name="tickets_event_kind_idx"),
            models.Index(fields=["actor", "-created_at"], name="tickets_event_actor_idx"),
            models.Index(fields=["-created_at", "-id"], name="tickets_event_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket} {self.kind} {self.action}".strip()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("ticket events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("ticket events cannot be deleted")

    @property
    def text(self) -> str:
        """The event's description in the active language: the system's message, else
        the note as written."""
        return text(self.message, self.note)

    @property
    def from_label(self) -> str:
        return Status(self.from_status).label if self.from_status else ""

    @property
    def to_label(self) -> str:
        return Status(self.to_status).label if self.to_status else ""
