import pytest

from service_tickets.services import ticket_create
from staff.choices import Role
from tests.owners.factories import OwnershipFactory
from tests.service_tickets.factories import CategoryFactory, SlaTargetFactory, TerritoryFactory
from tests.staff.factories import UserFactory


@pytest.fixture
def world(dispatcher, front_desk):
    ownership = OwnershipFactory(party__name="刘旭")
    room = ownership.room
    territory = TerritoryFactory(name="一区")
    territory.buildings.add(room.building)
    technician = UserFactory(username="tech-a", role=Role.SERVICE_STAFF)
    outsider = UserFactory(username="tech-b", role=Role.SERVICE_STAFF)
    territory.members.add(technician)
    category = CategoryFactory(name="漏水", code="leak")
    SlaTargetFactory(category=category, priority="normal", accept_minutes=30,
                     respond_minutes=120, resolve_minutes=480)
    return {"room": room, "party": ownership.party, "territory": territory,
            "tech": technician, "outsider": outsider, "category": category,
            "desk": front_desk, "dispatcher": dispatcher}


def new_ticket(world, **kw):
    return ticket_create(by=world["desk"], type="repair", source="phone",
                         category=world["category"], description="厨房水管漏水",
                         room=world["room"], party=world["party"], **kw)


