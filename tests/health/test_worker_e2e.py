"""A real Celery worker process on the real Redis broker runs a task end to end."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from background.enqueue import enqueue_on_commit
from config.celery import app as celery_app
from health.models import WorkerHeartbeat
from health.tasks import worker_heartbeat

pytestmark = [pytest.mark.worker,
              pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(tmp_path):
    """Start ``celery worker`` against the test database, on a queue of its own."""
    queue = f"e2e-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }
    log = tmp_path / "worker.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "celery"), "-A", "config", "worker",
             "--pool", "solo", "-Q", queue, "-n", f"{queue}@%h", "--without-gossip",
             "--without-mingle", "-l", "INFO"],
            cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        yield queue, log
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="the worker process needs a database server it can share")
def test_a_task_enqueued_on_commit_runs_in_a_real_worker(worker):
    queue, log = worker
    assert celery_app.conf.broker_url.startswith("redis://")
    with transaction.atomic():
        transaction.on_commit(lambda: worker_heartbeat.apply_async(queue=queue))
        assert not WorkerHeartbeat.objects.exists()  # nothing is sent before the commit

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not WorkerHeartbeat.objects.exists():
        time.sleep(0.25)
    assert WorkerHeartbeat.objects.exists(), log.read_text()
    assert "health.worker_heartbeat" in log.read_text()


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="the worker process needs a database server it can share")
def test_a_task_enqueued_by_its_name_runs_in_a_real_worker(worker, monkeypatch):
    # given a worker on a queue of its own, which the heartbeat task is sent to
    queue, log = worker
    task = worker_heartbeat._get_current_object()
    monkeypatch.setattr(task, "queue", queue, raising=False)
    monkeypatch.setattr(task, "_exec_options", None)  # re-read the queue on the next send
    # when a transaction enqueues it by name
    with transaction.atomic():
        enqueue_on_commit("health.worker_heartbeat")
        assert not WorkerHeartbeat.objects.exists()  # nothing is sent before the commit
    # then the worker runs it
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not WorkerHeartbeat.objects.exists():
        time.sleep(0.25)
    assert WorkerHeartbeat.objects.exists(), log.read_text()
