import factory
from factory.django import DjangoModelFactory

from service_tickets.models import Category, SlaTarget, Territory


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["code"]

    name = factory.Sequence(lambda n: f"类别{n}")
    code = factory.Sequence(lambda n: f"cat-{n}")


class SlaTargetFactory(DjangoModelFactory):
    class Meta:
        model = SlaTarget

    category = factory.SubFactory(CategoryFactory)
    priority = "normal"
    accept_minutes = 30
    respond_minutes = 120
    resolve_minutes = 480


class TerritoryFactory(DjangoModelFactory):
    class Meta:
        model = Territory
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"片区{n}")
