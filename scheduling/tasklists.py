"""Tasks (任务): reads and writes.

Anyone may give a task to a colleague. A task is seen by the two people it concerns: whoever
gave it (the assigner, who may change everything) and whoever does it (the assignee, who
may change its status and notes). Giving a task puts a message in the assignee's inbox.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, DateTimeField, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, pgettext_lazy

from audit.services import audit_record
from inbox.services import notify
from owners.selectors import party_list_for_user, room_list_for_user
from portal.stored_text import message
from service_tickets.selectors import ticket_list_for_user
from versioning.services import version_claim

from .choices import TaskPriority, TaskStatus
from .models import Task

# The same list, in the same order, as the condition of the partial index
# sched_task_due_idx, so the database can prove the overdue query may read it.
OPEN_STATUSES = [TaskStatus.OPEN.value, TaskStatus.IN_PROGRESS.value]
_FAR_FUTURE = datetime.datetime(9999, 1, 1, tzinfo=datetime.UTC)

# Lists: open tasks first, each by due time (none last); then the rest.
PAGE_FIELDS = ["open_rank", "due_sort", "id"]
OVERDUE_FIELDS = ["due_at", "id"]

ASSIGNER_FIELDS = frozenset({"title", "notes", "due_at", "priority", "status", "assignee",
                             "party", "room", "ticket"})
ASSIGNEE_FIELDS = frozenset({"status", "notes"})

# --- Reads ----------------------------------------------------------------------------------

_RELATED = ("assignee", "assigner", "party", "room", "ticket")


def task_list_for_user(*, user) -> QuerySet[Task]:
    """Tasks the user gave or was given (nobody else's, whatever their role)."""
    if not user.has_perm("scheduling.view_task"):
        return Task.objects.none()
    return Task.objects.filter(Q(assignee=user) | Q(assigner=user)).select_related(*_RELATED)


def task_get_for_user(*, user, pk) -> Task:
    try:
        return task_list_for_user(user=user).get(pk=pk)
    except (Task.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def _ranked(qs: QuerySet[Task]) -> QuerySet[Task]:
    is_open = Q(status__in=OPEN_STATUSES)
    return qs.annotate(
        open_rank=Case(When(is_open, then=Value(0)), default=Value(1),
                       output_field=IntegerField()),
        due_sort=Coalesce("due_at", Value(_FAR_FUTURE), output_field=DateTimeField()),
    ).order_by(*PAGE_FIELDS)


def tasks_assigned_to(*, user, status: str = "") -> QuerySet[Task]:
    """"My tasks": given to the user; open ones first by due time."""
    if not user.has_perm("scheduling.view_task"):
        return Task.objects.none()
    qs = Task.objects.filter(assignee=user).select_related(*_RELATED)
    return _ranked(_with_status(qs, status))


def tasks_given_by(*, user, status: str = "") -> QuerySet[Task]:
    """"Tasks I gave": given by the user to anyone (themselves included)."""
    if not user.has_perm("scheduling.view_task"):
        return Task.objects.none()
    qs = Task.objects.filter(assigner=user).select_related(*_RELATED)
    return _ranked(_with_status(qs, status))


def tasks_overdue(*, user, now: datetime.datetime | None = None) -> QuerySet[Task]:
    """Open tasks of the user's (given to or by them) whose due time has passed, the most
    overdue first; read through the partial index on open tasks' due times."""
    now = now or timezone.now()
    return (task_list_for_user(user=user)
            .filter(status__in=OPEN_STATUSES, due_at__lt=now)
            .order_by(*OVERDUE_FIELDS))


def _with_status(qs: QuerySet[Task], status: str) -> QuerySet[Task]:
    if status == "open":
        return qs.filter(status__in=OPEN_STATUSES)
    if status in TaskStatus.values:
        return qs.filter(status=status)
    return qs


# --- Writes ---------------------------------------------------------------------------------

def _check_links(*, by, party=None, room=None, ticket=None) -> None:
    """Link only to what the user may see: a ticket outside their territories, say, is
    refused as if it did not exist."""
    errors = {}
    if ticket is not None and not ticket_list_for_user(user=by).filter(pk=ticket.pk).exists():
        errors["ticket"] = [_("No such ticket, or you may not see it.")]
    if party is not None and not party_list_for_user(user=by).filter(pk=party.pk).exists():
        errors["party"] = [_("No such owner or occupant, or you may not see them.")]
    if room is not None and not room_list_for_user(user=by).filter(pk=room.pk).exists():
        errors["room"] = [_("No such room, or you may not see it.")]
    if errors:
        raise ValidationError(errors)


def _check_assignee(assignee) -> None:
    if assignee is None or not assignee.is_active:
        raise ValidationError({"assignee": [_("Choose an active colleague.")]})


def _notify_assignee(task: Task, *, by) -> None:
    """The assignee's inbox gets one message per task and assignee (never for a task
    people give themselves)."""
    if task.assignee_id == by.pk:
        return
    notify(recipients=[task.assignee],
           title=message(gettext_noop("%(name)s gave you a task: %(title)s"),
                         name=by.display_name, title=task.title),
           body=task.notes[:500],
           url=reverse("scheduling:task_detail", args=[task.pk]),
           source=f"task-assigned:{task.pk}:{task.assignee_id}")


def _apply_status(task: Task, status: str, now: datetime.datetime) -> None:
    if status == TaskStatus.DONE and task.status != TaskStatus.DONE:
        task.completed_at = now
    elif status != TaskStatus.DONE:
        task.completed_at = None
    task.status = status


@transaction.atomic
def task_create(*, by, title: str, assignee, notes: str = "",
                due_at: datetime.datetime | None = None,
                priority: str = TaskPriority.NORMAL, party=None, room=None,
                ticket=None) -> Task:
    """Give a task to ``assignee`` (or oneself); the assignee is told in their inbox."""
    _check_assignee(assignee)
    _check_links(by=by, party=party, room=room, ticket=ticket)
    task = Task.objects.create(title=title.strip(), notes=notes, due_at=due_at,
                               priority=priority, assignee=assignee, assigner=by,
                               party=party, room=room, ticket=ticket)
    audit_record(actor=by, action="scheduling.task_created", target=task,
                 details={"assignee": assignee.pk})
    _notify_assignee(task, by=by)
    return task


@transaction.atomic
def task_update(*, task: Task, by, expected_version: int, **changes) -> Task:
    """Change a task: its assigner may change everything, its assignee the status and
    notes. Refused (StaleVersionError) if it changed since ``expected_version`` was read;
    a new assignee is told in their inbox."""
    unknown = set(changes) - ASSIGNER_FIELDS
    if unknown:
        raise TypeError(f"task_update() got unexpected fields {sorted(unknown)}")
    if by.pk not in (task.assigner_id, task.assignee_id):
        raise Http404
    changed = {name: value for name, value in changes.items()
               if _value(task, name) != _value_of(value)}
    allowed = ASSIGNER_FIELDS if task.assigner_id == by.pk else ASSIGNEE_FIELDS
    if set(changed) - allowed:
        raise PermissionDenied(_("Only whoever gave the task may change more than its "
                                 "status and notes."))
    task.version = version_claim(instance=task, expected=expected_version)
    if "assignee" in changed:
        _check_assignee(changed["assignee"])
    _check_links(by=by, **{k: changed[k] for k in ("party", "room", "ticket")
                           if changed.get(k) is not None})
    reassigned = "assignee" in changed
    for name, value in changed.items():
        if name == "status":
            _apply_status(task, value, timezone.now())
        elif name == "title":
            task.title = value.strip()
        else:
            setattr(task, name, value)
    task.save()
    audit_record(actor=by, action="scheduling.task_changed", target=task,
                 details={"fields": sorted(changed)})
    if reassigned:
        _notify_assignee(task, by=by)
    return task


@transaction.atomic
def task_set_status(*, task: Task, by, status: str, expected_version: int) -> Task:
    """The quick status change of the lists (to do, in progress, done, cancelled)."""
    if status not in TaskStatus.values:
        raise ValidationError({"status": [_("Unknown status.")]})
    return task_update(task=task, by=by, expected_version=expected_version, status=status)


def _value(task: Task, name: str):
    if name in ("assignee", "party", "room", "ticket"):
        return getattr(task, f"{name}_id")
    return getattr(task, name)


def _value_of(value):
    return getattr(value, "pk", value)


STATUS_ACTIONS = {
    # The quick buttons offered from each status.
    TaskStatus.OPEN: [TaskStatus.IN_PROGRESS, TaskStatus.DONE, TaskStatus.CANCELLED],
    TaskStatus.IN_PROGRESS: [TaskStatus.DONE, TaskStatus.OPEN, TaskStatus.CANCELLED],
    TaskStatus.DONE: [TaskStatus.OPEN],
    TaskStatus.CANCELLED: [TaskStatus.OPEN],
}
STATUS_LABELS = {
    TaskStatus.OPEN: gettext_lazy("Back to to do"),
    TaskStatus.IN_PROGRESS: gettext_lazy("Start"),
    TaskStatus.DONE: pgettext_lazy("task action", "Done"),
    TaskStatus.CANCELLED: gettext_lazy("Cancel"),
}
