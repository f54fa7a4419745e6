from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.pagination import keyset_page

from .models import Notification
from .services import mark_read


def _notifications_for(user, *, unread_only: bool = False):
    """The user's own messages: nobody, administrators included, reads another's here."""
    qs = Notification.objects.filter(recipient=user)
    return qs.filter(read_at__isnull=True) if unread_only else qs


def _notification_get_for_user(*, user, pk: int) -> Notification:
    try:
        return _notifications_for(user).get(pk=pk)
    except Notification.DoesNotExist:
        raise Http404 from None


def _is_local(url: str) -> bool:
    # Links are written by code, but a stored one must never send staff off the site.
    return url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None)


@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    page = keyset_page(_notifications_for(request.user, unread_only=unread_only),
                       fields=["-created_at", "-id"], cursor=request.GET.get("cursor"),
                       size=50)
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(request, "inbox/notification_list.html", {
        "page": page, "unread_only": unread_only, "filter_query": query.urlencode()})


@require_http_methods(["GET", "POST"])
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Marks the message read and follows its link (back to the inbox if it has none)."""
    notification = _notification_get_for_user(user=request.user, pk=pk)
    mark_read(user=request.user, ids=[notification.pk])
    if notification.url and _is_local(notification.url):
        return redirect(notification.url)
    return redirect("inbox:list")


@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    marked = mark_read(user=request.user)
    if marked:
        messages.success(request, ngettext("Marked %(count)d message as read.",
                                           "Marked %(count)d messages as read.",
                                           marked) % {"count": marked})
    return redirect("inbox:list")
