"""Likely duplicates: one finder (``selectors.party_duplicates``) warns before a person who
is probably on record already is recorded again, on the forms, the API and the import."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from owners import services
from owners.imports import COLUMNS, roster_apply, roster_check
from owners.models import Activity, Occupancy, Ownership, Party
from owners.selectors import party_duplicates
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

ID = "11010519491231002X"


def probe(name, phones=(), id_number=""):
    from owners.validators import normalise_phone

    return services.party_probe(name=name, phones=[normalise_phone(p) for p in phones],
                                id_number=id_number)


def roster(*rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append([str(title) + (" *" if required else "") for _, title, required in COLUMNS])
    for row in rows:
        sheet.append([row.get(key, "") for key, _, _ in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def row(**values):
    return {"estate": "翠苑花园", "building": "3", "unit": "2", "room": "1201", "role": "家属",
            **values}


# --- The finder -------------------------------------------------------------------------

def test_the_finder_matches_the_same_id_or_the_same_name_and_phone(front_desk):
    # given people on record
    by_id = PartyFactory(name="张三", id_number=ID)
    by_contact = OccupancyFactory(party=PartyFactory(name="李四", mobile="13912345678"),
                                  room__code="9-1-101").party
    PartyFactory(name="李四", mobile="13900000000")  # same name, another phone
    PartyFactory(name="王五", mobile="13912345678")  # same phone, another name
    # when the finder is asked about several people at once
    found = party_duplicates(user=front_desk, probes=[
        probe("张叁", id_number=ID), probe("李四", ["139 1234 5678"]),
        probe("赵六", ["13912345678"]), probe("李四")])
    # then only the same ID, or the same name and phone, count
    assert [[d.party for d in hits] for hits in found] == [[by_id], [by_contact], [], []]
    assert found[0][0].same_id and not found[1][0].same_id
    assert found[1][0].rooms == ["9-1-101"]


def test_the_finder_costs_the_same_queries_for_one_or_many_people(
        front_desk, django_assert_num_queries):
    people = [PartyFactory(name=f"张{n}", mobile=f"1391234{n:04d}") for n in range(30)]
    for person in people[:10]:
        OwnershipFactory(party=person)
    probes = [probe(p.name, [f"1391234{n:04d}"]) for n, p in enumerate(people)]
    front_desk.has_perm("owners.view_party")  # the user's permissions, read once a request
    with django_assert_num_queries(4):
        found = party_duplicates(user=front_desk, probes=probes[:1])
    assert len(found[0]) == 1
    with django_assert_num_queries(4):
        found = party_duplicates(user=front_desk, probes=probes)
    assert all(len(hits) == 1 for hits in found)


def test_the_finder_shows_only_people_the_user_may_see(service_staff):
    # given a person outside the technician's territories
    estate = EstateFactory(name="南苑")
    OwnershipFactory(room=RoomFactory(unit=UnitFactory(building=BuildingFactory(
        estate=estate))), party=PartyFactory(name="张外人", id_number=ID))
    TerritoryFactory(name="东片区").members.add(service_staff)
    # when the finder looks for their ID on the technician's behalf, then nobody is named
    assert party_duplicates(user=service_staff, probes=[probe("张外人", id_number=ID)]) == [[]]


# --- Owner form -------------------------------------------------------------------------

def test_the_owner_form_warns_of_a_likely_duplicate_and_records_only_once_confirmed(
        front_desk, login):
    on_record = PartyFactory(name="张三", mobile="13812345678")
    client = login(front_desk)
    data = {"kind": "person", "name": "张三", "mobile": "138 1234 5678"}
    # when the desk creates the same name and phone again
    warned = client.post(reverse("owners:party_create"), data)
    # then the person on record is shown and nothing is written
    html = warned.content.decode()
    assert warned.status_code == 200 and 'data-testid="duplicate-warning"' in html
    assert reverse("owners:party_detail", args=[on_record.pk]) in html
    assert "姓名和电话相同" in html and 'value="张三"' in html
    assert Party.objects.count() == 1
    # when they confirm it is someone else, then the new person is recorded
    done = client.post(reverse("owners:party_create"), {**data, "confirm_duplicate": "1"})
    assert done.status_code == 302
    assert Party.objects.filter(name="张三").count() == 2


def test_editing_a_person_is_not_taken_for_a_duplicate_of_themselves(front_desk, login):
    party = PartyFactory(name="张三", mobile="13812345678", id_number=ID)
    response = login(front_desk).post(reverse("owners:party_edit", args=[party.pk]), {
        "kind": "person", "name": "张三", "mobile": "13812345678", "id_number": ID,
        "id_type": "resident_id", "edit_version": party.version})
    assert response.status_code == 302


# --- Household form ---------------------------------------------------------------------

def _household(client, room, **extra):
    return client.post(reverse("owners:household_add", args=[room.pk]), {
        "name": "刘小明", "relation": "family", "move_in_state": "moved_in",
        "mobile": "13900001111", "id_type": "resident_id", "id_number": ID, **extra})


def test_adding_the_same_household_member_twice_warns_instead_of_recording_them_twice(
        front_desk, login):
    ownership = OwnershipFactory(party__name="刘旭")
    client = login(front_desk)
    assert _household(client, ownership.room).status_code == 302
    # when the same member (same ID and phone) is added again
    again = _household(client, ownership.room)
    # then the desk is warned, with the person on record, and nothing more is written
    html = again.content.decode()
    assert again.status_code == 200 and 'data-testid="duplicate-warning"' in html
    assert "证件号码相同" in html and ownership.room.code in html
    assert Party.objects.filter(name="刘小明").count() == 1
    assert Activity.objects.filter(party__name="刘小明").count() == 1


def test_the_warning_offers_the_person_on_record_for_another_room(front_desk, login):
    first = OwnershipFactory(party__name="刘旭")
    second = RoomFactory()
    client = login(front_desk)
    _household(client, first.room)
    person = Party.objects.get(name="刘小明")
    # when the desk picks the person on record from the warning for a second room
    response = _household(client, second, existing=person.pk)
    # then that person is linked to the room, not recorded again
    assert response.status_code == 302
    assert Party.objects.filter(name="刘小明").count() == 1
    assert Occupancy.objects.filter(party=person, room=second).exists()
    # and picking them for a room they already live in is explained, not doubled
    response = _household(client, second, existing=person.pk)
    assert response.status_code == 400 and "已登记在该房屋" in response.content.decode()
    assert Occupancy.objects.filter(party=person, room=second).count() == 1


def test_a_confirmed_household_member_is_recorded_as_someone_else(front_desk, login):
    room = RoomFactory()
    PartyFactory(name="刘小明", mobile="13900001111")
    response = _household(login(front_desk), room, id_number="", confirm_duplicate="1")
    assert response.status_code == 302
    assert Party.objects.filter(name="刘小明").count() == 2


def test_adding_an_existing_owner_again_as_owner_is_refused(front_desk, login):
    ownership = OwnershipFactory(party__name="刘旭")
    response = login(front_desk).post(
        reverse("owners:household_add", args=[ownership.room.pk]),
        {"name": "刘旭", "relation": "owner", "move_in_state": "moved_in",
         "existing": ownership.party.pk})
    assert response.status_code == 400 and "已是该房屋的业主" in response.content.decode()
    assert Ownership.objects.count() == 1


# --- API --------------------------------------------------------------------------------

def test_the_api_answers_409_with_the_candidates_until_the_client_confirms(front_desk, login):
    on_record = OwnershipFactory(party=PartyFactory(name="张三", id_number=ID),
                                 room__code="3-2-1201").party
    client = login(front_desk)
    body = {"name": "张三", "id_type": "resident_id", "id_number": ID,
            "phone_numbers": ["13812345678"]}
    # when a client creates a person with an ID number on record
    conflict = client.post(reverse("party-list"), body, content_type="application/json")
    # then it is told who is on record, and nothing is written
    assert conflict.status_code == 409
    answer = conflict.json()
    assert answer["code"] == "likely_duplicate" and "已登记" in answer["detail"]
    assert answer["duplicates"] == [{"id": on_record.pk, "name": "张三",
                                     "id_masked": "110105********002X", "phones": [],
                                     "rooms": ["3-2-1201"], "same_id": True}]
    assert Party.objects.count() == 1
    # when it confirms, then the person is created
    created = client.post(reverse("party-list"), {**body, "confirm_duplicate": True},
                          content_type="application/json")
    assert created.status_code == 201, created.json()
    assert Party.objects.count() == 2


def test_the_schema_documents_the_409_of_creating_a_person(front_desk, login):
    schema = login(front_desk).get(reverse("api-schema"), {"format": "json"}).json()
    answers = schema["paths"]["/api/v1/people/"]["post"]["responses"]
    assert {"201", "400", "409"} <= set(answers)


# --- Import -----------------------------------------------------------------------------

def test_an_id_number_on_record_under_another_name_is_a_row_error(front_desk):
    # given 张三 on record with an ID number
    PartyFactory(name="张三", id_number=ID)
    # when a roster gives that ID number to 张叁
    check = roster_check(roster(row(name="张叁", id_number=ID)), user=front_desk)
    # then the row is refused with the name on record, and nothing can be attached to it
    [bad] = check.bad
    assert "已登记在 张三 名下" in " ".join(bad.errors)
    assert "110105********002X" in " ".join(bad.errors)
    with pytest.raises(Exception, match="1 行有问题"):
        roster_apply(check=check, by=front_desk, skip_bad_rows=False)
    assert not Occupancy.objects.exists()


def test_one_id_number_under_two_names_in_one_roster_is_a_row_error(front_desk):
    check = roster_check(roster(row(name="张三", id_number=ID),
                                row(name="张叁", room="1202", id_number=ID)), user=front_desk)
    [bad] = check.bad
    assert bad.number == 3 and "第 2 行" in " ".join(bad.errors)


def test_a_row_like_someone_on_record_waits_for_confirmation(front_desk):
    # given 李四 on record in another room
    on_record = OccupancyFactory(party=PartyFactory(name="李四", mobile="13912345678")).party
    # when a roster lists 李四 with the same phone for 3-2-1201
    check = roster_check(roster(row(name="李四", mobile="139 1234 5678")), user=front_desk)
    # then the row is listed with the person on record, and the import waits
    [duplicated] = check.duplicated
    assert [d.party for d in duplicated.duplicates] == [on_record]
    with pytest.raises(Exception, match="疑似已登记"):
        roster_apply(check=check, by=front_desk, skip_bad_rows=False)
    assert Party.objects.count() == 1
    # when the user confirms, then the row is recorded as a new person
    counts = roster_apply(check=check, by=front_desk, skip_bad_rows=False,
                          confirm_duplicates=True)
    assert counts["people"] == 1 and Party.objects.filter(name="李四").count() == 2


def test_a_person_of_the_same_room_is_linked_not_taken_for_a_duplicate(front_desk):
    roster_apply(check=roster_check(roster(row(name="李四", mobile="13912345678")),
                                    user=front_desk), by=front_desk, skip_bad_rows=False)
    check = roster_check(roster(row(name="李四", mobile="13912345678")), user=front_desk)
    assert not check.duplicated and not check.bad
    assert roster_apply(check=check, by=front_desk, skip_bad_rows=False)["unchanged"] == 1


def test_someone_listed_for_two_rooms_without_id_is_recorded_once(front_desk):
    check = roster_check(roster(row(name="李四", mobile="13912345678", role="业主"),
                                row(name="李四", mobile="13912345678", room="1202",
                                    role="业主")), user=front_desk)
    counts = roster_apply(check=check, by=front_desk, skip_bad_rows=False)
    assert counts["people"] == 1 and counts["links"] == 2
    assert Ownership.objects.filter(party__name="李四").count() == 2


def test_another_name_with_a_phone_of_the_room_is_not_attached_to_that_person(front_desk):
    # given 李四 in 3-2-1201
    roster_apply(check=roster_check(roster(row(name="李四", mobile="13912345678")),
                                    user=front_desk), by=front_desk, skip_bad_rows=False)
    # when a roster lists 王五 in the same room with 李四's phone
    check = roster_check(roster(row(name="王五", mobile="13912345678")), user=front_desk)
    roster_apply(check=check, by=front_desk, skip_bad_rows=False)
    # then 王五 is a person of their own
    assert Occupancy.objects.filter(party__name="王五").exists()


def test_the_import_page_lists_likely_duplicates_and_imports_once_confirmed(manager, login):
    OccupancyFactory(party=PartyFactory(name="李四", mobile="13912345678"))
    client = login(manager)
    preview = client.post(reverse("owners:roster_import"), {
        "roster": SimpleUploadedFile("名册.xlsx", roster(row(name="李四", mobile="13912345678")))})
    html = preview.content.decode()
    assert 'data-testid="duplicate-rows"' in html and "1 行疑似已登记的人员" in html
    assert 'name="confirm_duplicates"' in html
    stored = preview.context["stored"]
    refused = client.post(reverse("owners:roster_import"), {"stored": stored.pk})
    assert refused.status_code == 400 and Party.objects.count() == 1
    done = client.post(reverse("owners:roster_import"),
                       {"stored": stored.pk, "confirm_duplicates": "1"})
    assert done.status_code == 302 and Party.objects.count() == 2


def test_a_company_with_a_uscc_on_record_is_a_likely_duplicate(front_desk, login):
    on_record = PartyFactory(name="甲物业有限公司", kind="company", uscc="91350100M000100Y43")
    client = login(front_desk)
    body = {"kind": "company", "name": "甲物业公司", "uscc": "91350100m000100y43"}
    conflict = client.post(reverse("party-list"), body, content_type="application/json")
    assert conflict.status_code == 409
    assert [d["id"] for d in conflict.json()["duplicates"]] == [on_record.pk]
    page = client.post(reverse("owners:party_create"), body).content.decode()
    assert "统一社会信用代码相同" in page
    assert Party.objects.count() == 1


def test_an_id_held_by_someone_the_importer_cannot_see_is_still_not_attached(
        manager, service_staff):
    # given 张三 on record with an ID number, and an importer who cannot see them
    PartyFactory(name="张三", id_number=ID)
    TerritoryFactory(name="东片区").members.add(service_staff)
    check = roster_check(roster(row(name="张叁", id_number=ID)), user=service_staff)
    assert not check.bad  # the check does not name people outside the importer's patch
    # when the roster is applied, then the row is refused without naming the holder
    with pytest.raises(Exception, match="第 2 行：该证件号码已登记在他人名下") as caught:
        roster_apply(check=check, by=manager, skip_bad_rows=False)
    assert "张三" not in str(caught.value)
    assert not Occupancy.objects.exists()
