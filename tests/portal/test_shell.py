import pytest
from django.urls import reverse

from portal.pagination import keyset_page
from staff.models import User
from tests.staff.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_dashboard_shows_real_staff_figures(front_desk, login):
    UserFactory.create_batch(2)
    UserFactory(is_active=False)
    html = login(front_desk).get(reverse("portal:home")).content.decode()
    assert "在职员工" in html
    active = User.objects.filter(is_active=True).count()
    assert f">{active}<" in html.replace("\n", "").replace(" ", "")


def test_security_card_is_for_managers_only(front_desk, manager, login):
    assert "登录失败" not in login(front_desk).get(reverse("portal:home")).content.decode()
    assert "登录失败" in login(manager).get(reverse("portal:home")).content.decode()


def test_navigation_shows_admin_only_to_admin_roles(front_desk, manager, login):
    front = login(front_desk).get(reverse("portal:home")).content.decode()
    assert 'href="/admin/"' not in front
    assert 'href="/staff/"' in front
    assert 'href="/admin/"' in login(manager).get(reverse("portal:home")).content.decode()


def test_navigation_has_no_entries_for_areas_not_built(front_desk, login):
    html = login(front_desk).get(reverse("portal:home")).content.decode()
    for absent in ["/scheduling/", "/telephony/", "/prospects/", "/training/"]:
        assert absent not in html


def test_search_suggestions_come_back_as_a_fragment(front_desk, login):
    UserFactory(full_name="欧阳娜娜", job_title="保洁主管")
    response = login(front_desk).get(reverse("portal:search"), {"q": "欧阳"},
                                     HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert "欧阳娜娜" in html and "保洁主管" in html


def test_search_page_explains_when_nothing_is_found(front_desk, login):
    html = login(front_desk).get(reverse("portal:search"), {"q": "不存在的人"}).content.decode()
    assert "未找到结果" in html


def test_user_without_role_finds_no_colleagues(no_role_user, front_desk, login):
    html = login(no_role_user).get(reverse("portal:search"), {"q": "王丽娜"}).content.decode()
    assert "王丽娜" not in html.split("search-results")[1]


def test_directory_pages_by_keyset_with_constant_queries(front_desk, login,
                                                         django_assert_max_num_queries):
    client = login(front_desk)
    with django_assert_max_num_queries(10) as baseline:
        client.get(reverse("staff:directory"))
    UserFactory.create_batch(120)
    with django_assert_max_num_queries(len(baseline.captured_queries)) as grown:
        response = client.get(reverse("staff:directory"))
    assert response.context["page"].next_cursor
    assert len(response.context["page"].items) == 50
    sqls = " ".join(q["sql"].upper() for q in grown.captured_queries)
    assert "COUNT(" not in sqls
    assert "OFFSET" not in sqls


def test_directory_walks_forward_and_back_through_every_row(front_desk, login):
    UserFactory.create_batch(120)
    client = login(front_desk)
    seen, cursor, pages = [], None, []
    while True:
        params = {"cursor": cursor} if cursor else {}
        page = client.get(reverse("staff:directory"), params).context["page"]
        pages.append(page)
        seen.extend(member.pk for member in page.items)
        cursor = page.next_cursor
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == User.objects.filter(is_active=True).count()
    back = client.get(reverse("staff:directory"),
                      {"cursor": pages[-1].previous_cursor}).context["page"]
    assert [m.pk for m in back.items] == [m.pk for m in pages[-2].items]


def test_keyset_page_ignores_a_tampered_cursor(front_desk):
    page = keyset_page(User.objects.all(), fields=["full_name", "id"], cursor="!!bad!!")
    assert page.items


def test_directory_htmx_returns_rows_only(front_desk, login):
    response = login(front_desk).get(reverse("staff:directory"), {"q": "王"},
                                     HTTP_HX_REQUEST="true")
    assert "<html" not in response.content.decode()
    assert "王丽娜" in response.content.decode()


def test_keyset_pages_walk_a_descending_order_both_ways(front_desk):
    UserFactory.create_batch(25)
    qs = User.objects.all()
    expected = list(qs.order_by("-id").values_list("pk", flat=True))
    seen, cursor, pages = [], None, []
    while True:
        page = keyset_page(qs, fields=["-id"], cursor=cursor, size=10)
        pages.append(page)
        seen.extend(u.pk for u in page.items)
        cursor = page.next_cursor
        if not cursor:
            break
    assert seen == expected
    back = keyset_page(qs, fields=["-id"], cursor=pages[-1].previous_cursor, size=10)
    assert [u.pk for u in back.items] == [u.pk for u in pages[-2].items]
