"""The rest of the service-ticket API: work on a ticket, follow-ups, the event search and
notices — each on the same services, permissions and territory rules as the pages."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from service_tickets.models import (
    Escalation,
    FollowUp,
    Notice,
    Ticket,
    TicketEvent,
    TicketMaterial,
)
from service_tickets.services import ticket_act, ticket_create
from staff.choices import Role
from tests.owners.factories import BuildingFactory, OwnershipFactory, RoomFactory
from tests.service_tickets.conftest import new_ticket
from tests.staff.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def url(name: str, ticket) -> str:
    return reverse(f"ticket-{name}", args=[ticket.pk])


def assigned_ticket(world, **kw) -> Ticket:
    """A ticket the technician of the territory has accepted."""
    ticket = new_ticket(world, **kw)
    ticket_act(ticket_id=ticket.pk, action="dispatch", by=world["dispatcher"], to=world["tech"])
    return ticket_act(ticket_id=ticket.pk, action="accept", by=world["tech"])


def done_ticket(world, **kw) -> Ticket:
    ticket = assigned_ticket(world, **kw)
    ticket_act(ticket_id=ticket.pk, action="start", by=world["tech"])
    return ticket_act(ticket_id=ticket.pk, action="complete", by=world["tech"])


def complaint_ticket(world, **kw) -> Ticket:
    return ticket_create(by=world["desk"], type="complaint", source="phone",
                         category=world["category"], description="维修师傅态度差",
                         room=world["room"], party=world["party"], **kw)


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buffer, format="PNG")
    return buffer.getvalue()


def with_permission(user, codename: str):
    user.user_permissions.add(Permission.objects.get(content_type__app_label="service_tickets",
                                                     codename=codename))
    return user


# --- The ticket resource --------------------------------------------------------------------

def test_a_ticket_shows_its_work_complaint_and_follow_up_fields(world, login):
    ticket = new_ticket(world)
    body = login(world["desk"]).get(reverse("ticket-detail", args=[ticket.pk])).json()
    for field in ("complained_department", "complained_staff", "complained_other", "severity",
                  "reply_due", "replied_at", "follow_up_due", "followed_up_at",
                  "satisfaction", "owner_rating", "reopen_count", "chase_count",
                  "labour_minutes", "notice", "helpers", "watchers", "version"):
        assert field in body, field
    assert body["helpers"] == [] and body["version"] == ticket.version


def test_the_desk_logs_a_complaint_saying_whom_it_is_about(world, login):
    department = DepartmentFactory(name="工程部", code="engineering")
    response = post(login(world["desk"]), reverse("ticket-list"), {
        "type": "complaint", "source": "phone", "category": world["category"].pk,
        "description": "维修师傅态度差", "room": world["room"].pk,
        "complained_department": department.pk, "complained_staff": world["tech"].pk,
        "complained_other": "外包保洁公司", "severity": "serious",
        "labour_minutes": 500, "status": "closed"})
    assert response.status_code == 201, response.json()
    ticket = Ticket.objects.get(pk=response.json()["id"])
    assert ticket.complained_department == department
    assert ticket.complained_staff == world["tech"]
    assert ticket.complained_other == "外包保洁公司" and ticket.severity == "serious"
    assert ticket.reply_due is not None
    # Read-only fields are not taken from the request.
    assert ticket.labour_minutes == 0 and ticket.status == "new"


def test_complaint_fields_on_a_repair_are_refused_by_field(world, login):
    response = post(login(world["desk"]), reverse("ticket-list"), {
        "type": "repair", "source": "phone", "category": world["category"].pk,
        "description": "漏水", "room": world["room"].pk, "severity": "minor"})
    assert response.status_code == 400
    assert set(response.json()) == {"severity"}
    assert not Ticket.objects.exists()


def test_a_ticket_is_linked_to_a_notice_of_its_estate_only(world, login):
    notice = Notice.objects.create(kind="water", title="3号楼停水", estate=world["room"].estate,
                                   starts_at=at("2026-11-27 08:00"), created_by=world["desk"])
    elsewhere = Notice.objects.create(kind="water", title="别处停水",
                                      estate=RoomFactory().estate,
                                      starts_at=at("2026-11-27 08:00"),
                                      created_by=world["desk"])
    client = login(world["desk"])
    data = {"type": "enquiry", "source": "phone", "category": world["category"].pk,
            "description": "为什么停水", "room": world["room"].pk}
    linked = post(client, reverse("ticket-list"), {**data, "notice": notice.pk})
    assert linked.status_code == 201 and linked.json()["notice"] == notice.pk
    assert TicketEvent.objects.filter(ticket_id=linked.json()["id"], kind="notice").exists()
    refused = post(client, reverse("ticket-list"), {**data, "notice": elsewhere.pk})
    assert refused.status_code == 400 and refused.json()["non_field_errors"]
    missing = post(client, reverse("ticket-list"), {**data, "notice": 999999})
    assert missing.status_code == 400 and "notice" in missing.json()


def test_a_malformed_list_filter_is_a_400_not_an_error(world, login):
    new_ticket(world)
    client = login(world["desk"])
    assert client.get(reverse("ticket-list"), {"category": "abc"}).status_code == 400
    assert client.get(reverse("ticket-list"), {"status": "nonsense"}).status_code == 400
    found = client.get(reverse("ticket-list"), {"status": "new",
                                                "category": world["category"].pk})
    assert len(found.json()["results"]) == 1


def test_ticket_list_queries_stay_flat_with_helpers_and_watchers(
        world, login, django_assert_max_num_queries):
    client = login(world["dispatcher"])
    new_ticket(world)
    with django_assert_max_num_queries(20) as few:
        assert client.get(reverse("ticket-list")).status_code == 200
    baseline = len(few)  # read now: the next request clears the log
    assert baseline > 0
    for _ in range(8):
        ticket = new_ticket(world)
        ticket.helpers.add(world["tech"])
        ticket.watchers.add(world["desk"], world["dispatcher"])
    with django_assert_max_num_queries(baseline):
        body = client.get(reverse("ticket-list")).json()
    assert len(body["results"]) == 9 and body["results"][0]["helpers"] == [world["tech"].pk]


# --- Escalation by hand ---------------------------------------------------------------------

def test_a_dispatcher_escalates_level_by_level(world, login):
    ticket = new_ticket(world)
    client = login(world["dispatcher"])
    first = post(client, url("escalate", ticket), {"reason": "业主第三次来电"})
    second = post(client, url("escalate", ticket), {"reason": "仍未处理"})
    assert first.status_code == 201 and second.status_code == 201
    assert [first.json()["level"], second.json()["level"]] == [1, 2]
    assert second.json()["raised_by"] == world["dispatcher"].pk
    assert TicketEvent.objects.filter(ticket=ticket, kind="escalated").count() == 2


def test_escalating_needs_a_reason(world, login):
    ticket = new_ticket(world)
    client = login(world["dispatcher"])
    for data in ({}, {"reason": "   "}):
        response = post(client, url("escalate", ticket), data)
        assert response.status_code == 400 and "reason" in response.json()
    assert not Escalation.objects.exists()


def test_service_staff_cannot_escalate(world, login):
    ticket = assigned_ticket(world)
    response = post(login(world["tech"]), url("escalate", ticket), {"reason": "x"})
    assert response.status_code == 403
    assert not Escalation.objects.exists()


def test_a_cancelled_ticket_cannot_be_escalated(world, login):
    ticket = new_ticket(world)
    ticket_act(ticket_id=ticket.pk, action="cancel", by=world["dispatcher"], note="重复")
    response = post(login(world["dispatcher"]), url("escalate", ticket), {"reason": "x"})
    assert response.status_code == 409
    assert response.json()["detail"]  # the service's reason, not a bare code
    assert not Escalation.objects.exists()


# --- Chasing --------------------------------------------------------------------------------

def test_the_desk_records_a_chase_and_raises_the_priority(world, login):
    ticket = new_ticket(world)
    response = post(login(world["desk"]), url("chase", ticket),
                    {"note": "业主再次来电催促", "raise_priority": True})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["chase_count"] == 1 and body["priority"] == "high"
    assert body["version"] == ticket.version + 1
    assert TicketEvent.objects.filter(ticket=ticket, kind="chased").count() == 1


def test_a_closed_ticket_cannot_be_chased_and_staff_cannot_record_chases(world, login):
    ticket = new_ticket(world)
    assert post(login(world["tech"]), url("chase", ticket), {}).status_code == 403
    ticket_act(ticket_id=ticket.pk, action="cancel", by=world["dispatcher"], note="重复")
    assert post(login(world["desk"]), url("chase", ticket), {}).status_code == 409
    assert Ticket.objects.get(pk=ticket.pk).chase_count == 0


# --- Helpers and watchers -------------------------------------------------------------------

def test_a_dispatcher_sets_helpers_and_watchers(world, login):
    ticket = new_ticket(world)
    helper = UserFactory(username="tech-c", role=Role.SERVICE_STAFF)
    world["territory"].members.add(helper)
    response = post(login(world["dispatcher"]), url("people", ticket), {
        "helpers": [helper.pk], "watchers": [world["desk"].pk], "version": ticket.version})
    assert response.status_code == 200, response.json()
    assert response.json()["helpers"] == [helper.pk]
    assert response.json()["watchers"] == [world["desk"].pk]
    # The helper now sees the ticket.
    assert login(helper).get(reverse("ticket-detail", args=[ticket.pk])).status_code == 200


def test_people_outside_the_territory_stale_versions_and_bad_input_are_refused(world, login):
    ticket = new_ticket(world)
    client = login(world["dispatcher"])
    outside = post(client, url("people", ticket), {"helpers": [world["outsider"].pk],
                                                   "version": ticket.version})
    assert outside.status_code == 409 and outside.json()["detail"]
    # A watcher who may not see the ticket would be told of it in their inbox: refused.
    watcher = post(client, url("people", ticket), {"watchers": [world["outsider"].pk],
                                                   "version": ticket.version})
    assert watcher.status_code == 409 and "tech-b" not in str(ticket.watchers.all())
    assert not ticket.watchers.exists()
    unversioned = post(client, url("people", ticket), {"watchers": []})
    assert unversioned.status_code == 400 and "version" in unversioned.json()
    stale = post(client, url("people", ticket), {"watchers": [], "version": ticket.version - 1})
    assert stale.status_code == 409
    assert post(client, url("people", ticket), {}).status_code == 400
    unknown = post(client, url("people", ticket), {"helpers": [999999],
                                                   "version": ticket.version})
    assert unknown.status_code == 400 and "helpers" in unknown.json()
    assert not Ticket.objects.get(pk=ticket.pk).helpers.exists()


def test_service_staff_cannot_change_who_works_on_a_ticket(world, login):
    ticket = assigned_ticket(world)
    assert post(login(world["tech"]), url("people", ticket),
                {"watchers": [world["tech"].pk], "version": ticket.version}).status_code == 403


# --- Materials and labour -------------------------------------------------------------------

def test_the_assignee_records_materials_and_lists_them(world, login):
    ticket = assigned_ticket(world)
    client = login(world["tech"])
    response = post(client, url("materials", ticket), {
        "name": "水龙头", "quantity": "2", "unit": "个", "unit_price": "12.50", "charged": True})
    assert response.status_code == 201, response.json()
    assert response.json()["amount"] == "25.00"
    listed = client.get(url("materials", ticket)).json()
    assert [(m["name"], m["amount"]) for m in listed] == [("水龙头", "25.00")]
    assert TicketEvent.objects.filter(ticket=ticket, kind="material").exists()


def test_bad_materials_are_refused_by_field(world, login):
    ticket = assigned_ticket(world)
    client = login(world["tech"])
    zero = post(client, url("materials", ticket), {"name": "水管", "quantity": "0"})
    assert zero.status_code == 400 and "quantity" in zero.json()
    nameless = post(client, url("materials", ticket), {"quantity": "1"})
    assert nameless.status_code == 400 and "name" in nameless.json()
    assert not TicketMaterial.objects.exists()


def test_only_people_on_the_ticket_record_work(world, login):
    ticket = new_ticket(world)  # not yet dispatched to anyone
    tech = login(world["tech"])
    assert post(tech, url("materials", ticket), {"name": "x", "quantity": "1"}
                ).status_code == 403
    assert post(tech, url("labour", ticket), {"minutes": 30}).status_code == 403
    outsider = login(world["outsider"])
    assert post(outsider, url("materials", ticket), {"name": "x", "quantity": "1"}
                ).status_code == 404
    assert outsider.get(url("materials", ticket)).status_code == 404


def test_labour_adds_up_within_a_day(world, login):
    ticket = assigned_ticket(world)
    client = login(world["tech"])
    assert post(client, url("labour", ticket), {"minutes": 90}).json()["labour_minutes"] == 90
    assert post(client, url("labour", ticket), {"minutes": 30}).json()["labour_minutes"] == 120
    for bad in (0, 24 * 60 + 1):
        response = post(client, url("labour", ticket), {"minutes": bad})
        assert response.status_code == 400 and "minutes" in response.json()
    assert post(client, url("labour", ticket), {"minutes": "x"}).status_code == 400
    assert Ticket.objects.get(pk=ticket.pk).labour_minutes == 120


# --- Comments -------------------------------------------------------------------------------

def test_comments_calls_and_visits_are_recorded(world, login):
    ticket = assigned_ticket(world)
    comment = post(login(world["tech"]), url("comments", ticket), {"note": "需更换阀门"})
    call = post(login(world["desk"]), url("comments", ticket),
                {"note": "已电话告知业主", "kind": "call"})
    assert comment.status_code == 201 and comment.json()["kind"] == "comment"
    assert call.status_code == 201 and call.json()["kind"] == "call"
    assert call.json()["ticket_number"] == ticket.number


def test_an_empty_comment_or_an_unknown_kind_is_refused(world, login):
    ticket = new_ticket(world)
    client = login(world["desk"])
    empty = post(client, url("comments", ticket), {"note": "  "})
    assert empty.status_code == 400 and "note" in empty.json()
    bogus = post(client, url("comments", ticket), {"note": "x", "kind": "transition"})
    assert bogus.status_code == 400 and "kind" in bogus.json()
    assert post(login(world["outsider"]), url("comments", ticket), {"note": "x"}
                ).status_code == 404
    assert not TicketEvent.objects.filter(ticket=ticket, kind="comment").exists()


# --- Complaint handling ---------------------------------------------------------------------

def test_the_desk_records_the_finding_and_the_reply(world, login):
    ticket = complaint_ticket(world)
    response = post(login(world["desk"]), url("complaint", ticket), {
        "severity": "moderate", "responsibility": "staff", "remedy": "赔礼道歉并免收上门费",
        "replied": True, "version": ticket.version})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["responsibility"] == "staff" and body["replied_at"]
    assert body["version"] == ticket.version + 1
    assert TicketEvent.objects.filter(ticket=ticket, kind="complaint").exists()


def test_complaint_edits_need_the_current_version(world, login):
    ticket = complaint_ticket(world)
    client = login(world["desk"])
    missing = post(client, url("complaint", ticket), {"severity": "minor"})
    assert missing.status_code == 400 and "version" in missing.json()
    first = post(client, url("complaint", ticket), {"severity": "minor",
                                                    "version": ticket.version})
    stale = post(client, url("complaint", ticket), {"remedy": "覆盖", "version": ticket.version})
    assert first.status_code == 200 and stale.status_code == 409
    assert Ticket.objects.get(pk=ticket.pk).remedy == ""


def test_complaint_handling_is_for_complaints_and_the_desk(world, login):
    repair = assigned_ticket(world)
    refused = post(login(world["desk"]), url("complaint", repair),
                   {"severity": "minor", "version": repair.version})
    assert refused.status_code == 409
    ticket = complaint_ticket(world)
    bad = post(login(world["desk"]), url("complaint", ticket),
               {"severity": "apocalyptic", "version": ticket.version})
    assert bad.status_code == 400 and "severity" in bad.json()
    ticket_act(ticket_id=ticket.pk, action="dispatch", by=world["dispatcher"], to=world["tech"])
    assert post(login(world["tech"]), url("complaint", ticket),
                {"remedy": "x", "version": ticket.version + 1}).status_code == 403


# --- Attachments ----------------------------------------------------------------------------

def test_the_assignee_attaches_a_photo(world, login):
    ticket = assigned_ticket(world)
    photo = SimpleUploadedFile("现场.png", png_bytes(), content_type="image/png")
    response = login(world["tech"]).post(url("attachments", ticket),
                                         {"file": photo, "caption": "维修前"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["kind"] == "photo" and body["url"].endswith(f"{body['id']}/")
    event = TicketEvent.objects.get(ticket=ticket, kind="attachment")
    assert event.note == "维修前" and event.data["file"] == body["id"]


def test_a_file_that_is_not_a_photo_or_document_is_refused(world, login):
    ticket = assigned_ticket(world)
    client = login(world["tech"])
    text = SimpleUploadedFile("a.png", b"not a picture at all", content_type="image/png")
    response = client.post(url("attachments", ticket), {"file": text})
    assert response.status_code == 400 and "file" in response.json()
    assert client.post(url("attachments", ticket), {}).status_code == 400
    assert login(world["outsider"]).post(url("attachments", ticket), {
        "file": SimpleUploadedFile("b.png", png_bytes(), content_type="image/png")}
    ).status_code == 404
    assert not TicketEvent.objects.filter(ticket=ticket, kind="attachment").exists()


# --- Dispatch suggestions -------------------------------------------------------------------

def test_dispatchers_see_whom_to_dispatch_to_best_first(world, login):
    skilled = UserFactory(username="tech-s", full_name="王师傅", role=Role.SERVICE_STAFF)
    world["territory"].members.add(skilled)
    world["category"].skilled_staff.add(skilled)
    assigned_ticket(world)  # the technician has one open ticket
    ticket = new_ticket(world)
    response = login(world["dispatcher"]).get(url("suggestions", ticket))
    assert response.status_code == 200
    assert response.json() == [
        {"id": skilled.pk, "name": "王师傅", "open_load": 0, "skilled": True},
        {"id": world["tech"].pk, "name": world["tech"].display_name, "open_load": 1,
         "skilled": False}]
    assert login(world["tech"]).get(url("suggestions", ticket)).status_code == 403


# --- Follow-ups -----------------------------------------------------------------------------

def follow_up(client, ticket, **data):
    return post(client, reverse("follow-up-list"), {
        "ticket": ticket.pk, "method": "call", **data})


def test_a_satisfied_follow_up_closes_the_ticket(world, login):
    ticket = done_ticket(world)
    response = follow_up(login(world["desk"]), ticket, outcome="satisfied", overall=5,
                         courtesy=5, responsiveness=4, comments="很满意",
                         version=ticket.version)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["ticket_status"] == "closed" and body["courtesy"] == 5
    assert body["recorded_by"] == world["desk"].pk and "version" not in body
    ticket.refresh_from_db()
    assert ticket.status == "closed" and ticket.satisfaction == 5 and ticket.followed_up_at


def test_an_unsatisfied_follow_up_reopens_the_ticket(world, login):
    ticket = done_ticket(world)
    response = follow_up(login(world["desk"]), ticket, outcome="unsatisfied", overall=2,
                         comments="还在漏水")
    assert response.status_code == 201, response.json()
    assert response.json()["ticket_status"] == "reopened"
    ticket.refresh_from_db()
    assert ticket.status == "reopened" and ticket.reopen_count == 1


def test_an_owner_not_reached_leaves_the_ticket_done(world, login):
    ticket = done_ticket(world)
    response = follow_up(login(world["desk"]), ticket, outcome="not_reached")
    assert response.status_code == 201 and response.json()["ticket_status"] == "done"
    assert response.json()["overall"] is None


def test_a_follow_up_needs_its_rating_and_the_reason_for_unhappiness(world, login):
    ticket = done_ticket(world)
    client = login(world["desk"])
    unrated = follow_up(client, ticket, outcome="satisfied")
    assert unrated.status_code == 400 and unrated.json()["non_field_errors"]
    silent = follow_up(client, ticket, outcome="unsatisfied", overall=1)
    assert silent.status_code == 400 and silent.json()["non_field_errors"]
    wild = follow_up(client, ticket, outcome="satisfied", overall=5, courtesy=6)
    assert wild.status_code == 400 and "courtesy" in wild.json()
    bad = follow_up(client, ticket, outcome="delighted", overall=5, method="pigeon")
    assert bad.status_code == 400 and {"outcome", "method"} <= set(bad.json())
    assert not FollowUp.objects.exists()
    assert Ticket.objects.get(pk=ticket.pk).status == "done"


def test_only_done_tickets_and_current_versions_are_followed_up(world, login):
    client = login(world["desk"])
    open_ticket = assigned_ticket(world)
    refused = follow_up(client, open_ticket, outcome="satisfied", overall=5)
    assert refused.status_code == 409 and refused.json()["detail"]
    ticket = done_ticket(world)
    stale = follow_up(client, ticket, outcome="satisfied", overall=5,
                      version=ticket.version - 1)
    assert stale.status_code == 409
    assert not FollowUp.objects.exists()


def test_service_staff_cannot_record_or_read_follow_ups(world, login):
    ticket = done_ticket(world)
    tech = login(world["tech"])
    assert follow_up(tech, ticket, outcome="satisfied", overall=5).status_code == 403
    assert tech.get(reverse("follow-up-list")).status_code == 403
    assert Ticket.objects.get(pk=ticket.pk).status == "done"


def test_follow_ups_are_scoped_to_the_tickets_one_may_see(world, login):
    ticket = done_ticket(world)
    record = follow_up(login(world["desk"]), ticket, outcome="satisfied", overall=4).json()
    # Staff allowed to read follow-ups still only see those of their territories.
    inside = login(with_permission(world["tech"], "view_followup"))
    outside = login(with_permission(world["outsider"], "view_followup"))
    detail = reverse("follow-up-detail", args=[record["id"]])
    assert inside.get(detail).status_code == 200
    assert [f["id"] for f in inside.get(reverse("follow-up-list")).json()["results"]] == [
        record["id"]]
    assert outside.get(detail).status_code == 404
    assert outside.get(reverse("follow-up-list")).json()["results"] == []
    # Filtering by a ticket one may not see is refused like an unknown ticket.
    filtered = outside.get(reverse("follow-up-list"), {"ticket": ticket.pk})
    assert filtered.status_code == 400
    assert list(filtered.json()) == ["ticket"]


def test_follow_ups_are_filtered_by_ticket_outcome_and_date(world, login):
    client = login(world["desk"])
    with time_machine.travel(at("2026-11-23 10:00"), tick=False):
        early = done_ticket(world)
        follow_up(client, early, outcome="not_reached")
    with time_machine.travel(at("2026-11-25 10:00"), tick=False):
        follow_up(client, early, outcome="satisfied", overall=5)
        late = done_ticket(world)
        follow_up(client, late, outcome="unsatisfied", overall=2, comments="没修好")

    def ids(**params):
        response = client.get(reverse("follow-up-list"), params)
        assert response.status_code == 200, response.json()
        return [(f["ticket"], f["outcome"]) for f in response.json()["results"]]

    assert ids(ticket=early.pk) == [(early.pk, "satisfied"), (early.pk, "not_reached")]
    assert ids(outcome="unsatisfied") == [(late.pk, "unsatisfied")]
    assert ids(created_after="2026-11-24") == [(late.pk, "unsatisfied"),
                                               (early.pk, "satisfied")]
    assert ids(created_before="2026-11-24") == [(early.pk, "not_reached")]
    assert client.get(reverse("follow-up-list"), {"created_after": "yesterday"}
                      ).status_code == 400
    assert client.get(reverse("follow-up-list"), {
        "created_after": "2026-11-25", "created_before": "2026-11-24"}).status_code == 400


def test_follow_up_list_queries_stay_flat(world, login, django_assert_max_num_queries):
    client = login(world["desk"])
    follow_up(client, done_ticket(world), outcome="satisfied", overall=5)
    with django_assert_max_num_queries(20) as few:
        assert len(client.get(reverse("follow-up-list")).json()["results"]) == 1
    baseline = len(few)  # read now: the next request clears the log
    assert baseline > 0
    for _ in range(5):
        follow_up(client, done_ticket(world), outcome="satisfied", overall=4)
    with django_assert_max_num_queries(baseline):
        assert len(client.get(reverse("follow-up-list")).json()["results"]) == 6


# --- The event search -----------------------------------------------------------------------

def test_events_are_searched_across_tickets_newest_first(world, login):
    with time_machine.travel(at("2026-11-23 10:00"), tick=False):
        first = new_ticket(world)
    other_room = OwnershipFactory(room__building=world["room"].building)
    with time_machine.travel(at("2026-11-25 10:00"), tick=False):
        second = new_ticket(world)
        second = ticket_act(ticket_id=second.pk, action="dispatch", by=world["dispatcher"],
                            to=world["tech"])
        third = ticket_create(by=world["desk"], type="repair", source="phone",
                              category=world["category"], description="门锁坏",
                              room=other_room.room, party=other_room.party)
    client = login(world["dispatcher"])

    def found(**params):
        response = client.get(reverse("ticket-event-list"), params)
        assert response.status_code == 200, response.json()
        return [(e["ticket"], e["kind"]) for e in response.json()["results"]]

    everything = client.get(reverse("ticket-event-list")).json()["results"]
    times = [(e["created_at"], e["id"]) for e in everything]
    assert times == sorted(times, reverse=True) and len(everything) == 4
    assert found(ticket=first.pk) == [(first.pk, "created")]
    assert found(kind="transition") == [(second.pk, "transition")]
    assert found(actor=world["dispatcher"].pk) == [(second.pk, "transition")]
    assert found(party=world["party"].pk, kind="created") == [(second.pk, "created"),
                                                               (first.pk, "created")]
    assert found(room=other_room.room.pk) == [(third.pk, "created")]
    assert found(created_before="2026-11-24") == [(first.pk, "created")]
    assert len(found(created_after="2026-11-24T00:00:00+08:00")) == 3
    assert client.get(reverse("ticket-event-list"), {"kind": "nonsense"}).status_code == 400
    assert client.get(reverse("ticket-event-list"), {"actor": "x"}).status_code == 400


def test_events_page_by_cursor_without_repeats(world, login):
    for _ in range(3):
        new_ticket(world)
    client = login(world["dispatcher"])
    page = client.get(reverse("ticket-event-list"), {"page_size": 2}).json()
    seen = [e["id"] for e in page["results"]]
    while page["next"]:
        page = client.get(page["next"]).json()
        seen += [e["id"] for e in page["results"]]
    assert sorted(seen) == sorted(TicketEvent.objects.values_list("pk", flat=True))
    assert len(seen) == len(set(seen)) == 3


def test_events_of_tickets_outside_ones_territories_are_not_found(world, login):
    ticket = new_ticket(world)
    event = ticket.events.get()
    outside = login(world["outsider"])
    assert outside.get(reverse("ticket-event-list")).json()["results"] == []
    # Filtering by a ticket one may not see is refused like an unknown ticket.
    assert outside.get(reverse("ticket-event-list"), {"ticket": ticket.pk}).status_code == 400
    assert outside.get(reverse("ticket-event-detail", args=[event.pk])).status_code == 404
    assert outside.get(url("events", ticket)).status_code == 404
    inside = login(world["tech"])
    assert [e["id"] for e in inside.get(reverse("ticket-event-list")).json()["results"]] == [
        event.pk]
    assert inside.get(reverse("ticket-event-detail", args=[event.pk])).status_code == 200


def test_event_search_queries_stay_flat(world, login, django_assert_max_num_queries):
    client = login(world["tech"])  # the territory rule is part of every query
    assigned_ticket(world)
    with django_assert_max_num_queries(20) as few:
        assert len(client.get(reverse("ticket-event-list")).json()["results"]) == 3
    baseline = len(few)  # read now: the next request clears the log
    assert baseline > 0
    for _ in range(4):
        assigned_ticket(world)
    with django_assert_max_num_queries(baseline):
        assert len(client.get(reverse("ticket-event-list")).json()["results"]) == 15


# --- Notices --------------------------------------------------------------------------------

def notice_data(world, **kw):
    return {"kind": "water", "title": "3号楼停水", "body": "管道检修",
            "estate": world["room"].estate_id, "starts_at": "2026-11-27T08:00:00+08:00",
            "ends_at": "2026-11-27T18:00:00+08:00", **kw}


def test_the_desk_posts_a_notice_for_some_buildings(world, login):
    response = post(login(world["desk"]), reverse("notice-list"),
                    notice_data(world, buildings=[world["room"].building_id]))
    assert response.status_code == 201, response.json()
    notice = Notice.objects.get(pk=response.json()["id"])
    assert list(notice.buildings.all()) == [world["room"].building]
    assert notice.created_by == world["desk"]


def test_a_notice_with_bad_times_or_places_is_refused(world, login):
    client = login(world["desk"])
    backwards = post(client, reverse("notice-list"),
                     notice_data(world, ends_at="2026-11-27T07:00:00+08:00"))
    assert backwards.status_code == 400 and "ends_at" in backwards.json()
    elsewhere = BuildingFactory()
    wrong = post(client, reverse("notice-list"), notice_data(world, buildings=[elsewhere.pk]))
    assert wrong.status_code == 400 and "buildings" in wrong.json()
    untitled = post(client, reverse("notice-list"), notice_data(world, title=""))
    assert untitled.status_code == 400 and "title" in untitled.json()
    assert not Notice.objects.exists()


def test_service_staff_read_notices_but_do_not_post_withdraw_or_answer(world, login):
    notice = Notice.objects.create(kind="lift", title="电梯维保", estate=world["room"].estate,
                                   starts_at=at("2026-11-27 08:00"), created_by=world["desk"])
    tech = login(world["tech"])
    assert tech.get(reverse("notice-list")).status_code == 200
    assert post(tech, reverse("notice-list"), notice_data(world)).status_code == 403
    assert post(tech, reverse("notice-withdraw", args=[notice.pk])).status_code == 403
    assert post(tech, reverse("notice-calls", args=[notice.pk])).status_code == 403
    notice.refresh_from_db()
    assert notice.withdrawn_at is None and notice.calls == 0


def test_notices_are_listed_by_estate_building_and_in_force(world, login):
    estate, building = world["room"].estate, world["room"].building
    other_building = BuildingFactory(estate=estate)
    with time_machine.travel(at("2026-11-27 12:00"), tick=False):
        def make(title, **kw):
            notice = Notice.objects.create(kind="water", title=title,
                                           estate=kw.pop("estate", estate),
                                           starts_at=kw.pop("starts_at", at("2026-11-27 08:00")),
                                           created_by=world["desk"], **kw)
            return notice

        whole = make("全小区停电")
        make("别的楼停水").buildings.add(other_building)
        make("本楼停水").buildings.add(building)
        make("已撤回", withdrawn_at=at("2026-11-27 09:00"))
        make("明天停气", starts_at=at("2026-11-28 08:00"))
        make("已结束", ends_at=at("2026-11-27 10:00"))
        make("别的小区", estate=RoomFactory().estate)
        client = login(world["desk"])

        def titles(**params):
            response = client.get(reverse("notice-list"), params)
            assert response.status_code == 200, response.json()
            return {n["title"] for n in response.json()["results"]}

        assert len(titles()) == 7
        assert titles(estate=estate.pk, in_force="true") == {"全小区停电", "别的楼停水",
                                                             "本楼停水"}
        assert titles(building=building.pk, in_force="true") == {"全小区停电", "本楼停水"}
        assert "已撤回" in titles(building=building.pk)
        assert whole.pk in [n["id"] for n in client.get(
            reverse("notice-list"), {"in_force": "true"}).json()["results"]]
        assert client.get(reverse("notice-list"), {"building": 999999}).status_code == 400


def test_the_desk_withdraws_a_notice_and_answers_calls_from_it(world, login):
    notice = Notice.objects.create(kind="water", title="停水", estate=world["room"].estate,
                                   starts_at=at("2026-11-27 08:00"), created_by=world["desk"])
    client = login(world["desk"])
    call = post(client, reverse("notice-calls", args=[notice.pk]),
                {"party": world["party"].pk, "room": world["room"].pk})
    assert call.status_code == 201, call.json()
    assert call.json()["notice"] == notice.pk and call.json()["answered_by"] == world["desk"].pk
    assert post(client, reverse("notice-calls", args=[notice.pk])).status_code == 201
    assert post(client, reverse("notice-calls", args=[notice.pk]), {"party": 999999}
                ).status_code == 400
    elsewhere = post(client, reverse("notice-calls", args=[notice.pk]),
                     {"room": RoomFactory().pk})
    assert elsewhere.status_code == 400
    withdrawn = post(client, reverse("notice-withdraw", args=[notice.pk]))
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn_at"]
    late = post(client, reverse("notice-calls", args=[notice.pk]))
    assert late.status_code in (400, 409)  # refused: the notice is down
    notice.refresh_from_db()
    assert notice.calls == 2 and notice.withdrawn_at is not None


def test_notice_list_queries_stay_flat(world, login, django_assert_max_num_queries):
    client = login(world["desk"])

    def make():
        notice = Notice.objects.create(kind="water", title="停水", estate=world["room"].estate,
                                       starts_at=at("2026-11-27 08:00"),
                                       created_by=world["desk"])
        notice.buildings.add(world["room"].building, BuildingFactory(estate=notice.estate))

    make()
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("notice-list"), {"building": world["room"].building_id})
    baseline = len(few)  # read now: the next request clears the log
    assert baseline > 0
    for _ in range(6):
        make()
    with django_assert_max_num_queries(baseline):
        body = client.get(reverse("notice-list"), {"building": world["room"].building_id})
    assert len(body.json()["results"]) == 7


# --- Everyone else --------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["follow-up-list", "ticket-event-list", "notice-list"])
def test_the_new_resources_need_a_sign_in(name, client):
    assert client.get(reverse(name)).status_code in (401, 403)


def test_people_without_a_ticket_role_see_nothing(world, login, no_role_user):
    ticket = new_ticket(world)
    client = login(no_role_user)
    assert client.get(reverse("ticket-event-list")).status_code == 403
    assert client.get(reverse("notice-list")).status_code == 403
    assert post(client, url("comments", ticket), {"note": "x"}).status_code == 403
    assert client.get(url("suggestions", ticket)).status_code == 403
