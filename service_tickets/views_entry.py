"""Fast entry at the front desk: look up the caller, pick a category, describe, save."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from owners import search as owner_search
from owners.forms import limit_choices_to_scope
from owners.models import Occupancy, Ownership, Party, Room
from owners.selectors import current_q, in_scope, party_limits, room_limits

from . import notices, services
from .choices import OPEN_STATUSES
from .forms import FastEntryForm
from .selectors import ticket_list_for_user

OPEN_SHOWN = 3  # open tickets listed under each caller found; the rest are counted


def _place(form: FastEntryForm) -> dict:
    """The person, room and estate the (bound) form names, for showing them again."""
    data = getattr(form, "cleaned_data", {})
    room, estate = data.get("room"), data.get("estate")
    return {"party": data.get("party"), "room": room,
            "estate": room.estate if room else estate}


def _preset(request: HttpRequest) -> dict:
    """The person and room named in the query string (``?party=&room=``, as the owner page
    links here), if the user may see them; anything else is ignored."""
    found = {}
    for name, model in (("party", Party), ("room", Room)):
        value = request.GET.get(name, "")
        if value.isascii() and value.isdigit() and len(value) < 12:
            qs = model.objects.filter(pk=int(value))
            if model is Room:
                qs = qs.select_related("estate")
            found[name] = in_scope(qs, user=request.user).first()
    return found


def _notices_in_force(place: dict) -> list:
    room, estate = place["room"], place["estate"]
    if estate is None:
        return []
    return list(notices.notices_for(estate_id=estate.pk,
                                    building_id=room.building_id if room else None))


@require_http_methods(["GET", "POST"])
def fast_entry(request: HttpRequest) -> HttpResponse:
    """Log a ticket in seconds: look up the person or room, pick a category, describe.

    The notices in force for the chosen place are shown beside the form, so the desk can
    answer from one instead of logging a duplicate, or link the ticket to it."""
    if not request.user.has_perm("service_tickets.add_ticket"):
        raise PermissionDenied
    preset = _preset(request) if request.method == "GET" else {}
    form = FastEntryForm(request.POST or None,
                         initial={k: v.pk for k, v in preset.items() if v is not None})
    limit_choices_to_scope(form, user=request.user)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["room"] and not request.POST.get("confirm_duplicate"):
            duplicates = list(ticket_list_for_user(user=request.user).filter(
                room=data["room"], category=data["category"], status__in=OPEN_STATUSES)
                .order_by("-created_at")[:5])
        if not duplicates:
            try:
                ticket = services.ticket_create(
                    by=request.user, type=data["type"], source=data["source"],
                    category=data["category"], description=data["description"],
                    room=data["room"], party=data["party"], estate=data["estate"],
                    priority=data["priority"] or None, notice=data["notice"],
                    complaint=form.complaint())
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, _("%(number)s logged.") % {"number": ticket.number})
                return redirect("tickets:detail", pk=ticket.pk)
    place = _place(form) if form.is_bound else {
        "party": preset.get("party"), "room": preset.get("room"),
        "estate": preset["room"].estate if preset.get("room") else None}
    linked = getattr(form, "cleaned_data", {}).get("notice") if form.is_bound else None
    return render(request, "service_tickets/fast_entry.html", {
        "form": form, "duplicates": duplicates, "place": place,
        "notices": _notices_in_force(place),
        "linked_notice": linked, "is_complaint": form["type"].value() == "complaint"},
        status=400 if (form.is_bound and form.errors) else 200)


def _open_tickets(qs, field: str, ids: list[int]) -> dict[int, dict]:
    """The newest open tickets of each party (or room) and how many there are, in one
    query: ``{id: {"tickets": [...], "open": n}}``."""
    if not ids:
        return {}
    rows = (qs.select_related(None).select_related("category__parent", "room")
            .filter(**{f"{field}__in": ids}, status__in=OPEN_STATUSES)
            .annotate(rank=Window(RowNumber(), partition_by=[F(field)],
                                  order_by=[F("created_at").desc(), F("id").desc()]),
                      total=Window(Count("id"), partition_by=[F(field)]))
            .filter(rank__lte=OPEN_SHOWN).order_by(field, "rank"))
    found: dict[int, dict] = {}
    for ticket in rows:
        entry = found.setdefault(getattr(ticket, field), {"tickets": [], "open": ticket.total})
        entry["tickets"].append(ticket)
    return found


@require_GET
def lookup(request: HttpRequest) -> HttpResponse:
    """People and rooms matching what the desk typed (phone, tail, name, room), each with
    its open tickets."""
    if not request.user.has_perm("service_tickets.add_ticket"):
        raise PermissionDenied
    raw = request.GET.get("q", "")[:60]
    query = owner_search.parse(raw)
    user = request.user
    people = owner_search.search_parties(query, limit=8, within=party_limits(user)) \
        if query.text else []
    rooms = owner_search.search_rooms(query, limit=8, within=room_limits(user)) \
        if query.text else []
    links: dict[int, list] = {}
    ids = [p.pk for p in people]
    if ids:
        for model in (Ownership, Occupancy):
            for tenure in (model.objects.filter(current_q(), party_id__in=ids)
                           .select_related("room__estate").order_by("room__code", "pk")):
                if tenure.room not in links.setdefault(tenure.party_id, []):
                    links[tenure.party_id].append(tenure.room)
    scoped = ticket_list_for_user(user=request.user)
    by_party = _open_tickets(scoped, "party_id", ids)
    by_room = _open_tickets(scoped, "room_id", [r.pk for r in rooms])
    empty = {"tickets": [], "open": 0}
    candidates = []
    for person in people:
        for room in links.get(person.pk, [None]):
            candidates.append({"party": person, "room": room,
                               **by_party.get(person.pk, empty)})
    candidates += [{"party": None, "room": room, **by_room.get(room.pk, empty)}
                   for room in rooms]
    return render(request, "service_tickets/partials/lookup.html",
                  {"candidates": candidates[:12], "query": query.text, "raw": raw,
                   "shown": OPEN_SHOWN})


urlpatterns = [
    path("new/", fast_entry, name="fast_entry"),
    path("lookup/", lookup, name="lookup"),
]
