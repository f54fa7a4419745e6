from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EventKind(models.TextChoices):
    APPOINTMENT = "appointment", _("Appointment")
    MEETING = "meeting", _("Meeting")
    ACTIVITY = "activity", _("Activity")
    CALL = "call", _("Phone call")
    EMAIL = "email", _("E-mail")
    FAX = "fax", _("Fax")
    VISIT = "visit", _("On-site visit")


class Response(models.TextChoices):
    PENDING = "pending", _("Not answered")
    ACCEPTED = "accepted", pgettext_lazy("invitation", "Accepted")
    TENTATIVE = "tentative", _("Maybe")
    DECLINED = "declined", _("Declined")


# What the invitee's buttons say: verbs, while the labels above name the answer given.
RESPONSE_ACTIONS = {
    Response.ACCEPTED: pgettext_lazy("invitation answer", "Accept"),
    Response.TENTATIVE: pgettext_lazy("invitation answer", "Maybe"),
    Response.DECLINED: pgettext_lazy("invitation answer", "Decline"),
}


class ConflictAction(models.TextChoices):
    WARN = "warn", _("Warn, and let the organiser confirm")
    BLOCK = "block", _("Refuse the booking")


class TaskPriority(models.TextChoices):
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")
    LOW = "low", _("Low")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("To do")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")
