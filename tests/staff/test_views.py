import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login_from_every_page():
    client = Client()
    for name in ["portal:home", "portal:search", "staff:directory", "staff:password_change"]:
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("staff:login"))


def test_login_page_is_chinese_by_default_even_for_english_browsers():
    response = Client().get(reverse("staff:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    assert "登录" in response.content.decode()


def test_front_desk_signs_in_and_sees_the_chinese_dashboard(front_desk, password):
    client = Client()
    response = client.post(reverse("staff:login"),
                           {"username": "frontdesk", "password": password}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("portal:home")
    assert "工作台" in html
    assert "王丽娜，您好" in html
    assert AuditEntry.objects.filter(action="auth.login", actor=front_desk).exists()


def test_wrong_password_explains_the_lockout_rule_in_chinese(front_desk):
    response = Client().post(reverse("staff:login"),
                             {"username": "frontdesk", "password": "wrong-password-1"})
    assert response.status_code == 200
    assert "连续失败五次" in response.content.decode()
    assert AuditEntry.objects.filter(action="auth.login_failed",
                                     actor_repr="frontdesk").exists()


def test_logout_needs_post_and_ends_the_session(front_desk, login):
    client = login(front_desk)
    assert client.get(reverse("staff:logout")).status_code == 405
    response = client.post(reverse("staff:logout"))
    assert response.status_code == 302
    assert client.get(reverse("portal:home")).status_code == 302
    assert AuditEntry.objects.filter(action="auth.logout", actor=front_desk).exists()


def test_password_change_rejects_short_passwords_in_chinese(front_desk, login, password):
    client = login(front_desk)
    response = client.post(reverse("staff:password_change"), {
        "old_password": password, "new_password1": "Short-1", "new_password2": "Short-1"})
    assert response.status_code == 200
    assert "至少" in response.content.decode() and "12" in response.content.decode()
    front_desk.refresh_from_db()
    assert front_desk.check_password(password)


def test_password_change_keeps_the_user_signed_in_and_is_audited(front_desk, login, password):
    client = login(front_desk)
    new = "new-long-passphrase-2026"
    response = client.post(reverse("staff:password_change"), {
        "old_password": password, "new_password1": new, "new_password2": new})
    assert response.status_code == 302
    front_desk.refresh_from_db()
    assert front_desk.check_password(new)
    assert client.get(reverse("portal:home")).status_code == 200
    assert AuditEntry.objects.filter(action="auth.password_changed", actor=front_desk).exists()


def test_language_switch_is_remembered_on_the_account(front_desk, login, password):
    client = login(front_desk)
    response = client.post(reverse("staff:set_language"),
                           {"language": "en", "next": reverse("portal:home")})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    front_desk.refresh_from_db()
    assert front_desk.language == "en"

    # A new browser (no cookie) still gets English once the user signs in.
    fresh = Client()
    page = fresh.post(reverse("staff:login"), {"username": "frontdesk", "password": password},
                      follow=True)
    assert "Hello, 王丽娜" in page.content.decode()
    assert page["Content-Language"] == "en"


def test_language_switch_on_the_login_page_uses_a_cookie():
    client = Client()
    client.post(reverse("staff:set_language"), {"language": "en", "next": "/login/"})
    assert "Sign in" in client.get(reverse("staff:login")).content.decode()


def test_language_switch_refuses_unknown_languages_and_foreign_redirects(front_desk, login):
    client = login(front_desk)
    response = client.post(reverse("staff:set_language"),
                           {"language": "xx", "next": "https://evil.example/"})
    assert response["Location"] == reverse("portal:home")
    front_desk.refresh_from_db()
    assert front_desk.language == "zh-hans"


def test_sessions_expire_after_a_shift():
    assert 0 < settings.SESSION_COOKIE_AGE <= 12 * 60 * 60
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"


# --- the colleague picker -------------------------------------------------------------------

def test_the_colleague_picker_finds_active_staff_by_name_or_phone_tail(
        front_desk, login, django_assert_num_queries):
    from tests.staff.factories import DepartmentFactory, UserFactory

    service = DepartmentFactory(name="工程部", code="eng")
    found = UserFactory(full_name="王建国", mobile="13800001234", department=service)
    UserFactory(full_name="王建军", is_active=False)
    client = login(front_desk)
    url = reverse("staff:picker")
    by_name = client.get(url, {"q": "王建"}).json()["results"]
    assert by_name == [{"id": found.pk, "label": "王建国 · 工程部"}]
    assert client.get(url, {"q": "1234"}).json()["results"][0]["id"] == found.pk
    assert client.get(url, {"q": ""}).json() == {"results": []}
    for n in range(12):
        UserFactory(full_name=f"王建{n:02d}", department=service)
    with django_assert_num_queries(4):  # user, permissions (2), the search (session cached)
        assert len(client.get(url, {"q": "王建"}).json()["results"]) == 10


def test_the_colleague_picker_needs_sign_in_and_the_right(client, no_role_user, login):
    url = reverse("staff:picker")
    assert client.get(url, {"q": "王"}).status_code == 302
    assert login(no_role_user).get(url, {"q": "王"}).status_code == 403
