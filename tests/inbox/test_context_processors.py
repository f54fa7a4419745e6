import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inbox.context_processors import inbox
from inbox.models import Notification
from tests.inbox.factories import START, NotificationFactory

pytestmark = pytest.mark.django_db


def _badge(html: str) -> str | None:
    if 'data-testid="inbox-unread"' not in html:
        return None
    return html.split('data-testid="inbox-unread">')[1].split("<")[0]


def test_the_bell_shows_how_many_messages_are_unread(front_desk, colleague, login):
    # given
    NotificationFactory.create_batch(3, recipient=front_desk)
    NotificationFactory(recipient=front_desk, read_at=START)
    NotificationFactory.create_batch(2, recipient=colleague)
    # when
    html = login(front_desk).get(reverse("portal:home")).content.decode()
    # then
    assert 'data-testid="inbox-bell"' in html
    assert _badge(html) == "3"


def test_the_bell_has_no_badge_when_everything_is_read(front_desk, login):
    NotificationFactory(recipient=front_desk, read_at=START)
    html = login(front_desk).get(reverse("portal:home")).content.decode()
    assert 'data-testid="inbox-bell"' in html
    assert _badge(html) is None


def test_the_badge_stops_at_99_plus(front_desk, login):
    Notification.objects.bulk_create(
        Notification(recipient=front_desk, title=f"消息{n}", created_at=START)
        for n in range(120))
    html = login(front_desk).get(reverse("portal:home")).content.decode()
    assert _badge(html) == "99+"


def test_the_badge_drops_after_mark_all_read(front_desk, login):
    NotificationFactory.create_batch(2, recipient=front_desk)
    response = login(front_desk).post(reverse("inbox:read_all"), follow=True)
    assert _badge(response.content.decode()) is None


def test_the_badge_costs_one_bounded_query_without_count(front_desk, login):
    # given
    NotificationFactory.create_batch(3, recipient=front_desk)
    # when
    with CaptureQueriesContext(connection) as queries:
        login(front_desk).get(reverse("staff:password_change"))
    # then
    badge = [q["sql"] for q in queries.captured_queries if "inbox_notification" in q["sql"]]
    assert len(badge) == 1
    assert "LIMIT 100" in badge[0] and "COUNT(" not in badge[0].upper()


def test_signed_out_pages_show_no_bell_and_ask_nothing():
    # given
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    # when
    with CaptureQueriesContext(connection) as queries:
        context = inbox(request)
    # then
    assert context == {}
    assert not queries.captured_queries
    assert 'data-testid="inbox-bell"' not in Client().get(
        reverse("staff:login")).content.decode()


def test_the_count_is_read_only_when_a_template_shows_it(front_desk):
    request = RequestFactory().get("/")
    request.user = front_desk
    NotificationFactory(recipient=front_desk)
    with CaptureQueriesContext(connection) as queries:
        badge = inbox(request)["inbox_unread"]
    assert not queries.captured_queries
    assert (badge.count, badge.label) == (1, "1")
