import datetime

import pytest
from django.core.exceptions import ValidationError

from owners.models import Activity, Building, Occupancy, Party, Room
from owners.services import (
    occupancy_add,
    party_id_reveal,
    party_save,
    room_set_primary_contact,
    rooms_bulk_create,
    tenure_end,
)
from owners.timeline import activity_record
from tests.owners.factories import (
    EstateFactory,
    OwnershipFactory,
    PartyFactory,
    RoomFactory,
)

pytestmark = pytest.mark.django_db


def test_rooms_are_created_from_a_pattern_and_again_without_duplicates(manager):
    building = Building.objects.create(estate=EstateFactory(), number="3")
    created = rooms_bulk_create(building=building, units=["1", "2"], floor_from=1,
                                floor_to=18, rooms_per_floor=2, by=manager)
    assert created == 72
    assert Room.objects.filter(code="3-2-1802", floor=18).exists()
    assert rooms_bulk_create(building=building, units=["1", "2"], floor_from=1, floor_to=20,
                             rooms_per_floor=2, by=manager) == 8


def test_basement_floors_are_numbered_b(manager):
    building = Building.objects.create(estate=EstateFactory(), number="A")
    rooms_bulk_create(building=building, units=[], floor_from=-1, floor_to=1,
                      rooms_per_floor=1, by=manager)
    assert set(Room.objects.values_list("code", flat=True)) == {"A-B101", "A-101"}


def test_a_bad_pattern_is_refused(manager):
    building = Building.objects.create(estate=EstateFactory(), number="3")
    with pytest.raises(ValidationError):
        rooms_bulk_create(building=building, units=["1"], floor_from=5, floor_to=1,
                          rooms_per_floor=2, by=manager)


def test_adding_a_family_member_shows_on_both_timelines(front_desk):
    ownership = OwnershipFactory(party__name="刘旭")
    child = party_save(party=Party(name="刘小明"), by=front_desk, phones=["13900001111"])
    occupancy_add(room=ownership.room, party=child, relation="family", relation_detail="子女",
                  by=front_desk)
    titles = set(Activity.objects.filter(party__in=[child, ownership.party])
                 .values_list("title", flat=True))
    assert any("刘小明（子女）" in title for title in titles)
    assert Activity.objects.filter(party=ownership.party, room=ownership.room).exists()


def test_the_same_person_cannot_be_added_twice_to_a_room(front_desk):
    occupancy = Occupancy.objects.create(room=RoomFactory(), party=PartyFactory(),
                                         relation="tenant")
    with pytest.raises(ValidationError, match="已登记"):
        occupancy_add(room=occupancy.room, party=occupancy.party, relation="tenant",
                      by=front_desk)


def test_ending_a_tenure_keeps_it_as_history(front_desk):
    ownership = OwnershipFactory(start_date=datetime.date(2020, 1, 1))
    tenure_end(tenure=ownership, by=front_desk, end_date=datetime.date(2026, 1, 1))
    ownership.refresh_from_db()
    assert ownership.end_date == datetime.date(2026, 1, 1)
    assert ownership.move_in_state == "moved_out"
    assert not ownership.is_current
    assert ownership.history.count() >= 2


def test_primary_contact_must_live_in_or_own_the_room(front_desk):
    ownership = OwnershipFactory()
    room_set_primary_contact(room=ownership.room, party=ownership.party, by=front_desk)
    with pytest.raises(ValidationError, match="主要联系人"):
        room_set_primary_contact(room=ownership.room, party=PartyFactory(), by=front_desk)


def test_revealing_an_id_needs_the_permission_and_is_audited(front_desk, manager):
    from audit.models import AuditEntry

    party = party_save(party=Party(name="张三"), by=front_desk, id_number="11010519491231002X",
                       id_type="resident_id")
    with pytest.raises(PermissionError):
        party_id_reveal(party=party, by=front_desk)
    assert party_id_reveal(party=party, by=manager) == "11010519491231002X"
    assert AuditEntry.objects.filter(action="owners.id_viewed", actor=manager,
                                     target_id=str(party.pk)).exists()


def test_other_areas_record_on_the_timeline_once_per_source_object(front_desk):
    party = PartyFactory()
    for _ in range(2):
        activity_record(party=party, kind="ticket", title="报修：厨房漏水",
                        source="service_tickets", source_id="42", url="/tickets/42/",
                        actor=front_desk)
    assert Activity.objects.filter(party=party, source="service_tickets").count() == 1


def test_a_party_change_is_kept_in_its_history(front_desk):
    party = party_save(party=Party(name="张三"), by=front_desk)
    party.workplace = "杭州某公司"
    party_save(party=party, by=front_desk)
    assert party.history.count() == 2
    assert party.history.first().workplace == "杭州某公司"
