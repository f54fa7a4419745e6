"""An invitation goes from the calendar service, through Redis and a real Celery worker,
to a real SMTP server."""

import os
import subprocess
import sys
import time
import uuid
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from scheduling.models import ReminderSent
from scheduling.services import event_create
from scheduling.tasks import send_event_email
from staff.choices import Role
from tests.scheduling.factories import at
from tests.staff.factories import UserFactory


def _text(message) -> str:
    part = message.get_payload()[0] if message.is_multipart() else message
    return part.get_payload(decode=True).decode()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker shares the database")
def test_an_invitation_mail_goes_out_through_a_real_worker(smtp_server, tmp_path, monkeypatch):
    organiser = UserFactory(username="organiser", full_name="张明华", role=Role.MANAGER,
                            email="organiser@example.com")
    guest = UserFactory(username="guest", full_name="王丽娜", role=Role.FRONT_DESK,
                        email="guest@example.com")
    queue = f"sched-{uuid.uuid4().hex[:8]}"
    # Only this test's worker takes the e-mail: the task goes to a queue of its own.
    task = send_event_email._get_current_object()
    monkeypatch.setattr(task, "queue", queue, raising=False)
    monkeypatch.setattr(task, "_exec_options", None)  # re-read the queue on the next send
    db = connection.settings_dict
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test",
           "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
           "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}"}
    log = tmp_path / "worker.log"
    with open(log, "w") as out:
        worker = subprocess.Popen(
            [str(Path(sys.executable).parent / "celery"), "-A", "config", "worker",
             "--pool", "solo", "-Q", queue, "-n", f"{queue}@%h", "--without-gossip",
             "--without-mingle", "-l", "INFO"],
            cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        # Other suites on this machine empty the shared Redis database (cache.clear()) as
        # they start: send only once the worker listens, so the message waits no longer.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and "ready." not in log.read_text():
            time.sleep(0.1)
        with transaction.atomic():
            event = event_create(by=organiser, kind="meeting", title="业委会季度沟通会",
                                 start=at("2031-03-03 14:00"), end=at("2031-03-03 15:00"),
                                 place="三号会议室", attendees=[guest])
            assert not ReminderSent.objects.exists()  # nothing is sent before the commit
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not smtp_server.messages:
            time.sleep(0.25)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert [m["To"] for m in smtp_server.messages] == ["guest@example.com"], log.read_text()
    message = smtp_server.messages[0]
    assert "业委会季度沟通会" in str(make_header(decode_header(message["Subject"])))
    body = _text(message)
    assert "业委会季度沟通会" in body and "三号会议室" in body and "张明华" in body
    assert ReminderSent.objects.filter(user=guest,
                                       key=f"event-mail:invited:{event.pk}:v1").exists()
    assert "scheduling.send_event_email" in log.read_text()
