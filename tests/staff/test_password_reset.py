import re

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry
from staff.tasks import send_password_reset_email

pytestmark = pytest.mark.django_db


def _body(message, subtype="plain") -> str:
    for part in message.walk():
        if part.get_content_type() == f"text/{subtype}":
            return part.get_payload(decode=True).decode(part.get_content_charset())
    raise AssertionError("no such part")


def test_reset_link_arrives_by_smtp_and_sets_a_new_password(front_desk, smtp_server,
                                                           django_capture_on_commit_callbacks):
    front_desk.email = "wanglina@example.com"
    front_desk.save()
    with django_capture_on_commit_callbacks() as callbacks:
        response = Client().post(reverse("staff:password_reset"),
                                 {"email": "wanglina@example.com"})
    assert response.status_code == 302
    assert len(callbacks) == 1  # one task, sent after the commit

    assert send_password_reset_email(front_desk.pk, "http://testserver/") is True
    [message] = smtp_server.messages
    assert message["To"] == "wanglina@example.com"
    assert "物业 CRM" in str(message["Subject"]) or "=?utf-8?" in message["Subject"]
    text = _body(message)
    assert "王丽娜" in text
    assert "<a href=" in _body(message, "html")
    link = re.search(r"http://testserver(/password/reset/\S+/)", text).group(1)

    client = Client()
    form = client.get(link, follow=True)
    assert form.status_code == 200
    new = "brand-new-passphrase-42"
    done = client.post(form.redirect_chain[-1][0],
                       {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    front_desk.refresh_from_db()
    assert front_desk.check_password(new)
    assert AuditEntry.objects.filter(action="auth.password_reset", actor=front_desk).exists()


def test_unknown_addresses_get_the_same_answer_and_no_mail(front_desk, smtp_server,
                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = Client().post(reverse("staff:password_reset"),
                                 {"email": "nobody@example.com"}, follow=True)
    assert "请查收邮件" in response.content.decode()
    assert callbacks == []


def test_task_for_a_user_without_email_sends_nothing(front_desk, smtp_server):
    assert send_password_reset_email(front_desk.pk, "http://testserver/") is False
    assert send_password_reset_email(999_999, "http://testserver/") is False
    assert smtp_server.messages == []


def test_a_used_link_is_refused_with_an_explanation(front_desk, smtp_server):
    front_desk.email = "wanglina@example.com"
    front_desk.save()
    send_password_reset_email(front_desk.pk, "http://testserver/")
    link = re.search(r"http://testserver(/password/reset/\S+/)",
                     _body(smtp_server.messages[0])).group(1)
    client = Client()
    page = client.get(link, follow=True)
    client.post(page.redirect_chain[-1][0], {"new_password1": "brand-new-passphrase-42",
                                             "new_password2": "brand-new-passphrase-42"})
    again = Client().get(link, follow=True)
    assert "链接已过期或已被使用" in again.content.decode()
