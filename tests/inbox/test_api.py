import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.inbox.factories import START, NotificationFactory

pytestmark = pytest.mark.django_db


def test_the_api_needs_a_sign_in(front_desk):
    mine = NotificationFactory(recipient=front_desk)
    client = Client()
    assert client.get(reverse("notification-list")).status_code in (401, 403)
    assert client.post(reverse("notification-read", args=[mine.pk])).status_code in (401, 403)
    assert client.post(reverse("notification-read-all")).status_code in (401, 403)
    mine.refresh_from_db()
    assert mine.read_at is None


def test_list_shows_only_own_messages_newest_first(front_desk, colleague, login):
    # given
    older = NotificationFactory(recipient=front_desk, title="旧")
    newer = NotificationFactory(recipient=front_desk, title="新", read_at=START)
    NotificationFactory(recipient=colleague, title="别人的")
    # when
    body = login(front_desk).get(reverse("notification-list")).json()
    # then
    assert [r["id"] for r in body["results"]] == [newer.pk, older.pk]
    assert body["results"][0]["is_read"] is True
    assert body["results"][1]["is_read"] is False
    assert set(body["results"][0]) == {"id", "title", "body", "url", "source", "created_at",
                                       "read_at", "is_read"}


def test_list_filters_unread_and_pages_by_cursor(front_desk, login):
    NotificationFactory.create_batch(3, recipient=front_desk)
    NotificationFactory(recipient=front_desk, read_at=START)
    client = login(front_desk)
    unread = client.get(reverse("notification-list"), {"unread": "true"}).json()
    assert [r["is_read"] for r in unread["results"]] == [False] * 3
    first = client.get(reverse("notification-list"), {"page_size": 2}).json()
    assert len(first["results"]) == 2 and first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 2 and not second["next"]
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}


def test_a_user_without_any_role_reads_their_own_messages(no_role_user, login):
    NotificationFactory(recipient=no_role_user)
    response = login(no_role_user).get(reverse("notification-list"))
    assert response.status_code == 200
    assert len(response.json()["results"]) == 1


def test_someone_elses_message_is_not_found(front_desk, colleague, login):
    # given
    theirs = NotificationFactory(recipient=colleague)
    client = login(front_desk)
    # when
    responses = [client.get(reverse("notification-detail", args=[theirs.pk])),
                 client.post(reverse("notification-read", args=[theirs.pk]))]
    # then
    assert [r.status_code for r in responses] == [404, 404]
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_reading_one_message(front_desk, login):
    mine = NotificationFactory(recipient=front_desk)
    client = login(front_desk)
    assert client.get(reverse("notification-detail", args=[mine.pk])).json()["is_read"] is False
    response = client.post(reverse("notification-read", args=[mine.pk]))
    assert response.status_code == 200
    assert response.json()["is_read"] is True and response.json()["read_at"]
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_read_all_marks_only_own_messages(front_desk, colleague, login):
    # given
    NotificationFactory.create_batch(2, recipient=front_desk)
    NotificationFactory(recipient=front_desk, read_at=START)
    theirs = NotificationFactory(recipient=colleague)
    # when
    response = login(front_desk).post(reverse("notification-read-all"))
    # then
    assert response.status_code == 200
    assert response.json() == {"marked": 2}
    assert not front_desk.notifications.filter(read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_messages_cannot_be_written_through_the_api(front_desk, login):
    mine = NotificationFactory(recipient=front_desk)
    client = login(front_desk)
    assert client.post(reverse("notification-list"), {"title": "x"},
                       content_type="application/json").status_code == 405
    assert client.delete(reverse("notification-detail", args=[mine.pk])).status_code == 405
    assert client.get(reverse("notification-read", args=[mine.pk])).status_code == 405


def test_the_list_costs_the_same_queries_with_more_messages(front_desk, login):
    client = login(front_desk)
    NotificationFactory.create_batch(5, recipient=front_desk)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("notification-list"))
    NotificationFactory.create_batch(25, recipient=front_desk)
    with CaptureQueriesContext(connection) as many:
        body = client.get(reverse("notification-list")).json()
    assert len(body["results"]) == 30
    assert len(many.captured_queries) == len(few.captured_queries)
