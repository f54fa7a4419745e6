import pytest
from django.test import Client

from staff.choices import Role
from tests.staff.factories import PASSWORD, DepartmentFactory, UserFactory


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the real Redis in CI)."""
    from django.core.cache import cache

    cache.clear()


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


class _Inbox:
    """Messages received by the local SMTP server, as email.message.Message objects."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        import email

        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback; Django's SMTP backend delivers to it."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    inbox.port = port
    yield inbox
    controller.stop()
