"""Tasks (任务): given by anyone to a colleague, seen only by the two of them; status changes
are versioned, giving notifies, overdue ones are listed from their index."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inbox.models import Notification
from scheduling import tasklists
from scheduling.models import Task
from service_tickets.services import ticket_create
from staff.choices import Role
from tests.owners.factories import OwnershipFactory
from tests.service_tickets.factories import (
    CategoryFactory,
    SlaTargetFactory,
    TerritoryFactory,
)
from tests.staff.factories import UserFactory
from versioning.services import StaleVersionError

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss(db):
    return UserFactory(username="task-boss", full_name="赵主管", role=Role.DISPATCHER)


@pytest.fixture
def worker(db):
    return UserFactory(username="task-worker", full_name="钱师傅", role=Role.SERVICE_STAFF)


@pytest.fixture
def outsider(db):
    return UserFactory(username="task-outsider", role=Role.FRONT_DESK)


@pytest.fixture
def ticket(front_desk):
    """A ticket in a territory the worker is not a member of (so they may not see it)."""
    ownership = OwnershipFactory(party__name="刘旭")
    territory = TerritoryFactory(name="二区")
    territory.buildings.add(ownership.room.building)
    category = CategoryFactory(name="漏水", code="leak")
    SlaTargetFactory(category=category, priority="normal")
    return ticket_create(by=front_desk, type="repair", source="phone", category=category,
                         description="厨房水管漏水", room=ownership.room,
                         party=ownership.party)


def give(by, to, title="检查2栋水泵", **kw) -> Task:
    return tasklists.task_create(by=by, assignee=to, title=title, **kw)


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


# --- Giving and notifying -----------------------------------------------------------------

def test_giving_a_task_notifies_the_assignee_once(boss, worker):
    task = give(boss, worker, notes="带上压力表")
    note = Notification.objects.get(recipient=worker)
    assert note.source == f"task-assigned:{task.pk}:{worker.pk}"
    assert "检查2栋水泵" in note.title and "赵主管" in note.title
    assert note.url == reverse("scheduling:task_detail", args=[task.pk])
    assert task.assigner == boss and task.status == "open"


def test_a_task_given_to_oneself_sends_no_message(boss):
    give(boss, boss)
    assert not Notification.objects.exists()


def test_reassigning_notifies_the_new_assignee(boss, worker, outsider):
    task = give(boss, worker)
    tasklists.task_update(task=task, by=boss, expected_version=1, assignee=outsider)
    assert Notification.objects.filter(
        recipient=outsider, source=f"task-assigned:{task.pk}:{outsider.pk}").exists()


def test_giving_a_task_from_the_page(boss, worker, login):
    response = login(boss).post(reverse("scheduling:task_new"), {
        "title": "巡查车库", "assignee": worker.pk, "due_at": "2030-05-01T09:30",
        "priority": "high", "notes": ""})
    assert response.status_code == 302
    task = Task.objects.get(title="巡查车库")
    assert (task.assignee, task.assigner, task.priority) == (worker, boss, "high")
    assert timezone.localtime(task.due_at).strftime("%Y-%m-%d %H:%M") == "2030-05-01 09:30"
    assert Notification.objects.filter(recipient=worker).count() == 1


# --- Isolation ----------------------------------------------------------------------------

def test_anonymous_is_sent_to_sign_in_and_no_role_is_refused(no_role_user, login):
    url = reverse("scheduling:tasks")
    assert Client().get(url).status_code == 302
    assert login(no_role_user).get(url).status_code == 403
    assert login(no_role_user).get(reverse("task-list")).status_code == 403


def test_a_task_is_not_found_by_anyone_but_its_two_people(boss, worker, outsider, manager,
                                                          login):
    task = give(boss, worker, title="内部任务")
    for other in (outsider, manager):
        client = login(other)
        for name in ("scheduling:tasks", "scheduling:tasks_given", "scheduling:tasks_overdue"):
            assert "内部任务" not in client.get(reverse(name)).content.decode()
        assert client.get(reverse("scheduling:task_detail", args=[task.pk])).status_code == 404
        assert client.get(reverse("scheduling:task_edit", args=[task.pk])).status_code == 404
        assert client.post(reverse("scheduling:task_status", args=[task.pk]), {
            "status": "done", "version": 1}).status_code == 404
        detail = reverse("task-detail", args=[task.pk])
        assert client.get(detail).status_code == 404
        assert client.patch(detail, {"status": "done", "version": 1},
                            content_type="application/json").status_code == 404
        assert client.get(reverse("task-list")).json()["results"] == []
    task.refresh_from_db()
    assert task.status == "open" and task.version == 1
    for person in (boss, worker):
        assert login(person).get(reverse("scheduling:task_detail",
                                         args=[task.pk])).status_code == 200


# --- Who may change what ------------------------------------------------------------------

def test_the_assignee_changes_status_and_notes_only(boss, worker, login):
    task = give(boss, worker)
    with pytest.raises(PermissionDenied):
        tasklists.task_update(task=task, by=worker, expected_version=1, title="改标题")
    # the page offers the assignee status and notes only
    client = login(worker)
    form = client.get(reverse("scheduling:task_edit", args=[task.pk])).context["form"]
    assert set(form.fields) == {"status", "notes", "version"}
    response = client.post(reverse("scheduling:task_edit", args=[task.pk]), {
        "status": "in_progress", "notes": "已到现场", "version": 1})
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.notes, task.version) == ("in_progress", "已到现场", 2)
    # the API refuses the assignee a new title (403) and takes a status
    detail = reverse("task-detail", args=[task.pk])
    assert client.patch(detail, {"title": "改", "version": 2},
                        content_type="application/json").status_code == 403
    assert client.patch(detail, {"status": "done", "version": 2},
                        content_type="application/json").status_code == 200


def test_the_assigner_edits_everything(boss, worker, login):
    task = give(boss, worker)
    response = login(boss).post(reverse("scheduling:task_edit", args=[task.pk]), {
        "title": "新标题", "assignee": worker.pk, "priority": "low", "status": "open",
        "notes": "说明", "due_at": "", "ticket_number": "", "version": 1})
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.title, task.priority, task.notes, task.version) == ("新标题", "low", "说明", 2)


def test_completing_sets_completed_at_and_reopening_clears_it(boss, worker, login):
    task = give(boss, worker)
    response = login(worker).post(reverse("scheduling:task_status", args=[task.pk]), {
        "status": "done", "version": 1, "next": reverse("scheduling:tasks")})
    assert response.status_code == 302 and response.url == reverse("scheduling:tasks")
    task.refresh_from_db()
    assert task.status == "done" and task.completed_at is not None
    tasklists.task_set_status(task=task, by=boss, status="open", expected_version=2)
    task.refresh_from_db()
    assert task.status == "open" and task.completed_at is None


def test_the_quick_buttons_go_back_only_to_this_site(boss, worker, login):
    task = give(boss, worker)
    response = login(worker).post(reverse("scheduling:task_status", args=[task.pk]), {
        "status": "in_progress", "version": 1, "next": "https://evil.example/"})
    assert response.url == reverse("scheduling:task_detail", args=[task.pk])


# --- Stale versions -----------------------------------------------------------------------

def test_a_stale_quick_status_change_does_nothing(boss, worker, login):
    task = give(boss, worker)
    tasklists.task_set_status(task=task, by=boss, status="cancelled", expected_version=1)
    response = login(worker).post(reverse("scheduling:task_status", args=[task.pk]), {
        "status": "done", "version": 1}, follow=True)
    task.refresh_from_db()
    assert task.status == "cancelled" and task.completed_at is None
    assert "本次操作未执行" in response.content.decode()


def test_a_stale_edit_is_refused_and_the_input_kept(boss, worker, login):
    task = give(boss, worker)
    tasklists.task_update(task=task, by=worker, expected_version=1, notes="别人先改")
    response = login(boss).post(reverse("scheduling:task_edit", args=[task.pk]), {
        "title": "我的新标题", "assignee": worker.pk, "priority": "normal",
        "status": "open", "notes": "", "version": 1})
    assert response.status_code == 409
    assert "我的新标题" in response.content.decode()
    task.refresh_from_db()
    assert task.title == "检查2栋水泵" and task.notes == "别人先改"


def test_the_api_answers_409_to_a_stale_version(boss, worker, login):
    task = give(boss, worker)
    client = login(boss)
    detail = reverse("task-detail", args=[task.pk])
    assert client.patch(detail, {"priority": "high"},
                        content_type="application/json").status_code == 400
    assert client.patch(detail, {"priority": "high", "version": 1},
                        content_type="application/json").status_code == 200
    assert client.patch(detail, {"priority": "low", "version": 1},
                        content_type="application/json").status_code == 409
    task.refresh_from_db()
    assert task.priority == "high" and task.version == 2
    with pytest.raises(StaleVersionError):
        tasklists.task_set_status(task=task, by=worker, status="done", expected_version=1)


# --- Links --------------------------------------------------------------------------------

def test_a_ticket_the_user_may_not_see_is_refused(worker, boss, ticket, login):
    # the service
    with pytest.raises(ValidationError) as refused:
        give(worker, boss, ticket=ticket)
    assert "ticket" in refused.value.message_dict
    # the page, typing its number
    client = login(worker)
    response = client.post(reverse("scheduling:task_new"), {
        "title": "看工单", "assignee": boss.pk, "priority": "normal",
        "ticket_number": ticket.number})
    assert response.status_code == 400 and response.context["form"].errors["ticket_number"]
    assert "看工单" in response.content.decode()  # input kept
    # the API
    response = client.post(reverse("task-list"), {"title": "看工单", "assignee": boss.pk,
                                                   "ticket": ticket.pk},
                           content_type="application/json")
    assert response.status_code == 400 and "ticket" in response.json()
    assert not Task.objects.exists()


def test_a_visible_ticket_is_linked_from_the_page(boss, worker, ticket, login):
    client = login(boss)  # a dispatcher sees every territory
    form = client.get(reverse("scheduling:task_new"), {"ticket": ticket.pk}).context["form"]
    assert form.initial["ticket_number"] == ticket.number
    response = client.post(reverse("scheduling:task_new"), {
        "title": "跟进工单", "assignee": worker.pk, "priority": "normal",
        "ticket_number": ticket.number})
    assert response.status_code == 302
    task = Task.objects.get()
    assert task.ticket == ticket
    # the worker (who may not open the ticket) sees its number, not a link
    body = login(worker).get(reverse("scheduling:task_detail", args=[task.pk])
                             ).content.decode()
    assert ticket.number in body
    assert reverse("tickets:detail", args=[ticket.pk]) not in body


# --- Lists --------------------------------------------------------------------------------

def test_my_tasks_show_open_ones_first_by_due_time(boss, worker, login):
    now = timezone.now()
    later = give(boss, worker, title="后到期", due_at=now + timedelta(days=2))
    undated = give(boss, worker, title="无期限")
    sooner = give(boss, worker, title="先到期", due_at=now + timedelta(hours=1))
    done = give(boss, worker, title="已完成", due_at=now - timedelta(days=1))
    tasklists.task_set_status(task=done, by=worker, status="done", expected_version=1)
    give(worker, boss, title="我给别人的")
    page = login(worker).get(reverse("scheduling:tasks")).context["page"]
    assert [t.title for t in page.items] == [sooner.title, later.title, undated.title,
                                            "已完成"]
    given = login(boss).get(reverse("scheduling:tasks_given"), {"status": "open"}
                            ).context["page"]
    assert {t.title for t in given.items} == {"后到期", "无期限", "先到期"}


def test_the_overdue_list_holds_open_tasks_past_due(boss, worker, login):
    now = timezone.now()
    late = give(boss, worker, title="逾期", due_at=now - timedelta(hours=3))
    later = give(boss, worker, title="也逾期", due_at=now - timedelta(hours=1))
    tasklists.task_set_status(task=later, by=worker, status="in_progress",
                              expected_version=1)
    give(boss, worker, title="未到期", due_at=now + timedelta(hours=1))
    give(boss, worker, title="无期限")
    done = give(boss, worker, title="完成了", due_at=now - timedelta(days=1))
    tasklists.task_set_status(task=done, by=worker, status="done", expected_version=1)
    response = login(worker).get(reverse("scheduling:tasks_overdue"))
    assert [t.pk for t in response.context["page"].items] == [late.pk, later.pk]
    assert 'data-testid="task-overdue"' in response.content.decode()
    api = login(boss).get(reverse("task-list"), {"overdue": "true"}).json()["results"]
    assert [t["id"] for t in api] == [late.pk, later.pk]


def test_the_overdue_query_reads_the_partial_index(worker):
    qs = tasklists.tasks_overdue(user=worker)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        plan = qs.explain()
    assert "sched_task_due_idx" in plan


def test_api_filters_mine_given_and_status(boss, worker, login):
    to_me = give(boss, worker, title="给我的")
    by_me = give(worker, boss, title="我给的")
    tasklists.task_set_status(task=by_me, by=boss, status="done", expected_version=1)
    client = login(worker)

    def ids(**params):
        return [t["id"] for t in client.get(reverse("task-list"), params).json()["results"]]

    assert set(ids()) == {to_me.pk, by_me.pk}
    assert ids(mine="true") == [to_me.pk]
    assert ids(given="true") == [by_me.pk]
    assert ids(status="done") == [by_me.pk]
    assert ids(status="open") == [to_me.pk]
    assert client.get(reverse("task-list"), {"status": "nonsense"}).status_code == 400


def test_api_gives_a_task_and_notifies(boss, worker, login):
    response = login(boss).post(reverse("task-list"), {
        "title": "API 任务", "assignee": worker.pk, "priority": "high"},
        content_type="application/json")
    assert response.status_code == 201
    data = response.json()
    assert data["assigner"] == boss.pk and data["version"] == 1
    assert Notification.objects.filter(
        recipient=worker, source=f"task-assigned:{data['id']}:{worker.pk}").exists()


def test_lists_cost_the_same_queries_with_more_tasks(boss, worker, ticket, login):
    now = timezone.now()
    room, party = ticket.room, ticket.party
    give(boss, worker, due_at=now - timedelta(hours=1), ticket=ticket, room=room,
         party=party)
    urls = [reverse("scheduling:tasks"), reverse("scheduling:tasks_given"),
            reverse("scheduling:tasks_overdue"), reverse("task-list"),
            reverse("task-list") + "?overdue=true"]
    counts = {who.pk: [queries(login(who), url) for url in urls] for who in (boss, worker)}
    for i in range(12):
        give(boss, worker, title=f"任务{i}", due_at=now - timedelta(minutes=i + 2),
             ticket=ticket, room=room, party=party)
        give(worker, boss, title=f"回派{i}", due_at=now + timedelta(hours=i))
    for who in (boss, worker):
        assert [queries(login(who), url) for url in urls] == counts[who.pk]


def test_the_assigner_sees_the_links_and_may_remove_one(boss, worker, ticket, login):
    task = give(boss, worker, room=ticket.room, party=ticket.party, ticket=ticket)
    client = login(boss)
    page = client.get(reverse("scheduling:task_edit", args=[task.pk]))
    body = page.content.decode()
    assert page.status_code == 200 and ticket.room.code in body and "刘旭" in body
    response = client.post(reverse("scheduling:task_edit", args=[task.pk]), {
        "title": task.title, "assignee": worker.pk, "priority": "normal", "status": "open",
        "ticket_number": ticket.number, "party": ticket.party.pk, "room": ticket.room.pk,
        "drop_room": "on", "version": 1})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.room is None and task.party == ticket.party and task.ticket == ticket


def test_the_quick_buttons_are_verbs_and_the_status_a_state(boss, worker, login):
    # given a task in progress
    task = give(boss, worker)
    tasklists.task_set_status(task=task, by=worker, status="in_progress", expected_version=1)
    # when its assignee opens it
    page = login(worker).get(reverse("scheduling:task_detail", args=[task.pk])
                             ).content.decode()
    # then the button that finishes it says 完成, not the state 已完成
    buttons = dict(re.findall(r'data-status="(\w+)">([^<]+)</button>', page))
    assert buttons["done"] == "完成" and buttons["cancelled"] == "取消"
    assert "处理中" in page
