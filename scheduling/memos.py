"""Memos (备忘录): reads and writes. A memo is its owner's alone: nobody else, managers
included, ever reads or changes it, so every read starts from the owner."""

import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404

from audit.services import audit_record
from versioning.services import version_claim

from .models import Memo

SEARCH_MAX_LENGTH = 100  # a longer query is cut: the match runs over the owner's rows only
PAGE_FIELDS = ["-pinned", "-updated_at", "-id"]  # the order of sched_memo_owner_idx


def memo_list_for_user(*, user, query: str = "") -> QuerySet[Memo]:
    """The user's own memos, pinned first then newest; ``query`` keeps those containing it."""
    if not user.has_perm("scheduling.view_memo"):
        return Memo.objects.none()
    qs = Memo.objects.filter(owner=user)
    query = query.strip()[:SEARCH_MAX_LENGTH]
    if query:
        qs = qs.filter(text__icontains=query)
    return qs.order_by(*PAGE_FIELDS)


def memo_get_for_user(*, user, pk) -> Memo:
    """One of the user's own memos; anyone else's is not found (404)."""
    try:
        return memo_list_for_user(user=user).get(pk=pk)
    except (Memo.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def _audit(*, by, action: str, memo: Memo) -> None:
    # The text stays out of the audit trail: it is the owner's private note.
    audit_record(actor=by, action=action, details={"memo_id": memo.pk})


@transaction.atomic
def memo_create(*, by, text: str, day: datetime.date | None = None,
                pinned: bool = False) -> Memo:
    """A new memo owned by ``by``."""
    memo = Memo.objects.create(owner=by, text=text.strip(), day=day, pinned=pinned)
    _audit(by=by, action="scheduling.memo_created", memo=memo)
    return memo


@transaction.atomic
def memo_update(*, memo: Memo, by, expected_version: int, text: str,
                day: datetime.date | None, pinned: bool) -> Memo:
    """Change a memo the user owns; refused (StaleVersionError) if it changed since
    ``expected_version`` was read."""
    if memo.owner_id != by.pk:
        raise Http404
    memo.version = version_claim(instance=memo, expected=expected_version)
    memo.text, memo.day, memo.pinned = text.strip(), day, pinned
    memo.save()
    _audit(by=by, action="scheduling.memo_changed", memo=memo)
    return memo


@transaction.atomic
def memo_delete(*, memo: Memo, by) -> None:
    if memo.owner_id != by.pk:
        raise Http404
    _audit(by=by, action="scheduling.memo_deleted", memo=memo)
    memo.delete()
