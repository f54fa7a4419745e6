"""Work on a ticket beyond its state: dispatch suggestions, chasing, escalation by hand,
helpers and watchers, materials, labour, photos, notes; and the event search across
tickets.

The ticket page carries small forms that post here. Each form also has a page of its own,
which is where a refused or mistyped entry comes back with its errors and what the user
typed (and where a phone user may open one form alone).
"""

from collections.abc import Callable
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import (
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Round
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from owners import search as owner_search
from owners.selectors import party_limits, room_limits
from portal.pagination import keyset_page
from uploads.models import StoredFile

from . import services
from .choices import OPEN_STATUSES, Action, EventKind
from .dispatching import dispatch_candidates, people_who_may_see
from .forms import refuse_keeping_input
from .forms_work import (
    AttachForm,
    ChaseForm,
    EscalateForm,
    EventSearchForm,
    LabourForm,
    MaterialForm,
    NoteForm,
    PeopleForm,
    TeamDispatchForm,
    territory_members,
)
from .models import Ticket, TicketEvent
from .selectors import ticket_get_for_user
from .services import dispatch_with_team
from .transitions import target_of

DISPATCH_PERM = "service_tickets.change_ticket"
AMOUNT = Round(ExpressionWrapper(F("quantity") * F("unit_price"),
                                 output_field=DecimalField(max_digits=20, decimal_places=4)),
               2, output_field=DecimalField(max_digits=20, decimal_places=2))
ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=20, decimal_places=2))
# Without a person or room, the event search looks this far back unless told otherwise: a
# bound on what one page may have to read through in a table of millions of events.
DEFAULT_EVENT_DAYS = 30


def _may_record_work(user, ticket: Ticket, helpers: list) -> bool:
    return (user.has_perm(DISPATCH_PERM) or ticket.assignee_id == user.pk
            or any(h.pk == user.pk for h in helpers))


def detail_context(request: HttpRequest, ticket: Ticket) -> dict:
    """What this part adds to the ticket page's context (a fixed number of queries, however
    many events, materials or files the ticket has)."""
    user = request.user
    dispatcher = user.has_perm(DISPATCH_PERM)
    is_open = ticket.status in OPEN_STATUSES
    helpers = list(ticket.helpers.order_by("full_name", "pk"))
    watchers = list(ticket.watchers.order_by("full_name", "pk"))
    materials = list(ticket.materials.select_related("recorded_by"))
    totals = ticket.materials.aggregate(total=Coalesce(Sum(AMOUNT), ZERO),
                                        charged=Coalesce(Sum(AMOUNT, filter=Q(charged=True)),
                                                         ZERO))
    files = list(StoredFile.objects.filter(
        attached_type=ContentType.objects.get_for_model(Ticket), attached_id=str(ticket.pk))
        .order_by("created_at"))
    captions = dict(ticket.events.filter(kind=EventKind.ATTACHMENT)
                    .values_list("data__file", "note"))
    for stored in files:
        caption = captions.get(str(stored.pk), "")
        stored.caption = caption if caption != stored.original_name else ""
        stored.is_image = stored.content_type.startswith("image/")
    may_dispatch = dispatcher and target_of(Action.DISPATCH, ticket.status) is not None
    candidates = list(dispatch_candidates(ticket)) if may_dispatch else []
    may_work = _may_record_work(user, ticket, helpers)
    hours, minutes = divmod(ticket.labour_minutes, 60)
    work = {
        "helpers": helpers, "watchers": watchers,
        "helper_ids": {u.pk for u in helpers}, "watcher_ids": {u.pk for u in watchers},
        "materials": materials, "total": totals["total"], "charged": totals["charged"],
        "labour_hours": hours, "labour_minutes": minutes,
        "files": files,
        "escalation_level": ticket.escalations.aggregate(top=Max("level"))["top"],
        "is_open": is_open, "dispatcher": dispatcher, "may_work": may_work,
        "may_attach": may_work or user.has_perm("service_tickets.add_ticket"),
        "may_team_dispatch": may_dispatch and bool(candidates),
        # Unbound forms cost no query; each has its own ids on the shared page.
        "chase_form": ChaseForm(auto_id="chase-%s"),
        "escalate_form": EscalateForm(auto_id="escalate-%s"),
        "material_form": MaterialForm(auto_id="material-%s"),
        "labour_form": LabourForm(auto_id="labour-%s"),
        "attach_form": AttachForm(auto_id="attach-%s"),
        "note_form": NoteForm(auto_id="note-%s"),
    }
    if dispatcher:
        members = list(territory_members(ticket))
        known = {m.pk for m in members}
        work["members"] = members + [h for h in helpers if h.pk not in known]
        work["may_watch"] = list(people_who_may_see(ticket))
    return {"work": work, "dispatch_candidates": candidates}


def _form_page(request: HttpRequest, ticket: Ticket, *, form, name: str, title,
               run: Callable[[dict], object], done: Callable[[], str],
               multipart: bool = False) -> HttpResponse:
    """Validate and run one work form; on success back to the ticket, otherwise the form's
    own page with its errors and the user's input."""
    if request.method == "POST" and form.is_valid():
        try:
            run(form.cleaned_data)
        except ValidationError as exc:
            refuse_keeping_input(form, exc, ticket)
        else:
            messages.success(request, done())
            return redirect(reverse("tickets:detail", args=[ticket.pk]) + "#work")
    return render(request, "service_tickets/work/form.html", {
        "ticket": ticket, "form": form, "title": title, "multipart": multipart,
        "action": reverse(f"tickets:{name}", args=[ticket.pk]),
    }, status=400 if form.is_bound and form.errors else 200)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
def ticket_chase_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The desk records an owner chasing the ticket (催单), optionally raising its priority."""
    ticket = ticket_get_for_user(user=request.user, pk=pk)
    _require(request.user.has_perm(DISPATCH_PERM))
    form = ChaseForm(request.POST or None)

    def run(data):
        services.ticket_chase(ticket_id=ticket.pk, by=request.user, note=data["note"],
                              raise_priority=data["raise_priority"])

    return _form_page(request, ticket, form=form, name="work_chase",
                      title=gettext_lazy("Owner chased"), run=run,
                      done=lambda: _("Chasing recorded."))


@require_http_methods(["GET", "POST"])
def ticket_escalate_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Escalate by hand, one level above the last, with a reason."""
    from .escalation import escalate_by_hand

    ticket = ticket_get_for_user(user=request.user, pk=pk)
    _require(request.user.has_perm(DISPATCH_PERM))
    form = EscalateForm(request.POST or None)
    escalation = {}

    def run(data):
        escalation["made"] = escalate_by_hand(ticket_id=ticket.pk, by=request.user,
                                              reason=data["reason"])

    return _form_page(request, ticket, form=form, name="work_escalate",
                      title=gettext_lazy("Escalate"), run=run,
                      done=lambda: _("Escalated to level %(level)s.") % {
                          "level": escalation["made"].level})


@require_http_methods(["GET", "POST"])
def ticket_people_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Dispatchers set the helpers and watchers."""
    ticket = ticket_get_for_user(user=request.user, pk=pk)
    _require(request.user.has_perm(DISPATCH_PERM))
    form = PeopleForm(request.POST or None, ticket=ticket, initial={
        "helpers": list(ticket.helpers.all()), "watchers": list(ticket.watchers.all()),
        "version": ticket.version})

    def run(data):
        services.ticket_set_people(ticket_id=ticket.pk, by=request.user,
                                   helpers=list(data["helpers"]),
                                   watchers=list(data["watchers"]),
                                   expected_version=data["version"])

    return _form_page(request, ticket, form=form, name="work_people",
                      title=gettext_lazy("Helpers and watchers"), run=run,
                      done=lambda: _("Helpers and watchers saved."))


@require_http_methods(["GET", "POST"])
def ticket_team_dispatch_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Dispatch to one person with helpers (a team), both or neither."""
    ticket = ticket_get_for_user(user=request.user, pk=pk)
    _require(request.user.has_perm(DISPATCH_PERM))
    form = TeamDispatchForm(request.POST or None, ticket=ticket,
                            initial={"version": ticket.version})

    def run(data):
        dispatch_with_team(ticket_id=ticket.pk, by=request.user, to=data["to"],
                           helpers=data["helpers"], note=data["note"],
                           expected_version=data["version"])

    return _form_page(request, ticket, form=form, name="work_team",
                      title=gettext_lazy("Dispatch to a team"), run=run,
                      done=lambda: _("%(number)s dispatched to %(name)s.") % {
                          "number": ticket.number, "name": form.cleaned_data["to"].display_name})


def _require_work(request: HttpRequest, ticket: Ticket, *, or_perm: str = "") -> None:
    helpers = list(ticket.helpers.all())
    _require(_may_record_work(request.user, ticket, helpers)
             or bool(or_perm and request.user.has_perm(or_perm)))


@require_http_methods(["GET", "POST"])
def ticket_material_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Material used on the ticket, priced when charged to the owner."""
    ticket = ticket_get_for_user(user=request.user, pk=pk)
    _require_work(request, ticket)
    form = MaterialForm(request.POST or None)

    def run(data):
        services.ticket_add_material(ticket=ticket, by=request.user, name=data["name"],
                                     quantity=data["quantity"], unit=data["unit"] or "",
                                     unit_price=data["unit_price"], charged=data["charged"])

    return _form_page(request, ticket, form=form, name="work_material",
                      title=gettext_lazy("Material used"), run=run,
                      done=lambda: _("Material recorded."))


@require_http_methods(["GET", "POST"])
def ticket_labour_view(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = ticket_get_for_user(user=request.user, pk=pk)
    _require_work(request, ticket)
    form = LabourForm(request.POST or None)

    def run(data):
        services.ticket_add_labour(ticket_id=ticket.pk, by=request.user,
                                   minutes=data["minutes"])

    return _form_page(request, ticket, form=form, name="work_labour",
                      title=gettext_lazy("Labour"), run=run,
                      done=lambda: _("Labour recorded."))


@require_http_methods(["GET", "POST"])
def ticket_attach_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A photo of the work or a document, checked by its content."""
    ticket = ticket_get_for_user(user=request.user, pk=pk)
    _require_work(request, ticket, or_perm="service_tickets.add_ticket")
    form = AttachForm(request.POST or None, request.FILES or None)

    def run(data):
        services.ticket_attach(ticket=ticket, by=request.user, upload=data["file"],
                               caption=data["caption"])

    return _form_page(request, ticket, form=form, name="work_attach",
                      title=gettext_lazy("Photo or file"), run=run,
                      done=lambda: _("File added."), multipart=True)


@require_http_methods(["GET", "POST"])
def ticket_note_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A comment, or a note of a call or visit, by anyone who may see the ticket."""
    ticket = ticket_get_for_user(user=request.user, pk=pk)
    kind = request.GET.get("kind")
    form = NoteForm(request.POST or None, initial={"kind": kind} if kind else None)

    def run(data):
        services.ticket_comment(ticket=ticket, by=request.user, note=data["note"],
                                kind=data["kind"])

    return _form_page(request, ticket, form=form, name="work_note",
                      title=gettext_lazy("Add a note"), run=run,
                      done=lambda: _("Note added."))


# --- event search -------------------------------------------------------------------------

def event_list_for_user(*, user) -> QuerySet[TicketEvent]:
    """Events of the tickets the user may see (the rule of ``ticket_list_for_user``), written
    without joins that repeat rows, so the newest-first index serves the pages."""
    if not (user.has_perm("service_tickets.view_ticketevent")
            and user.has_perm("service_tickets.view_ticket")):
        return TicketEvent.objects.none()
    qs = TicketEvent.objects.select_related("ticket__room", "ticket__party", "ticket__estate",
                                            "actor")
    if user.has_perm("service_tickets.view_all_tickets"):
        return qs
    territories = list(user.territories.values_list("pk", flat=True))
    helping = Ticket.helpers.through.objects.filter(ticket_id=OuterRef("ticket_id"),
                                                    user_id=user.pk)
    return qs.filter(Q(ticket__territory_id__in=territories) | Q(ticket__assignee_id=user.pk)
                     | Exists(helping))


def _local_midnight(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@require_GET
def event_search(request: HttpRequest) -> HttpResponse:
    """Events across tickets by person, room, staff, kind and time, newest first."""
    if not request.user.has_perm("service_tickets.view_ticketevent"):
        raise PermissionDenied
    form = EventSearchForm(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_valid() else {}
    if {"party", "room_id"} & set(form.errors):
        # A person or room the user may not see, as on their own pages.
        raise Http404
    qs = event_list_for_user(user=request.user)
    people, rooms, narrowed = [], [], False
    if data.get("party"):
        people, narrowed = [data["party"]], True
    elif data.get("person"):
        people = owner_search.search_parties(owner_search.parse(data["person"]), limit=10,
                                             within=party_limits(request.user))
        narrowed = True
    if narrowed:
        qs = qs.filter(ticket__party_id__in=[p.pk for p in people])
    if data.get("room_id"):
        rooms = [data["room_id"]]
    elif data.get("room"):
        rooms = owner_search.search_rooms(owner_search.parse(data["room"]), limit=10,
                                          within=room_limits(request.user))
    if data.get("room_id") or data.get("room"):
        qs = qs.filter(ticket__room_id__in=[r.pk for r in rooms])
        narrowed = True
    if data.get("actor"):
        qs = qs.filter(actor=data["actor"])
    if data.get("kind"):
        qs = qs.filter(kind=data["kind"])
    since = data.get("date_from")
    default_window = since is None and not narrowed
    if default_window:
        since = timezone.localdate() - timedelta(days=DEFAULT_EVENT_DAYS)
    if since:
        qs = qs.filter(created_at__gte=_local_midnight(since))
    if data.get("date_to"):
        qs = qs.filter(created_at__lt=_local_midnight(data["date_to"] + timedelta(days=1)))
    page = keyset_page(qs, fields=["-created_at", "-id"], cursor=request.GET.get("cursor"))
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(request, "service_tickets/events/event_list.html", {
        "form": form, "page": page, "filter_query": query.urlencode(), "people": people,
        "rooms": rooms, "default_window": default_window, "window_days": DEFAULT_EVENT_DAYS,
    }, status=400 if form.errors else 200)  # a filter that cannot be read is explained


urlpatterns = [
    path("events/", event_search, name="events"),
    path("<int:pk>/work/chase/", ticket_chase_view, name="work_chase"),
    path("<int:pk>/work/escalate/", ticket_escalate_view, name="work_escalate"),
    path("<int:pk>/work/people/", ticket_people_view, name="work_people"),
    path("<int:pk>/work/team/", ticket_team_dispatch_view, name="work_team"),
    path("<int:pk>/work/material/", ticket_material_view, name="work_material"),
    path("<int:pk>/work/labour/", ticket_labour_view, name="work_labour"),
    path("<int:pk>/work/attach/", ticket_attach_view, name="work_attach"),
    path("<int:pk>/work/note/", ticket_note_view, name="work_note"),
]
