import pytest
from django.test import Client

from staff.choices import Role
from tests.staff.factories import PASSWORD, DepartmentFactory, UserFactory


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def department(db):
    return DepartmentFactory(name="客户服务中心", code="customer-service")


@pytest.fixture
def front_desk(db, department):
    return UserFactory(username="frontdesk", full_name="王丽娜", department=department,
                       role=Role.FRONT_DESK)


@pytest.fixture
def dispatcher(db, department):
    return UserFactory(username="dispatcher", full_name="陈建国", department=department,
                       role=Role.DISPATCHER)


@pytest.fixture
def service_staff(db):
    return UserFactory(username="technician", full_name="李师傅", role=Role.SERVICE_STAFF)


@pytest.fixture
def manager(db):
    return UserFactory(username="manager", full_name="张明华", role=Role.MANAGER)


@pytest.fixture
def administrator(db):
    return UserFactory(username="sysadmin", full_name="周信息", role=Role.ADMINISTRATOR)


@pytest.fixture
def no_role_user(db):
    """Signed in, but holding no role at all."""
    return UserFactory(username="norole", full_name="无角色")


@pytest.fixture
def login():
    """``login(user)`` returns a client signed in as ``user``."""

    def _login(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def password():
    return PASSWORD
