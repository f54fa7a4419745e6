"""Checks of the components the app depends on."""

import time
from collections.abc import Callable
from datetime import timedelta

from celery import current_app
from django.db import connection
from django.utils import timezone

from .models import WorkerHeartbeat

HEARTBEAT_STALE_AFTER = timedelta(minutes=3)


def check_database() -> dict:
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}


def check_broker() -> dict:
    started = time.monotonic()
    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0,
                                   timeout=2)
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}


def check_worker() -> dict:
    """Whether a worker ran its heartbeat task lately: without one, reminders, escalations
    and exports are not running. ``reason`` says why not: ``no_heartbeat`` (no worker has
    run a task since the database was set up: not started yet) or ``stale``."""
    latest = WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True)[:1]
    beat_at = latest[0] if latest else None
    result = {"ok": False, "last_heartbeat": beat_at.isoformat() if beat_at else None}
    if beat_at is None:
        return {**result, "reason": "no_heartbeat"}
    age = timezone.now() - beat_at
    if age >= HEARTBEAT_STALE_AFTER:
        return {**result, "reason": "stale", "seconds_since": int(age.total_seconds())}
    return {**result, "ok": True}


# Further details other apps add to /healthz (each a dict with "ok"); informational.
_detail_checks: dict[str, Callable[[], dict]] = {}


def detail_check_register(name: str, check: Callable[[], dict]) -> None:
    _detail_checks[name] = check


def detail_checks() -> dict[str, dict]:
    return {name: check() for name, check in _detail_checks.items()}


def worker_heartbeat_record(*, worker: str) -> WorkerHeartbeat:
    heartbeat, _ = WorkerHeartbeat.objects.update_or_create(
        worker=worker[:200], defaults={"beat_at": timezone.now()}
    )
    return heartbeat
