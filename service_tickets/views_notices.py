"""Notices in force (停水通知…) for estates and buildings, and calls answered from them."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from owners.models import Estate, Party, Room
from owners.selectors import scoped_get
from portal.pagination import keyset_page

from . import notices
from .forms_notices import NoticeCallForm, NoticeFilterForm, NoticeForm
from .models import Notice

PAGE_FIELDS = ["phase", "-starts_at", "-id"]


def _notice_or_404(pk: int) -> Notice:
    try:
        return Notice.objects.select_related("estate").get(pk=pk)
    except Notice.DoesNotExist as exc:
        raise Http404 from exc


def _errors(exc: ValidationError) -> list[str]:
    return list(exc.messages)


@require_http_methods(["GET", "POST"])
def notice_list(request: HttpRequest) -> HttpResponse:
    """Notices in force first, then upcoming, then past, paged by keyset; users who may
    post notices find the form above the list (a POST here posts one)."""
    user = request.user
    if not user.has_perm("service_tickets.view_notice"):
        raise PermissionDenied
    may_add = user.has_perm("service_tickets.add_notice")
    if request.method == "POST" and not may_add:
        raise PermissionDenied
    form = None
    if may_add:
        form = NoticeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                notice = notices.notice_create(
                    by=user, kind=data["kind"], title=data["title"], body=data["body"],
                    estate=data["estate"], buildings=data["buildings"],
                    starts_at=data["starts_at"], ends_at=data["ends_at"])
            except ValidationError as exc:
                # Errors about a field go beside it; anything else above the form.
                on_fields = hasattr(exc, "error_dict") and set(exc.error_dict) <= set(form.fields)
                form.add_error(None, exc if on_fields else exc.messages)
            else:
                messages.success(request, _("Notice “%(title)s” posted.") % {
                    "title": notice.title})
                return redirect("tickets:notices")
    filters = NoticeFilterForm(request.GET or None, auto_id="filter-%s")
    estate = filters.cleaned_data.get("estate") if filters.is_valid() else None
    now = timezone.now()
    page = keyset_page(notices.notice_list(now=now, estate=estate), fields=PAGE_FIELDS,
                       cursor=request.GET.get("cursor"), size=30)
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(request, "service_tickets/notices/notice_list.html", {
        "page": page, "form": form, "filters": filters, "filter_query": query.urlencode(),
        "phases": {"in_force": notices.IN_FORCE, "upcoming": notices.UPCOMING,
                   "past": notices.PAST},
        "may_withdraw": user.has_perm("service_tickets.change_notice")},
        status=400 if (form is not None and form.is_bound and form.errors) else 200)


@require_GET
def notice_buildings(request: HttpRequest) -> HttpResponse:
    """The building boxes of the notice form for the estate just chosen (htmx)."""
    if not request.user.has_perm("service_tickets.add_notice"):
        raise PermissionDenied
    form = NoticeForm(initial={"estate": request.GET.get("estate") or None})
    return render(request, "service_tickets/notices/buildings_field.html",
                  {"field": form["buildings"]})


@require_POST
def notice_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm("service_tickets.change_notice"):
        raise PermissionDenied
    notice = notices.notice_withdraw(notice=_notice_or_404(pk), by=request.user)
    messages.success(request, _("Notice “%(title)s” withdrawn.") % {"title": notice.title})
    return redirect("tickets:notices")


@require_GET
def notices_for_place(request: HttpRequest) -> HttpResponse:
    """The notices in force for a room (its building and the whole estate) or for an
    estate's public area, as the desk chooses them at fast entry (htmx)."""
    if not request.user.has_perm("service_tickets.view_notice"):
        raise PermissionDenied
    # The same scope as the room's and the person's pages: outside it, 404.
    room = estate = party = None
    if request.GET.get("room"):
        room = scoped_get(Room, user=request.user, pk=request.GET["room"])
        estate = room.estate
    elif request.GET.get("estate"):
        estate = scoped_get(Estate, user=request.user, pk=request.GET["estate"])
    if request.GET.get("party"):
        party = scoped_get(Party, user=request.user, pk=request.GET["party"])
    found = [] if estate is None else list(notices.notices_for(
        estate_id=estate.pk, building_id=room.building_id if room else None))
    return render(request, "service_tickets/notices/for_entry.html", {
        "notices": found, "place": {"party": party, "room": room, "estate": estate}})


@require_POST
def notice_call(request: HttpRequest, pk: int) -> HttpResponse:
    """The caller asked about the notice and was answered: no ticket, a fresh form."""
    if not request.user.has_perm("service_tickets.add_ticket"):
        raise PermissionDenied
    notice = _notice_or_404(pk)
    form = NoticeCallForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("The call was not recorded: the caller or room is unknown."))
        return redirect("tickets:fast_entry")
    try:
        notices.notice_call_record(notice=notice, by=request.user,
                                   party=form.cleaned_data["party"],
                                   room=form.cleaned_data["room"])
    except ValidationError as exc:
        messages.error(request, " ".join(_errors(exc)))
    else:
        messages.success(request, _("Answered from the notice “%(title)s”: the call is "
                                    "recorded, no ticket logged.") % {"title": notice.title})
    return redirect("tickets:fast_entry")


urlpatterns = [
    path("notices/", notice_list, name="notices"),
    path("notices/buildings/", notice_buildings, name="notice_buildings"),
    path("notices/for/", notices_for_place, name="notices_for"),
    path("notices/<int:pk>/withdraw/", notice_withdraw, name="notice_withdraw"),
    path("notices/<int:pk>/call/", notice_call, name="notice_call"),
]
