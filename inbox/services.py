"""Putting messages in staff members' inboxes."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import override

from .models import Notification


def notify(*, recipients: Iterable, title, body="", url: str = "", source: str = "") -> int:
    """Give each recipient one message (once per ``source`` when given: a repeat is
    skipped); returns how many were offered. ``title`` and ``body`` may be lazy strings or
    callables of no arguments: they are rendered in each recipient's own language."""
    now = timezone.now()
    rows = []
    for user in {u.pk: u for u in recipients if u is not None}.values():
        with override(getattr(user, "language", None) or None):
            rows.append(Notification(
                recipient=user, title=str(title() if callable(title) else title)[:200],
                body=str(body() if callable(body) else body), url=url, source=source,
                created_at=now))
    if not rows:
        return 0
    with transaction.atomic():
        Notification.objects.bulk_create(rows, ignore_conflicts=bool(source))
    return len(rows)


def mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
