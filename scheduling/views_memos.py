"""Memo pages: the list with search, writing, editing and deleting one's own memos."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.pagination import keyset_page
from versioning.services import StaleVersionError

from . import memos
from .forms_memos import MemoForm

PAGE_SIZE = 30


def _require(request: HttpRequest, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


@require_GET
def memo_list(request: HttpRequest) -> HttpResponse:
    """The user's memos, pinned first then newest, with a text search."""
    _require(request, "scheduling.view_memo")
    query = request.GET.get("q", "").strip()[:memos.SEARCH_MAX_LENGTH]
    page = keyset_page(memos.memo_list_for_user(user=request.user, query=query),
                       fields=memos.PAGE_FIELDS, cursor=request.GET.get("cursor"),
                       size=PAGE_SIZE)
    return render(request, "scheduling/memos/memo_list.html", {
        "page": page, "query": query, "form": MemoForm(),
        "may_add": request.user.has_perm("scheduling.add_memo")})


@require_http_methods(["GET", "POST"])
def memo_create(request: HttpRequest) -> HttpResponse:
    _require(request, "scheduling.add_memo")
    form = MemoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        memos.memo_create(by=request.user, text=data["text"], day=data["day"],
                          pinned=data["pinned"])
        messages.success(request, _("Memo saved."))
        return redirect("scheduling:memos")
    return render(request, "scheduling/memos/memo_form.html", {"form": form, "memo": None},
                  status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def memo_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a memo; an edit made on an older version is refused, keeping what was typed."""
    _require(request, "scheduling.change_memo")
    memo = memos.memo_get_for_user(user=request.user, pk=pk)
    form = MemoForm(request.POST or None, memo=memo)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                memos.memo_update(memo=memo, by=request.user,
                                  expected_version=data["version"], text=data["text"],
                                  day=data["day"], pinned=data["pinned"])
            except StaleVersionError as exc:
                form.add_error(None, exc.message)
                status = 409
            else:
                messages.success(request, _("Memo saved."))
                return redirect("scheduling:memos")
    return render(request, "scheduling/memos/memo_form.html", {"form": form, "memo": memo},
                  status=status)


@require_POST
def memo_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "scheduling.delete_memo")
    memo = memos.memo_get_for_user(user=request.user, pk=pk)
    memos.memo_delete(memo=memo, by=request.user)
    messages.success(request, _("Memo deleted."))
    return redirect("scheduling:memos")


urlpatterns = [
    path("memos/", memo_list, name="memos"),
    path("memos/new/", memo_create, name="memo_new"),
    path("memos/<int:pk>/edit/", memo_edit, name="memo_edit"),
    path("memos/<int:pk>/delete/", memo_delete, name="memo_delete"),
]
