import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from tests.staff.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_gets_401_or_403_as_json_not_a_redirect():
    for url in [reverse("api-me"), reverse("department-list"), reverse("staff-list")]:
        response = Client().get(url)
        assert response.status_code in (401, 403), url
        assert response["Content-Type"].startswith("application/json")


def test_token_authentication_works(front_desk, password):
    client = Client()
    token = client.post(reverse("api-token"),
                        {"username": "frontdesk", "password": password}).json()["token"]
    response = Client().get(reverse("api-me"), HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "frontdesk"
    assert body["roles"] == ["客服"]
    assert Token.objects.filter(user=front_desk).count() == 1


def test_me_changes_only_the_language(front_desk, login):
    client = login(front_desk)
    response = client.patch(reverse("api-me"), {"language": "en", "username": "hacker"},
                            content_type="application/json")
    assert response.status_code == 200
    front_desk.refresh_from_db()
    assert front_desk.language == "en"
    assert front_desk.username == "frontdesk"


def test_me_rejects_an_unknown_language_with_a_reason(front_desk, login):
    response = login(front_desk).patch(reverse("api-me"), {"language": "fr"},
                                       content_type="application/json")
    assert response.status_code == 400
    assert "language" in response.json()


def test_user_without_a_role_cannot_list_departments(no_role_user, login):
    assert login(no_role_user).get(reverse("department-list")).status_code == 403


def test_front_desk_reads_departments_but_cannot_change_them(front_desk, department, login):
    client = login(front_desk)
    assert client.get(reverse("department-list")).status_code == 200
    response = client.patch(reverse("department-detail", args=[department.pk]),
                            {"phone": "0571-1"}, content_type="application/json")
    assert response.status_code == 403


def test_manager_changes_a_department(manager, department, login):
    response = login(manager).patch(reverse("department-detail", args=[department.pk]),
                                    {"phone": "0571-88001001", "version": 1},
                                    content_type="application/json")
    assert response.status_code == 200
    assert response.json()["version"] == 2
    department.refresh_from_db()
    assert department.phone == "0571-88001001"
    assert department.version == 2


def test_an_update_without_a_version_is_refused(manager, department, login):
    response = login(manager).patch(reverse("department-detail", args=[department.pk]),
                                    {"phone": "0571-1"}, content_type="application/json")
    assert response.status_code == 400
    assert "version" in response.json()


def test_an_update_from_a_stale_version_gets_409_and_changes_nothing(manager, department,
                                                                    login):
    client = login(manager)
    url = reverse("department-detail", args=[department.pk])
    first = client.patch(url, {"phone": "0571-1", "version": 1},
                         content_type="application/json")
    second = client.patch(url, {"phone": "0571-2", "version": 1},
                          content_type="application/json")
    assert first.status_code == 200
    assert second.status_code == 409
    assert "其他人" in second.json()["detail"]
    department.refresh_from_db()
    assert department.phone == "0571-1"


def test_staff_list_uses_a_constant_number_of_queries(front_desk, login,
                                                      django_assert_max_num_queries):
    client = login(front_desk)
    UserFactory.create_batch(3)
    with django_assert_max_num_queries(8) as few:
        assert client.get(reverse("staff-list")).status_code == 200
    UserFactory.create_batch(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("staff-list"))
    assert len(response.json()["results"]) == 34


def test_staff_search_by_phone_tail(front_desk, login):
    UserFactory(full_name="杨师傅", mobile="13912345678")
    response = login(front_desk).get(reverse("staff-list"), {"q": "5678"})
    names = [row["display_name"] for row in response.json()["results"]]
    assert names == ["杨师傅"]
