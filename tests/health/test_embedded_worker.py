"""`make run` without Redis: the embedded broker runs a real worker and scheduler."""

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.worker

ROOT = settings.BASE_DIR
BIN = Path(sys.executable).parent


def test_scheduler_and_worker_fire_jobs_on_sqlite_without_redis(tmp_path):
    db = tmp_path / "db.sqlite3"
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "EMAIL_URL"}}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.base", DEBUG="true",
               DATABASE_URL=f"sqlite:///{db}", EMBEDDED_BROKER_DIR=str(tmp_path / "queue"))

    def manage(*args):
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
                       capture_output=True, timeout=300)

    manage("migrate", "--noinput")
    # A manager shortens the heartbeat schedule in the database (as in admin).
    manage("shell", "-c",
           "from django_celery_beat.models import IntervalSchedule, PeriodicTask;"
           "s, _ = IntervalSchedule.objects.get_or_create(every=2, period='seconds');"
           "PeriodicTask.objects.filter(name='worker heartbeat').update(interval=s)")

    log = tmp_path / "worker.log"
    with open(log, "w") as out:
        worker = subprocess.Popen(
            [str(BIN / "celery"), "-A", "config", "worker", "--beat", "--pool", "solo",
             "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler",
             "--schedule", str(tmp_path / "beat"), "-l", "INFO"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        beats = 0
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and beats == 0:
            time.sleep(1)
            with sqlite3.connect(db) as conn:
                beats = conn.execute("SELECT COUNT(*) FROM health_workerheartbeat").fetchone()[0]
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    output = log.read_text()
    assert beats == 1, output
    assert "filesystem://" in output
    assert "Sending due task worker heartbeat" in output
