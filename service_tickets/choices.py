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
    ASSIGNMENT = "assignment", _("Helpers or watchers changed")
    ATTACHMENT = "attachment", _("Photo or file")
    MATERIAL = "material", _("Materials and labour")
    CALL = "call", _("Call")
    VISIT = "visit", _("Visit")
    FOLLOW_UP = "follow_up", _("Follow-up")
    COMPLAINT = "complaint", _("Complaint handling")
    TERRITORY = "territory", _("Territory changed")
    NOTICE = "notice", _("Linked to a notice")
    CLOCKS = "clocks", _("Due times recomputed on the confirmed calendar")


class FollowUpPolicy(models.TextChoices):
    ALWAYS = "always", _("Always follow up")
    UNLESS_RATED = "unless_rated", _("Only when the owner has not rated the work")
    NEVER = "never", _("Never")


class FollowUpMethod(models.TextChoices):
    CALL = "call", _("Phone call")
    VISIT = "visit", _("Visit")
    MESSAGE = "message", _("Message")


class FollowUpOutcome(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")
    NOT_REACHED = "not_reached", _("Could not reach the owner")


# The ten criteria owners judge service by (the seed's 服务质量 section), in its order.
QUALITY_DIMENSIONS: list[tuple[str, str]] = [
    ("tangibles", _("Tangibles")),
    ("reliability", _("Reliability")),
    ("responsiveness", _("Responsiveness")),
    ("competence", _("Competence")),
    ("courtesy", _("Courtesy")),
    ("credibility", _("Credibility")),
    ("security", _("Security")),
    ("access", _("Access")),
    ("communication", _("Communication")),
    ("understanding", _("Understanding the customer")),
]


class Severity(models.TextChoices):
    MINOR = "minor", _("Minor")
    MODERATE = "moderate", _("Moderate")
    SERIOUS = "serious", _("Serious")


class Responsibility(models.TextChoices):
    PENDING = "", _("Not yet found")
    COMPANY = "company", _("The company")
    STAFF = "staff", _("A staff member")
    CONTRACTOR = "contractor", _("A contractor")
    OWNER = "owner", _("The owner or occupant")
    THIRD_PARTY = "third_party", _("A third party")
    NONE = "none", _("Unfounded")


class NoticeKind(models.TextChoices):
    WATER = "water", _("Water outage")
    POWER = "power", _("Power outage")
    GAS = "gas", _("Gas outage")
    LIFT = "lift", _("Lift maintenance")
    WORKS = "works", _("Works and noise")
    OTHER = "other", _("Other notice")
