import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry
from owners.models import Activity, Occupancy, Party
from tests.owners.factories import OccupancyFactory, OwnershipFactory, PartyFactory, RoomFactory

pytestmark = pytest.mark.django_db

ID = "11010519491231002X"


def test_anonymous_goes_to_login_and_roleless_users_are_refused(no_role_user, login):
    party = PartyFactory()
    urls = [reverse("owners:party_list"), reverse("owners:party_detail", args=[party.pk]),
            reverse("owners:room_list")]
    for url in urls:
        assert Client().get(url).status_code == 302
    client = login(no_role_user)
    assert client.get(reverse("owners:party_detail", args=[party.pk])).status_code == 404
    assert client.get(reverse("owners:party_create")).status_code == 403
    assert "<td>" not in client.get(reverse("owners:party_list")).content.decode()


def test_front_desk_creates_a_person_with_phone_id_and_plate(front_desk, login):
    response = login(front_desk).post(reverse("owners:party_create"), {
        "kind": "person", "name": "张三", "mobile": "138 1234 5678",
        "other_phones": "0571-88001234 转 8", "id_type": "resident_id", "id_number": ID,
        "plates": "浙A·12345"})
    assert response.status_code == 302
    party = Party.objects.get(name="张三")
    assert party.id_masked == "110105********002X"
    assert [p.display for p in party.phones.all()] == ["13812345678", "0571-88001234 转 8"]
    assert party.vehicles.get().plate == "浙A12345"
    assert party.history.first().history_user == front_desk


def test_a_bad_id_is_explained_in_chinese_and_nothing_typed_is_lost(front_desk, login):
    response = login(front_desk).post(reverse("owners:party_create"), {
        "kind": "person", "name": "张三", "mobile": "13812345678",
        "id_type": "resident_id", "id_number": "110105194912310021", "workplace": "某公司"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "校验码不符" in html
    assert 'value="张三"' in html and 'value="13812345678"' in html and "某公司" in html
    assert not Party.objects.exists()


def test_an_edit_from_a_stale_page_is_refused(front_desk, login):
    party = PartyFactory(name="张三")
    client = login(front_desk)
    data = {"kind": "person", "name": "张三丰", "edit_version": 1}
    assert client.post(reverse("owners:party_edit", args=[party.pk]), data).status_code == 302
    data["name"] = "张三疯"
    again = client.post(reverse("owners:party_edit", args=[party.pk]), data)
    assert again.status_code == 200
    assert "其他人已修改" in again.content.decode()
    party.refresh_from_db()
    assert party.name == "张三丰"


def test_only_permitted_users_see_the_full_id_and_it_is_audited(front_desk, manager, login):
    party = PartyFactory(id_number=ID)
    url = reverse("owners:party_reveal_id", args=[party.pk])
    page = login(front_desk).get(reverse("owners:party_detail", args=[party.pk]))
    assert ID not in page.content.decode() and "110105********002X" in page.content.decode()
    assert "reveal-id" not in page.content.decode()
    assert login(front_desk).post(url).status_code == 403
    response = login(manager).post(url)
    assert ID in response.content.decode()
    assert AuditEntry.objects.filter(action="owners.id_viewed", actor=manager).count() == 1


def test_household_member_is_added_from_the_owner_page(front_desk, login):
    ownership = OwnershipFactory(party__name="刘旭")
    back = reverse("owners:party_detail", args=[ownership.party.pk])
    response = login(front_desk).post(
        reverse("owners:household_add", args=[ownership.room.pk]),
        {"name": "刘小明", "relation": "family", "relation_detail": "子女",
         "move_in_state": "moved_in", "mobile": "13900001111", "back": back}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == back
    assert "刘小明" in html and "刘小明（子女）登记入住" in html
    assert Occupancy.objects.filter(party__name="刘小明", room=ownership.room).exists()


def test_a_bad_household_form_keeps_the_input_and_explains(front_desk, login):
    room = RoomFactory()
    response = login(front_desk).post(reverse("owners:household_add", args=[room.pk]),
                                      {"name": "刘小明", "relation": "family",
                                       "move_in_state": "moved_in", "mobile": "12345"})
    assert response.status_code == 400
    assert "不是有效的电话号码" in response.content.decode()
    assert 'value="刘小明"' in response.content.decode()


def test_service_staff_cannot_add_household_members(service_staff, login):
    room = RoomFactory()
    response = login(service_staff).post(reverse("owners:household_add", args=[room.pk]),
                                         {"name": "x", "relation": "family",
                                          "move_in_state": "moved_in"})
    assert response.status_code == 403


def test_notes_go_on_the_timeline(front_desk, login):
    party = PartyFactory()
    login(front_desk).post(reverse("owners:party_note_add", args=[party.pk]),
                           {"kind": "feedback", "title": "电梯噪音大", "body": "晚上尤其明显"})
    assert Activity.objects.get(party=party).title == "电梯噪音大"


def test_owner_page_costs_the_same_queries_with_more_rooms_and_history(
        front_desk, login, django_assert_max_num_queries):
    ownership = OwnershipFactory()
    party = ownership.party
    client = login(front_desk)
    url = reverse("owners:party_detail", args=[party.pk])
    with django_assert_max_num_queries(40) as few:
        assert client.get(url).status_code == 200
    for _ in range(5):
        extra = OwnershipFactory(party=party)
        OccupancyFactory(room=extra.room)
        OwnershipFactory(room=extra.room)
        Activity.objects.create(party=party, kind="note", title="x",
                                occurred_at="2026-01-01T00:00Z")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_party_list_pages_by_keyset_with_constant_queries(front_desk, login,
                                                          django_assert_max_num_queries):
    client = login(front_desk)
    PartyFactory.create_batch(3, mobile="13800000000")
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("owners:party_list"))
    for n in range(60):
        PartyFactory(mobile=f"1380000{n:04d}")
    with django_assert_max_num_queries(len(few.captured_queries)) as grown:
        response = client.get(reverse("owners:party_list"), {"role": ""})
    assert len(response.context["page"].items) == 50
    assert "COUNT(" not in " ".join(q["sql"] for q in grown.captured_queries).upper()


def test_party_list_filters_by_estate_and_role(front_desk, login):
    owner = OwnershipFactory(party__name="业主甲")
    tenant = OccupancyFactory(party__name="租户乙", relation="tenant", room=owner.room)
    OwnershipFactory(party__name="别处丙")
    client = login(front_desk)
    html = client.get(reverse("owners:party_list"),
                      {"estate": owner.room.estate_id, "role": "owner"}).content.decode()
    assert "业主甲" in html and "租户乙" not in html and "别处丙" not in html
    html = client.get(reverse("owners:party_list"),
                      {"estate": owner.room.estate_id, "role": "occupant"}).content.decode()
    assert "租户乙" in html and tenant.party.name in html


def test_room_list_and_page(front_desk, login, django_assert_max_num_queries):
    ownership = OwnershipFactory(party__name="王五")
    client = login(front_desk)
    with django_assert_max_num_queries(20) as few:
        assert ownership.room.code in client.get(reverse("owners:room_list")).content.decode()
    RoomFactory.create_batch(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("owners:room_list"))
    page = client.get(reverse("owners:room_detail", args=[ownership.room.pk]))
    assert "王五" in page.content.decode()


def test_global_search_lands_on_people_and_rooms(front_desk, login):
    party = PartyFactory(name="张三", mobile="13812345678")
    room = RoomFactory()
    html = login(front_desk).get(reverse("portal:search"), {"q": "5678"}).content.decode()
    assert reverse("owners:party_detail", args=[party.pk]) in html
    html = login(front_desk).get(reverse("portal:search"), {"q": room.code}).content.decode()
    assert reverse("owners:room_detail", args=[room.pk]) in html


def test_dashboard_shows_room_and_resident_figures(front_desk, login,
                                                   django_assert_max_num_queries):
    OwnershipFactory.create_batch(3)
    OccupancyFactory()
    client = login(front_desk)
    response = client.get(reverse("portal:home"))
    assert "房屋与住户" in response.content.decode()
    [card] = [c for c in response.context["cards"] if str(c.title) == "房屋与住户"]
    values = {str(f.label): f.value for f in card.figures}
    assert values == {"房屋": 4, "空置房屋": 4, "业主": 3, "非业主使用人": 1}
    with django_assert_max_num_queries(12) as cached:
        client.get(reverse("portal:home"))
    sql = " ".join(q["sql"] for q in cached.captured_queries)
    assert "owners_ownership" not in sql  # the shared figures come from the cache


def test_manager_creates_a_buildings_rooms_from_a_pattern(manager, front_desk, login):
    from owners.models import Building, Room
    from tests.owners.factories import EstateFactory

    building = Building.objects.create(estate=EstateFactory(), number="7")
    assert login(front_desk).get(reverse("owners:rooms_generate")).status_code == 403
    response = login(manager).post(reverse("owners:rooms_generate"), {
        "building": building.pk, "units": "1，2", "floor_from": 1, "floor_to": 18,
        "rooms_per_floor": 2, "gross_area": "89.5", "use": "home"})
    assert response.status_code == 302
    assert Room.objects.filter(building=building).count() == 72
    bad = login(manager).post(reverse("owners:rooms_generate"), {
        "building": building.pk, "floor_from": 9, "floor_to": 1, "rooms_per_floor": 2,
        "use": "home"})
    assert bad.status_code == 400 and "楼层须从低到高" in bad.content.decode()


def test_room_primary_contact_is_chosen_among_its_people(front_desk, login):
    ownership = OwnershipFactory()
    stranger = PartyFactory()
    client = login(front_desk)
    url = reverse("owners:room_contact", args=[ownership.room.pk])
    client.post(url, {"contact": stranger.pk})
    ownership.room.refresh_from_db()
    assert ownership.room.primary_contact is None
    client.post(url, {"contact": ownership.party.pk})
    ownership.room.refresh_from_db()
    assert ownership.room.primary_contact == ownership.party


def test_owner_names_a_household_member_as_contact(front_desk, login):
    ownership = OwnershipFactory()
    spouse = OccupancyFactory(room=ownership.room, relation_detail="配偶").party
    client = login(front_desk)
    client.post(reverse("owners:party_contact", args=[ownership.party.pk]),
                {"contact": spouse.pk})
    ownership.party.refresh_from_db()
    assert ownership.party.primary_contact == spouse
    page = client.get(reverse("owners:party_detail", args=[ownership.party.pk]))
    assert "主要联系人" in page.content.decode()


def test_lists_filter_by_building_and_sort(front_desk, login):
    first = OwnershipFactory(party__name="阿甲")
    OwnershipFactory(party__name="阿乙")
    client = login(front_desk)
    html = client.get(reverse("owners:party_list"), {
        "estate": first.room.estate_id, "building": first.room.building_id}).content.decode()
    assert "阿甲" in html and "阿乙" not in html
    newest = client.get(reverse("owners:party_list"), {"sort": "newest"}).context["page"]
    assert [p.name for p in newest.items][:2] == ["阿乙", "阿甲"]
    rooms = client.get(reverse("owners:room_list"), {"building": first.room.building_id,
                                                     "estate": first.room.estate_id})
    assert [r.pk for r in rooms.context["page"].items] == [first.room.pk]


def test_committees_page_lists_members_and_meetings(front_desk, login):
    import datetime

    from owners.models import Committee, CommitteeMeeting, CommitteeMember

    ownership = OwnershipFactory(party__name="周主任")
    committee = Committee.objects.create(estate=ownership.room.estate, term="第二届",
                                         term_start=datetime.date(2024, 6, 1),
                                         term_end=datetime.date(2029, 5, 31))
    CommitteeMember.objects.create(committee=committee, party=ownership.party,
                                   post="director")
    CommitteeMeeting.objects.create(committee=committee, held_on=datetime.date(2026, 9, 1),
                                    title="续聘物业", decisions="同意续聘")
    html = login(front_desk).get(reverse("owners:committee_list")).content.decode()
    assert "周主任" in html and "主任" in html and "同意续聘" in html
    page = login(front_desk).get(reverse("owners:party_detail", args=[ownership.party.pk]))
    assert "第二届" in page.content.decode()


def test_managers_see_the_change_history_in_admin(manager, front_desk, login):
    ownership = OwnershipFactory()
    login(front_desk).post(reverse("owners:party_edit", args=[ownership.party.pk]), {
        "kind": "person", "name": "改过的名字", "edit_version": 1})
    response = login(manager).get(
        reverse("admin:owners_party_history", args=[ownership.party.pk]))
    assert response.status_code == 200
    assert "改过的名字" in response.content.decode()
    assert front_desk.username in response.content.decode() or \
        str(front_desk) in response.content.decode()


def test_room_list_filters_render_as_selects_and_sort_by_floor(front_desk, login):
    low = RoomFactory(floor=2, number="201", code="9-1-201")
    high = RoomFactory(floor=1, number="101", code="9-1-999", unit=low.unit)
    client = login(front_desk)
    html = client.get(reverse("owners:room_list")).content.decode()
    assert 'name="status"' in html and "空置" in html and 'name="sort"' in html
    rooms = client.get(reverse("owners:room_list"), {"sort": "floor"}).context["page"].items
    assert [r.pk for r in rooms] == [high.pk, low.pk]


def test_a_new_owner_is_added_and_the_seller_recorded_as_gone(front_desk, login):
    ownership = OwnershipFactory(party__name="卖方")
    room = ownership.room
    client = login(front_desk)
    client.post(reverse("owners:household_add", args=[room.pk]), {
        "name": "买方", "relation": "owner", "move_in_state": "not_moved_in"})
    client.post(reverse("owners:tenure_end", args=["ownership", ownership.pk]),
                {"end_date": "2026-11-01"})
    html = client.get(reverse("owners:room_detail", args=[room.pk])).content.decode()
    current, past = html.split("历史业主与使用人")
    assert "买方" in current and "卖方" in past
    from owners.models import Ownership

    assert Ownership.objects.get(party__name="买方").move_in_state == "not_moved_in"


def test_an_occupant_moves_out_and_a_bad_kind_is_404(front_desk, service_staff, login):
    occupancy = OccupancyFactory(party__name="租客")
    client = login(front_desk)
    assert client.post(reverse("owners:tenure_end", args=["nothing", occupancy.pk])
                       ).status_code == 404
    assert login(service_staff).post(reverse("owners:tenure_end",
                                             args=["occupancy", occupancy.pk])
                                     ).status_code == 403
    client.post(reverse("owners:tenure_end", args=["occupancy", occupancy.pk]), {})
    occupancy.refresh_from_db()
    assert occupancy.end_date is not None and occupancy.move_in_state == "moved_out"


def test_pets_are_added_and_removed_from_the_owner_page(front_desk, login):
    party = PartyFactory()
    client = login(front_desk)
    client.post(reverse("owners:pet_add", args=[party.pk]),
                {"species": "狗", "name": "旺财", "vaccinated_on": "2026-03-01"})
    pet = party.pets.get()
    assert "旺财" in client.get(reverse("owners:party_detail", args=[party.pk])
                              ).content.decode()
    client.post(reverse("owners:pet_remove", args=[party.pk, pet.pk]))
    assert not party.pets.exists()


def test_rooms_are_listed_in_the_order_people_count(front_desk, login):
    from tests.owners.factories import UnitFactory

    unit = UnitFactory(building__number="1", number="1")
    for number in ["1001", "101", "201"]:
        RoomFactory(unit=unit, number=number, code=f"1-1-{number}")
    page = login(front_desk).get(reverse("owners:room_list")).context["page"]
    assert [r.code for r in page.items] == ["1-1-101", "1-1-201", "1-1-1001"]


def test_filtered_lists_cost_the_same_with_more_buildings(front_desk, login,
                                                          django_assert_max_num_queries):
    from tests.owners.factories import BuildingFactory

    ownership = OwnershipFactory()
    estate = ownership.room.estate
    client = login(front_desk)
    for name in ("owners:room_list", "owners:party_list"):
        with django_assert_max_num_queries(20) as few:
            client.get(reverse(name), {"estate": estate.pk})
        BuildingFactory.create_batch(5, estate=estate)
        with django_assert_max_num_queries(len(few.captured_queries)):
            client.get(reverse(name), {"estate": estate.pk})


def test_the_button_that_ends_an_occupancy_says_move_out(front_desk, login):
    # given a family member living in a room
    occupancy = OccupancyFactory(party__name="刘小明")
    # when the desk opens the room
    html = login(front_desk).get(reverse("owners:room_detail", args=[occupancy.room.pk])
                                 ).content.decode()
    # then the control is the verb 迁出; 已迁出 is a state, not something to press
    assert '<summary class="small">迁出</summary>' in html
    assert '<summary class="small">已迁出</summary>' not in html
