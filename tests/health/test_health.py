import datetime as dt
import time
from zoneinfo import ZoneInfo

import kombu.pools
import pytest
import time_machine
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from background.enqueue import enqueue_on_commit
from config.celery import app as celery_app
from health.models import WorkerHeartbeat
from health.tasks import worker_heartbeat
from staff.tasks import clear_expired_sessions
from workcalendar.models import CalendarYear

pytestmark = pytest.mark.django_db(transaction=True)

CLOSED_PORT = "redis://127.0.0.1:1/0"
SH = ZoneInfo("Asia/Shanghai")
NOON = dt.datetime(2026, 6, 1, 12, 0, tzinfo=SH)


def _point_broker_at(url: str) -> None:
    # Celery caches its connection and producer pools on first use: drop them.
    celery_app.conf.broker_url = url
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
        celery_app._pool = None
    celery_app.amqp._producer_pool = None
    # kombu keeps producer pools per connection in a global registry; an entry made before
    # would hand back producers of the pool just closed.
    kombu.pools.reset()


@pytest.fixture
def broker_down(settings):
    """Broker and cache pointed at a closed port, as when Redis is down."""
    original = celery_app.conf.broker_url
    _point_broker_at(CLOSED_PORT)
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": CLOSED_PORT,
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5,
                        "SOCKET_TIMEOUT": 0.5},
        }
    }
    yield
    _point_broker_at(original)


def test_healthz_is_public_and_reports_ok():
    # Given a worker that has just run its heartbeat
    worker_heartbeat()
    # When monitoring asks, without signing in
    response = Client().get(reverse("health:healthz"))
    # Then everything is up
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] and body["broker"]["ok"] and body["worker"]["ok"]
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_healthz_says_degraded_while_no_worker_has_started_yet():
    # Given no worker has ever run a task
    assert not WorkerHeartbeat.objects.exists()
    # When monitoring asks
    response = Client().get(reverse("health:healthz"))
    # Then pages still work (200, the load balancer keeps the server) but it is not "ok"
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["worker"] == {"ok": False, "last_heartbeat": None, "reason": "no_heartbeat"}


def test_healthz_says_degraded_when_the_last_heartbeat_is_stale():
    # Given the worker's last heartbeat four minutes ago (stale after three)
    with time_machine.travel(NOON, tick=False):
        worker_heartbeat()
    # When monitoring asks now
    with time_machine.travel(NOON + timezone.timedelta(minutes=4), tick=False):
        body = Client().get(reverse("health:healthz")).json()
    # Then the worker is reported stale, with how long ago it last beat
    assert body["status"] == "degraded"
    assert body["worker"]["reason"] == "stale" and body["worker"]["seconds_since"] == 240
    # And a fresh beat makes it "ok" again
    with time_machine.travel(NOON + timezone.timedelta(minutes=5), tick=False):
        worker_heartbeat()
        assert Client().get(reverse("health:healthz")).json()["status"] == "ok"


@pytest.mark.django_db(transaction=False)
def test_healthz_names_next_year_awaiting_confirmation_from_november_without_failing():
    # Given the calendar of 2026 confirmed and 2027 not (as migrated)
    CalendarYear.objects.get_or_create(year=2026, defaults={
        "source": "official", "confirmed_at": timezone.now()})
    CalendarYear.objects.filter(year=2027).delete()
    # When monitoring asks on 31 October, then on 1 November
    with time_machine.travel(dt.datetime(2026, 10, 31, 12, 0, tzinfo=SH), tick=False):
        worker_heartbeat()
        october = Client().get(reverse("health:healthz")).json()
    with time_machine.travel(dt.datetime(2026, 11, 1, 0, 5, tzinfo=SH), tick=False):
        worker_heartbeat()
        november = Client().get(reverse("health:healthz"))
    # Then only November's answer names 2027, and the status stays "ok"
    assert october["calendar"] == {"ok": True, "awaiting_confirmation": []}
    assert november.status_code == 200
    assert november.json()["calendar"] == {"ok": False, "awaiting_confirmation": [2027]}
    assert november.json()["status"] == "ok"


def test_healthz_reports_503_when_the_broker_is_down(broker_down):
    started = time.monotonic()
    response = Client().get(reverse("health:healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is False
    assert time.monotonic() - started < 10


def test_login_pages_and_saves_keep_working_while_redis_is_down(broker_down, front_desk,
                                                                password):
    client = Client()
    response = client.post(reverse("staff:login"),
                           {"username": "frontdesk", "password": password})
    assert response.status_code == 302
    assert client.get(reverse("portal:home")).status_code == 200
    client.post(reverse("staff:set_language"), {"language": "en"})
    front_desk.refresh_from_db()
    assert front_desk.language == "en"
    cache.set("k", "v")  # swallowed, not raised
    assert cache.get("k") is None


def test_enqueue_never_fails_the_saving_transaction(broker_down, front_desk):
    started = time.monotonic()
    with transaction.atomic():
        front_desk.job_title = "客服组长"
        front_desk.save()
        enqueue_on_commit("health.worker_heartbeat")
    front_desk.refresh_from_db()
    assert front_desk.job_title == "客服组长"
    assert time.monotonic() - started < 10


def test_heartbeat_task_records_the_worker_and_is_safe_to_repeat():
    worker_heartbeat()
    worker_heartbeat()
    assert WorkerHeartbeat.objects.count() == 1
    assert timezone.now() - WorkerHeartbeat.objects.get().beat_at < timezone.timedelta(minutes=1)
    body = Client().get(reverse("health:healthz")).json()
    assert body["worker"]["ok"] is True


def test_clearing_expired_sessions_keeps_live_ones(front_desk, login):
    from django.contrib.sessions.models import Session

    login(front_desk)
    Session.objects.create(session_key="x" * 32, session_data="",
                           expire_date=timezone.now() - timezone.timedelta(days=1))
    assert clear_expired_sessions() == 1
    assert clear_expired_sessions() == 0
    assert Session.objects.count() == 1


@pytest.mark.django_db(transaction=False)
def test_periodic_jobs_are_in_the_database_for_managers_to_edit():
    from django_celery_beat.models import PeriodicTask

    tasks = set(PeriodicTask.objects.values_list("task", flat=True))
    assert {"health.worker_heartbeat", "staff.clear_expired_sessions"} <= tasks
