"""Memos (备忘录): only their owner ever sees or changes them, in the pages and the API."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEntry
from scheduling import memos as memo_services
from scheduling import views_memos
from scheduling.models import Memo
from staff.choices import Role
from tests.staff.factories import UserFactory
from versioning.services import StaleVersionError

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(db):
    return UserFactory(username="memo-owner", role=Role.FRONT_DESK)


@pytest.fixture
def colleague(db):
    return UserFactory(username="memo-colleague", role=Role.FRONT_DESK)


def memo(owner, text="明天九点给3-2-1201回电话", **kw) -> Memo:
    return memo_services.memo_create(by=owner, text=text, **kw)


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


# --- Access -------------------------------------------------------------------------------

def test_anonymous_is_sent_to_sign_in_and_no_role_is_refused(no_role_user, login):
    url = reverse("scheduling:memos")
    assert Client().get(url).status_code == 302
    assert login(no_role_user).get(url).status_code == 403
    assert login(no_role_user).get(reverse("memo-list")).status_code == 403


def test_a_colleagues_memo_is_not_found_in_pages_or_api(owner, colleague, manager, login):
    # given a memo of the owner's
    mine = memo(owner, text="私人备忘")
    for other in (colleague, manager):  # a manager is no exception
        client = login(other)
        # when others look for it, then nothing is there
        assert "私人备忘" not in client.get(reverse("scheduling:memos")).content.decode()
        assert client.get(reverse("scheduling:memo_edit", args=[mine.pk])).status_code == 404
        assert client.post(reverse("scheduling:memo_edit", args=[mine.pk]), {
            "text": "改了", "version": 1}).status_code == 404
        assert client.post(reverse("scheduling:memo_delete", args=[mine.pk])).status_code == 404
        detail = reverse("memo-detail", args=[mine.pk])
        assert client.get(detail).status_code == 404
        assert client.patch(detail, {"text": "改了", "version": 1},
                            content_type="application/json").status_code == 404
        assert client.delete(detail).status_code == 404
        assert client.get(reverse("memo-list")).json()["results"] == []
    mine.refresh_from_db()
    assert mine.text == "私人备忘" and mine.version == 1


def test_memo_text_stays_out_of_the_audit_trail(owner):
    m = memo(owner, text="银行卡密码提示")
    entry = AuditEntry.objects.get(action="scheduling.memo_created")
    assert entry.details == {"memo_id": m.pk}
    assert "银行卡" not in entry.target_repr + json.dumps(entry.details, ensure_ascii=False)


# --- The list -----------------------------------------------------------------------------

def test_pinned_memos_come_first_then_the_newest(owner, login):
    old = memo(owner, text="旧的")
    pinned = memo(owner, text="置顶的", pinned=True)
    new = memo(owner, text="新的")
    response = login(owner).get(reverse("scheduling:memos"))
    assert [m.pk for m in response.context["page"].items] == [pinned.pk, new.pk, old.pk]


def test_the_list_pages_by_keyset_through_every_memo(owner, login, monkeypatch):
    monkeypatch.setattr(views_memos, "PAGE_SIZE", 2)
    made = [memo(owner, text=f"第{i}条", pinned=i == 3) for i in range(5)]
    client, seen, url = login(owner), [], reverse("scheduling:memos")
    while url:
        page = client.get(url).context["page"]
        seen += [m.pk for m in page.items]
        url = (reverse("scheduling:memos") + f"?cursor={page.next_cursor}"
               if page.next_cursor else None)
    assert sorted(seen) == sorted(m.pk for m in made) and len(seen) == 5
    assert seen[0] == made[3].pk


def test_search_finds_text_within_and_a_long_query_is_cut(owner, colleague, login):
    memo(owner, text="周五交物业费报表")
    memo(owner, text="给王阿姨回电话")
    memo(colleague, text="物业费也是我的")
    client = login(owner)
    page = client.get(reverse("scheduling:memos"), {"q": "物业费"}).context["page"]
    assert [m.text for m in page.items] == ["周五交物业费报表"]
    response = client.get(reverse("scheduling:memos"), {"q": "长" * 5000})
    assert response.status_code == 200
    assert len(response.context["query"]) == memo_services.SEARCH_MAX_LENGTH
    api = client.get(reverse("memo-list"), {"q": "电话"}).json()["results"]
    assert [m["text"] for m in api] == ["给王阿姨回电话"]


def test_the_list_costs_the_same_queries_with_more_memos(owner, login):
    client = login(owner)
    memo(owner)
    page_before = queries(client, reverse("scheduling:memos"))
    api_before = queries(client, reverse("memo-list"))
    for i in range(15):
        memo(owner, text=f"更多{i}", pinned=i % 3 == 0)
    assert queries(client, reverse("scheduling:memos")) == page_before
    assert queries(client, reverse("memo-list")) == api_before


# --- Writing ------------------------------------------------------------------------------

def test_writing_a_memo_from_the_page(owner, login):
    response = login(owner).post(reverse("scheduling:memo_new"), {
        "text": "  周一例会  ", "day": "2025-03-10", "pinned": "on"})
    assert response.status_code == 302
    saved = Memo.objects.get(owner=owner)
    assert (saved.text, str(saved.day), saved.pinned) == ("周一例会", "2025-03-10", True)


def test_an_empty_memo_is_refused_with_the_date_kept(owner, login):
    response = login(owner).post(reverse("scheduling:memo_new"), {"text": "  ",
                                                                    "day": "2025-03-10"})
    assert response.status_code == 400
    assert 'value="2025-03-10"' in response.content.decode()
    assert not Memo.objects.exists()


def test_a_stale_edit_is_refused_and_the_input_kept(owner, login):
    # given a memo read at version 1, then changed elsewhere
    m = memo(owner, text="原文")
    memo_services.memo_update(memo=m, by=owner, expected_version=1, text="别处改的",
                              day=None, pinned=False)
    # when the first edit is sent
    response = login(owner).post(reverse("scheduling:memo_edit", args=[m.pk]), {
        "text": "我的修改", "version": 1})
    # then it is refused and what was typed is still there
    assert response.status_code == 409
    body = response.content.decode()
    assert "我的修改" in body and 'data-testid="form-errors"' in body
    m.refresh_from_db()
    assert m.text == "别处改的" and m.version == 2


def test_a_fresh_edit_saves_and_moves_the_version_on(owner, login):
    m = memo(owner, text="原文")
    page = login(owner).get(reverse("scheduling:memo_edit", args=[m.pk])).content.decode()
    assert "原文" in page and 'name="version" value="1"' in page
    response = login(owner).post(reverse("scheduling:memo_edit", args=[m.pk]), {
        "text": "新文", "pinned": "on", "version": 1})
    assert response.status_code == 302
    m.refresh_from_db()
    assert (m.text, m.pinned, m.version) == ("新文", True, 2)


def test_the_service_refuses_a_stale_version(owner):
    m = memo(owner)
    with pytest.raises(StaleVersionError):
        memo_services.memo_update(memo=m, by=owner, expected_version=7, text="x", day=None,
                                  pinned=False)


def test_deleting_a_memo(owner, login):
    m = memo(owner)
    assert login(owner).post(reverse("scheduling:memo_delete", args=[m.pk])).status_code == 302
    assert not Memo.objects.filter(pk=m.pk).exists()


# --- API ----------------------------------------------------------------------------------

def test_api_creates_and_updates_with_version_checks(owner, login):
    client = login(owner)
    created = client.post(reverse("memo-list"), {"text": "API 备忘", "pinned": True},
                          content_type="application/json")
    assert created.status_code == 201
    data = created.json()
    assert data["version"] == 1 and data["pinned"] is True
    detail = reverse("memo-detail", args=[data["id"]])
    # an update without a version is refused
    assert client.patch(detail, {"text": "x"}, content_type="application/json"
                        ).status_code == 400
    # the version read is accepted once; the same version again is stale
    assert client.patch(detail, {"text": "第二版", "version": 1},
                        content_type="application/json").json()["version"] == 2
    stale = client.patch(detail, {"text": "第三版", "version": 1},
                         content_type="application/json")
    assert stale.status_code == 409
    assert Memo.objects.get(pk=data["id"]).text == "第二版"
    assert client.delete(detail).status_code == 204


def test_api_lists_only_the_callers_memos(owner, colleague, login):
    memo(owner, text="我的")
    memo(colleague, text="同事的")
    results = login(owner).get(reverse("memo-list")).json()["results"]
    assert [m["text"] for m in results] == ["我的"]


# --- Navigation ---------------------------------------------------------------------------

def test_memos_and_tasks_are_in_the_menu_of_every_role(owner, no_role_user, login):
    body = login(owner).get(reverse("portal:home")).content.decode()
    assert reverse("scheduling:memos") in body and reverse("scheduling:tasks") in body
    bare = login(no_role_user).get(reverse("portal:home")).content.decode()
    assert reverse("scheduling:memos") not in bare
