"""Demo estates, rooms, owners and occupants with realistic Chinese names and numbers."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone
from faker import Faker

from staff.models import User

from . import identity
from .choices import EstateKind, Gender, IdType, OccupantRelation, RoomStatus
from .models import (
    Building,
    Committee,
    CommitteeMember,
    Estate,
    Party,
    Phone,
    Room,
    Tag,
    Vehicle,
)
from .pinyin import name_keys
from .services import occupancy_add, ownership_add, rooms_bulk_create
from .validators import mask_id_number, normalise_phone, resident_id_check_char

# name, kind, address, [(building, units, floors, rooms per floor, area)]: two residential
# estates of high-rises, one of six-storey blocks, an office tower and a shopping centre.
ESTATES = [
    ("翠苑花园", EstateKind.RESIDENTIAL, "杭州市西湖区文三路 288 号",
     [("1", ["1", "2"], 18, 2, "89.50"), ("2", ["1", "2"], 18, 2, "126.00"),
      ("3", ["1", "2"], 11, 3, "98.30")]),
    ("滨江名苑", EstateKind.RESIDENTIAL, "杭州市滨江区江南大道 1000 号",
     [("5", ["1"], 26, 4, "110.00"), ("6", ["1"], 26, 4, "143.20")]),
    ("钱江商务中心", EstateKind.OFFICE, "杭州市上城区钱江路 58 号",
     [("A", [], 20, 6, "210.00")]),
    ("桂花城", EstateKind.RESIDENTIAL, "杭州市拱墅区莫干山路 1288 号",
     [("7", ["1", "2"], 6, 2, "92.00"), ("8", ["1", "2"], 6, 2, "92.00"),
      ("9", ["1", "2"], 6, 2, "118.60")]),
    ("金沙湾购物中心", EstateKind.COMMERCIAL, "杭州市钱塘区金沙大道 600 号",
     [("1", [], 4, 14, "68.00")]),
]
ROOM_USE = {EstateKind.OFFICE: "office", EstateKind.COMMERCIAL: "shop"}
TAGS = ["VIP", "独居老人", "业委会成员", "装修中", "有宠物"]
PLATE_PROVINCES = "浙浙浙浙沪苏皖"


def _resident_id(rng: random.Random, born: datetime.date, female: bool) -> str:
    region = rng.choice(["330106", "330108", "330102", "310101", "320102", "110105"])
    seq = rng.randint(10, 99) * 10 + (rng.choice([0, 2, 4, 6, 8]) if female
                                      else rng.choice([1, 3, 5, 7, 9]))
    first17 = f"{region}{born:%Y%m%d}{seq:03d}"
    return first17 + resident_id_check_char(first17)


def seed(*, stdout, rng: random.Random) -> None:
    if Estate.objects.filter(name=ESTATES[0][0]).exists():
        stdout.write("owners: demo estates already present")
        return
    fake = Faker("zh_CN")
    fake.seed_instance(rng.randint(0, 10**6))
    tags = [Tag.objects.get_or_create(name=name)[0] for name in TAGS]
    desk = User.objects.filter(username="frontdesk").first()
    for name, kind, address, buildings in ESTATES:
        estate = Estate.objects.create(name=name, kind=kind, address=address,
                                       phone="0571-8" + str(rng.randint(1000000, 9999999)))
        for number, units, floors, per_floor, area in buildings:
            building = Building.objects.create(estate=estate, number=number, floors=floors)
            rooms_bulk_create(building=building, units=units, floor_from=1, floor_to=floors,
                              rooms_per_floor=per_floor, gross_area=Decimal(area), by=None,
                              use=ROOM_USE.get(kind, "home"))
        members = _people_for(estate, fake, rng, tags, desk)
        if kind != EstateKind.RESIDENTIAL:
            continue
        committee = Committee.objects.create(
            estate=estate, term="第二届", term_start=datetime.date(2024, 6, 1),
            term_end=datetime.date(2029, 5, 31))
        for index, party in enumerate(members[:5]):
            post = ["director", "deputy", "member", "member", "member"][index]
            CommitteeMember.objects.create(committee=committee, party=party, post=post)
    _demo_templates()
    stdout.write(f"owners: {Estate.objects.count()} estates, {Room.objects.count()} rooms, "
                 f"{Party.objects.count()} owners and occupants")


def _new_party(fake: Faker, rng: random.Random, *, with_id: bool = True) -> tuple[Party, str]:
    female = rng.random() < 0.5
    name = fake.name_female() if female else fake.name_male()
    born = fake.date_of_birth(minimum_age=20, maximum_age=80)
    party = Party(name=name, gender=Gender.FEMALE if female else Gender.MALE, birthday=born)
    party.name_pinyin, party.name_initials = name_keys(name)
    if with_id:
        number = _resident_id(rng, born, female)
        party.id_type = IdType.RESIDENT_ID
        party.id_encrypted = identity.encrypt(number)
        party.id_hash = identity.lookup_hash(number)
        party.id_masked = mask_id_number(number)
    mobile = f"1{rng.choice(['38', '39', '58', '86', '77', '99'])}{rng.randint(0, 99999999):08d}"
    return party, mobile


def _moment(day: datetime.date, rng: random.Random) -> datetime.datetime:
    """Some time of the office day on ``day``, when the desk would have entered it."""
    zone = timezone.get_current_timezone()
    return datetime.datetime.combine(day, datetime.time(9), zone) + datetime.timedelta(
        minutes=rng.randint(0, 8 * 60))


def _people_for(estate: Estate, fake: Faker, rng: random.Random, tags: list[Tag],
                desk) -> list[Party]:
    """Owners of most rooms, family members in about half of the homes and tenants in a
    tenth, their phones and cars. Ownerships and occupancies go through the services at
    the day they began (the clock moved there), so timelines and the audit log tell the
    households' history."""
    import time_machine
    from simple_history.utils import bulk_create_with_history

    rooms = list(Room.objects.filter(estate=estate).select_related("estate").order_by("code"))
    today = timezone.localdate()
    owners, phones, vehicles, households = [], [], [], []
    for room in rooms:
        if rng.random() < 0.12:
            continue  # unsold or unknown owner
        party, mobile = _new_party(fake, rng)
        owners.append((party, mobile, room))
    family, tenants = [], []
    for _party, _mobile, room in owners:
        if room.use == "home" and rng.random() < 0.5:
            relative, mobile = _new_party(fake, rng, with_id=rng.random() < 0.5)
            family.append((relative, mobile, room))
    for room in rng.sample(rooms, k=len(rooms) // 10):
        tenants.append((*_new_party(fake, rng), room))
    people = owners + family + tenants
    bulk_create_with_history([p for p, _, _ in people], Party, batch_size=500,
                             default_user=desk)
    for party, mobile, _room in people:
        phone = normalise_phone(mobile)
        phones.append(Phone(party=party, e164=phone.e164, kind=phone.kind, display=phone.display,
                            tail=phone.tail, is_primary=True))
        if rng.random() < 0.3:
            vehicles.append(Vehicle(party=party, plate=f"{rng.choice(PLATE_PROVINCES)}"
                                    f"{rng.choice('ABCDEFGH')}{rng.randint(10000, 99999)}"))
    Phone.objects.bulk_create(phones, batch_size=1000)
    Vehicle.objects.bulk_create(vehicles, batch_size=1000)
    for party, _mobile, room in owners:
        start = today - datetime.timedelta(days=rng.randint(200, 3000))
        households.append((start, "owner", party, room, ""))
    for party, _mobile, room in family:
        households.append((today - datetime.timedelta(days=rng.randint(30, 900)), "family",
                           party, room, rng.choice(["配偶", "子女", "父母"])))
    for party, _mobile, room in tenants:
        households.append((today - datetime.timedelta(days=rng.randint(20, 700)), "tenant",
                           party, room, ""))
    households.sort(key=lambda row: (row[0], row[3].code, row[1]))
    with time_machine.travel(_moment(households[0][0], rng), tick=False) as clock:
        for start, role, party, room, detail in households:
            clock.move_to(_moment(start, rng))
            if role == "owner":
                ownership_add(room=room, party=party, by=desk, start_date=start)
            else:
                occupancy_add(room=room, party=party, by=desk, start_date=start,
                              relation=(OccupantRelation.FAMILY if role == "family"
                                        else OccupantRelation.TENANT),
                              relation_detail=detail)
    owned = {room.pk for _p, _m, room in owners}
    rented = {room.pk for _p, _m, room in tenants}
    Room.objects.filter(pk__in=owned).update(status=RoomStatus.OCCUPIED)
    Room.objects.filter(pk__in=rented).update(status=RoomStatus.RENTED)
    for party, _, _ in rng.sample(owners, k=min(20, len(owners))):
        party.tags.add(rng.choice(tags))
    return [p for p, _, _ in owners]


def _demo_templates() -> None:
    """A service contract and a proposal template, as a manager would upload them."""
    import io

    import docx
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .documents import template_upload

    manager = User.objects.filter(username="manager").first()
    if manager is None:
        return
    texts = {
        ("contract", "物业服务合同"): [
            "物业服务合同", "合同编号：{{ document.number }}",
            "甲方（业主）：{{ owner.name }}　联系电话：{{ owner.phone }}",
            "房屋：{{ room.estate }} {{ room.code }}，建筑面积 {{ room.gross_area }} 平方米",
            "服务期限：{{ document.start_date }} 至 {{ document.end_date }}",
            "物业服务费：人民币 {{ document.amount }} 元（大写：{{ document.amount_upper }}）",
            "签订日期：{{ today }}",
        ],
        ("proposal", "维修建议书"): [
            "维修建议书 {{ document.number }}", "尊敬的 {{ owner.name }} 业主：",
            "关于 {{ room.code }} 的 {{ document.title }}，我们建议如下……",
            "预计费用：{{ document.amount }} 元（{{ document.amount_upper }}）", "{{ today }}",
        ],
    }
    for (kind, name), lines in texts.items():
        document = docx.Document()
        for line in lines:
            document.add_paragraph(line)
        out = io.BytesIO()
        document.save(out)
        template_upload(kind=kind, name=name, by=manager,
                        upload=SimpleUploadedFile(f"{name}.docx", out.getvalue()))
