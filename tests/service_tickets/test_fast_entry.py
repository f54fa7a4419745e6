"""Fast entry at the desk: the caller's open tickets while typing, categories by their full
name, complaints with whom they are about, and every error keeping what was typed."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from owners.models import Phone
from service_tickets.models import Ticket
from service_tickets.services import ticket_act
from tests.owners.factories import OwnershipFactory, PartyFactory, RoomFactory
from tests.service_tickets.conftest import new_ticket
from tests.service_tickets.factories import CategoryFactory
from tests.staff.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def with_phone(party, number="13812345678"):
    Phone.objects.create(party=party, e164=f"+86{number}", kind="mobile", display=number,
                         tail=number[-4:], is_primary=True)
    return party


def entry(world, **overrides):
    return {"party": world["party"].pk, "room": world["room"].pk, "type": "repair",
            "source": "phone", "category": world["category"].pk,
            "description": "厨房水管漏水", **overrides}


# --- the page --------------------------------------------------------------------------

def test_the_page_starts_in_the_lookup_box_and_loads_its_script(world, login):
    html = login(world["desk"]).get(reverse("tickets:fast_entry")).content.decode()
    assert 'id="ticket-lookup"' in html and "autofocus" in html.split('id="ticket-lookup"')[1][:200]
    assert "js/fast_entry" in html and "<script>" not in html
    assert 'data-testid="category-filter"' in html
    assert re.search(r'<fieldset id="complaint-fields" class="[^"]*d-none', html)


def test_categories_read_as_their_full_path_children_after_parents_with_pinyin(world, login):
    water = CategoryFactory(name="水电维修", code="water-power")
    CategoryFactory(name="漏水", code="water-leak", parent=water)
    CategoryFactory(name="停用", code="retired", is_active=False)

    response = login(world["desk"]).get(reverse("tickets:fast_entry"))

    labels = [label for value, label in response.context["form"].fields["category"].choices
              if value]
    assert labels.index("水电维修") < labels.index("水电维修 › 漏水")
    assert "停用" not in labels
    html = response.content.decode()
    assert 'data-search="水电维修 › 漏水 shuidianweixiuloushui sdwxls"' in html


# --- complaints ------------------------------------------------------------------------

def test_a_complaint_keeps_whom_it_is_about_and_owes_a_reply_in_48_hours(world, login):
    department = DepartmentFactory(name="秩序维护部", code="security")
    guard = UserFactory(full_name="赵保安", department=department)
    with time_machine.travel(timezone.now().replace(microsecond=0), tick=False):
        response = login(world["desk"]).post(reverse("tickets:fast_entry"), entry(
            world, type="complaint", description="保安态度恶劣",
            complained_department=department.pk, complained_staff=guard.pk,
            complained_other="外包保洁公司", severity="serious"))
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert (ticket.complained_department, ticket.complained_staff) == (department, guard)
    assert (ticket.complained_other, ticket.severity) == ("外包保洁公司", "serious")
    assert ticket.reply_due == ticket.created_at + timedelta(hours=48)


def test_complaint_fields_are_ignored_for_a_repair(world, login):
    department = DepartmentFactory(code="engineering")
    login(world["desk"]).post(reverse("tickets:fast_entry"), entry(
        world, complained_department=department.pk, severity="minor"))
    ticket = Ticket.objects.get()
    assert ticket.complained_department is None and ticket.severity == ""
    assert ticket.reply_due is None


def test_a_complaint_sent_back_shows_its_fields_again(world, login):
    response = login(world["desk"]).post(reverse("tickets:fast_entry"), entry(
        world, type="complaint", category="", complained_other="外包保洁公司"))
    html = response.content.decode()
    assert response.status_code == 400
    assert 'value="外包保洁公司"' in html
    assert re.search(r'<fieldset id="complaint-fields" class="[^"]*"', html)
    assert not re.search(r'<fieldset id="complaint-fields" class="[^"]*d-none', html)



def test_the_staff_complained_about_is_searched_not_listed_and_kept_when_sent_back(
        world, login):
    """The page never lists every colleague (thousands); one chosen and sent back with an
    error is the only option, labelled with the department."""
    for n in range(30):
        UserFactory(full_name=f"保安{n:02d}")
    guard = UserFactory(full_name="保安队长", department=DepartmentFactory(name="秩序维护部",
                                                                         code="order"))
    client = login(world["desk"])
    page = client.get(reverse("tickets:fast_entry")).content.decode()
    field = re.search(r'<select name="complained_staff".*?</select>', page, re.S).group(0)
    assert field.count("<option") == 1  # the blank one
    assert reverse("staff:picker") in page
    response = client.post(reverse("tickets:fast_entry"), entry(
        world, type="complaint", category="", complained_staff=guard.pk))
    field = re.search(r'<select name="complained_staff".*?</select>',
                      response.content.decode(), re.S).group(0)
    assert response.status_code == 400
    assert field.count("<option") == 2 and "保安队长 · 秩序维护部" in field

# --- errors keep the input -------------------------------------------------------------

def test_an_error_keeps_the_caller_the_place_the_notices_and_the_text(world, login):
    from service_tickets.notices import notice_create

    notice_create(by=world["desk"], kind="water", title="本栋停水", estate=world["room"].estate,
                  starts_at=timezone.now() - timedelta(hours=1))
    response = login(world["desk"]).post(reverse("tickets:fast_entry"), entry(
        world, category="", description="卫生间吊顶渗水", priority="high"))
    html = response.content.decode()

    assert response.status_code == 400 and not Ticket.objects.exists()
    assert "category" in response.context["form"].errors
    assert "卫生间吊顶渗水" in html
    assert f'name="party" value="{world["party"].pk}"' in html
    assert f'name="room" value="{world["room"].pk}"' in html
    assert world["party"].name in html.split('data-testid="chosen"')[1][:200]
    assert '<option value="high" selected>' in html
    assert "本栋停水" in html.split('data-testid="entry-notices"')[1]


def test_a_missing_place_is_explained_in_chinese(world, login):
    response = login(world["desk"]).post(reverse("tickets:fast_entry"),
                                         entry(world, room="", party=""))
    assert response.status_code == 400 and "公共区域" in response.content.decode()
    assert "厨房水管漏水" in response.content.decode()


def test_a_public_area_ticket_names_the_estate(world, login):
    response = login(world["desk"]).post(reverse("tickets:fast_entry"), entry(
        world, room="", party="", estate=world["room"].estate_id, description="大堂灯不亮"))
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.estate == world["room"].estate and ticket.room is None


def test_the_duplicate_warning_keeps_the_input_and_links_the_open_ticket(world, login):
    first = new_ticket(world)
    response = login(world["desk"]).post(reverse("tickets:fast_entry"), entry(
        world, description="又漏了"))
    html = response.content.decode()
    assert response.status_code == 200 and Ticket.objects.count() == 1
    assert first.number in html.split('data-testid="duplicate-warning"')[1]
    assert "又漏了" in html


def test_service_staff_cannot_log_tickets_or_look_up_callers(world, login):
    client = login(world["tech"])
    assert client.get(reverse("tickets:fast_entry")).status_code == 403
    assert client.post(reverse("tickets:fast_entry"), entry(world)).status_code == 403
    assert client.get(reverse("tickets:lookup"), {"q": "5678"}).status_code == 403


# --- the lookup ------------------------------------------------------------------------

def test_the_lookup_lists_the_callers_open_tickets_with_links(world, login):
    with_phone(world["party"])
    repair = new_ticket(world)
    closed = new_ticket(world)
    ticket_act(ticket_id=closed.pk, action="cancel", by=world["dispatcher"], note="重复")

    response = login(world["desk"]).get(reverse("tickets:lookup"), {"q": "5678"})

    html = response.content.decode()
    [candidate] = response.context["candidates"]
    assert [t.pk for t in candidate["tickets"]] == [repair.pk] and candidate["open"] == 1
    assert reverse("tickets:detail", args=[repair.pk]) in html
    assert repair.number in html and closed.number not in html
    assert "漏水" in html and "待派单" in html
    assert "1 张未结工单" in html


def test_the_lookup_shows_the_newest_three_and_counts_the_rest(world, login):
    with_phone(world["party"])
    tickets = [new_ticket(world) for _ in range(5)]
    response = login(world["desk"]).get(reverse("tickets:lookup"), {"q": "5678"})
    [candidate] = response.context["candidates"]
    assert [t.pk for t in candidate["tickets"]] == [t.pk for t in tickets[::-1][:3]]
    assert candidate["open"] == 5


def test_the_lookup_shows_a_rooms_open_tickets(world, login):
    ticket = new_ticket(world)
    response = login(world["desk"]).get(reverse("tickets:lookup"),
                                        {"q": world["room"].code})
    rooms = [c for c in response.context["candidates"] if c["party"] is None]
    assert [t.pk for t in rooms[0]["tickets"]] == [ticket.pk]
    assert ticket.number in response.content.decode()


def test_the_lookup_keeps_one_row_per_room_of_a_caller(world, login):
    with_phone(world["party"])
    second = OwnershipFactory(party=world["party"]).room
    response = login(world["desk"]).get(reverse("tickets:lookup"), {"q": "5678"})
    rooms = [c["room"] for c in response.context["candidates"]]
    assert set(rooms) == {world["room"], second}


def test_the_lookup_costs_the_same_with_more_callers_and_tickets(
        world, login, django_assert_max_num_queries):
    client = login(world["desk"])
    with_phone(world["party"])
    new_ticket(world)
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("tickets:lookup"), {"q": "5678"})
    for index in range(6):
        party = with_phone(PartyFactory(), f"1390000{index:04d}"[:7] + "5678")
        room = OwnershipFactory(party=party).room
        OwnershipFactory(party=party, room=RoomFactory(estate=room.estate))
        for _ in range(4):
            new_ticket({**world, "party": party, "room": room})
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("tickets:lookup"), {"q": "5678"})
    assert len(response.context["candidates"]) >= 7
    assert all(len(c["tickets"]) <= 3 for c in response.context["candidates"])


# --- the category's type -----------------------------------------------------------------

def test_a_complaint_category_and_its_children_carry_their_type_for_the_script(world, login):
    # given a complaint category with a sub-category, and the repair category of the world
    complaints = CategoryFactory(name="投诉", code="complaint", ticket_type="complaint")
    CategoryFactory(name="服务态度", code="manner", parent=complaints)
    # when the desk opens fast entry
    html = login(world["desk"]).get(reverse("tickets:fast_entry")).content.decode()
    # then both complaint options say so, and the repair category (any type) says nothing
    options = dict(re.findall(r'<option value="(\d+)"([^>]*)>', html))
    assert 'data-ticket-type="complaint"' in options[str(complaints.pk)]
    manner = complaints.children.get()
    assert 'data-ticket-type="complaint"' in options[str(manner.pk)]
    assert "data-ticket-type" not in options[str(world["category"].pk)]


def test_a_repair_under_the_complaint_category_is_refused_with_the_reason(world, login):
    # given the complaint category
    complaints = CategoryFactory(name="投诉", code="complaint", ticket_type="complaint")
    # when the desk saves it with the type left on repair (no script ran)
    response = login(world["desk"]).post(reverse("tickets:fast_entry"), entry(
        world, category=complaints.pk, type="repair", description="保安态度恶劣"))
    # then nothing is logged and the type field says which type the category takes
    assert response.status_code == 400
    assert not Ticket.objects.exists()
    errors = response.context["form"].errors["type"]
    assert "投诉" in errors[0] and "投诉" in str(response.context["form"]["type"].errors)
    # and as a complaint it is logged, owing its reply
    saved = login(world["desk"]).post(reverse("tickets:fast_entry"), entry(
        world, category=complaints.pk, type="complaint", description="保安态度恶劣"))
    assert saved.status_code == 302
    assert Ticket.objects.get().type == "complaint"


def test_the_service_refuses_a_type_the_category_does_not_take(world):
    from django.core.exceptions import ValidationError

    from service_tickets.services import ticket_create

    # given a sub-category of the complaint category (it inherits the type)
    complaints = CategoryFactory(name="投诉", code="complaint", ticket_type="complaint")
    manner = CategoryFactory(name="服务态度", code="manner", parent=complaints)
    # when a repair is logged under it through the service (as the API does)
    with pytest.raises(ValidationError) as refused:
        ticket_create(by=world["desk"], type="repair", source="phone", category=manner,
                      description="x", room=world["room"])
    # then it is refused on the type, and nothing is kept
    assert "type" in refused.value.message_dict
    assert not Ticket.objects.exists()


def test_the_api_answers_a_type_the_category_does_not_take_with_400_on_type(world, login):
    complaints = CategoryFactory(name="投诉", code="complaint", ticket_type="complaint")
    response = login(world["desk"]).post(reverse("ticket-list"), {
        "type": "repair", "source": "phone", "category": complaints.pk,
        "description": "保安态度恶劣", "room": world["room"].pk},
        content_type="application/json")
    assert response.status_code == 400
    assert "type" in response.json()


# --- coming from the owner page ----------------------------------------------------------

def test_the_owner_pages_link_fills_in_the_person_and_room(world, login):
    # given the link of the owner page
    url = reverse("tickets:fast_entry")
    # when the desk follows it
    response = login(world["desk"]).get(url, {"party": world["party"].pk,
                                              "room": world["room"].pk})
    # then the person and room are chosen, and the lookup box does not take the focus
    html = response.content.decode()
    assert response.context["place"]["party"] == world["party"]
    assert response.context["place"]["room"] == world["room"]
    assert f'name="party" value="{world["party"].pk}"' in html
    assert f'name="room" value="{world["room"].pk}"' in html
    assert world["room"].code in html.split('data-testid="chosen"')[1][:300]
    assert "autofocus" not in html.split('id="ticket-lookup"')[1][:200]


def test_a_person_or_room_the_user_may_not_see_is_not_filled_in(world, login, monkeypatch):
    # given a user limited to their patch (no rooms of it) who may still log tickets
    from django.contrib.auth.models import Permission

    user = world["tech"]
    user.user_permissions.add(Permission.objects.get(codename="add_ticket"))
    world["territory"].members.remove(user)
    # when they follow a link naming someone else's person and room, or nonsense
    client = login(user)
    response = client.get(reverse("tickets:fast_entry"), {"party": world["party"].pk,
                                                         "room": world["room"].pk})
    odd = client.get(reverse("tickets:fast_entry"), {"party": "¹", "room": "x" * 40})
    # then nothing is filled in
    assert response.status_code == 200 and odd.status_code == 200
    assert response.context["place"]["party"] is None
    assert response.context["place"]["room"] is None
    assert world["party"].name not in response.content.decode()
