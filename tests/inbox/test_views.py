import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.inbox.factories import START, NotificationFactory

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_sign_in(front_desk):
    mine = NotificationFactory(recipient=front_desk)
    client = Client()
    for response in [client.get(reverse("inbox:list")),
                     client.get(reverse("inbox:open", args=[mine.pk])),
                     client.post(reverse("inbox:read_all"))]:
        assert response.status_code == 302
        assert reverse("staff:login") in response["Location"]
    mine.refresh_from_db()
    assert mine.read_at is None


def test_inbox_lists_only_the_users_own_messages_newest_first(front_desk, colleague, login):
    # given
    older = NotificationFactory(recipient=front_desk, title="旧消息")
    newer = NotificationFactory(recipient=front_desk, title="新消息")
    NotificationFactory(recipient=colleague, title="别人的消息")
    # when
    response = login(front_desk).get(reverse("inbox:list"))
    # then
    assert response.status_code == 200
    assert response.context["page"].items == [newer, older]
    html = response.content.decode()
    assert "新消息" in html and "旧消息" in html
    assert "别人的消息" not in html


def test_a_user_without_any_role_still_has_an_inbox(no_role_user, login):
    NotificationFactory(recipient=no_role_user, title="欢迎使用")
    response = login(no_role_user).get(reverse("inbox:list"))
    assert response.status_code == 200
    assert "欢迎使用" in response.content.decode()


def test_unread_messages_are_highlighted(front_desk, login):
    # given
    NotificationFactory(recipient=front_desk, title="未读")
    NotificationFactory(recipient=front_desk, title="已读", read_at=START)
    # when
    html = login(front_desk).get(reverse("inbox:list")).content.decode()
    # then
    assert html.count('data-testid="notification-unread"') == 1
    assert html.count('data-testid="notification-read"') == 1
    unread_row = html.split('data-testid="notification-unread"')[1].split("</a>")[0]
    assert "未读" in unread_row and "已读" not in unread_row


def test_unread_only_filter_hides_read_messages(front_desk, login):
    NotificationFactory(recipient=front_desk, title="未读")
    NotificationFactory(recipient=front_desk, title="已读", read_at=START)
    response = login(front_desk).get(reverse("inbox:list"), {"unread": "1"})
    assert [n.title for n in response.context["page"].items] == ["未读"]
    assert response.context["unread_only"] is True


def test_long_inboxes_page_by_keyset_without_count_or_offset(front_desk, login):
    # given
    NotificationFactory.create_batch(60, recipient=front_desk)
    client = login(front_desk)
    # when
    with CaptureQueriesContext(connection) as queries:
        first = client.get(reverse("inbox:list"), {"unread": "1"})
    page = first.context["page"]
    second = client.get(reverse("inbox:list"), {"unread": "1", "cursor": page.next_cursor})
    # then
    assert len(page.items) == 50
    assert f"unread=1&amp;cursor={page.next_cursor}" in first.content.decode()
    assert len(second.context["page"].items) == 10
    assert not set(page.items) & set(second.context["page"].items)
    sql = " ".join(q["sql"].upper() for q in queries.captured_queries)
    assert "COUNT(" not in sql and "OFFSET" not in sql


def test_the_inbox_costs_the_same_queries_with_more_messages(front_desk, login):
    # given
    client = login(front_desk)
    NotificationFactory.create_batch(5, recipient=front_desk)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("inbox:list"))
    # when
    NotificationFactory.create_batch(25, recipient=front_desk)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("inbox:list"))
    # then
    assert len(response.context["page"].items) == 30
    assert len(many.captured_queries) == len(few.captured_queries)


def test_opening_a_message_marks_it_read_and_follows_its_link(front_desk, login):
    # given
    message = NotificationFactory(recipient=front_desk, url="/tickets/12/?tab=events")
    # when
    response = login(front_desk).get(reverse("inbox:open", args=[message.pk]))
    # then
    assert response.status_code == 302
    assert response["Location"] == "/tickets/12/?tab=events"
    message.refresh_from_db()
    assert message.read_at is not None


def test_opening_by_post_works_too(front_desk, login):
    message = NotificationFactory(recipient=front_desk, url="/owners/people/")
    response = login(front_desk).post(reverse("inbox:open", args=[message.pk]))
    assert response["Location"] == "/owners/people/"
    message.refresh_from_db()
    assert message.read_at is not None


@pytest.mark.parametrize("url", [
    "https://evil.example/phish", "//evil.example/phish", "/\\evil.example", "javascript:alert(1)",
    "http:/evil.example", "relative/path", ""])
def test_opening_never_leaves_the_site(front_desk, login, url):
    # given
    message = NotificationFactory(recipient=front_desk, url=url)
    # when
    response = login(front_desk).get(reverse("inbox:open", args=[message.pk]))
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("inbox:list")
    message.refresh_from_db()
    assert message.read_at is not None


def test_someone_elses_message_is_not_found_and_stays_unread(front_desk, colleague, login):
    # given
    theirs = NotificationFactory(recipient=colleague)
    client = login(front_desk)
    # when
    responses = [client.get(reverse("inbox:open", args=[theirs.pk])),
                 client.post(reverse("inbox:open", args=[theirs.pk]))]
    # then
    assert [r.status_code for r in responses] == [404, 404]
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_reads_only_the_users_own_messages(front_desk, colleague, login):
    # given
    NotificationFactory.create_batch(3, recipient=front_desk)
    theirs = NotificationFactory(recipient=colleague)
    client = login(front_desk)
    # when
    response = client.post(reverse("inbox:read_all"), follow=True)
    # then
    assert response.redirect_chain == [(reverse("inbox:list"), 302)]
    assert not front_desk.notifications.filter(read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    alert = response.content.decode().split('role="alert"')[1].split("</div>")[0]
    assert "3" in alert


def test_mark_all_read_refuses_get(front_desk, login):
    NotificationFactory(recipient=front_desk)
    assert login(front_desk).get(reverse("inbox:read_all")).status_code == 405
    assert front_desk.notifications.filter(read_at__isnull=True).count() == 1
