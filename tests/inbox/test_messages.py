"""An inbox message the system writes is kept as a message id and read in the reader's
language, on the page and in the API; messages kept as text read as they were written."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext_noop

from inbox.models import Notification
from inbox.services import notify
from portal.stored_text import choice, message
from service_tickets.choices import Status
from tests.inbox.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def speaking(user, language):
    user.language = language
    user.save(update_fields=["language"])
    return user


def export_ready(user, rows=3):
    notify(recipients=[user], url="/tickets/",
           title=message(gettext_noop("Your ticket export is ready")),
           body=message(gettext_noop("%(rows)s tickets; the link downloads the Excel file."),
                        rows=rows))


def test_the_text_column_keeps_the_recipients_language_at_the_time(front_desk):
    # given a Chinese-speaking recipient
    export_ready(front_desk)
    # then
    row = Notification.objects.get(recipient=front_desk)
    assert row.title == "工单导出已完成"
    assert row.title_message == {"id": "Your ticket export is ready", "args": {}}


def test_the_same_message_reads_in_chinese_then_in_english_after_a_switch(front_desk, login):
    # given: written while the recipient read Chinese
    export_ready(front_desk, rows=12)
    client = login(front_desk)
    chinese = client.get(reverse("inbox:list")).content.decode()
    assert "工单导出已完成" in chinese and "共 12 张工单" in chinese
    # when the person switches to English
    speaking(front_desk, "en")
    english = login(front_desk).get(reverse("inbox:list")).content.decode()
    api = login(front_desk).get(reverse("notification-list")).json()["results"]
    # then the page and the API read in English
    assert "Your ticket export is ready" in english and "工单导出已完成" not in english
    assert "12 tickets; the link downloads the Excel file." in english
    assert api[0]["title"] == "Your ticket export is ready"
    assert api[0]["body"] == "12 tickets; the link downloads the Excel file."


def test_messages_kept_as_text_read_as_written(front_desk, login):
    NotificationFactory(recipient=front_desk, title="旧系统的消息", body="原样显示")
    client = login(speaking(front_desk, "en"))
    html = client.get(reverse("inbox:list")).content.decode()
    api = client.get(reverse("notification-list")).json()["results"]
    assert "旧系统的消息" in html and "原样显示" in html
    assert (api[0]["title"], api[0]["body"]) == ("旧系统的消息", "原样显示")


def test_typed_text_given_to_notify_stays_as_typed(front_desk, colleague):
    notify(recipients=[front_desk, speaking(colleague, "en")], title="请回电",
           body="业主说晚上在家")
    assert set(Notification.objects.values_list("title", "body")) == {("请回电", "业主说晚上在家")}
    assert not Notification.objects.filter(title_message__isnull=False).exists()


def _translated(user, n):
    for i in range(n):
        notify(recipients=[user], title=message(
            gettext_noop("%(type)s %(number)s: %(text)s (%(status)s)"), type="报修",
            number=f"GD-{i}", text="漏水", status=choice(Status, Status.DONE)))


@pytest.mark.parametrize("url", ["inbox:list", "notification-list"])
def test_the_page_and_the_api_cost_the_same_with_3_or_30_messages(front_desk, login, url,
                                                                  django_assert_num_queries):
    client = login(speaking(front_desk, "en"))
    _translated(front_desk, 3)
    client.get(reverse(url))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse(url))
    _translated(front_desk, 27)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse(url))
    assert response.content.decode().count("Done, awaiting follow-up") == 30


def test_a_request_signed_with_a_token_reads_in_the_token_holders_language(front_desk):
    # given a person who reads English and a message the system wrote for them
    from django.test import Client
    from rest_framework.authtoken.models import Token

    export_ready(speaking(front_desk, "en"), rows=5)
    token = Token.objects.create(user=front_desk)
    # when: no session, no cookie, only the token
    response = Client().get(reverse("notification-list"), HTTP_AUTHORIZATION=f"Token {token}")
    # then
    assert response.json()["results"][0]["title"] == "Your ticket export is ready"
    assert response["Content-Language"] == "en"
