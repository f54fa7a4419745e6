import factory
from factory.django import DjangoModelFactory

from owners import identity
from owners.models import Building, Estate, Occupancy, Ownership, Party, Phone, Room, Unit
from owners.pinyin import name_keys
from owners.validators import mask_id_number, normalise_phone


class EstateFactory(DjangoModelFactory):
    class Meta:
        model = Estate
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"测试花园{n}")


class BuildingFactory(DjangoModelFactory):
    class Meta:
        model = Building

    estate = factory.SubFactory(EstateFactory)
    number = factory.Sequence(lambda n: str(n + 1))


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit

    building = factory.SubFactory(BuildingFactory)
    number = "1"


class RoomFactory(DjangoModelFactory):
    class Meta:
        model = Room

    unit = factory.SubFactory(UnitFactory)
    building = factory.SelfAttribute("unit.building")
    estate = factory.SelfAttribute("building.estate")
    number = factory.Sequence(lambda n: f"{n % 30 + 1}{n % 100:02d}")
    floor = 1
    code = factory.LazyAttribute(
        lambda o: Room.make_code(o.building.number, o.unit.number if o.unit else None,
                                 o.number))


class PartyFactory(DjangoModelFactory):
    class Meta:
        model = Party
        skip_postgeneration_save = True

    name = factory.Faker("name", locale="zh_CN")
    name_pinyin = factory.LazyAttribute(lambda o: name_keys(o.name)[0])
    name_initials = factory.LazyAttribute(lambda o: name_keys(o.name)[1])

    @factory.post_generation
    def mobile(obj, create, extracted, **kwargs):
        if create and extracted:
            phone = normalise_phone(extracted)
            Phone.objects.create(party=obj, e164=phone.e164, kind=phone.kind,
                                 display=phone.display, tail=phone.tail, is_primary=True)

    @factory.post_generation
    def id_number(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.id_type = "resident_id"
            obj.id_encrypted = identity.encrypt(extracted)
            obj.id_hash = identity.lookup_hash(extracted)
            obj.id_masked = mask_id_number(extracted)
            obj.save()


class OwnershipFactory(DjangoModelFactory):
    class Meta:
        model = Ownership

    room = factory.SubFactory(RoomFactory)
    party = factory.SubFactory(PartyFactory)


class OccupancyFactory(DjangoModelFactory):
    class Meta:
        model = Occupancy

    room = factory.SubFactory(RoomFactory)
    party = factory.SubFactory(PartyFactory)
    relation = "family"
