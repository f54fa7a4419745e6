import factory
from factory.django import DjangoModelFactory

from staff.choices import Role
from staff.models import Department, User
from staff.roles import ADMIN_ROLES, role_group

PASSWORD = "correct-horse-battery-9"


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["code"]

    name = factory.Sequence(lambda n: f"部门{n}")
    code = factory.Sequence(lambda n: f"dept-{n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name", locale="zh_CN")
    department = factory.SubFactory(DepartmentFactory)
    mobile = factory.Sequence(lambda n: f"139{n:08d}")
    language = "zh-hans"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        if not create or not extracted:
            obj.save()
            return
        role = Role(extracted)
        obj.groups.add(role_group(role))
        if role in ADMIN_ROLES:
            obj.is_staff = True
        obj.save()
