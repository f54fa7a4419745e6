"""Re-drawing territories: recorded, open tickets follow their building, closed ones keep
the territory they were worked in; in admin the same way."""

import pytest
from django.core.exceptions import PermissionDenied

from service_tickets.choices import EventKind, Status
from service_tickets.models import Territory, TerritoryChange, Ticket
from service_tickets.selectors import ticket_list_for_user
from service_tickets.services import ticket_create
from service_tickets.territories import territory_redraw
from staff.choices import Role
from tests.owners.factories import BuildingFactory, RoomFactory
from tests.service_tickets.conftest import new_ticket
from tests.service_tickets.factories import TerritoryFactory
from tests.staff.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def east(world):
    """A second territory, 东区, with its own technician, covering another building of the
    same estate."""
    territory = TerritoryFactory(name="东区")
    other = BuildingFactory(estate=world["room"].estate)
    territory.buildings.add(other)
    tech = UserFactory(username="tech-east", role=Role.SERVICE_STAFF)
    territory.members.add(tech)
    return {"territory": territory, "building": other, "tech": tech}


def _elsewhere(world, room):
    return ticket_create(by=world["desk"], type="repair", source="phone",
                         category=world["category"], description="别处漏水", room=room)


def _tickets(world, *statuses):
    made = []
    for status in statuses:
        ticket = new_ticket(world)
        Ticket.objects.filter(pk=ticket.pk).update(status=status)
        made.append(ticket)
    return made


def test_open_tickets_follow_a_building_to_its_new_territory(world, east, manager):
    building = world["room"].building
    open_one, held, closed, cancelled = _tickets(world, Status.DISPATCHED, Status.ON_HOLD,
                                                 Status.CLOSED, Status.CANCELLED)
    change = territory_redraw(territory=east["territory"], by=manager, estates=[],
                              buildings=[east["building"], building], note="人员调整",
                              take_from_others=True)
    assert change.added_buildings == [building.pk] and change.removed_buildings == []
    assert change.tickets_moved == 2 and change.note == "人员调整"
    assert change.changed_by == manager
    territories = dict(Ticket.objects.values_list("pk", "territory__name"))
    assert territories[open_one.pk] == territories[held.pk] == "东区"
    assert territories[closed.pk] == territories[cancelled.pk] == "一区"
    event = open_one.events.get(kind=EventKind.TERRITORY)
    assert event.data == {"from": world["territory"].pk, "to": east["territory"].pk}
    assert event.actor == manager and "一区" in event.text and "东区" in event.text
    assert not closed.events.filter(kind=EventKind.TERRITORY).exists()
    # the old territory gave the building up, and that is recorded too
    assert list(world["territory"].buildings.all()) == []
    given = TerritoryChange.objects.get(territory=world["territory"])
    assert given.removed_buildings == [building.pk] and given.tickets_moved == 0


def test_the_staff_of_the_new_territory_see_the_moved_tickets(world, east, manager):
    [ticket] = _tickets(world, Status.NEW)
    version = Ticket.objects.get(pk=ticket.pk).version
    territory_redraw(territory=east["territory"], by=manager, estates=[],
                     buildings=[east["building"], world["room"].building],
                     take_from_others=True)
    assert list(ticket_list_for_user(user=east["tech"])) == [ticket]
    assert list(ticket_list_for_user(user=world["tech"])) == []
    assert Ticket.objects.get(pk=ticket.pk).version == version + 1  # open forms are stale


def test_a_building_given_up_falls_back_to_the_territory_of_its_estate(world, east,
                                                                       manager):
    whole = TerritoryFactory(name="全区")
    whole.estates.add(world["room"].estate)
    [ticket] = _tickets(world, Status.ACCEPTED)
    territory_redraw(territory=world["territory"], by=manager, estates=[], buildings=[])
    assert Ticket.objects.get(pk=ticket.pk).territory == whole
    territory_redraw(territory=whole, by=manager, estates=[], buildings=[])
    assert Ticket.objects.get(pk=ticket.pk).territory is None
    assert ticket.events.filter(kind=EventKind.TERRITORY).count() == 2


def test_without_taking_from_others_the_lower_territory_keeps_a_shared_building(world, east,
                                                                               manager):
    [ticket] = _tickets(world, Status.DISPATCHED)
    change = territory_redraw(territory=east["territory"], by=manager, estates=[],
                              buildings=[east["building"], world["room"].building])
    # both cover it now; as at ticket entry the territory made first wins
    assert change.tickets_moved == 0
    assert Ticket.objects.get(pk=ticket.pk).territory == world["territory"]
    assert world["territory"].buildings.count() == 1


def test_tickets_of_a_newly_covered_estate_gain_a_territory(world, manager):
    room = RoomFactory()
    ticket = _elsewhere(world, room)
    assert ticket.territory is None
    north = TerritoryFactory(name="北区")
    change = territory_redraw(territory=north, by=manager, estates=[room.estate], buildings=[])
    assert change.added_estates == [room.estate.pk] and change.tickets_moved == 1
    assert Ticket.objects.get(pk=ticket.pk).territory == north


def test_only_managers_redraw_territories(world, dispatcher):
    with pytest.raises(PermissionDenied):
        territory_redraw(territory=world["territory"], by=dispatcher, estates=[], buildings=[])
    assert world["territory"].buildings.count() == 1
    assert not TerritoryChange.objects.exists()


# --- in admin -------------------------------------------------------------------------------

def _territory_post(territory, **fields):
    data = {
        "name": territory.name,
        "estates": [e.pk for e in territory.estates.all()],
        "buildings": [b.pk for b in territory.buildings.all()],
        "members": [m.pk for m in territory.members.all()],
        "take_from_others": "on", "change_note": "",
        "changes-TOTAL_FORMS": territory.changes.count() if territory.pk else 0,
        "changes-INITIAL_FORMS": territory.changes.count() if territory.pk else 0,
        "changes-MIN_NUM_FORMS": 0, "changes-MAX_NUM_FORMS": 0,
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def test_redrawing_in_admin_is_recorded_and_tickets_follow(world, east, manager, login):
    client = login(manager)
    open_one, closed = _tickets(world, Status.IN_PROGRESS, Status.CLOSED)
    response = client.post(
        f"/admin/service_tickets/territory/{east['territory'].pk}/change/",
        _territory_post(east["territory"],
                        buildings=[east["building"].pk, world["room"].building.pk],
                        change_note="一区并入东区"))
    assert response.status_code == 302, response.content.decode()[-2000:]
    change = TerritoryChange.objects.get(territory=east["territory"])
    assert change.note == "一区并入东区" and change.tickets_moved == 1
    assert Ticket.objects.get(pk=open_one.pk).territory == east["territory"]
    assert Ticket.objects.get(pk=closed.pk).territory == world["territory"]
    assert list(world["territory"].buildings.all()) == []
    page = client.get(f"/admin/service_tickets/territory/{east['territory'].pk}/change/")
    assert "一区并入东区" in page.content.decode()  # the record, shown on the territory


def test_changing_only_the_members_in_admin_records_no_redrawing(world, manager, login):
    newcomer = UserFactory(username="tech-new", role=Role.SERVICE_STAFF)
    response = login(manager).post(
        f"/admin/service_tickets/territory/{world['territory'].pk}/change/",
        _territory_post(world["territory"], members=[world["tech"].pk, newcomer.pk]))
    assert response.status_code == 302
    assert set(world["territory"].members.all()) == {world["tech"], newcomer}
    assert not TerritoryChange.objects.exists()


def test_a_territory_added_in_admin_takes_its_tickets(world, manager, login):
    room = RoomFactory()
    ticket = _elsewhere(world, room)
    response = login(manager).post("/admin/service_tickets/territory/add/", {
        "name": "南区", "buildings": [room.building.pk], "change_note": "新片区",
        "changes-TOTAL_FORMS": 0, "changes-INITIAL_FORMS": 0,
        "changes-MIN_NUM_FORMS": 0, "changes-MAX_NUM_FORMS": 0})
    assert response.status_code == 302
    south = Territory.objects.get(name="南区")
    assert Ticket.objects.get(pk=ticket.pk).territory == south
    assert TerritoryChange.objects.get().added_buildings == [room.building.pk]


def test_the_record_of_changes_is_read_only_in_admin(world, east, manager, login):
    change = territory_redraw(territory=east["territory"], by=manager, estates=[],
                              buildings=[east["building"], world["room"].building],
                              take_from_others=True)
    client = login(manager)
    assert client.get("/admin/service_tickets/territorychange/").status_code == 200
    page = client.get(f"/admin/service_tickets/territorychange/{change.pk}/change/")
    assert page.status_code == 200 and str(world["room"].building) in page.content.decode()
    assert client.get("/admin/service_tickets/territorychange/add/").status_code == 403
    assert client.post(f"/admin/service_tickets/territorychange/{change.pk}/change/",
                       {"note": "改"}).status_code == 403
    assert client.post(f"/admin/service_tickets/territorychange/{change.pk}/delete/",
                       {"post": "yes"}).status_code == 403
    assert TerritoryChange.objects.filter(pk=change.pk, note="").exists()


def test_skilled_staff_are_chosen_with_the_two_list_widget(manager, login):
    html = login(manager).get("/admin/service_tickets/category/add/").content.decode()
    assert 'name="skilled_staff"' in html and "selectfilter" in html
