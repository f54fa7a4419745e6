import pytest

from bench.scale import scale_owners
from owners.models import Occupancy, Ownership, Party, Room
from tests.owners.factories import OwnershipFactory

pytestmark = pytest.mark.django_db


def test_scale_owners_builds_its_own_people_when_demo_estates_are_there():
    # given demo estates with more people than the scale data asks for
    demo = OwnershipFactory.create_batch(30)
    # when the scale data is built
    scale_owners(estates=1, rooms=80, people=20)
    # then its rooms all have an owner of their own, beside the demo's untouched ones
    bench = Room.objects.filter(estate__name__startswith="基准小区")
    assert bench.count() == 80
    assert Ownership.objects.filter(room__in=bench).count() == 20
    assert Party.objects.count() == 30 + 20
    assert Ownership.objects.filter(pk__in=[o.pk for o in demo]).count() == 30


def test_scale_owners_a_second_time_adds_nobody():
    # given the scale data built once, with family members and tenants
    scale_owners(estates=1, rooms=80, people=100)
    bench = Room.objects.filter(estate__name__startswith="基准小区")
    people = Party.objects.count()
    assert Ownership.objects.filter(room__in=bench).count() == 80
    assert Occupancy.objects.filter(room__in=bench).count() == 20
    # when it runs again
    scale_owners(estates=1, rooms=80, people=100)
    # then it is already there
    assert Party.objects.count() == people
