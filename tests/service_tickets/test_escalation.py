import datetime as dt
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app
from service_tickets.choices import Action
from service_tickets.escalation import escalation_notify, escalations_scan
from service_tickets.models import Escalation, EscalationRule, TicketEvent
from service_tickets.services import ticket_act
from tests.service_tickets.conftest import new_ticket
from tests.staff.factories import UserFactory

SH = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


@pytest.fixture
def rules(db, world):
    lead = UserFactory(username="lead", email="lead@example.com", full_name="班长")
    head = UserFactory(username="head", email="head@example.com", full_name="主管",
                       language="en")
    first = EscalationRule.objects.create(name="未接单-班长", trigger="not_accepted", level=1)
    first.recipients.add(lead)
    second = EscalationRule.objects.create(name="未接单-主管", trigger="not_accepted", level=2,
                                           delay_minutes=60)
    second.recipients.add(head)
    return first, second


@pytest.mark.django_db
def test_rules_fire_level_by_level_once_each(world, rules, django_capture_on_commit_callbacks):
    with time_machine.travel(at("2026-11-27 09:00"), tick=False) as clock:
        ticket = new_ticket(world)  # accept by 09:30
        clock.move_to(at("2026-11-27 09:29"))
        assert escalations_scan() == 0
        clock.move_to(at("2026-11-27 09:31"))
        with django_capture_on_commit_callbacks() as sent:
            assert escalations_scan() == 1
            assert escalations_scan() == 0  # running twice never escalates twice
        assert len(sent) == 1
        clock.move_to(at("2026-11-27 10:31"))
        assert escalations_scan() == 1
    assert list(Escalation.objects.filter(ticket=ticket).values_list("rule__level", flat=True)
                .order_by("rule__level")) == [1, 2]
    assert TicketEvent.objects.filter(ticket=ticket, kind="escalated").count() == 2


@pytest.mark.django_db
def test_a_notice_lost_with_the_broker_is_queued_again(world, rules,
                                                      django_capture_on_commit_callbacks):
    with time_machine.travel(at("2026-11-27 09:00"), tick=False) as clock:
        new_ticket(world)
        clock.move_to(at("2026-11-27 09:31"))
        with django_capture_on_commit_callbacks() as first:
            escalations_scan()
        assert len(first) == 1  # …and suppose that message never reached a worker
        clock.move_to(at("2026-11-27 09:35"))
        with django_capture_on_commit_callbacks() as early:
            escalations_scan()
        assert early == []  # not yet: the worker may still be on it
        clock.move_to(at("2026-11-27 09:42"))
        with django_capture_on_commit_callbacks() as again:
            escalations_scan()
        assert len(again) == 1
        escalation = Escalation.objects.get()
        escalation_notify(escalation_id=escalation.pk)
        clock.move_to(at("2026-11-27 09:55"))
        with django_capture_on_commit_callbacks() as after:
            escalations_scan()
        assert after == []  # told once: never queued again


@pytest.mark.django_db
def test_accepted_or_held_tickets_are_not_escalated_for_acceptance(world, rules):
    with time_machine.travel(at("2026-11-27 09:00"), tick=False) as clock:
        accepted, held = new_ticket(world), new_ticket(world)
        for ticket in (accepted, held):
            ticket_act(ticket_id=ticket.pk, action=Action.DISPATCH, by=world["dispatcher"],
                       to=world["tech"])
            ticket_act(ticket_id=ticket.pk, action=Action.ACCEPT, by=world["tech"])
        clock.move_to(at("2026-11-27 12:00"))
        assert escalations_scan() == 0


@pytest.mark.django_db
def test_a_reopened_ticket_accepted_in_time_is_not_escalated_for_acceptance(world, rules):
    world["category"].follow_up_policy = "never"
    world["category"].save()
    with time_machine.travel(at("2026-11-27 09:00"), tick=False) as clock:
        ticket = new_ticket(world)
        for action, actor, extra in [("dispatch", "dispatcher", {"to": world["tech"]}),
                                     ("accept", "tech", {}), ("start", "tech", {}),
                                     ("complete", "tech", {}),
                                     ("reopen", "dispatcher", {"note": "又漏了"})]:
            ticket_act(ticket_id=ticket.pk, action=action, by=world[actor], **extra)
        clock.move_to(at("2026-11-27 14:00"))  # long after the first accept-by time
        assert escalations_scan() == 0


@pytest.mark.django_db
def test_recipients_get_one_mail_each_in_their_language(world, rules, smtp_server):
    with time_machine.travel(at("2026-11-27 09:00"), tick=False) as clock:
        ticket = new_ticket(world)
        clock.move_to(at("2026-11-27 10:31"))
        escalations_scan()
    for escalation in Escalation.objects.all():
        assert escalation_notify(escalation_id=escalation.pk) == 1
        assert escalation_notify(escalation_id=escalation.pk) == 0
    by_address = {m["To"]: m for m in smtp_server.messages}
    assert set(by_address) == {"lead@example.com", "head@example.com"}
    lead_text = by_address["lead@example.com"].get_payload()[0].get_payload(decode=True).decode()
    head_text = by_address["head@example.com"].get_payload()[0].get_payload(decode=True).decode()
    assert ticket.number in lead_text and "升级" in lead_text
    assert "escalated to you" in head_text


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker shares the database")
def test_an_escalation_mail_goes_out_through_a_real_worker(world, rules, smtp_server, tmp_path):
    db = connection.settings_dict
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test",
           "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
           "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}"}
    celery_app.control.purge()  # only this test's messages on the default queue
    log = tmp_path / "worker.log"
    with open(log, "w") as out:
        worker = subprocess.Popen(
            [str(Path(sys.executable).parent / "celery"), "-A", "config", "worker",
             "--pool", "solo", "-n", f"esc-{uuid.uuid4().hex[:6]}@%h", "--without-gossip",
             "--without-mingle", "-l", "INFO"],
            cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        with time_machine.travel(at("2026-11-27 09:00"), tick=False) as clock:
            new_ticket(world)
            clock.move_to(at("2026-11-27 09:31"))
            assert escalations_scan() == 1  # enqueued on commit to Redis
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not smtp_server.messages:
            time.sleep(0.25)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert [m["To"] for m in smtp_server.messages] == ["lead@example.com"], log.read_text()
    assert Escalation.objects.get().notified_at is not None


@pytest.mark.django_db
def test_one_message_tells_everyone_of_a_scan_and_a_second_tells_nobody(
        world, rules, smtp_server, django_capture_on_commit_callbacks, monkeypatch):
    from service_tickets import tasks

    queued = []
    monkeypatch.setattr(tasks.send_escalation_emails, "apply_async",
                        lambda args=(), kwargs=None, **_: queued.append(args))
    with time_machine.travel(at("2026-11-27 09:00"), tick=False) as clock:
        first, second = new_ticket(world), new_ticket(world)
        clock.move_to(at("2026-11-27 10:31"))
        with django_capture_on_commit_callbacks(execute=True):
            assert escalations_scan() == 4  # two tickets, two levels each
    # one message per rule fired, naming its escalations
    assert sorted(len(ids) for (ids,) in queued) == [2, 2]
    ids = [pk for (batch,) in queued for pk in batch]
    assert tasks.send_escalation_emails(ids) == 4
    assert tasks.send_escalation_emails(ids) == 0  # redelivered: claimed already
    assert len(smtp_server.messages) == 4
    assert TicketEvent.objects.filter(kind="escalated", ticket__in=[first, second]).count() == 4
