"""The dispatcher board, the ticket lists (with saved filters) and their export."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from portal.pagination import keyset_page

from .choices import OPEN_STATUSES
from .forms import TicketFilterForm
from .selectors import ticket_list_for_user


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


urlpatterns = [
    path("", ticket_list, name="list"),
]
