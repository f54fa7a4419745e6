import pytest
from django.db import connection

from owners import identity
from owners.models import Party
from owners.search import parse, search_parties, search_rooms
from owners.services import party_save
from tests.owners.factories import PartyFactory, RoomFactory, UnitFactory

pytestmark = pytest.mark.django_db

ID = "11010519491231002X"


def test_id_numbers_are_never_stored_in_clear(front_desk):
    party = party_save(party=Party(name="张三"), by=front_desk, id_number=ID,
                       id_type="resident_id")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM owners_party WHERE id = %s", [party.pk])
        row = " ".join(str(value) for value in cursor.fetchone())
        cursor.execute("SELECT * FROM owners_historicalparty WHERE id = %s", [party.pk])
        history = " ".join(str(v) for r in cursor.fetchall() for v in r)
    assert ID not in row and ID not in history
    assert "110105********002X" in row
    assert identity.decrypt(party.id_encrypted) == ID


def test_birthday_is_taken_from_the_id_number(front_desk):
    party = party_save(party=Party(name="张三"), by=front_desk, id_number=ID,
                       id_type="resident_id")
    assert party.birthday.isoformat() == "1949-12-31"


def test_old_keys_still_decrypt_after_rotation(settings):
    old_token = identity.encrypt(ID)
    from cryptography.fernet import Fernet

    settings.PII_ENCRYPTION_KEYS = [Fernet.generate_key().decode(),
                                    *settings.PII_ENCRYPTION_KEYS]
    identity._fernet.cache_clear()
    try:
        assert identity.decrypt(old_token) == ID
        assert identity.decrypt(identity.encrypt(ID)) == ID
    finally:
        settings.PII_ENCRYPTION_KEYS = settings.PII_ENCRYPTION_KEYS[1:]
        identity._fernet.cache_clear()


@pytest.fixture
def people():
    unit = UnitFactory(building__number="3", number="2")
    room = RoomFactory(unit=unit, number="1201", code="3-2-1201")
    zhang = PartyFactory(name="张三", mobile="13812345678", id_number=ID)
    li = PartyFactory(name="李四", mobile="0571-88005678")
    company = PartyFactory(name="杭州绿城物业服务有限公司", kind="company")
    from owners.models import Vehicle

    Vehicle.objects.create(party=li, plate="浙A12345")
    return {"room": room, "zhang": zhang, "li": li, "company": company}


@pytest.mark.parametrize(("text", "who"), [
    ("张三", "zhang"), ("张", "zhang"), ("zs", "zhang"), ("zhangsan", "zhang"),
    ("ZhangS", "zhang"), ("13812345678", "zhang"), ("138 1234 5678", "zhang"),
    ("5678", "zhang"), (ID, "zhang"), ("110105491231002", "zhang"), ("浙A12345", "li"),
    ("浙A·123", "li"), ("0571-88005678", "li"), ("绿城物业", "company"),
])
def test_each_kind_of_key_finds_the_person(people, text, who):
    found = search_parties(parse(text))
    assert people[who] in found, text


def test_phone_tail_finds_both_people_ending_in_it(people):
    found = search_parties(parse("5678"))
    assert {people["zhang"], people["li"]} <= set(found)


@pytest.mark.parametrize("text", ["3-2-1201", "3栋2单元1201", "3号楼2单元1201室", "3幢2单元1201",
                                  "1201"])
def test_rooms_are_found_as_people_write_them(people, text):
    assert people["room"] in search_rooms(parse(text))


def test_a_wrong_id_number_finds_nobody(people):
    assert search_parties(parse("110105194912310021")) == []


def test_search_costs_a_fixed_number_of_queries(people, django_assert_max_num_queries):
    with django_assert_max_num_queries(8) as few:
        search_parties(parse("张"))
    for n in range(30):
        PartyFactory(name=f"张{n}", mobile=f"1390000{n:04d}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        search_parties(parse("张"))
