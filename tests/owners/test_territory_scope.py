"""Service staff see the owners and rooms of their own territories only (the desk,
dispatchers and managers see every estate): lists, pages, the API, the search box and the
event form's pickers all read through the same limits."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.owners.factories import (
    BuildingFactory,
    EstateFactory,
    OccupancyFactory,
    OwnershipFactory,
    PartyFactory,
    RoomFactory,
    UnitFactory,
)
from tests.service_tickets.factories import TerritoryFactory

pytestmark = pytest.mark.django_db


def room_in(building):
    return RoomFactory(unit=UnitFactory(building=building))


@pytest.fixture
def patch(service_staff):
    """李师傅 covers building 1 of 东苑 and the whole of 西苑; 南苑 is someone else's."""
    east, west, south = (EstateFactory(name=n) for n in ("东苑", "西苑", "南苑"))
    covered, other = BuildingFactory(estate=east), BuildingFactory(estate=east)
    territory = TerritoryFactory(name="东西片区")
    territory.buildings.add(covered)
    territory.estates.add(west)
    territory.members.add(service_staff)
    rooms = {"covered": room_in(covered), "west": room_in(BuildingFactory(estate=west)),
             "other": room_in(other), "south": room_in(BuildingFactory(estate=south))}
    people = {
        "owner": OwnershipFactory(room=rooms["covered"], party=PartyFactory(
            name="张业主", mobile="13800001111")).party,
        "tenant": OccupancyFactory(room=rooms["west"], party=PartyFactory(
            name="张租户", mobile="13800002222")).party,
        "elsewhere": OwnershipFactory(room=rooms["south"], party=PartyFactory(
            name="张外人", mobile="13800003333")).party,
        "former": OwnershipFactory(room=rooms["covered"], end_date=dt.date(2020, 1, 1),
                                   party=PartyFactory(name="张前任")).party,
    }
    return {"rooms": rooms, "people": people}


def test_service_staff_list_only_their_territories_owners_and_rooms(login, service_staff,
                                                                    patch):
    client = login(service_staff)
    people = client.get(reverse("owners:party_list")).content.decode()
    assert "张业主" in people and "张租户" in people
    assert "张外人" not in people and "张前任" not in people
    rooms = {r.pk for r in client.get(reverse("owners:room_list")).context["page"].items}
    assert rooms == {patch["rooms"]["covered"].pk, patch["rooms"]["west"].pk}


def test_pages_outside_their_territories_are_not_found(login, service_staff, patch):
    client = login(service_staff)
    for key, status in (("owner", 200), ("tenant", 200), ("elsewhere", 404), ("former", 404)):
        url = reverse("owners:party_detail", args=[patch["people"][key].pk])
        assert client.get(url).status_code == status, key
    for key, status in (("covered", 200), ("west", 200), ("other", 404), ("south", 404)):
        url = reverse("owners:room_detail", args=[patch["rooms"][key].pk])
        assert client.get(url).status_code == status, key


def test_the_api_and_the_search_box_keep_to_the_same_limits(login, service_staff, patch):
    client = login(service_staff)
    names = {p["name"] for p in client.get("/api/v1/people/", {"q": "张"}).json()["results"]}
    assert names == {"张业主", "张租户"}
    assert client.get(f"/api/v1/people/{patch['people']['elsewhere'].pk}/").status_code == 404
    found = client.get("/api/v1/people/", {"q": "3333"}).json()["results"]
    assert found == []  # 张外人's phone tail
    rooms = {r["id"] for r in client.get("/api/v1/rooms/").json()["results"]}
    assert rooms == {patch["rooms"]["covered"].pk, patch["rooms"]["west"].pk}
    page = client.get(reverse("portal:search"), {"q": "张"}).content.decode()
    assert "张业主" in page and "张外人" not in page


def test_the_event_forms_owner_picker_offers_only_their_territories(login, service_staff,
                                                                      patch):
    answer = login(service_staff).get(reverse("scheduling:picker_parties"), {"q": "张"})
    labels = [r["label"] for r in answer.json()["results"]]
    assert any(label.startswith("张业主") for label in labels)
    assert not any(label.startswith("张外人") for label in labels)


def test_the_desk_sees_every_estate(login, front_desk, patch):
    client = login(front_desk)
    page = client.get(reverse("owners:party_list")).content.decode()
    assert all(name in page for name in ("张业主", "张租户", "张外人"))
    assert client.get(reverse("owners:room_detail",
                              args=[patch["rooms"]["south"].pk])).status_code == 200


def test_without_a_territory_service_staff_see_no_owner(login, patch):
    from staff.choices import Role
    from tests.staff.factories import UserFactory

    newcomer = UserFactory(role=Role.SERVICE_STAFF)
    client = login(newcomer)
    assert client.get(reverse("owners:party_list")).context["page"].items == []
    assert client.get("/api/v1/rooms/").json()["results"] == []


def test_the_limited_list_costs_the_same_for_few_or_many_people(login, service_staff, patch):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert login(service_staff).get(reverse("owners:party_list")).status_code == 200
        return len(captured.captured_queries)

    few = queries()
    for n in range(15):
        OwnershipFactory(room=patch["rooms"]["west"], party=PartyFactory(name=f"李业主{n}"))
    assert queries() == few


def test_the_dashboard_counts_only_the_rooms_and_residents_of_the_staff_members_patch(
        service_staff, front_desk, patch):
    from owners.registrations import _card

    # Given two rooms and two current residents in the patch, and more outside it
    def figures(user) -> list:
        rooms, _vacant, owners, occupants = (f.value for f in _card(user).figures)
        return [rooms, owners, occupants]

    # Then service staff count their patch, the desk the whole company
    assert figures(service_staff) == [2, 1, 1]  # rooms, owners, occupants now
    assert figures(front_desk) == [4, 2, 1]
