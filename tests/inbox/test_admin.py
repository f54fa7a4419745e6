import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.inbox.factories import NotificationFactory
from tests.staff.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/admin/inbox/notification/"


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def test_administrators_browse_messages_read_only(superuser, front_desk, login):
    # given
    message = NotificationFactory(recipient=front_desk, title="停电通知")
    client = login(superuser)
    # when
    listing = client.get(URL)
    detail = client.get(f"{URL}{message.pk}/change/")
    # then
    assert listing.status_code == 200
    assert "停电通知" in listing.content.decode()
    assert detail.status_code == 200
    assert 'name="title"' not in detail.content.decode()  # shown, not editable
    assert client.get(f"{URL}add/").status_code == 403
    assert client.post(f"{URL}{message.pk}/delete/", {"post": "yes"}).status_code == 403


def test_the_view_permission_is_enough_to_browse(administrator, front_desk, login):
    # The role table (staff.roles) decides who holds it; the admin asks nothing more.
    administrator.user_permissions.add(Permission.objects.get(codename="view_notification"))
    NotificationFactory(recipient=front_desk, title="停电通知")
    assert login(administrator).get(URL).status_code == 200


def test_staff_without_admin_access_are_kept_out(front_desk, login):
    assert login(front_desk).get(URL).status_code == 302


def test_the_admin_list_never_counts_the_whole_table(superuser, login):
    NotificationFactory.create_batch(5)
    with CaptureQueriesContext(connection) as queries:
        response = login(superuser).get(URL, {"read": "no"})
    assert response.status_code == 200
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()
              and "inbox_notification" in q["sql"]]
    assert counts and all("LIMIT 10000" in sql for sql in counts)
