import pytest
from django.urls import reverse

from owners.models import Occupancy, Party
from tests.owners.factories import OwnershipFactory, PartyFactory, RoomFactory, UnitFactory

pytestmark = pytest.mark.django_db

ID = "11010519491231002X"


def test_people_are_listed_with_masked_ids_only(front_desk, login):
    PartyFactory(name="张三", id_number=ID, mobile="13812345678")
    body = login(front_desk).get(reverse("party-list")).json()
    [row] = body["results"]
    assert row["id_masked"] == "110105********002X"
    assert ID not in str(body)
    assert row["phones"][0]["display"] == "13812345678"


def test_q_searches_like_the_search_box(front_desk, login):
    PartyFactory(name="张三", mobile="13812345678")
    PartyFactory(name="李四", mobile="13900000000")
    client = login(front_desk)
    for q in ["zs", "5678", "张"]:
        names = [r["name"] for r in client.get(reverse("party-list"), {"q": q}).json()["results"]]
        assert names == ["张三"], q


def test_creating_a_person_validates_in_chinese(front_desk, login):
    client = login(front_desk)
    bad = client.post(reverse("party-list"), {"name": "张三", "id_type": "resident_id",
                                              "id_number": "110105194912310021"},
                      content_type="application/json")
    assert bad.status_code == 400
    assert "校验码" in str(bad.json()["id_number"])
    good = client.post(reverse("party-list"), {
        "name": "张三", "id_type": "resident_id", "id_number": ID,
        "phone_numbers": ["13812345678"], "plates": ["浙A12345"]},
        content_type="application/json")
    assert good.status_code == 201, good.json()
    assert good.json()["id_masked"] == "110105********002X"
    assert Party.objects.get().vehicles.get().plate == "浙A12345"


def test_updates_need_the_current_version(front_desk, login):
    party = PartyFactory(name="张三")
    client = login(front_desk)
    url = reverse("party-detail", args=[party.pk])
    assert client.patch(url, {"workplace": "甲"}, content_type="application/json"
                        ).status_code == 400
    assert client.patch(url, {"workplace": "甲", "version": 1},
                        content_type="application/json").status_code == 200
    assert client.patch(url, {"workplace": "乙", "version": 1},
                        content_type="application/json").status_code == 409


def test_service_staff_may_read_but_not_create_people(service_staff, login):
    client = login(service_staff)
    assert client.get(reverse("party-list")).status_code == 200
    assert client.post(reverse("party-list"), {"name": "x"},
                       content_type="application/json").status_code == 403


def test_rooms_filter_and_search(front_desk, login):
    unit = UnitFactory(building__number="3", number="2")
    room = RoomFactory(unit=unit, number="1201", code="3-2-1201")
    RoomFactory()
    client = login(front_desk)
    rows = client.get(reverse("room-list"), {"q": "3栋2单元1201"}).json()["results"]
    assert [r["id"] for r in rows] == [room.pk]
    rows = client.get(reverse("room-list"), {"estate": room.estate_id}).json()["results"]
    assert [r["code"] for r in rows] == ["3-2-1201"]


def test_manager_creates_a_room_and_its_code_is_derived(manager, login):
    unit = UnitFactory(building__number="5", number="1")
    response = login(manager).post(reverse("room-list"), {
        "building": unit.building_id, "unit": unit.pk, "number": "0801", "floor": 8,
        "gross_area": "89.50"}, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["code"] == "5-1-0801"


def test_front_desk_cannot_create_rooms(front_desk, login):
    unit = UnitFactory()
    response = login(front_desk).post(reverse("room-list"), {
        "building": unit.building_id, "unit": unit.pk, "number": "1", "floor": 1},
        content_type="application/json")
    assert response.status_code == 403


def test_adding_an_occupant_through_the_api_goes_on_the_timeline(front_desk, login):
    ownership = OwnershipFactory()
    tenant = PartyFactory()
    response = login(front_desk).post(reverse("occupancy-list"), {
        "room": ownership.room.pk, "party": tenant.pk, "relation": "tenant"},
        content_type="application/json")
    assert response.status_code == 201
    assert Occupancy.objects.get(party=tenant).room == ownership.room
    assert tenant.activities.exists()


def test_people_list_queries_do_not_grow(front_desk, login, django_assert_max_num_queries):
    client = login(front_desk)
    PartyFactory.create_batch(2, mobile="13800000000")
    with django_assert_max_num_queries(15) as few:
        client.get(reverse("party-list"))
    for n in range(30):
        PartyFactory(mobile=f"1380000{n:04d}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("party-list"))


def test_a_companys_uscc_errors_are_keyed_by_field(front_desk, login):
    client = login(front_desk)
    # when a company is created with a mistyped code, or with none
    for body in [{"kind": "company", "name": "甲公司", "uscc": "91350100M000100Y44"},
                 {"kind": "company", "name": "甲公司"}]:
        response = client.post(reverse("party-list"), body, content_type="application/json")
        # then the answer names the field, as a form would
        assert response.status_code == 400
        assert list(response.json()) == ["uscc"], response.json()
    assert not Party.objects.exists()


def test_a_uscc_on_a_person_is_checked_and_stored_normalised(front_desk, login):
    party = PartyFactory(name="张三")
    client = login(front_desk)
    url = reverse("party-detail", args=[party.pk])
    bad = client.patch(url, {"uscc": "91350100M000100Y44", "version": 1},
                       content_type="application/json")
    assert bad.status_code == 400 and "校验位不符" in bad.json()["uscc"][0]
    good = client.patch(url, {"uscc": "91350100m000100y43", "version": 1},
                        content_type="application/json")
    assert good.status_code == 200, good.json()
    party.refresh_from_db()
    assert party.uscc == "91350100M000100Y43"


def test_the_emergency_phone_is_checked_like_every_other_phone(front_desk, login):
    client = login(front_desk)
    bad = client.post(reverse("party-list"), {"name": "张三", "emergency_phone": "12345"},
                      content_type="application/json")
    assert bad.status_code == 400 and list(bad.json()) == ["emergency_phone"]
    good = client.post(reverse("party-list"), {"name": "张三",
                                               "emergency_phone": "0755-88888888-123"},
                       content_type="application/json")
    assert good.json()["emergency_phone"] == "0755-88888888 转 123"
