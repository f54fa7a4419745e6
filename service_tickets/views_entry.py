"""Fast entry at the front desk: look up the caller, pick a category, describe, save."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from owners import search as owner_search

from . import services
from .choices import OPEN_STATUSES
from .forms import FastEntryForm
from .models import Ticket


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


urlpatterns = [
    path("new/", fast_entry, name="fast_entry"),
    path("lookup/", lookup, name="lookup"),
]
