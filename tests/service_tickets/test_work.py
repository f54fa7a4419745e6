"""Work on a ticket beyond its state: chasing, escalating by hand, helpers and watchers,
materials, labour, photos and notes — from the ticket page, with its permissions."""

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from inbox.models import Notification
from service_tickets.choices import Action, EventKind, Status
from service_tickets.escalation import escalate_by_hand, escalation_notify
from service_tickets.models import Escalation, EscalationRule, Ticket, TicketEvent, TicketMaterial
from service_tickets.services import (
    TransitionError,
    ticket_act,
    ticket_add_labour,
    ticket_add_material,
    ticket_attach,
    ticket_chase,
    ticket_set_people,
)
from staff.choices import Role
from tests.service_tickets.conftest import new_ticket
from tests.service_tickets.factories import SlaTargetFactory
from tests.staff.factories import UserFactory
from uploads.models import StoredFile

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


def png(name="photo.png", content_type="image/png") -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def pdf(name="quote.pdf") -> SimpleUploadedFile:
    body = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def dispatched(world, to=None):
    ticket = new_ticket(world)
    return ticket_act(ticket_id=ticket.pk, action=Action.DISPATCH, by=world["dispatcher"],
                      to=to or world["tech"])


def url(name, ticket):
    return reverse(f"tickets:{name}", args=[ticket.pk])


@pytest.fixture
def helper(world):
    user = UserFactory(username="tech-helper", full_name="赵师傅", role=Role.SERVICE_STAFF)
    world["territory"].members.add(user)
    return user


# --- who may do what ----------------------------------------------------------------------

WORK_URLS = ["work_chase", "work_escalate", "work_people", "work_team", "work_material",
             "work_labour", "work_attach", "work_note"]


def test_every_work_page_needs_login_and_hides_the_ticket_from_outsiders(world, login):
    ticket = dispatched(world)
    outsider = login(world["outsider"])
    for name in WORK_URLS:
        assert Client().get(url(name, ticket)).status_code == 302
        assert outsider.get(url(name, ticket)).status_code == 404
        assert outsider.post(url(name, ticket), {"note": "x", "reason": "x"}).status_code == 404
    assert ticket.events.count() == 2


def test_service_staff_cannot_chase_escalate_set_people_or_dispatch(world, login, helper):
    ticket = dispatched(world)
    client = login(world["tech"])  # the assignee, but not the desk
    for name, data in [("work_chase", {"note": "催"}), ("work_escalate", {"reason": "慢"}),
                       ("work_people", {"helpers": [helper.pk], "version": ticket.version}),
                       ("work_team", {"to": helper.pk, "version": ticket.version})]:
        assert client.get(url(name, ticket)).status_code == 403
        assert client.post(url(name, ticket), data).status_code == 403
    ticket.refresh_from_db()
    assert (ticket.chase_count, ticket.escalations.count(), ticket.helpers.count()) == (0, 0, 0)
    with pytest.raises(PermissionDenied):
        ticket_chase(ticket_id=ticket.pk, by=world["tech"])
    with pytest.raises(PermissionDenied):
        escalate_by_hand(ticket_id=ticket.pk, by=world["tech"], reason="慢")
    with pytest.raises(PermissionDenied):
        ticket_set_people(ticket_id=ticket.pk, by=world["tech"], helpers=[helper])


def test_the_page_offers_each_person_only_their_forms(world, login):
    ticket = dispatched(world)
    desk = login(world["desk"]).get(url("detail", ticket)).content.decode()
    assert 'data-testid="chase-form"' in desk and 'data-testid="people-form"' in desk
    assert 'data-testid="material-form"' in desk
    tech = login(world["tech"]).get(url("detail", ticket)).content.decode()
    assert 'data-testid="chase-form"' not in tech and 'data-testid="people-form"' not in tech
    assert 'data-testid="material-form"' in tech and 'data-testid="attach-form"' in tech
    colleague = UserFactory(username="tech-colleague", role=Role.SERVICE_STAFF)
    world["territory"].members.add(colleague)
    other = login(colleague).get(url("detail", ticket)).content.decode()
    assert 'data-testid="material-form"' not in other and 'data-testid="work-note"' in other


# --- chasing (催单) -------------------------------------------------------------------------

def test_the_desk_records_chasing_and_the_page_shows_the_count(world, login,
                                                                django_capture_on_commit_callbacks):
    ticket = dispatched(world)
    client = login(world["desk"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("work_chase", ticket), {"note": "业主第二次来电"})
        client.post(url("work_chase", ticket), {"note": "又来电"})
    assert response.status_code == 302 and response["Location"].endswith("#work")
    ticket.refresh_from_db()
    assert ticket.chase_count == 2 and ticket.last_chased_at is not None
    assert ticket.priority == "normal"
    events = list(ticket.events.filter(kind=EventKind.CHASED))
    assert [e.data["count"] for e in events] == [1, 2] and events[0].note == "业主第二次来电"
    html = client.get(url("detail", ticket)).content.decode()
    badge = html.split('data-testid="chase-badge"')[1].split("</span>")[0]
    assert "2" in badge


def test_chasing_tells_the_assignee_and_watchers_in_their_inbox(world, login, helper,
                                                                django_capture_on_commit_callbacks):
    ticket = dispatched(world)
    ticket_set_people(ticket_id=ticket.pk, by=world["dispatcher"], watchers=[
        world["dispatcher"], world["desk"]])
    with django_capture_on_commit_callbacks(execute=True):
        ticket_chase(ticket_id=ticket.pk, by=world["desk"], note="很急")
    told = Notification.objects.filter(source__startswith="ticket-chase:")
    assert {n.recipient for n in told} == {world["tech"], world["dispatcher"]}  # not the desk
    message = told.get(recipient=world["tech"])
    assert ticket.number in message.title and message.body == "很急"
    assert message.url == reverse("tickets:detail", args=[ticket.pk])


def test_raising_the_priority_moves_the_clocks_one_step(world):
    SlaTargetFactory(category=world["category"], priority="high", accept_minutes=15,
                     respond_minutes=60, resolve_minutes=240)
    with time_machine.travel(at("2026-11-23 09:00"), tick=False) as clock:  # Monday
        ticket = new_ticket(world)
        assert ticket.resolve_due == at("2026-11-24 09:30")  # 8 working hours (7 on Monday)
        ticket_act(ticket_id=ticket.pk, action=Action.DISPATCH, by=world["dispatcher"],
                   to=world["tech"])
        clock.move_to(at("2026-11-23 09:10"))
        ticket_act(ticket_id=ticket.pk, action=Action.ACCEPT, by=world["tech"])
        clock.move_to(at("2026-11-23 10:00"))
        ticket = ticket_chase(ticket_id=ticket.pk, by=world["desk"], raise_priority=True)
    assert ticket.priority == "high"
    assert ticket.resolve_due == at("2026-11-23 14:30")  # as if logged high: 4 working hours
    assert ticket.respond_due == at("2026-11-23 10:00")
    assert ticket.accept_due == at("2026-11-23 09:30")  # already met: history is not rewritten
    event = ticket.events.get(kind=EventKind.CHASED)
    assert (event.data["priority_from"], event.data["priority_to"]) == ("normal", "high")


def test_raising_the_priority_of_a_held_ticket_keeps_the_hold(world):
    SlaTargetFactory(category=world["category"], priority="high", accept_minutes=15,
                     respond_minutes=60, resolve_minutes=240)
    with time_machine.travel(at("2026-11-23 09:00"), tick=False) as clock:
        ticket = dispatched(world)
        ticket_act(ticket_id=ticket.pk, action=Action.ACCEPT, by=world["tech"])
        ticket_act(ticket_id=ticket.pk, action=Action.START, by=world["tech"])
        clock.move_to(at("2026-11-23 10:00"))  # one working hour used
        ticket_act(ticket_id=ticket.pk, action=Action.HOLD, by=world["tech"], note="等配件")
        clock.move_to(at("2026-11-24 09:00"))
        ticket_chase(ticket_id=ticket.pk, by=world["desk"], raise_priority=True)
        clock.move_to(at("2026-11-24 10:00"))
        ticket = ticket_act(ticket_id=ticket.pk, action=Action.RESUME, by=world["tech"])
    # 4 hours for high, 1 used before the hold: 3 working hours from the resumption
    assert ticket.resolve_due == at("2026-11-24 14:30")


def test_urgent_tickets_stay_urgent_and_closed_ones_cannot_be_chased(world, login):
    ticket = new_ticket(world, priority="urgent")
    assert ticket_chase(ticket_id=ticket.pk, by=world["desk"], raise_priority=True
                        ).priority == "urgent"
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.CLOSED)
    response = login(world["desk"]).post(url("work_chase", ticket), {"note": "还在等"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="form-errors"' in html and "还在等" in html  # what was typed is kept
    assert Ticket.objects.get(pk=ticket.pk).chase_count == 1


# --- escalation by hand ---------------------------------------------------------------------

def test_escalating_by_hand_goes_one_level_above_the_last(world, login,
                                                          django_capture_on_commit_callbacks):
    ticket = dispatched(world)
    rule = EscalationRule.objects.create(name="未接单", trigger="not_accepted", level=1)
    Escalation.objects.create(ticket=ticket, rule=rule, level=1)
    client = login(world["dispatcher"])
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(url("work_escalate", ticket), {"reason": "业主投诉到总经理"})
    assert response.status_code == 302
    assert len(callbacks) == 1  # the e-mail task, sent once the escalation is committed
    made = Escalation.objects.get(ticket=ticket, rule__isnull=True)
    assert (made.level, made.reason, made.raised_by) == (2, "业主投诉到总经理", world["dispatcher"])
    event = ticket.events.get(kind=EventKind.ESCALATED)
    assert event.data == {"escalation": made.pk, "level": 2, "manual": True}
    assert escalate_by_hand(ticket_id=ticket.pk, by=world["desk"], reason="再升").level == 3
    html = client.get(url("detail", ticket)).content.decode()
    assert 'data-testid="escalation-badge"' in html


def test_an_escalation_needs_a_reason_and_an_open_ticket(world, login):
    ticket = dispatched(world)
    client = login(world["dispatcher"])
    assert client.post(url("work_escalate", ticket), {"reason": "  "}).status_code == 400
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.CANCELLED)
    assert client.post(url("work_escalate", ticket), {"reason": "x"}).status_code == 400
    assert not Escalation.objects.exists()


def test_a_manual_escalation_reaches_the_managers_inbox_and_mailbox(world, manager,
                                                                    smtp_server):
    manager.email = "manager@example.com"
    manager.save()
    ticket = dispatched(world)
    escalation = escalate_by_hand(ticket_id=ticket.pk, by=world["dispatcher"],
                                  reason="业主要求经理处理")
    assert escalation_notify(escalation_id=escalation.pk) == 1
    assert escalation_notify(escalation_id=escalation.pk) == 0  # told once
    note = Notification.objects.get(source=f"escalation:{escalation.pk}")
    assert note.recipient == manager and ticket.number in note.title
    assert note.body == "业主要求经理处理"
    [mail] = smtp_server.messages
    assert mail["To"] == "manager@example.com"
    text = mail.get_payload()[0].get_payload(decode=True).decode()
    assert ticket.number in text and "业主要求经理处理" in text


def test_a_manual_escalation_follows_the_rules_of_its_level(world, smtp_server):
    lead = UserFactory(username="lead", email="lead@example.com")
    rule = EscalationRule.objects.create(name="一级", trigger="not_resolved", level=1)
    rule.recipients.add(lead)
    escalation = escalate_by_hand(ticket_id=new_ticket(world).pk, by=world["desk"],
                                  reason="漏水严重")
    assert escalation_notify(escalation_id=escalation.pk) == 1
    assert Notification.objects.get().recipient == lead
    assert [m["To"] for m in smtp_server.messages] == ["lead@example.com"]


# --- helpers and watchers -------------------------------------------------------------------

def test_dispatchers_set_helpers_and_watchers(world, login, helper):
    ticket = dispatched(world)
    response = login(world["dispatcher"]).post(url("work_people", ticket), {
        "helpers": [helper.pk, world["tech"].pk], "watchers": [world["desk"].pk],
        "version": ticket.version})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert list(ticket.helpers.all()) == [helper]  # the assignee is not their own helper
    assert list(ticket.watchers.all()) == [world["desk"]]
    event = ticket.events.get(kind=EventKind.ASSIGNMENT)
    assert event.data == {"helpers": [helper.pk], "watchers": [world["desk"].pk]}
    assert helper.display_name in event.text
    html = login(world["dispatcher"]).get(url("detail", ticket)).content.decode()
    assert helper.display_name in html.split('data-testid="helpers"')[1].split("</dd>")[0]


def test_helpers_must_be_authorised_in_the_territory(world, login):
    ticket = dispatched(world)
    response = login(world["dispatcher"]).post(url("work_people", ticket), {
        "helpers": [world["outsider"].pk], "version": ticket.version})
    assert response.status_code == 400
    with pytest.raises(TransitionError, match="片区"):
        ticket_set_people(ticket_id=ticket.pk, by=world["dispatcher"],
                          helpers=[world["outsider"]])
    assert not ticket.helpers.exists()


def test_a_stale_people_form_is_refused_and_keeps_the_choice(world, login, helper):
    ticket = dispatched(world)
    stale = ticket.version
    ticket_act(ticket_id=ticket.pk, action=Action.ACCEPT, by=world["tech"])
    response = login(world["dispatcher"]).post(url("work_people", ticket), {
        "helpers": [helper.pk], "version": stale})
    assert response.status_code == 400
    html = response.content.decode()
    refusal = html.split('data-testid="form-errors"')[1][:80]
    assert "工单" in refusal or "ticket" in refusal
    assert f'value="{helper.pk}"' in html and "checked" in html
    assert not ticket.helpers.exists()
    # The form now carries the version the user has been shown: sending it again works.
    current = Ticket.objects.get(pk=ticket.pk).version
    assert f'name="version" value="{current}"' in html
    again = login(world["dispatcher"]).post(url("work_people", ticket), {
        "helpers": [helper.pk], "version": current})
    assert again.status_code == 302 and list(ticket.helpers.all()) == [helper]


def test_a_helper_works_on_the_ticket_like_the_assignee(world, helper):
    ticket = dispatched(world)
    ticket_set_people(ticket_id=ticket.pk, by=world["dispatcher"], helpers=[helper])
    with pytest.raises(PermissionDenied):  # accepting is the assignee's alone
        ticket_act(ticket_id=ticket.pk, action=Action.ACCEPT, by=helper)
    ticket_act(ticket_id=ticket.pk, action=Action.ACCEPT, by=world["tech"])
    for action, note in [(Action.START, ""), (Action.HOLD, "等配件"), (Action.RESUME, ""),
                         (Action.COMPLETE, "")]:
        ticket = ticket_act(ticket_id=ticket.pk, action=action, by=helper, note=note)
    assert ticket.status == Status.DONE
    assert ticket_add_labour(ticket_id=ticket.pk, by=helper, minutes=30).labour_minutes == 30
    material = ticket_add_material(ticket=ticket, by=helper, name="阀门", quantity=1)
    assert material.recorded_by == helper


def test_dispatching_to_a_team_sets_the_assignee_and_helpers_together(world, login, helper):
    ticket = new_ticket(world)
    client = login(world["dispatcher"])
    refused = client.post(url("work_team", ticket), {
        "to": world["tech"].pk, "helpers": [world["outsider"].pk], "version": ticket.version})
    assert refused.status_code == 400
    assert Ticket.objects.get(pk=ticket.pk).status == Status.NEW
    response = client.post(url("work_team", ticket), {
        "to": world["tech"].pk, "helpers": [helper.pk, world["tech"].pk],
        "version": ticket.version})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.DISPATCHED and ticket.assignee == world["tech"]
    assert list(ticket.helpers.all()) == [helper]
    assert Notification.objects.filter(recipient=world["tech"]).exists()


# --- materials, labour, files, notes ---------------------------------------------------------

def test_materials_add_up_in_yuan_and_labour_in_minutes(world, login):
    ticket = dispatched(world)
    client = login(world["tech"])
    for data in [{"name": "水龙头", "quantity": "1", "unit": "个", "unit_price": "45.5",
                  "charged": "on"},
                 {"name": "PPR 管", "quantity": "2.5", "unit": "米", "unit_price": "12.33"},
                 {"name": "生料带", "quantity": "1", "unit": ""}]:
        assert client.post(url("work_material", ticket), data).status_code == 302
    for minutes in ("45", "40"):
        assert client.post(url("work_labour", ticket), {"minutes": minutes}).status_code == 302
    ticket.refresh_from_db()
    assert ticket.labour_minutes == 85
    tape = TicketMaterial.objects.get(name="生料带")
    assert (tape.unit, tape.unit_price, tape.recorded_by) == ("个", 0, world["tech"])
    html = client.get(url("detail", ticket)).content.decode()
    assert "¥76.33" in html.split('data-testid="materials-total"')[1][:40]  # 45.50 + 30.83
    assert "¥45.50" in html.split('data-testid="materials-charged"')[1][:40]
    assert "1 h 25 min" in html or "1 小时 25 分" in html
    assert ticket.events.filter(kind=EventKind.MATERIAL).count() == 5


def test_bad_material_input_is_refused_and_kept(world, login):
    ticket = dispatched(world)
    response = login(world["tech"]).post(url("work_material", ticket), {
        "name": "角阀", "quantity": "0", "unit": "个", "unit_price": "-1"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="角阀"' in html and "is-invalid" in html
    assert login(world["tech"]).post(url("work_labour", ticket), {"minutes": "2000"}
                                     ).status_code == 400
    assert not TicketMaterial.objects.exists()


def test_only_the_people_on_the_ticket_record_work(world, login):
    ticket = dispatched(world)
    colleague = UserFactory(username="tech-colleague", role=Role.SERVICE_STAFF)
    world["territory"].members.add(colleague)
    client = login(colleague)  # sees the ticket, is not on it
    assert client.post(url("work_material", ticket), {"name": "x", "quantity": "1"}
                       ).status_code == 403
    assert client.post(url("work_labour", ticket), {"minutes": "10"}).status_code == 403
    assert client.post(url("work_attach", ticket), {"file": png()}).status_code == 403
    with pytest.raises(PermissionDenied):
        ticket_add_material(ticket=ticket, by=colleague, name="x", quantity=1)
    with pytest.raises(PermissionDenied):
        ticket_add_labour(ticket_id=ticket.pk, by=colleague, minutes=10)


def test_photos_show_as_thumbnails_and_files_as_links_for_those_who_see_the_ticket(world,
                                                                                   login):
    ticket = dispatched(world)
    client = login(world["tech"])
    assert client.post(url("work_attach", ticket), {"file": png(), "caption": "漏水处"}
                       ).status_code == 302
    assert client.post(url("work_attach", ticket), {"file": pdf()}).status_code == 302
    photo, document = StoredFile.objects.order_by("created_at")
    assert (photo.kind, document.kind) == ("photo", "document")
    assert photo.attached_to == ticket
    html = client.get(url("detail", ticket)).content.decode()
    download = reverse("uploads:download", args=[photo.pk])
    assert f'src="{download}?inline=1"' in html and 'alt="漏水处"' in html
    assert reverse("uploads:download", args=[document.pk]) in html and "quote.pdf" in html
    colleague = UserFactory(username="tech-colleague", role=Role.SERVICE_STAFF)
    world["territory"].members.add(colleague)
    assert login(colleague).get(download + "?inline=1").status_code == 200
    assert login(world["outsider"]).get(download).status_code == 404
    assert list(ticket.events.filter(kind=EventKind.ATTACHMENT).values_list("note", flat=True)
                ) == ["漏水处", "quote.pdf"]


def test_a_photo_is_known_by_its_bytes_not_the_browsers_claim(world):
    ticket = dispatched(world)
    stored = ticket_attach(ticket=ticket, by=world["tech"],
                           upload=png(content_type="application/octet-stream"))
    assert stored.kind == "photo"


def test_a_file_that_is_not_a_photo_or_document_is_refused(world, login):
    ticket = dispatched(world)
    fake = SimpleUploadedFile("virus.png", b"MZ\x90\x00 not an image", content_type="image/png")
    response = login(world["tech"]).post(url("work_attach", ticket), {"file": fake,
                                                                     "caption": "看看"})
    assert response.status_code == 400
    assert 'value="看看"' in response.content.decode()
    assert not StoredFile.objects.exists()


def test_anyone_who_sees_the_ticket_adds_comments_and_call_or_visit_notes(world, login):
    ticket = dispatched(world)
    colleague = UserFactory(username="tech-colleague", role=Role.SERVICE_STAFF)
    world["territory"].members.add(colleague)
    assert login(colleague).post(url("work_note", ticket), {
        "kind": "visit", "note": "上门查看，需换阀门"}).status_code == 302
    assert login(world["desk"]).post(url("work_note", ticket), {
        "kind": "call", "note": "已电话告知业主"}).status_code == 302
    assert login(world["desk"]).post(url("work_note", ticket), {
        "kind": "created", "note": "x"}).status_code == 400
    assert login(world["desk"]).post(url("work_note", ticket), {
        "kind": "comment", "note": " "}).status_code == 400
    notes = list(ticket.events.filter(kind__in=["visit", "call", "comment"])
                 .values_list("kind", "actor__username", "note"))
    assert notes == [("visit", "tech-colleague", "上门查看，需换阀门"),
                     ("call", "frontdesk", "已电话告知业主")]
    html = login(world["desk"]).get(url("detail", ticket)).content.decode()
    assert "上门查看，需换阀门" in html


# --- the page costs the same however much the ticket holds -------------------------------------

def _fill(ticket, world, n):
    for i in range(n):
        ticket_add_material(ticket=ticket, by=world["tech"], name=f"材料{i}", quantity=1,
                            unit_price=Decimal("2.50"), charged=bool(i % 2))
        ticket_attach(ticket=ticket, by=world["tech"], upload=png(f"p{i}.png"))
        ticket_attach(ticket=ticket, by=world["tech"], upload=pdf(f"d{i}.pdf"))
        TicketEvent.objects.create(ticket=ticket, kind=EventKind.COMMENT, actor=world["tech"],
                                   note=f"备注{i}")


@pytest.mark.parametrize("who", ["dispatcher", "tech"])
def test_the_ticket_page_costs_the_same_with_3_or_30_of_everything(world, login, helper,
                                                                   django_assert_num_queries,
                                                                   who):
    few, many = dispatched(world), dispatched(world)
    for ticket in (few, many):
        ticket_set_people(ticket_id=ticket.pk, by=world["dispatcher"], helpers=[helper],
                          watchers=[world["desk"]])
    _fill(few, world, 1)
    _fill(many, world, 10)
    assert many.events.count() >= 30 + few.events.count() - 4
    client = login(world[who])
    client.get(url("detail", few))  # warm caches (content types, permissions of the session)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as baseline:
        assert client.get(url("detail", few)).status_code == 200
    with django_assert_num_queries(len(baseline.captured_queries)):
        response = client.get(url("detail", many))
    assert len(response.context["work"]["materials"]) == 10
    assert len(response.context["work"]["files"]) == 20
