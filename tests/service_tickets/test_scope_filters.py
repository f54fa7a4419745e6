"""Filters and parameters that take the id of a person, room, estate, building or ticket
read through the same scope as the detail pages: outside the user's patch the id is
unknown (404 on a page, a field error in the API), and no name is shown."""

import pytest
from django.urls import reverse

from owners.forms import PartyFilterForm, RoomFilterForm
from owners.models import Building, Estate, Party, Room
from owners.selectors import in_scope
from service_tickets.models import Notice
from staff.choices import Role
from tests.owners.factories import OwnershipFactory, RoomFactory
from tests.service_tickets.conftest import new_ticket
from tests.staff.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def elsewhere(world):
    """A person in a room of another estate, which no territory of the technician covers."""
    ownership = OwnershipFactory(party__name="欧阳娜娜", room=RoomFactory())
    return {"party": ownership.party, "room": ownership.room,
            "estate": ownership.room.estate}


def test_the_event_search_by_a_person_outside_the_patch_is_not_found(world, elsewhere, login):
    # given a technician of 一区 and a person who lives elsewhere
    client = login(world["tech"])
    # when they filter the event search by that person or that room
    by_person = client.get(reverse("tickets:events"), {"party": elsewhere["party"].pk})
    by_room = client.get(reverse("tickets:events"), {"room_id": elsewhere["room"].pk})
    # then neither is found and the name is not shown
    assert by_person.status_code == 404 and by_room.status_code == 404
    assert "欧阳娜娜" not in by_person.content.decode()


def test_the_event_search_by_a_person_of_the_patch_shows_them(world, login):
    new_ticket(world)
    response = login(world["tech"]).get(reverse("tickets:events"),
                                        {"party": world["party"].pk})
    assert response.status_code == 200
    assert "刘旭" in response.content.decode()
    assert len(response.context["page"].items) == 1


def test_the_desk_searches_events_by_anyone(world, elsewhere, login):
    response = login(world["desk"]).get(reverse("tickets:events"),
                                        {"party": elsewhere["party"].pk})
    assert response.status_code == 200
    assert "欧阳娜娜" in response.content.decode()


@pytest.mark.parametrize("place", ["room", "estate", "party"])
def test_notices_for_a_place_outside_the_patch_are_not_found(world, elsewhere, login, place):
    Notice.objects.create(kind="water", title="停水", estate=elsewhere["estate"],
                          starts_at="2026-01-01T00:00+08:00", created_by=world["desk"])
    response = login(world["tech"]).get(reverse("tickets:notices_for"),
                                        {place: elsewhere[place].pk})
    assert response.status_code == 404
    assert "停水" not in response.content.decode()


def test_notices_for_a_room_of_the_patch_are_shown(world, login):
    Notice.objects.create(kind="water", title="停水检修", estate=world["room"].estate,
                          starts_at="2026-01-01T00:00+08:00", created_by=world["desk"])
    response = login(world["tech"]).get(reverse("tickets:notices_for"),
                                        {"room": world["room"].pk, "party": world["party"].pk})
    assert response.status_code == 200
    assert "停水检修" in response.content.decode()


@pytest.mark.parametrize("value", ["abc", "-1", "99999999"])
def test_notices_for_an_id_that_is_no_place_are_not_found(world, login, value):
    assert login(world["desk"]).get(reverse("tickets:notices_for"),
                                    {"room": value}).status_code == 404


@pytest.mark.parametrize("name", ["party", "room"])
def test_the_events_api_refuses_a_filter_by_a_place_outside_the_patch(
        world, elsewhere, login, name):
    response = login(world["tech"]).get(reverse("ticket-event-list"),
                                        {name: elsewhere[name].pk})
    assert response.status_code == 400
    assert list(response.json()) == [name]


def test_the_events_api_filters_by_a_person_of_the_patch(world, login):
    new_ticket(world)
    response = login(world["tech"]).get(reverse("ticket-event-list"),
                                        {"party": world["party"].pk})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 1


def test_the_notices_api_refuses_an_estate_filter_outside_the_patch(world, elsewhere, login):
    client = login(world["tech"])
    outside = client.get(reverse("notice-list"), {"estate": elsewhere["estate"].pk})
    inside = client.get(reverse("notice-list"), {"estate": world["room"].estate_id})
    assert outside.status_code == 400 and list(outside.json()) == ["estate"]
    assert inside.status_code == 200


def test_a_notice_call_for_a_room_outside_the_patch_is_refused_in_the_api(
        world, elsewhere, login):
    notice = Notice.objects.create(kind="water", title="停水", estate=world["room"].estate,
                                   starts_at="2026-01-01T00:00+08:00",
                                   created_by=world["desk"])
    outsider = UserFactory(role=Role.SERVICE_STAFF)
    outsider.user_permissions.add(*_perms("service_tickets.add_ticket",
                                          "service_tickets.view_notice"))
    response = login(outsider).post(reverse("notice-calls", args=[notice.pk]),
                                    {"room": world["room"].pk}, content_type="application/json")
    assert response.status_code == 400 and list(response.json()) == ["room"]


def test_the_owner_list_filters_offer_only_the_estates_of_the_patch(world, elsewhere):
    form = PartyFilterForm({"estate": elsewhere["estate"].pk}, user=world["tech"])
    assert list(form.fields["estate"].queryset) == [world["room"].estate]
    assert not form.is_valid() and "estate" in form.errors
    desk_form = RoomFilterForm({"estate": elsewhere["estate"].pk}, user=world["desk"])
    assert desk_form.is_valid()


def test_the_scope_of_estates_and_buildings_follows_the_rooms_of_the_patch(world, elsewhere):
    tech = world["tech"]
    assert list(in_scope(Estate.objects.all(), user=tech)) == [world["room"].estate]
    assert list(in_scope(Building.objects.all(), user=tech)) == [world["room"].building]
    assert list(in_scope(Room.objects.all(), user=tech)) == [world["room"]]
    assert list(in_scope(Party.objects.all(), user=tech)) == [world["party"]]
    assert in_scope(Estate.objects.all(), user=world["desk"]).count() == 2


def test_without_the_right_to_see_rooms_nothing_is_in_scope(world, login):
    supervisor = UserFactory(role=Role.SECURITY_SUPERVISOR)
    for model in (Estate, Building, Room, Party):
        assert not in_scope(model.objects.all(), user=supervisor).exists()


def _perms(*entries):
    from django.contrib.auth.models import Permission

    return [Permission.objects.get(content_type__app_label=entry.split(".")[0],
                                   codename=entry.split(".")[1]) for entry in entries]


def test_a_technician_filters_tickets_only_by_their_own_territories(world, login):
    # given a territory the technician does not work in
    from tests.service_tickets.factories import TerritoryFactory

    other = TerritoryFactory(name="二区")
    client = login(world["tech"])
    # then the API refuses it as a filter, and the page does not offer it
    refused = client.get(reverse("ticket-list"), {"territory": other.pk})
    assert refused.status_code == 400 and list(refused.json()) == ["territory"]
    assert client.get(reverse("ticket-list"),
                      {"territory": world["territory"].pk}).status_code == 200
    page = client.get(reverse("tickets:list")).content.decode()
    assert "一区" in page and "二区" not in page
    # while the desk may filter by any
    assert login(world["desk"]).get(reverse("ticket-list"),
                                    {"territory": other.pk}).status_code == 200


@pytest.mark.parametrize("route", ["room-list", "party-list", "building-list"])
def test_the_owners_api_refuses_an_estate_filter_outside_the_patch(
        world, elsewhere, login, route):
    # given someone who may read rooms, people and buildings but works only in 一区
    reader = UserFactory(role=Role.SERVICE_STAFF)
    world["territory"].members.add(reader)
    reader.user_permissions.add(*_perms("owners.view_building"))
    client = login(reader)
    outside = client.get(reverse(route), {"estate": elsewhere["estate"].pk})
    inside = client.get(reverse(route), {"estate": world["room"].estate_id})
    assert outside.status_code == 400 and list(outside.json()) == ["estate"]
    assert inside.status_code == 200 and inside.json()["results"]


def test_fast_entry_takes_only_a_person_and_room_of_the_users_patch(world, elsewhere, login):
    # given someone who may log tickets but works only in 一区
    from service_tickets.models import Ticket

    logger = UserFactory(role=Role.SERVICE_STAFF)
    world["territory"].members.add(logger)
    logger.user_permissions.add(*_perms("service_tickets.add_ticket"))
    client = login(logger)
    data = {"type": "repair", "source": "phone", "category": world["category"].pk,
            "description": "门禁坏了"}
    # when they log one for a person and room elsewhere
    refused = client.post(reverse("tickets:fast_entry"), {
        **data, "party": elsewhere["party"].pk, "room": elsewhere["room"].pk})
    # then both are refused and nothing is logged; in their patch it is logged
    assert {"party", "room"} <= set(refused.context["form"].errors)
    assert "欧阳娜娜" not in refused.content.decode()
    assert not Ticket.objects.exists()
    logged = client.post(reverse("tickets:fast_entry"), {
        **data, "party": world["party"].pk, "room": world["room"].pk})
    assert logged.status_code == 302 and Ticket.objects.count() == 1
