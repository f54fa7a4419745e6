"""Task pages: my tasks, tasks I gave, overdue ones; giving, editing and quick status
changes."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from owners.selectors import party_list_for_user, room_list_for_user
from portal.pagination import keyset_page
from service_tickets.selectors import ticket_list_for_user
from versioning.services import StaleVersionError

from . import tasklists
from .choices import TaskStatus
from .forms_tasks import StatusForm, TaskForm, TaskProgressForm
from .models import Task

PAGE_SIZE = 30

TABS = [
    ("mine", "scheduling:tasks", gettext_lazy("My tasks")),
    ("given", "scheduling:tasks_given", gettext_lazy("Tasks I gave")),
    ("overdue", "scheduling:tasks_overdue", gettext_lazy("Overdue")),
]
STATUS_FILTERS = [("", gettext_lazy("All")), ("open", gettext_lazy("Open")),
                  *TaskStatus.choices]


def _require(request: HttpRequest, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


def _list_page(request: HttpRequest, tab: str) -> HttpResponse:
    _require(request, "scheduling.view_task")
    user, now = request.user, timezone.now()
    status = request.GET.get("status", "")
    if status not in dict(STATUS_FILTERS):
        status = ""
    if tab == "overdue":
        qs, fields = tasklists.tasks_overdue(user=user, now=now), tasklists.OVERDUE_FIELDS
    elif tab == "given":
        qs, fields = tasklists.tasks_given_by(user=user, status=status), tasklists.PAGE_FIELDS
    else:
        qs, fields = tasklists.tasks_assigned_to(user=user, status=status), tasklists.PAGE_FIELDS
    page = keyset_page(qs, fields=fields, cursor=request.GET.get("cursor"), size=PAGE_SIZE)
    for task in page.items:
        _decorate(task, user=user, now=now)
    return render(request, "scheduling/tasks/task_list.html", {
        "page": page, "tab": tab, "tabs": TABS, "status": status,
        "status_filters": STATUS_FILTERS if tab != "overdue" else [],
        "filter_query": f"status={status}" if status else "",
        "may_add": user.has_perm("scheduling.add_task"),
        "back": request.get_full_path()})


def _decorate(task: Task, *, user, now) -> None:
    """What a row shows: overdue, and the quick status buttons for the two people."""
    task.is_open = task.status in tasklists.OPEN_STATUSES
    task.overdue = bool(task.is_open and task.due_at and task.due_at < now)
    task.may_act = user.has_perm("scheduling.change_task") and user.pk in (
        task.assignee_id, task.assigner_id)
    task.quick = [(s.value, tasklists.STATUS_LABELS[s])
                  for s in tasklists.STATUS_ACTIONS[TaskStatus(task.status)]]


@require_GET
def task_list_mine(request: HttpRequest) -> HttpResponse:
    """Tasks given to me: open ones first by due time."""
    return _list_page(request, "mine")


@require_GET
def task_list_given(request: HttpRequest) -> HttpResponse:
    return _list_page(request, "given")


@require_GET
def task_list_overdue(request: HttpRequest) -> HttpResponse:
    return _list_page(request, "overdue")


@require_GET
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "scheduling.view_task")
    user = request.user
    task = tasklists.task_get_for_user(user=user, pk=pk)
    _decorate(task, user=user, now=timezone.now())
    # A linked ticket is shown as a link only to those who may open it.
    ticket_visible = bool(task.ticket_id and ticket_list_for_user(user=user)
                          .filter(pk=task.ticket_id).exists())
    return render(request, "scheduling/tasks/task_detail.html", {
        "task": task, "ticket_visible": ticket_visible,
        "party_visible": user.has_perm("owners.view_party"),
        "room_visible": user.has_perm("owners.view_room"),
        "back": request.get_full_path()})


def _initial_links(request: HttpRequest) -> dict:
    """Links given in the address (a task started from an owner, room or ticket page),
    kept only where the user may see them."""
    initial = {}
    user = request.user
    for name, qs in [("party", party_list_for_user(user=user)),
                     ("room", room_list_for_user(user=user))]:
        value = request.GET.get(name, "")
        if value.isdigit() and qs.filter(pk=value).exists():
            initial[name] = int(value)
    value = request.GET.get("ticket", "")
    if value.isdigit():
        ticket = ticket_list_for_user(user=user).filter(pk=value).first()
        if ticket is not None:
            initial["ticket_number"] = ticket.number
    return initial


def _service_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            field = "ticket_number" if name == "ticket" else name
            form.add_error(field if field in form.fields and field not in ("party", "room")
                           else None, errors)
    else:
        form.add_error(None, exc.messages)


@require_http_methods(["GET", "POST"])
def task_create(request: HttpRequest) -> HttpResponse:
    _require(request, "scheduling.add_task")
    form = TaskForm(request.POST or None, user=request.user, initial=_initial_links(request))
    if request.method == "POST" and form.is_valid():
        try:
            task = tasklists.task_create(by=request.user, **form.task_fields())
        except ValidationError as exc:
            _service_errors(form, exc)
        else:
            messages.success(request, _("Task “%(title)s” given to %(name)s.") % {
                "title": task.title, "name": task.assignee.display_name})
            return redirect("scheduling:task_detail", pk=task.pk)
    return render(request, "scheduling/tasks/task_form.html",
                  {"form": form, "task": None, "full": True},
                  status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The assigner edits everything, the assignee the status and notes; a stale edit is
    refused and what was typed stays in the form."""
    _require(request, "scheduling.change_task")
    user = request.user
    task = tasklists.task_get_for_user(user=user, pk=pk)
    full = task.assigner_id == user.pk
    if full:
        form = TaskForm(request.POST or None, user=user, task=task)
    else:
        form = TaskProgressForm(request.POST or None, task=task)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                tasklists.task_update(task=task, by=user,
                                      expected_version=form.cleaned_data["version"],
                                      **form.task_fields())
            except StaleVersionError as exc:
                form.add_error(None, exc.message)
                status = 409
            except ValidationError as exc:
                _service_errors(form, exc)
            else:
                messages.success(request, _("Task saved."))
                return redirect("scheduling:task_detail", pk=task.pk)
    return render(request, "scheduling/tasks/task_form.html",
                  {"form": form, "task": task, "full": full}, status=status)


@require_POST
def task_status(request: HttpRequest, pk: int) -> HttpResponse:
    """A quick status button: the version the button was drawn with must still hold."""
    _require(request, "scheduling.change_task")
    task = tasklists.task_get_for_user(user=request.user, pk=pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        tasklists.task_set_status(task=task, by=request.user,
                                  status=form.cleaned_data["status"],
                                  expected_version=form.cleaned_data["version"])
    except StaleVersionError:
        messages.error(request, _("“%(title)s” was changed by someone else meanwhile: "
                                  "nothing was done. Here it is as it is now.") % {
            "title": task.title})
        return redirect("scheduling:task_detail", pk=task.pk)
    messages.success(request, _("“%(title)s”: %(status)s.") % {
        "title": task.title, "status": TaskStatus(form.cleaned_data["status"]).label})
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        back = reverse("scheduling:task_detail", args=[task.pk])
    return redirect(back)


urlpatterns = [
    path("tasks/", task_list_mine, name="tasks"),
    path("tasks/given/", task_list_given, name="tasks_given"),
    path("tasks/overdue/", task_list_overdue, name="tasks_overdue"),
    path("tasks/new/", task_create, name="task_new"),
    path("tasks/<int:pk>/", task_detail, name="task_detail"),
    path("tasks/<int:pk>/edit/", task_edit, name="task_edit"),
    path("tasks/<int:pk>/status/", task_status, name="task_status"),
]
