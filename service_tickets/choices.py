from django.db import models
from django.utils.translation import gettext_lazy as _


class TicketType(models.TextChoices):
    REPAIR = "repair", _("Repair")
    COMPLAINT = "complaint", _("Complaint")
    ENQUIRY = "enquiry", _("Enquiry")
    SUGGESTION = "suggestion", _("Suggestion")
    PRAISE = "praise", _("Praise")
    OTHER = "other", _("Other service")


class Source(models.TextChoices):
    PHONE = "phone", _("Phone")
    WALK_IN = "walk_in", _("Walk-in desk")
    SUGGESTION_BOX = "suggestion_box", _("Suggestion box")
    PATROL = "patrol", _("Patrol finding")
    COMMITTEE = "committee", _("Owners' committee")
    STAFF = "staff", _("Staff on the owner's behalf")


class Priority(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")
    LOW = "low", _("Low")


class Status(models.TextChoices):
    NEW = "new", _("Waiting for dispatch")
    DISPATCHED = "dispatched", _("Dispatched")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    ON_HOLD = "on_hold", _("On hold")
    DONE = "done", _("Done, awaiting follow-up")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")
    REOPENED = "reopened", _("Reopened for rework")


OPEN_STATUSES = [Status.NEW, Status.DISPATCHED, Status.ACCEPTED, Status.IN_PROGRESS,
                 Status.ON_HOLD, Status.REOPENED]


class DispatchMode(models.TextChoices):
    MANUAL = "manual", _("Assigned by a dispatcher")
    ROUND_ROBIN = "round_robin", _("Automatic, in turn within the territory")
    LEAST_LOADED = "least_loaded", _("Automatic, to the least loaded in the territory")
    GRAB_POOL = "grab_pool", _("Grab pool: authorised staff take it first-come")


class Action(models.TextChoices):
    DISPATCH = "dispatch", _("Dispatch")
    GRAB = "grab", _("Take from the pool")
    ACCEPT = "accept", _("Accept")
    DECLINE = "decline", _("Decline")
    START = "start", _("Start work")
    HOLD = "hold", _("Put on hold")
    RESUME = "resume", _("Resume")
    COMPLETE = "complete", _("Complete")
    CLOSE = "close", _("Close")
    REOPEN = "reopen", _("Reopen")
    CANCEL = "cancel", _("Cancel")


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    TRANSITION = "transition", _("State change")
    COMMENT = "comment", _("Comment")
    CHASED = "chased", _("Owner chased")
    ESCALATED = "escalated", _("Escalated")
