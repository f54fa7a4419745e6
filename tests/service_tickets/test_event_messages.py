"""What the system writes on tickets is shown in the reader's language, on pages and in the
API, old events keep their text, and the lists pay no query per row for it."""

from importlib import import_module

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext_noop, override

from inbox.models import Notification
from owners.models import Activity
from portal.stored_text import message
from service_tickets.choices import DispatchMode, EventKind, Status
from service_tickets.escalation import escalate_by_hand
from service_tickets.models import Escalation, TicketEvent
from service_tickets.services import ticket_comment
from tests.service_tickets.conftest import new_ticket

pytestmark = pytest.mark.django_db
EVENTS = reverse("tickets:events")


def speaking(user, language):
    user.language = language
    user.save(update_fields=["language"])
    return user


def automatic(world):
    world["category"].dispatch_mode = DispatchMode.ROUND_ROBIN
    world["category"].save()
    return new_ticket(world)


def test_an_automatic_dispatch_reads_in_each_readers_language(world, login):
    # given: one event written once by the system
    ticket = automatic(world)
    event = ticket.events.get(kind=EventKind.TRANSITION)
    assert event.message["id"] == "Dispatched automatically (%(mode)s)" and event.note == ""
    chinese = login(speaking(world["desk"], "zh-hans"))
    english = login(speaking(world["dispatcher"], "en"))
    # when / then: the ticket page
    page = reverse("tickets:detail", args=[ticket.pk])
    assert "已派单：自动派单（片区内轮流）" in chinese.get(page).content.decode()
    html = english.get(page).content.decode()
    assert "Dispatched automatically (Automatic, in turn within the territory)" in html
    assert "自动派单" not in html
    # the event search
    assert "Dispatched automatically" in english.get(EVENTS).content.decode()
    assert "自动派单（" in chinese.get(EVENTS).content.decode()
    # and the API, one event and the search
    for client, expected in [(chinese, "已派单：自动派单（片区内轮流）"),
                             (english, "Dispatched automatically (Automatic, in turn "
                                       "within the territory)")]:
        rows = client.get(reverse("ticket-events", args=[ticket.pk])).json()
        assert expected in [row["text"] for row in rows]
        found = client.get(reverse("ticket-event-list")).json()["results"]
        assert expected in [row["text"] for row in found]


def test_the_timeline_and_the_assignees_inbox_follow_the_reader(world, login):
    # given
    ticket = automatic(world)
    tech = ticket.assignee
    entry = Activity.objects.get(source="service_tickets.ticket", source_id=str(ticket.pk))
    message = Notification.objects.get(recipient=tech)
    # then: stored once, read in either language
    with override("en"):
        assert entry.title_text == f"Repair {ticket.number}: 厨房水管漏水 (Dispatched)"
        assert message.title_text == f"{ticket.number} dispatched to you"
    with override("zh-hans"):
        assert entry.title_text == (
            f"报修 {ticket.number}：厨房水管漏水（{Status.DISPATCHED.label}）")
        assert message.title_text == f"{ticket.number} 已派给您"
    html = login(speaking(tech, "en")).get(reverse("inbox:list")).content.decode()
    assert f"{ticket.number} dispatched to you" in html


def test_what_people_typed_stays_as_typed(world, login):
    ticket = new_ticket(world)
    ticket_comment(ticket=ticket, by=world["desk"], note="业主下午在家")
    english = login(speaking(world["dispatcher"], "en"))
    rows = english.get(reverse("ticket-events", args=[ticket.pk])).json()
    assert {"text": "业主下午在家", "note": "业主下午在家"}.items() <= rows[-1].items()


def test_a_system_escalation_reason_reads_in_the_readers_language(world):
    ticket = new_ticket(world)
    escalation = escalate_by_hand(ticket_id=ticket.pk, by=None, reason=message(gettext_noop(
        "The owner is unsatisfied again after rework (reopened %(count)s times)"), count=2))
    event = ticket.events.get(kind=EventKind.ESCALATED)
    with override("en"):
        assert escalation.why == ("The owner is unsatisfied again after rework "
                                  "(reopened 2 times)")
        assert event.text == ("Level 1 by hand: The owner is unsatisfied again after rework "
                              "(reopened 2 times)")
    with override("zh-hans"):
        assert event.text == "人工升级至第 1 级：返工后业主仍不满意（已返工 2 次）"
    # a reason typed by hand stays as typed
    typed = escalate_by_hand(ticket_id=ticket.pk, by=world["desk"], reason="业主投诉三次")
    with override("en"):
        assert typed.why == "业主投诉三次"
        assert ticket.events.filter(kind=EventKind.ESCALATED).last().text == (
            "Level 2 by hand: 业主投诉三次")


def test_old_events_without_a_message_show_their_note(world, login):
    ticket = new_ticket(world)
    TicketEvent.objects.create(ticket=ticket, kind=EventKind.COMMENT, note="旧系统导入的说明")
    english = login(speaking(world["dispatcher"], "en"))
    html = english.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert "旧系统导入的说明" in html


def test_the_migration_reads_old_chinese_and_english_text_back_into_message_ids(world):
    # given: rows written before ids were kept, in Chinese and in English
    ticket = new_ticket(world)
    closed = TicketEvent.objects.create(ticket=ticket, kind=EventKind.TRANSITION,
                                        note="回访满意后关闭")
    dispatched = TicketEvent.objects.create(
        ticket=ticket, kind=EventKind.TRANSITION,
        note="Dispatched automatically (Automatic, to the least loaded in the territory)")
    typed = TicketEvent.objects.create(ticket=ticket, kind=EventKind.TRANSITION,
                                       note="业主要求改天")
    reason = Escalation.objects.create(ticket=ticket, level=1,
                                       reason="返工后业主仍不满意（已返工 3 次）")
    entry = Activity.objects.get(source="service_tickets.ticket", source_id=str(ticket.pk))
    Activity.objects.filter(pk=entry.pk).update(message=None)
    # when
    state = MigrationExecutor(connection).loader.project_state(
        ("service_tickets", "0009_event_message_ids")).apps
    import_module("service_tickets.migrations.0009_event_message_ids"
                  ).restore_messages_of_old_rows(state, None)
    # then
    for row in (closed, dispatched, typed, reason, entry):
        row.refresh_from_db()
    with override("en"):
        assert closed.text == "Closed after a satisfied follow-up"
        assert dispatched.message["args"]["mode"]["value"] == DispatchMode.LEAST_LOADED
        assert typed.message is None and typed.text == "业主要求改天"
        assert reason.why == "The owner is unsatisfied again after rework (reopened 3 times)"
        assert entry.title_text == f"Repair {ticket.number}: 厨房水管漏水 (Waiting for dispatch)"
    with override("zh-hans"):
        assert dispatched.text == (
            f"已派单：{DispatchMode.LEAST_LOADED.label}")


def test_the_event_search_costs_the_same_with_3_or_30_system_events(world, login,
                                                                    django_assert_num_queries):
    client = login(speaking(world["dispatcher"], "en"))
    automatic(world)
    client.get(EVENTS)
    with CaptureQueriesContext(connection) as few:
        client.get(EVENTS)
    for _ in range(9):
        automatic(world)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(EVENTS)
    assert response.content.decode().count("Dispatched automatically") >= 10


def test_the_system_reason_is_mailed_in_the_recipients_language(world, smtp_server):
    # given: an English-reading lead named by the level-1 rule
    from service_tickets.escalation import escalation_notify
    from service_tickets.models import EscalationRule
    from tests.staff.factories import UserFactory

    lead = UserFactory(username="lead", email="lead@example.com", language="en")
    rule = EscalationRule.objects.create(name="未接单-班长", trigger="not_accepted", level=1)
    rule.recipients.add(lead)
    ticket = new_ticket(world)
    escalation = escalate_by_hand(ticket_id=ticket.pk, by=None, reason=message(gettext_noop(
        "The owner is unsatisfied again after rework (reopened %(count)s times)"), count=2))
    # when
    assert escalation_notify(escalation_id=escalation.pk) == 1
    # then: the mail and the inbox read in English
    mail = smtp_server.messages[0].get_payload()[0].get_payload(decode=True).decode()
    reason = "The owner is unsatisfied again after rework (reopened 2 times)"
    assert reason in mail and "返工" not in mail
    inbox = Notification.objects.get(recipient=lead)
    with override("en"):
        assert inbox.body_text == reason
    with override("zh-hans"):
        assert inbox.body_text == "返工后业主仍不满意（已返工 2 次）"
