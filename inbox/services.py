"""Putting messages in staff members' inboxes."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import override

from portal.stored_text import is_message, text

from .models import Notification


def _stored(value) -> tuple[dict | None, object]:
    """A message id to keep, and what to render now for the text column."""
    if is_message(value):
        return value, lambda: text(value)
    return None, value


def notify(*, recipients: Iterable, title, body="", url: str = "", source: str = "") -> int:
    """Give each recipient one message (once per ``source`` when given: a repeat is
    skipped); returns how many were offered.

    ``title`` and ``body`` are what the system says as ``portal.stored_text.message``
    (kept as ids and shown in whatever language the reader uses when reading), or text
    as given (what a person typed). The text columns also keep the rendering in each
    recipient's own language, for search and for the admin."""
    now = timezone.now()
    title_message, title = _stored(title)
    body_message, body = _stored(body)
    rows = []
    for user in {u.pk: u for u in recipients if u is not None}.values():
        with override(getattr(user, "language", None) or None):
            rows.append(Notification(
                recipient=user, title=str(title() if callable(title) else title)[:200],
                body=str(body() if callable(body) else body), url=url, source=source,
                title_message=title_message, body_message=body_message,
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
