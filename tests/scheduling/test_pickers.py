"""The search pickers of the event form and the team view: their JSON endpoints (rights,
scope, cost) and the form fields they feed (only the chosen options rendered, the server
still deciding what may be chosen)."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from scheduling.models import Event
from service_tickets.services import ticket_create
from staff.choices import Role
from staff.models import User
from tests.owners.factories import OwnershipFactory, PartyFactory, RoomFactory
from tests.scheduling.factories import EventFactory, at
from tests.service_tickets.factories import CategoryFactory, SlaTargetFactory, TerritoryFactory
from tests.staff.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db

MONDAY = "2026-03-02"
STAFF_NAME = re.compile(r"员工\d{3}")
PICKERS = ["picker_staff", "picker_parties", "picker_rooms", "picker_tickets"]


def found(client, name: str, q: str) -> list[dict]:
    response = client.get(reverse(f"scheduling:{name}"), {"q": q})
    assert response.status_code == 200
    return response.json()["results"]


def labels(client, name: str, q: str) -> list[str]:
    return [row["label"] for row in found(client, name, q)]


def queries(client, url: str, params: dict) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured.captured_queries)


@pytest.fixture
def territory_world(dispatcher, front_desk):
    """A ticket in territory 一区 (technician 赵工 works there, 钱工 does not)."""
    ownership = OwnershipFactory(party__name="刘旭", party__mobile="13800135678")
    territory = TerritoryFactory(name="一区")
    territory.buildings.add(ownership.room.building)
    inside = UserFactory(username="tech-a", full_name="赵工", role=Role.SERVICE_STAFF)
    outside = UserFactory(username="tech-b", full_name="钱工", role=Role.SERVICE_STAFF)
    territory.members.add(inside)
    category = CategoryFactory(name="漏水", code="leak")
    SlaTargetFactory(category=category, priority="normal")
    ticket = ticket_create(by=front_desk, type="repair", source="phone", category=category,
                           description="厨房水管漏水", room=ownership.room,
                           party=ownership.party)
    return {"room": ownership.room, "party": ownership.party, "ticket": ticket,
            "category": category, "inside": inside, "outside": outside}


def more_tickets(world, by, count: int) -> None:
    for _ in range(count):
        ticket_create(by=by, type="repair", source="phone", category=world["category"],
                      description="楼道灯不亮", room=world["room"], party=world["party"])


# --- access ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", PICKERS)
def test_anonymous_visitors_are_sent_to_sign_in(client, name):
    response = client.get(reverse(f"scheduling:{name}"), {"q": "王"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:login"))


@pytest.mark.parametrize("name", PICKERS)
def test_a_user_without_a_role_gets_403_from_every_picker(login, no_role_user, name):
    response = login(no_role_user).get(reverse(f"scheduling:{name}"), {"q": "王"})
    assert response.status_code == 403


@pytest.mark.parametrize(("name", "status"), [
    ("picker_staff", 200), ("picker_parties", 403), ("picker_rooms", 403),
    ("picker_tickets", 403)])
def test_a_security_supervisor_may_find_colleagues_but_not_owners_rooms_or_tickets(
        login, name, status):
    supervisor = UserFactory(role=Role.SECURITY_SUPERVISOR)
    assert login(supervisor).get(reverse(f"scheduling:{name}"),
                                 {"q": "1"}).status_code == status


def test_finding_colleagues_needs_the_calendar_not_the_staff_directory(login, front_desk):
    given = UserFactory(full_name="孙日历")
    given.user_permissions.add(Permission.objects.get(codename="view_event",
                                                      content_type__app_label="scheduling"))
    assert not given.has_perm("staff.view_user")
    assert labels(login(given), "picker_staff", "王丽") == ["王丽娜 · 客户服务中心"]


def test_posting_to_a_picker_is_refused(login, front_desk):
    assert login(front_desk).post(reverse("scheduling:picker_staff"),
                                  {"q": "王"}).status_code == 405


# --- what the pickers find ------------------------------------------------------------------

def test_colleagues_are_found_by_name_username_or_phone_tail_and_only_active_ones(
        login, front_desk, dispatcher):
    UserFactory(full_name="王丽丽", is_active=False)
    client = login(dispatcher)
    assert labels(client, "picker_staff", "王丽") == ["王丽娜 · 客户服务中心"]
    assert labels(client, "picker_staff", "FrontD") == ["王丽娜 · 客户服务中心"]
    assert labels(client, "picker_staff", front_desk.mobile[-4:]) == ["王丽娜 · 客户服务中心"]
    assert found(client, "picker_staff", "王丽")[0]["id"] == front_desk.pk
    assert found(client, "picker_staff", "  ") == []


def test_at_most_ten_colleagues_are_offered(login, dispatcher):
    department = DepartmentFactory(name="工程部", code="engineering")
    User.objects.bulk_create([User(username=f"eng{n:02d}", full_name=f"工程师{n:02d}",
                                   department=department) for n in range(15)])
    results = labels(login(dispatcher), "picker_staff", "工程")
    assert results == [f"工程师{n:02d} · 工程部" for n in range(10)]


def test_owners_are_found_through_the_owners_search_with_their_phone(
        login, front_desk, territory_world):
    client = login(front_desk)
    assert labels(client, "picker_parties", "刘旭") == ["刘旭 · 13800135678"]
    assert labels(client, "picker_parties", "5678") == ["刘旭 · 13800135678"]
    assert labels(client, "picker_parties", "lx") == ["刘旭 · 13800135678"]


def test_rooms_are_found_by_the_start_of_their_code_or_written_the_chinese_way(
        login, front_desk):
    room = RoomFactory(number="1201", unit__number="2", unit__building__number="3",
                       unit__building__estate__name="阳光花园")
    RoomFactory(number="1202", unit__number="2", unit__building__number="4",
                unit__building__estate__name="阳光花园")
    client = login(front_desk)
    assert labels(client, "picker_rooms", "3-2") == ["阳光花园 3-2-1201"]
    assert labels(client, "picker_rooms", "3栋2单元1201") == ["阳光花园 3-2-1201"]
    assert found(client, "picker_rooms", "1201")[0]["id"] == room.pk
    assert found(client, "picker_rooms", "9-9") == []


def test_tickets_are_found_by_number_within_the_users_territory(login, territory_world):
    ticket = territory_world["ticket"]
    day_digits = ticket.number[2:10]
    expected = [f"{ticket.number} · 漏水 · 厨房水管漏水"]
    assert labels(login(territory_world["inside"]), "picker_tickets", "GD") == expected
    assert labels(login(territory_world["inside"]), "picker_tickets", day_digits) == expected
    assert found(login(territory_world["outside"]), "picker_tickets", "GD") == []
    assert found(login(territory_world["outside"]), "picker_tickets", ticket.number) == []


# --- cost -----------------------------------------------------------------------------------

def test_the_staff_picker_costs_the_same_for_3_or_300_matches(
        login, dispatcher, django_assert_num_queries):
    department = DepartmentFactory(name="工程部", code="engineering")
    url, params = reverse("scheduling:picker_staff"), {"q": "工程"}
    User.objects.bulk_create([User(username=f"eng{n:03d}", full_name=f"工程师{n:03d}",
                                   department=department) for n in range(3)])
    client = login(dispatcher)
    few = queries(client, url, params)
    User.objects.bulk_create([User(username=f"eng{n:03d}", full_name=f"工程师{n:03d}",
                                   department=department) for n in range(3, 300)])
    with django_assert_num_queries(few):
        assert len(client.get(url, params).json()["results"]) == 10


def test_the_owner_picker_costs_the_same_for_1_or_40_matches(
        login, front_desk, django_assert_num_queries):
    url, params = reverse("scheduling:picker_parties"), {"q": "欧阳"}
    PartyFactory(name="欧阳明", mobile="13900000000")
    client = login(front_desk)
    few = queries(client, url, params)
    for n in range(1, 40):
        PartyFactory(name=f"欧阳{n:02d}", mobile=f"139000000{n:02d}")
    with django_assert_num_queries(few):
        assert len(client.get(url, params).json()["results"]) == 10


def test_the_room_picker_costs_the_same_for_2_or_40_matches(
        login, front_desk, django_assert_num_queries):
    url, params = reverse("scheduling:picker_rooms"), {"q": "8-1"}
    rooms = {"unit__number": "1", "unit__building__number": "8"}
    RoomFactory(number="101", **rooms)
    RoomFactory(number="102", **rooms)
    client = login(front_desk)
    few = queries(client, url, params)
    for n in range(40):
        RoomFactory(number=f"2{n:02d}", **rooms)
    with django_assert_num_queries(few):
        assert len(client.get(url, params).json()["results"]) == 10


def test_the_ticket_picker_costs_the_same_for_1_or_15_tickets(
        login, territory_world, front_desk, django_assert_num_queries):
    url, params = reverse("scheduling:picker_tickets"), {"q": "GD"}
    client = login(territory_world["inside"])
    few = queries(client, url, params)
    more_tickets(territory_world, front_desk, 14)
    with django_assert_num_queries(few):
        assert len(client.get(url, params).json()["results"]) == 10


# --- the event form -------------------------------------------------------------------------

def event_form(**values) -> dict:
    data = {"kind": "meeting", "title": "业主座谈会", "start": f"{MONDAY}T09:00",
            "end": f"{MONDAY}T10:00", "place": "物业中心", "repeat": ""}
    data.update(values)
    return data


def select_html(page: str, name: str) -> str:
    match = re.search(rf'<select name="{name}".*?</select>', page, re.S)
    assert match, f"no select named {name}"
    return match.group(0)


def test_an_event_is_saved_with_attendees_outside_participants_and_a_room(
        login, front_desk, dispatcher, service_staff, territory_world):
    party, room = territory_world["party"], territory_world["room"]
    response = login(front_desk).post(reverse("scheduling:event_new"), event_form(
        attendees=[dispatcher.pk, service_staff.pk], outside_participants=[party.pk],
        room=room.pk))
    assert response.status_code == 302
    event = Event.objects.get(title="业主座谈会")
    assert set(event.attendances.values_list("user_id", flat=True)) == {
        front_desk.pk, dispatcher.pk, service_staff.pk}
    assert list(event.outside_participants.all()) == [party]
    assert event.room == room


def test_the_edit_form_shows_and_keeps_the_outside_participants(
        login, front_desk, territory_world):
    party = territory_world["party"]
    event = EventFactory(organizer=front_desk, title="业主座谈会", start=at(f"{MONDAY} 09:00"),
                         end=at(f"{MONDAY} 10:00"))
    event.outside_participants.add(party)
    client = login(front_desk)
    page = client.get(reverse("scheduling:event_edit", args=[event.pk])).content.decode()
    assert re.search(rf'<option value="{party.pk}" selected>刘旭 · 13800135678</option>',
                     select_html(page, "outside_participants"))
    other = PartyFactory(name="张三")
    response = client.post(reverse("scheduling:event_edit", args=[event.pk]), event_form(
        version=event.version, outside_participants=[party.pk, other.pk]))
    assert response.status_code == 302
    assert set(event.outside_participants.all()) == {party, other}


@pytest.mark.parametrize(("field", "forged"), [("attendees", 999999), ("room", 999999),
                                               ("outside_participants", 999999)])
def test_a_forged_id_is_refused_with_the_usual_invalid_choice_error(
        login, front_desk, field, forged):
    response = login(front_desk).post(reverse("scheduling:event_new"),
                                      event_form(**{field: [forged]}))
    assert response.status_code == 400
    errors = response.context["form"].errors.as_data()[field]
    assert [e.code for e in errors] == ["invalid_choice"]
    page = response.content.decode()
    assert escape(response.context["form"].errors[field][0]) in page
    assert re.search(r'class="[^"]*\bis-invalid\b', select_html(page, field))
    assert f'value="{forged}"' not in page
    assert not Event.objects.exists()


def test_a_former_colleague_cannot_be_invited(login, front_desk):
    former = UserFactory(full_name="离职员工", is_active=False)
    response = login(front_desk).post(reverse("scheduling:event_new"),
                                      event_form(attendees=[former.pk]))
    assert response.status_code == 400
    assert "attendees" in response.context["form"].errors
    assert "离职员工" not in response.content.decode()


def test_a_ticket_outside_the_territory_cannot_be_linked(login, territory_world):
    response = login(territory_world["outside"]).post(
        reverse("scheduling:event_new"), event_form(ticket=territory_world["ticket"].pk))
    assert response.status_code == 400
    assert [e.code for e in response.context["form"].errors.as_data()["ticket"]] == [
        "invalid_choice"]


def test_editing_keeps_a_ticket_link_the_editor_could_not_choose_today(
        login, territory_world):
    ticket = territory_world["ticket"]
    organiser = territory_world["outside"]
    event = EventFactory(organizer=organiser, ticket=ticket, start=at(f"{MONDAY} 09:00"),
                         end=at(f"{MONDAY} 10:00"))
    client = login(organiser)
    page = client.get(reverse("scheduling:event_edit", args=[event.pk])).content.decode()
    assert f'<option value="{ticket.pk}" selected>{ticket.number}' in select_html(page, "ticket")
    response = client.post(reverse("scheduling:event_edit", args=[event.pk]),
                           event_form(version=event.version, ticket=ticket.pk))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.ticket == ticket


def test_without_the_owner_rights_the_links_are_left_out_and_kept_on_edit(
        login, territory_world):
    supervisor = UserFactory(role=Role.SECURITY_SUPERVISOR)
    event = EventFactory(organizer=supervisor, party=territory_world["party"],
                         room=territory_world["room"], start=at(f"{MONDAY} 09:00"),
                         end=at(f"{MONDAY} 10:00"))
    client = login(supervisor)
    page = client.get(reverse("scheduling:event_edit", args=[event.pk])).content.decode()
    for name in ("party", "room", "ticket", "outside_participants"):
        assert f'name="{name}"' not in page
    response = client.post(reverse("scheduling:event_edit", args=[event.pk]),
                           event_form(version=event.version))
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.party, event.room) == (territory_world["party"], territory_world["room"])


def test_the_form_with_300_staff_renders_only_the_chosen_options(login, front_desk, dispatcher):
    User.objects.bulk_create([User(username=f"staff{n:03d}", full_name=f"员工{n:03d}")
                              for n in range(300)])
    event = EventFactory(organizer=front_desk, start=at(f"{MONDAY} 09:00"),
                         end=at(f"{MONDAY} 10:00"), attendees=[dispatcher])
    client = login(front_desk)
    new_page = client.get(reverse("scheduling:event_new")).content.decode()
    assert select_html(new_page, "attendees").count("<option") == 0
    assert not STAFF_NAME.search(new_page)
    page = client.get(reverse("scheduling:event_edit", args=[event.pk])).content.decode()
    attendees = select_html(page, "attendees")
    assert attendees.count("<option") == 2  # the organiser and 陈建国, nobody else
    assert f'<option value="{dispatcher.pk}" selected>陈建国 · 客户服务中心</option>' in attendees
    assert not STAFF_NAME.search(page)
    assert 'data-search-url="/schedule/pickers/staff/"' in page
    assert select_html(page, "room").count("<option") == 1  # the blank one
    assert "js/search_pickers.js" in page


def test_the_team_chooser_renders_only_the_chosen_colleagues(login, front_desk, dispatcher):
    User.objects.bulk_create([User(username=f"staff{n:03d}", full_name=f"员工{n:03d}")
                              for n in range(300)])
    url = reverse("scheduling:team") + f"?date={MONDAY}&users={dispatcher.pk}"
    page = login(front_desk).get(url).content.decode()
    users = select_html(page, "users")
    assert users.count("<option") == 1
    assert "陈建国 · 客户服务中心" in users
    assert not STAFF_NAME.search(page)
    assert "js/search_pickers.js" in page


def test_the_chosen_are_labelled_from_what_validation_read(front_desk, dispatcher,
                                                           django_assert_num_queries):
    """A bound form validates its chosen colleagues with one query; showing them again
    costs none, and the select holds exactly what Django's templates would write."""
    from scheduling.forms_events import TeamForm

    form = TeamForm({"users": [str(dispatcher.pk), str(front_desk.pk)]})
    assert form.is_valid()
    with django_assert_num_queries(0):
        html = str(form["users"])
    select = select_html(html, "users")
    assert select.startswith('<select name="users"') and " multiple" in select
    assert f'<option value="{dispatcher.pk}" selected>陈建国 · 客户服务中心</option>' in select
    assert select.count("<option") == 2


def test_a_refused_choice_is_dropped_and_the_valid_ones_kept_on_the_page(front_desk):
    from scheduling.forms_events import TeamForm

    form = TeamForm({"users": [str(front_desk.pk), "999999"]})
    assert not form.is_valid()
    select = select_html(str(form["users"]), "users")
    assert select.count("<option") == 1 and f'value="{front_desk.pk}" selected' in select
