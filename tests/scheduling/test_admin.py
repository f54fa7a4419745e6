import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from scheduling.models import (
    CalendarFeed,
    ConflictPolicy,
    Event,
    ReminderSent,
    ReminderSetting,
    Task,
)
from scheduling.services import ConflictError, event_create
from tests.scheduling.factories import ConflictPolicyFactory, EventFactory, at
from tests.staff.factories import UserFactory

pytestmark = pytest.mark.django_db

POLICIES = "/admin/scheduling/conflictpolicy/"
EVENTS = "/admin/scheduling/event/"


def _book_meeting(by, attendee, **extra):
    return event_create(by=by, kind="meeting", title="周例会", start=at("2026-03-02 09:30"),
                        end=at("2026-03-02 10:30"), attendees=[attendee], **extra)


def test_a_manager_makes_meetings_block_and_the_calendar_obeys(manager, dispatcher, login):
    # given: the dispatcher is busy, and meetings only warn
    EventFactory(organizer=dispatcher, start=at("2026-03-02 09:00"))
    policy = ConflictPolicyFactory(kind="meeting", action="warn")
    with pytest.raises(ConflictError) as warned:
        _book_meeting(manager, dispatcher)
    assert warned.value.blocking is False
    # when: the manager sets meetings to block in the editable list
    response = login(manager).post(POLICIES, {
        "form-TOTAL_FORMS": 1, "form-INITIAL_FORMS": 1, "form-MIN_NUM_FORMS": 0,
        "form-MAX_NUM_FORMS": 1000, "form-0-id": policy.pk, "form-0-action": "block",
        "_save": "Save"})
    # then
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert ConflictPolicy.objects.get(pk=policy.pk).action == "block"
    with pytest.raises(ConflictError) as refused:
        _book_meeting(manager, dispatcher, confirm_conflicts=True)
    assert refused.value.blocking is True
    assert Event.objects.filter(title="周例会").count() == 0
    assert AuditEntry.objects.filter(action="admin.changed", actor=manager).exists()


def test_a_manager_adds_a_policy_for_a_kind(manager, login):
    response = login(manager).post(f"{POLICIES}add/", {"kind": "call", "action": "block"})
    assert response.status_code == 302
    assert ConflictPolicy.objects.get(kind="call").action == "block"
    page = login(manager).get(f"{POLICIES}{ConflictPolicy.objects.get().pk}/change/")
    assert 'name="kind"' not in page.content.decode()  # the kind stays what it is


def test_events_are_read_only_in_admin(manager, dispatcher, login):
    event = EventFactory(organizer=dispatcher, title="电梯年检", attendees=[manager])
    client = login(manager)
    listing = client.get(EVENTS)
    assert listing.status_code == 200 and "电梯年检" in listing.content.decode()
    detail = client.get(f"{EVENTS}{event.pk}/change/")
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "电梯年检" in html and 'name="title"' not in html
    assert 'name="attendances-0-response"' not in html  # answers are shown, not editable
    assert client.get(f"{EVENTS}add/").status_code == 403
    assert client.post(f"{EVENTS}{event.pk}/change/",
                       {"title": "改", "version": event.version}).status_code == 403
    assert client.post(f"{EVENTS}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Event.objects.get(pk=event.pk).title == "电梯年检"


def test_private_titles_stay_hidden_in_admin(manager, dispatcher, login):
    event = EventFactory(organizer=dispatcher, title="看牙医", private=True)
    client = login(manager)
    assert "看牙医" not in client.get(EVENTS).content.decode()
    assert "看牙医" not in client.get(f"{EVENTS}{event.pk}/change/").content.decode()
    found = client.get(EVENTS, {"q": "牙医"})
    assert found.status_code == 200 and f"/{event.pk}/change/" not in found.content.decode()


def test_tasks_and_feeds_are_listed_read_only_and_memos_not_at_all(manager, dispatcher,
                                                                   administrator, login):
    task = Task.objects.create(title="回访业主", assignee=dispatcher, assigner=manager)
    feed = CalendarFeed.objects.create(user=dispatcher, token="s3cret-token-value")
    client = login(administrator)
    assert "回访业主" in client.get("/admin/scheduling/task/").content.decode()
    assert client.post(f"/admin/scheduling/task/{task.pk}/change/",
                       {"title": "改"}).status_code == 403
    feeds = client.get("/admin/scheduling/calendarfeed/").content.decode()
    assert dispatcher.display_name in feeds and "s3cret-token-value" not in feeds
    detail = client.get(f"/admin/scheduling/calendarfeed/{feed.pk}/change/").content.decode()
    assert "s3cret-token-value" not in detail
    assert client.get("/admin/scheduling/memo/").status_code == 404
    assert client.get("/admin/scheduling/remindersent/").status_code == 200
    assert client.get("/admin/scheduling/remindersetting/").status_code == 200


@pytest.mark.parametrize("url", [EVENTS, "/admin/scheduling/task/",
                                 "/admin/scheduling/calendarfeed/",
                                 "/admin/scheduling/remindersent/",
                                 "/admin/scheduling/remindersetting/", POLICIES])
def test_changelist_queries_do_not_grow_with_rows(manager, login, url):
    client = login(manager)

    kinds = iter(["meeting", "visit", "call", "fax"])

    def rows(n):
        for i in range(n):
            user = UserFactory()
            EventFactory(organizer=user, start=at("2026-03-02 09:00") + dt.timedelta(days=i),
                         attendees=[manager])
            Task.objects.create(title=f"任务{i}", assignee=user, assigner=manager)
            CalendarFeed.objects.create(user=user, token=f"token-{user.pk}")
            ReminderSetting.objects.create(user=user, minutes_before=15)
            ReminderSent.objects.create(user=user, key=f"event:{i}:15")
            ConflictPolicyFactory(kind=next(kinds))

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries.captured_queries)

    rows(1)
    few = count()
    rows(3)
    assert count() == few


def test_staff_without_admin_access_are_kept_out(front_desk, login):
    client = login(front_desk)
    for url in (POLICIES, EVENTS, "/admin/scheduling/task/"):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert not ConflictPolicy.objects.exists()
