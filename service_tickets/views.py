from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from owners import search as owner_search
from portal.pagination import keyset_page

from . import services
from .choices import OPEN_STATUSES, Action, Status
from .forms import ActForm, FastEntryForm, TicketFilterForm
from .models import Ticket
from .selectors import ticket_list_for_user
from .transitions import NEEDS_REASON, actions_from


def _ticket_for(request: HttpRequest, pk: int) -> Ticket:
    try:
        return ticket_list_for_user(user=request.user).get(pk=pk)
    except (Ticket.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


@require_GET
def ticket_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("service_tickets.view_ticket"):
        raise PermissionDenied
    filters = TicketFilterForm(request.GET or None)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    qs = ticket_list_for_user(user=request.user)
    status = cleaned.get("status")
    if status == "all":
        pass
    elif status:
        qs = qs.filter(status=status)
    else:
        qs = qs.filter(status__in=OPEN_STATUSES)
    if cleaned.get("category"):
        qs = qs.filter(category=cleaned["category"])
    if cleaned.get("priority"):
        qs = qs.filter(priority=cleaned["priority"])
    if cleaned.get("mine"):
        qs = qs.filter(assignee=request.user)
    page = keyset_page(qs, fields=["-created_at", "-id"], cursor=request.GET.get("cursor"))
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(request, "service_tickets/ticket_list.html", {
        "page": page, "filters": filters, "filter_query": query.urlencode(),
        "now": timezone.now()})


def _stages(ticket: Ticket, events) -> list[dict]:
    """Time spent in each stage, from the events (the last stage runs until now)."""
    changes = [e for e in events if e.to_status]
    stages = []
    for index, event in enumerate(changes):
        end = changes[index + 1].created_at if index + 1 < len(changes) else None
        stages.append({"status": Status(event.to_status).label, "since": event.created_at,
                       "duration": (end or timezone.now()) - event.created_at,
                       "current": end is None})
    return stages


@require_GET
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The ticket with its stage report, SLA clocks, history and the actions open to the user."""
    ticket = _ticket_for(request, pk)
    events = list(ticket.events.select_related("actor"))
    now = timezone.now()
    clocks = []
    for label, due, met in [(_("Accept"), ticket.accept_due, ticket.accepted_at),
                            (_("Respond"), ticket.respond_due, ticket.responded_at),
                            (_("Resolve"), ticket.resolve_due, ticket.resolved_at)]:
        if due:
            clocks.append({"label": label, "due": due, "met": met,
                           "late": (met or now) > due and not ticket.held_since})
    return render(request, "service_tickets/ticket_detail.html", {
        "ticket": ticket, "events": events, "stages": _stages(ticket, events),
        "clocks": clocks, "actions": [(a, Action(a).label, a in NEEDS_REASON)
                                      for a in actions_from(ticket.status)],
        "dispatch_to": (ticket.territory.members.filter(is_active=True)
                        if ticket.territory_id else []),
        "at_risk": ticket.is_at_risk(now), "breached": ticket.is_breached(now),
    })


@require_POST
def ticket_act_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    ticket = _ticket_for(request, pk)
    if action not in Action.values:
        raise Http404
    form = ActForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The action was not sent: %(errors)s") % {
            "errors": " ".join(e for errs in form.errors.values() for e in errs)})
        return redirect("tickets:detail", pk=ticket.pk)
    try:
        services.ticket_act(ticket_id=ticket.pk, action=action, by=request.user,
                            note=form.cleaned_data["note"], to=form.cleaned_data["to"],
                            expected_version=form.cleaned_data["version"])
    except (ValidationError, PermissionDenied) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text)
    else:
        messages.success(request, _("%(number)s: %(action)s done.") % {
            "number": ticket.number, "action": Action(action).label})
    return redirect("tickets:detail", pk=ticket.pk)


@require_http_methods(["GET", "POST"])
def fast_entry(request: HttpRequest) -> HttpResponse:
    """Log a ticket in seconds: look up the person or room, pick a category, describe."""
    if not request.user.has_perm("service_tickets.add_ticket"):
        raise PermissionDenied
    form = FastEntryForm(request.POST or None)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["room"] and not request.POST.get("confirm_duplicate"):
            duplicates = list(Ticket.objects.filter(
                room=data["room"], category=data["category"], status__in=OPEN_STATUSES)
                .order_by("-created_at")[:5])
        if not duplicates:
            try:
                ticket = services.ticket_create(
                    by=request.user, type=data["type"], source=data["source"],
                    category=data["category"], description=data["description"],
                    room=data["room"], party=data["party"], estate=data["estate"],
                    priority=data["priority"] or None)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("%(number)s logged.") % {"number": ticket.number})
                return redirect("tickets:detail", pk=ticket.pk)
    chosen = None
    if form.is_bound and form.is_valid():
        chosen = form.cleaned_data.get("party") or form.cleaned_data.get("room")
    return render(request, "service_tickets/fast_entry.html", {
        "form": form, "duplicates": duplicates, "chosen": chosen},
        status=400 if (form.is_bound and form.errors) else 200)


@require_GET
def lookup(request: HttpRequest) -> HttpResponse:
    """People and rooms matching what the desk typed (phone, tail, name, room)."""
    if not request.user.has_perm("service_tickets.add_ticket"):
        raise PermissionDenied
    query = owner_search.parse(request.GET.get("q", "")[:60])
    people = owner_search.search_parties(query, limit=8) if query.text else []
    rooms = owner_search.search_rooms(query, limit=8) if query.text else []
    from owners.models import Occupancy, Ownership
    from owners.selectors import current_q

    links = {}
    ids = [p.pk for p in people]
    for model in (Ownership, Occupancy):
        for tenure in model.objects.filter(current_q(), party_id__in=ids).select_related(
                "room__estate"):
            links.setdefault(tenure.party_id, []).append(tenure.room)
    open_counts = {}
    for party_id in Ticket.objects.filter(party_id__in=ids, status__in=OPEN_STATUSES) \
            .values_list("party_id", flat=True):
        open_counts[party_id] = open_counts.get(party_id, 0) + 1
    candidates = []
    for person in people:
        for room in links.get(person.pk, [None]):
            candidates.append({"party": person, "room": room,
                               "open": open_counts.get(person.pk, 0)})
    candidates += [{"party": None, "room": room, "open": 0} for room in rooms]
    return render(request, "service_tickets/partials/lookup.html",
                  {"candidates": candidates[:12], "query": query.text})
