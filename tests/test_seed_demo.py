import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from staff.choices import Role
from staff.demo import DEMO_PASSWORD, LOGINS
from staff.models import Department, User

pytestmark = pytest.mark.django_db


def _counts():
    return User.objects.count(), Department.objects.count()


def test_seed_demo_is_idempotent_and_gives_one_login_per_role(rf):
    call_command("seed_demo", stdout=io.StringIO())
    first = _counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert _counts() == first
    assert {role for *_, role in LOGINS} == set(Role)
    for username, full_name, _dept, _title, role in LOGINS:
        user = authenticate(rf.post("/login/"), username=username, password=DEMO_PASSWORD)
        assert user is not None, username
        assert user.has_role(role)
        assert user.full_name == full_name
        assert user.department is not None


def test_demo_staff_have_chinese_names():
    call_command("seed_demo", stdout=io.StringIO())
    names = list(User.objects.filter(username__startswith="staff")
                 .values_list("full_name", flat=True))
    assert len(names) == 24
    assert all("\u4e00" <= name[0] <= "\u9fff" for name in names)
