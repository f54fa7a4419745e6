"""Every write that takes an id in its address, tried by an outsider.

The outsider is a colleague who holds the rights the routes ask for (so the role is not
what decides) but owns none of the objects and works in no territory: each write must
answer 404 for what they may not see, or 403 where they may see the object but not act
on it; never a redirect that looks like success, never a change.

The table below must name every route of the project that takes an id: a route added
without an outsider case fails ``test_every_route_that_takes_an_id_has_an_outsider_case``.
"""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from inbox.models import Notification
from owners.models import Pet, ServiceDocument
from scheduling.models import Memo, ReminderSetting, Task
from service_tickets.models import SavedFilter
from service_tickets.services import ticket_create
from staff.choices import Role
from tests.owners.factories import EstateFactory, OccupancyFactory, OwnershipFactory
from tests.scheduling.factories import EventFactory, at
from tests.service_tickets.factories import CategoryFactory, SlaTargetFactory, TerritoryFactory
from tests.staff.factories import DepartmentFactory, UserFactory
from uploads.models import StoredFile

pytestmark = pytest.mark.django_db

# Rights the outsider holds on top of a technician's, so that only the object decides.
OUTSIDER_RIGHTS = [
    "owners.change_party", "owners.view_full_id", "owners.add_activity",
    "owners.add_occupancy", "owners.add_ownership", "owners.change_ownership",
    "owners.change_occupancy", "owners.change_room", "owners.add_pet", "owners.delete_pet",
    "owners.add_servicedocument", "owners.change_servicedocument", "owners.change_estate",
    "owners.change_building", "service_tickets.change_ticket",
    "service_tickets.add_followup", "service_tickets.view_followup",
    "service_tickets.delete_savedfilter",
]


@pytest.fixture
def world(front_desk, manager):
    """A ticket, person and room in territory 一区, and what colleagues keep of their own."""
    ownership = OwnershipFactory(party__name="刘旭")
    room, party = ownership.room, ownership.party
    occupancy = OccupancyFactory(room=room)
    territory = TerritoryFactory(name="一区")
    territory.buildings.add(room.building)
    technician = UserFactory(username="tech-a", role=Role.SERVICE_STAFF)
    territory.members.add(technician)
    category = CategoryFactory(name="漏水", code="leak")
    SlaTargetFactory(category=category, priority="normal")
    ticket = ticket_create(by=front_desk, type="repair", source="phone", category=category,
                           description="厨房水管漏水", room=room, party=party)
    outsider = UserFactory(username="outsider", full_name="钱工", role=Role.SERVICE_STAFF)
    for entry in OUTSIDER_RIGHTS:
        app_label, codename = entry.split(".")
        outsider.user_permissions.add(Permission.objects.get(
            content_type__app_label=app_label, codename=codename))
    stored = StoredFile.objects.create(
        kind="document", original_name="合同.docx", content_type="application/octet-stream",
        size=1, sha256="0" * 64, file="documents/x.docx", uploaded_by=front_desk,
        created_at=timezone.now())
    from owners.models import DocumentTemplate
    template = DocumentTemplate.objects.create(kind="contract", name="合同", file=stored,
                                               uploaded_by=manager)
    document = ServiceDocument.objects.create(
        kind="contract", number="HT-0001", title="合同", party=party, template=template,
        file=stored, created_by=front_desk)
    event = EventFactory(organizer=front_desk, private=True, start=at("2026-12-14 09:00"),
                         end=at("2026-12-14 10:00"))
    task = Task.objects.create(title="回电业主", assignee=front_desk, assigner=front_desk)
    notice_estate = EstateFactory()
    from service_tickets.models import Notice
    notice = Notice.objects.create(kind="water", title="停水", estate=notice_estate,
                                   starts_at=timezone.now() - dt.timedelta(hours=1),
                                   created_by=front_desk)
    return {
        "ticket": ticket, "party": party, "room": room, "ownership": ownership,
        "occupancy": occupancy, "pet": Pet.objects.create(party=party, species="狗"),
        "document": document, "event": event, "task": task, "notice": notice,
        "memo": Memo.objects.create(owner=front_desk, text="周五前回电"),
        "reminder": ReminderSetting.objects.create(user=front_desk, minutes_before=30),
        "filter": SavedFilter.objects.create(owner=front_desk, page="list", name="我的",
                                             query="status=new"),
        "notification": Notification.objects.create(recipient=front_desk, title="新工单"),
        "estate": room.estate, "building": room.building,
        "department": DepartmentFactory(), "outsider": outsider,
    }


def _pk(name):
    return lambda w: {"pk": w[name].pk}


# route name → (the address's arguments from the world, the answer the outsider gets).
# 404: the outsider may not see the object; 403: they may see it but not do this;
# 405: the route only reads (a POST is refused before anything is looked up).
WEB = {
    "owners:party_detail": (_pk("party"), 405),
    "owners:party_edit": (_pk("party"), 404),
    "owners:party_reveal_id": (_pk("party"), 404),
    "owners:party_note_add": (_pk("party"), 404),
    "owners:document_create": (_pk("party"), 404),
    "owners:document_status": (_pk("document"), 404),
    "owners:party_contact": (_pk("party"), 404),
    "owners:pet_add": (_pk("party"), 404),
    "owners:pet_remove": (lambda w: {"pk": w["party"].pk, "pet_pk": w["pet"].pk}, 404),
    "owners:tenure_end": (lambda w: {"kind": "ownership", "pk": w["ownership"].pk}, 404),
    "owners:room_contact": (_pk("room"), 404),
    "owners:room_detail": (_pk("room"), 405),
    "owners:household_add": (lambda w: {"room_pk": w["room"].pk}, 404),
    "tickets:filter_delete": (_pk("filter"), 404),
    "tickets:follow_up_record": (_pk("ticket"), 404),
    "tickets:complaint_update": (_pk("ticket"), 404),
    "tickets:owner_rating": (_pk("ticket"), 404),
    "tickets:work_chase": (_pk("ticket"), 404),
    "tickets:work_escalate": (_pk("ticket"), 404),
    "tickets:work_people": (_pk("ticket"), 404),
    "tickets:work_team": (_pk("ticket"), 404),
    "tickets:work_material": (_pk("ticket"), 404),
    "tickets:work_labour": (_pk("ticket"), 404),
    "tickets:work_attach": (_pk("ticket"), 404),
    "tickets:work_note": (_pk("ticket"), 404),
    # Notices are for everyone who answers calls; withdrawing one or recording a call from
    # it is a right the outsider lacks.
    "tickets:notice_withdraw": (_pk("notice"), 403),
    "tickets:notice_call": (_pk("notice"), 403),
    "tickets:detail": (_pk("ticket"), 405),
    "tickets:act": (lambda w: {"pk": w["ticket"].pk, "action": "accept"}, 404),
    "inbox:open": (_pk("notification"), 404),
    "scheduling:event_detail": (_pk("event"), 405),
    "scheduling:event_edit": (_pk("event"), 404),
    "scheduling:event_respond": (_pk("event"), 404),
    "scheduling:event_cancel": (_pk("event"), 404),
    "scheduling:event_move": (_pk("event"), 404),
    "scheduling:reminder_delete": (_pk("reminder"), 404),
    "scheduling:event_ics": (_pk("event"), 405),
    "scheduling:memo_edit": (_pk("memo"), 404),
    "scheduling:memo_delete": (_pk("memo"), 404),
    "scheduling:task_detail": (_pk("task"), 405),
    "scheduling:task_edit": (_pk("task"), 404),
    "scheduling:task_status": (_pk("task"), 404),
}

# Routes with an argument that is not the id of something kept for someone: a signed
# token the address itself proves.
NOT_AN_OBJECT = {"staff:password_reset_confirm", "scheduling:feed_ics",
                 # the stored file's own access rules; tested in tests/uploads
                 "uploads:download"}

# API route name → (object, {method: answer}).
API = {
    "department-detail": ("department", {"put": 403, "patch": 403}),
    "estate-detail": ("notice_estate", {"put": 404, "patch": 404}),
    "building-detail": ("building", {"put": 404, "patch": 404}),
    "room-detail": ("room", {"put": 404, "patch": 404}),
    "party-detail": ("party", {"put": 404, "patch": 404}),
    **{f"ticket-{name}": ("ticket", {"post": 404}) for name in [
        "accept", "cancel", "close", "complete", "decline", "dispatch", "grab", "hold",
        "reopen", "resume", "start", "attachments", "chase", "comments", "complaint",
        "escalate", "labour", "materials", "people"]},
    "notice-calls": ("notice", {"post": 403}),
    "notice-withdraw": ("notice", {"post": 403}),
    "notification-read": ("notification", {"post": 404}),
    "memo-detail": ("memo", {"put": 404, "patch": 404, "delete": 404}),
    "task-detail": ("task", {"put": 404, "patch": 404}),
    "event-detail": ("event", {"put": 404, "patch": 404}),
    "event-cancel": ("event", {"post": 404}),
    "event-respond": ("event", {"post": 404}),
}


def _routes():
    """(name, keyword arguments, callback) of every route of the project, admin apart."""
    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                yield (namespace + (pattern.name or ""), set(pattern.pattern.regex.groupindex),
                       pattern.callback)
    return list(walk(get_resolver().url_patterns))


def test_every_route_that_takes_an_id_has_an_outsider_case():
    web, api = set(), {}
    for name, arguments, callback in _routes():
        arguments -= {"format"}
        if not arguments:
            continue
        actions = getattr(callback, "actions", None)
        if actions is None:
            web.add(name)
        else:
            writes = {method for method in actions if method not in ("get", "head", "options")}
            if writes:
                api.setdefault(name, set()).update(writes)
    assert web - NOT_AN_OBJECT == set(WEB), "every page route with an id needs a case"
    assert api == {name: set(methods) for name, (_, methods) in API.items()}


@pytest.mark.parametrize("name", sorted(WEB))
def test_an_outsider_posting_to_a_route_with_an_id_is_refused(world, login, name):
    arguments, expected = WEB[name]
    client = login(world["outsider"])
    # A harmless but complete-looking form: the refusal must not depend on the input.
    response = client.post(reverse(name, kwargs=arguments(world)), {
        "status": "signed", "note": "试试", "minutes": "10", "end_date": "2026-12-01",
        "contact": world["party"].pk, "text": "改了", "version": "1"})
    assert response.status_code == expected


@pytest.mark.parametrize(("name", "method"), sorted(
    (name, method) for name, (_, methods) in API.items() for method in methods))
def test_an_outsider_writing_through_the_api_to_an_id_is_refused(world, login, name, method):
    key, answers = API[name]
    obj = world["notice"].estate if key == "notice_estate" else world[key]
    client = login(world["outsider"])
    response = getattr(client, method)(reverse(name, args=[obj.pk]), {"note": "试试"},
                                       content_type="application/json")
    assert response.status_code == answers[method]


def test_nothing_an_outsider_tried_was_changed(world, login):
    # given every write tried by the outsider
    client = login(world["outsider"])
    for name, (arguments, _expected) in WEB.items():
        client.post(reverse(name, kwargs=arguments(world)), {"status": "signed"})
    # then what the colleagues keep is all still there and as it was
    assert Memo.objects.filter(pk=world["memo"].pk).exists()
    assert ReminderSetting.objects.filter(pk=world["reminder"].pk).exists()
    assert SavedFilter.objects.filter(pk=world["filter"].pk).exists()
    assert Pet.objects.filter(pk=world["pet"].pk).exists()
    assert Notification.objects.get(pk=world["notification"].pk).read_at is None
    assert ServiceDocument.objects.get(pk=world["document"].pk).status == "draft"
    world["ticket"].refresh_from_db()
    assert world["ticket"].status == "new"
    assert world["ticket"].events.count() == 1
    assert world["ownership"].__class__.objects.get(pk=world["ownership"].pk).end_date is None


def test_removing_ones_own_reminder_still_works(world, login, front_desk):
    response = login(front_desk).post(reverse("scheduling:reminder_delete",
                                              args=[world["reminder"].pk]))
    assert response.status_code == 302
    assert not ReminderSetting.objects.filter(pk=world["reminder"].pk).exists()



def test_a_pet_is_removed_only_through_its_own_persons_page(world, login, front_desk):
    # given another person the desk may see, and the first person's pet
    other = OwnershipFactory().party
    client = login(front_desk)
    # when the pet is removed through the other person's address
    response = client.post(reverse("owners:pet_remove", args=[other.pk, world["pet"].pk]))
    # then it is not found and stays
    assert response.status_code == 404
    assert Pet.objects.filter(pk=world["pet"].pk).exists()


@pytest.mark.parametrize(("route", "body"), [
    ("occupancy-list", lambda w: {"room": w["room"].pk, "party": w["party"].pk,
                                  "relation": "tenant", "start_date": "2026-12-01"}),
    ("ownership-list", lambda w: {"room": w["room"].pk, "party": w["party"].pk,
                                  "start_date": "2026-12-01"}),
    ("ticket-list", lambda w: {"room": w["room"].pk, "party": w["party"].pk,
                               "type": "repair", "source": "phone",
                               "category": w["ticket"].category_id, "description": "漏水"}),
    ("task-list", lambda w: {"title": "回电", "assignee": w["outsider"].pk,
                             "room": w["room"].pk, "party": w["party"].pk}),
])
def test_an_outsider_may_not_name_a_room_or_person_outside_their_patch_in_a_new_record(
        world, login, route, body):
    # given the outsider, who may also log tickets
    world["outsider"].user_permissions.add(Permission.objects.get(
        content_type__app_label="service_tickets", codename="add_ticket"))
    # when they create a record naming the room and person of 一区
    response = login(world["outsider"]).post(reverse(route), body(world),
                                             content_type="application/json")
    # then both are refused as unknown, field by field
    assert response.status_code == 400
    assert {"room", "party"} <= set(response.json())
