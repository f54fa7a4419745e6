"""Scale data for the benchmark: rows in the numbers the pages must handle.

Each area adds a function here for its own tables. Bulk inserts, skipped when the rows
are already there, so a second run starts at once.
"""

import argparse
import json
import os
import random

import django


def scale_staff(target: int) -> None:
    from faker import Faker

    from staff.models import Department, User

    existing = User.objects.count()
    if existing >= target:
        return
    fake = Faker("zh_CN")
    fake.seed_instance(7)
    departments = list(Department.objects.all())
    batch = []
    for index in range(existing, target):
        batch.append(User(
            username=f"bench{index:07d}",
            full_name=fake.name(),
            department=departments[index % len(departments)],
            job_title="维修工",
            mobile=f"139{index:08d}",
            password="!",  # unusable
        ))
        if len(batch) == 5000:
            User.objects.bulk_create(batch)
            batch = []
    User.objects.bulk_create(batch)


def scale_owners(*, estates: int, rooms: int, people: int) -> None:
    """``estates`` estates of 20-storey buildings, 2 units × 2 rooms a floor; one owner per
    room and the other people as family members and tenants."""
    from faker import Faker

    from owners import identity
    from owners.models import Building, Estate, Occupancy, Ownership, Party, Phone, Room, Unit
    from owners.pinyin import name_keys
    from owners.validators import mask_id_number, resident_id_check_char

    if Room.objects.filter(code__startswith="B").count() >= rooms:
        return
    rng = random.Random(11)
    fake = Faker("zh_CN")
    fake.seed_instance(11)
    per_estate = rooms // estates
    per_building = 20 * 2 * 2
    room_objs = []
    for e in range(estates):
        estate, _ = Estate.objects.get_or_create(name=f"基准小区{e + 1:02d}")
        for b in range(max(1, per_estate // per_building)):
            building, _ = Building.objects.get_or_create(estate=estate, number=f"B{b + 1}")
            for u in (1, 2):
                unit, _ = Unit.objects.get_or_create(building=building, number=str(u))
                for floor in range(1, 21):
                    for r in (1, 2):
                        number = f"{floor}{r:02d}"
                        room_objs.append(Room(estate=estate, building=building, unit=unit,
                                              number=number, floor=floor, gross_area=90,
                                              code=f"B{b + 1}-{u}-{number}",
                                              sort_key=Room.natural_key_for(
                                                  f"B{b + 1}-{u}-{number}")))
    Room.objects.bulk_create(room_objs, batch_size=5000, ignore_conflicts=True)
    room_ids = list(Room.objects.filter(code__startswith="B").values_list("id", flat=True))

    def new_party(i: int) -> Party:
        name = fake.name()
        full, initials = name_keys(name)
        first17 = (f"33{i // 1000 % 10000:04d}{1950 + i % 50}{1 + i % 12:02d}"
                   f"{1 + i % 28:02d}{i % 1000:03d}")
        number = first17 + resident_id_check_char(first17)
        return Party(name=name, name_pinyin=full, name_initials=initials,
                     id_type="resident_id", id_encrypted=identity.encrypt(number),
                     id_hash=identity.lookup_hash(number), id_masked=mask_id_number(number))

    done = Party.objects.count()
    for start in range(done, people, 5000):
        batch = [new_party(i) for i in range(start, min(start + 5000, people))]
        Party.objects.bulk_create(batch)
        phones, ownerships, occupancies = [], [], []
        for offset, party in enumerate(batch):
            i = start + offset
            mobile = f"13{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}"
            phones.append(Phone(party=party, e164=f"+86{mobile}", kind="mobile",
                                display=mobile, tail=mobile[-4:], is_primary=True))
            room_id = room_ids[i % len(room_ids)]
            if i < len(room_ids):
                ownerships.append(Ownership(room_id=room_id, party=party))
            else:
                occupancies.append(Occupancy(room_id=room_id, party=party,
                                             relation=rng.choice(["family", "tenant"])))
        Phone.objects.bulk_create(phones)
        Ownership.objects.bulk_create(ownerships)
        Occupancy.objects.bulk_create(occupancies)


def targets() -> dict:
    """Real values to search for and pages to open, from the scaled data."""
    from owners.models import Ownership, Phone

    ownership = Ownership.objects.filter(room__code__startswith="B").select_related(
        "party", "room").order_by("id")[1000]
    party = ownership.party
    tail = Phone.objects.filter(party=party).values_list("tail", flat=True).first()
    return {"party": party.pk, "name": party.name[:2], "initials": party.name_initials,
            "tail": tail, "room": ownership.room.code, "room_id": ownership.room_id}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--staff", type=int, default=2_000)
    parser.add_argument("--estates", type=int, default=50)
    parser.add_argument("--rooms", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--targets", action="store_true", help="print targets as JSON")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    django.setup()
    if args.targets:
        print(json.dumps(targets(), ensure_ascii=False))
        return
    scale_staff(args.staff)
    scale_owners(estates=args.estates, rooms=args.rooms, people=args.people)

    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


if __name__ == "__main__":
    main()
