"""The JSON endpoints behind the event form's search pickers (``portal.widgets``): up to ten
colleagues, owners or occupants, rooms or tickets matching ``?q=``, answered as
``{"results": [{"id": …, "label": …}]}``.

Each answers 403 without the permission to read what it lists, and reads through the
selector of the area it lists, so it offers only what the user may link.
"""

from collections.abc import Callable, Iterable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.http import require_GET

from . import pickers

MAX_QUERY = 60


def _query(request: HttpRequest, permission: str) -> str:
    """What was typed, once the user may read what is searched."""
    if not request.user.has_perm(permission):
        raise PermissionDenied
    return (request.GET.get("q") or "").strip()[:MAX_QUERY]


def _results(rows: Iterable, label: Callable[[object], str]) -> JsonResponse:
    return JsonResponse({"results": [{"id": row.pk, "label": label(row)}
                                     for row in list(rows)[:pickers.MAX_RESULTS]]})


@require_GET
def staff_picker(request: HttpRequest) -> JsonResponse:
    """Active colleagues to invite, by name, username or phone: “王丽娜 · 客户服务中心”."""
    query = _query(request, "scheduling.view_event")
    return _results(pickers.staff_search(query=query) if query else [], pickers.staff_label)


@require_GET
def party_picker(request: HttpRequest) -> JsonResponse:
    """Owners and occupants, as the owners area's search finds them."""
    query = _query(request, "owners.view_party")
    rows = pickers.party_search(user=request.user, query=query) if query else []
    return _results(rows, pickers.party_label)


@require_GET
def room_picker(request: HttpRequest) -> JsonResponse:
    """Rooms by the start of their code."""
    query = _query(request, "owners.view_room")
    rows = pickers.room_search(user=request.user, query=query) if query else []
    return _results(rows, pickers.room_label)


@require_GET
def ticket_picker(request: HttpRequest) -> JsonResponse:
    """Tickets the user may see, by the start of their number."""
    query = _query(request, "service_tickets.view_ticket")
    rows = pickers.ticket_search(user=request.user, query=query) if query else []
    return _results(rows, pickers.ticket_label)


urlpatterns = [
    path("pickers/staff/", staff_picker, name="picker_staff"),
    path("pickers/parties/", party_picker, name="picker_parties"),
    path("pickers/rooms/", room_picker, name="picker_rooms"),
    path("pickers/tickets/", ticket_picker, name="picker_tickets"),
]
