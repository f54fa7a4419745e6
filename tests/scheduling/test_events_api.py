import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scheduling.models import Attendance, Event
from tests.scheduling.factories import ConflictPolicyFactory, EventFactory, at, series

pytestmark = pytest.mark.django_db

MONDAY = "2026-03-02"
LIST = reverse("event-list")


@pytest.fixture
def team(dispatcher, front_desk, service_staff, manager):
    return {"dispatcher": dispatcher, "desk": front_desk, "tech": service_staff,
            "manager": manager}


def book(organizer, start, *, minutes=60, attendees=(), **fields):
    begin = at(start)
    return EventFactory(organizer=organizer, start=begin,
                        end=begin + dt.timedelta(minutes=minutes), attendees=attendees,
                        **fields)


def week(**extra) -> dict:
    return {"start": MONDAY, "end": "2026-03-09", **extra}


def new_event(**values) -> dict:
    body = {"kind": "meeting", "title": "周例会", "start": f"{MONDAY}T09:00:00+08:00",
            "end": f"{MONDAY}T10:00:00+08:00", "place": "三楼会议室"}
    body.update(values)
    return body


# --- access ---------------------------------------------------------------------------------

def test_anonymous_callers_are_refused(client):
    assert client.get(LIST, week()).status_code in (401, 403)


def test_a_user_without_a_role_is_forbidden(login, no_role_user):
    assert login(no_role_user).get(LIST, week()).status_code == 403
    assert login(no_role_user).post(LIST, new_event(),
                                    content_type="application/json").status_code == 403


# --- the range ------------------------------------------------------------------------------

def test_the_range_is_required_and_at_most_62_days(login, team):
    client = login(team["desk"])
    assert client.get(LIST).status_code == 400
    assert client.get(LIST, {"start": MONDAY, "end": "2026-05-04"}).status_code == 400
    assert client.get(LIST, {"start": MONDAY, "end": MONDAY}).status_code == 400
    assert client.get(LIST, {"start": MONDAY, "end": "2026-05-03"}).status_code == 200


def test_a_repeating_event_is_expanded_into_its_occurrences(login, team):
    series(team["desk"], f"{MONDAY} 09:00", "FREQ=DAILY;COUNT=10", title="晨会")
    rows = login(team["desk"]).get(LIST, week()).json()
    assert [r["title"] for r in rows] == ["晨会"] * 7
    assert rows[1]["start"] == "2026-03-03T09:00:00+08:00" and rows[1]["event_id"]


def test_the_list_costs_the_same_with_more_events(login, team):
    client = login(team["desk"])
    book(team["desk"], f"{MONDAY} 09:00")
    series(team["desk"], f"{MONDAY} 06:00", "FREQ=DAILY;COUNT=2", minutes=30)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST, week()).status_code == 200
        return len(captured.captured_queries)

    few = count()
    for hour in range(10, 18):
        book(team["dispatcher"], f"{MONDAY} {hour}:00", attendees=[team["desk"]])
    series(team["desk"], f"{MONDAY} 07:00", "FREQ=DAILY", minutes=30)
    assert count() == few


# --- privacy --------------------------------------------------------------------------------

def test_a_colleague_elsewhere_sees_busy_without_id_title_or_place(login, team):
    event = book(team["desk"], f"{MONDAY} 10:00", title="续约谈判", place="总经理室")
    response = login(team["tech"]).get(LIST, week(users=str(team["desk"].pk)))
    text = response.content.decode()
    assert response.status_code == 200
    assert "续约谈判" not in text and "总经理室" not in text
    (row,) = response.json()
    assert row["busy_only"] and row["event_id"] is None and row["key"] is None
    assert login(team["tech"]).get(reverse("event-detail", args=[event.pk])).status_code == 404


def test_private_titles_never_leak_even_to_managers(login, team):
    event = book(team["desk"], f"{MONDAY} 10:00", title="私人体检", private=True)
    for viewer in (team["dispatcher"], team["manager"]):
        client = login(viewer)
        text = client.get(LIST, week(users=str(team["desk"].pk))).content.decode()
        assert "私人体检" not in text
        assert client.get(reverse("event-detail", args=[event.pk])).status_code == 404
    mine = login(team["desk"]).get(LIST, week()).json()
    assert mine[0]["title"] == "私人体检" and mine[0]["private"] is True


# --- writes ---------------------------------------------------------------------------------

def test_creating_warns_with_409_and_books_when_confirmed(login, team):
    book(team["desk"], f"{MONDAY} 09:30", title="业主接待")
    client = login(team["dispatcher"])
    body = new_event(attendees=[team["desk"].pk])
    refused = client.post(LIST, body, content_type="application/json")
    assert refused.status_code == 409
    answer = refused.json()
    assert answer["blocking"] is False and answer["code"] == "conflict"
    assert answer["conflicts"] == [{
        "user": team["desk"].pk, "user_name": "王丽娜", "title": "业主接待",
        "start": "2026-03-02T09:30:00+08:00", "end": "2026-03-02T10:30:00+08:00"}]
    created = client.post(LIST, {**body, "confirm_conflicts": True},
                          content_type="application/json")
    assert created.status_code == 201, created.json()
    assert {a["user"] for a in created.json()["attendees"]} == {
        team["dispatcher"].pk, team["desk"].pk}


def test_conflict_titles_follow_the_privacy_rule(login, team):
    book(team["tech"], f"{MONDAY} 09:00", title="入户维修")
    refused = login(team["desk"]).post(LIST, new_event(attendees=[team["tech"].pk]),
                                       content_type="application/json")
    assert refused.status_code == 409
    (conflict,) = refused.json()["conflicts"]
    assert conflict["user"] == team["tech"].pk and conflict["user_name"] == "李师傅"
    assert "入户维修" not in refused.content.decode()


def test_a_blocking_policy_cannot_be_confirmed(login, team):
    ConflictPolicyFactory(kind="visit", action="block")
    book(team["tech"], f"{MONDAY} 09:00", kind="visit")
    refused = login(team["dispatcher"]).post(
        LIST, new_event(kind="visit", attendees=[team["tech"].pk], confirm_conflicts=True),
        content_type="application/json")
    assert refused.status_code == 409 and refused.json()["blocking"] is True
    assert not Event.objects.filter(title="周例会").exists()


def test_updates_need_the_version_and_refuse_a_stale_one(login, team):
    event = book(team["desk"], f"{MONDAY} 09:00", title="周例会")
    client = login(team["desk"])
    url = reverse("event-detail", args=[event.pk])
    assert client.patch(url, {"title": "x"}, content_type="application/json").status_code == 400
    changed = client.patch(url, {"title": "周例会（改）", "version": event.version},
                           content_type="application/json")
    assert changed.status_code == 200 and changed.json()["title"] == "周例会（改）"
    stale = client.patch(url, {"title": "又改", "version": event.version},
                         content_type="application/json")
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"


def test_one_occurrence_is_moved_with_scope_this(login, team):
    event = series(team["desk"], f"{MONDAY} 09:00", "FREQ=DAILY;COUNT=5", title="晨会")
    response = login(team["desk"]).patch(
        reverse("event-detail", args=[event.pk]),
        {"version": event.version, "scope": "this",
         "occurrence_start": "2026-03-03T09:00:00+08:00",
         "start": "2026-03-03T11:00:00+08:00", "end": "2026-03-03T12:00:00+08:00"},
        content_type="application/json")
    assert response.status_code == 200, response.json()
    starts = [r["start"] for r in login(team["desk"]).get(LIST, week()).json()]
    assert "2026-03-03T11:00:00+08:00" in starts and "2026-03-03T09:00:00+08:00" not in starts


def test_attendees_may_not_change_or_cancel(login, team):
    event = book(team["dispatcher"], f"{MONDAY} 09:00", attendees=[team["tech"]])
    client = login(team["tech"])
    url = reverse("event-detail", args=[event.pk])
    assert client.patch(url, {"title": "x", "version": event.version},
                        content_type="application/json").status_code == 403
    assert client.post(reverse("event-cancel", args=[event.pk]), {},
                       content_type="application/json").status_code == 403


def test_the_organiser_cancels(login, team):
    event = book(team["dispatcher"], f"{MONDAY} 09:00")
    response = login(team["dispatcher"]).post(reverse("event-cancel", args=[event.pk]), {},
                                              content_type="application/json")
    assert response.status_code == 200 and response.json()["cancelled_at"]


def test_an_invitee_answers_and_others_may_not(login, team):
    event = book(team["dispatcher"], f"{MONDAY} 09:00", attendees=[team["tech"]])
    response = login(team["tech"]).post(reverse("event-respond", args=[event.pk]),
                                        {"response": "tentative"},
                                        content_type="application/json")
    assert response.status_code == 200 and response.json()["response"] == "tentative"
    assert Attendance.objects.get(event=event, user=team["tech"]).response == "tentative"
    # same department: may read the event, but is not invited
    assert login(team["desk"]).post(reverse("event-respond", args=[event.pk]),
                                    {"response": "accepted"},
                                    content_type="application/json").status_code == 403
    assert login(team["tech"]).post(reverse("event-respond", args=[event.pk]),
                                    {"response": "pending"},
                                    content_type="application/json").status_code == 400


# --- own invitations ------------------------------------------------------------------------

def test_attendances_are_only_my_own_and_cost_the_same_with_more(login, team):
    client = login(team["tech"])
    book(team["dispatcher"], f"{MONDAY} 09:00", title="周例会", attendees=[team["tech"]])
    book(team["dispatcher"], f"{MONDAY} 11:00", title="别人的会", attendees=[team["desk"]])

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("attendance-list"))
        assert response.status_code == 200
        return len(captured.captured_queries)

    rows = client.get(reverse("attendance-list")).json()["results"]
    assert [r["event_title"] for r in rows] == ["周例会"]
    few = count()
    for hour in range(12, 18):
        book(team["dispatcher"], f"{MONDAY} {hour}:00", attendees=[team["tech"]])
    assert count() == few
    pending = client.get(reverse("attendance-list"), {"response": "pending"}).json()
    assert len(pending["results"]) == 7


# --- attendees ------------------------------------------------------------------------------

def test_attendees_are_read_in_one_query_whatever_their_number(login, team):
    from tests.staff.factories import UserFactory

    many = [u.pk for u in UserFactory.create_batch(6)]
    with CaptureQueriesContext(connection) as captured:
        response = login(team["dispatcher"]).post(
            LIST, new_event(attendees=many), content_type="application/json")
    assert response.status_code == 201, response.json()
    reads = [q for q in captured.captured_queries if q["sql"].startswith(
        'SELECT "staff_user"') and '"staff_user"."id" IN' in q["sql"]]
    assert len(reads) == 1
    assert Attendance.objects.filter(event_id=response.json()["id"]).count() == 7


@pytest.mark.parametrize(("attendees", "message"), [
    ([999999], "999999"),
    (["abc"], "str"),
    ([1.5], "float"),
    ("12", "列表"),
])
def test_bad_attendees_are_refused_with_the_reason(login, team, attendees, message):
    response = login(team["dispatcher"]).post(LIST, new_event(attendees=attendees),
                                              content_type="application/json")
    assert response.status_code == 400
    assert message in str(response.json()["attendees"])
    assert not Event.objects.filter(title="周例会").exists()


def test_a_former_colleague_cannot_be_invited_and_repeats_count_once(login, team):
    from tests.staff.factories import UserFactory

    gone = UserFactory(is_active=False)
    client = login(team["dispatcher"])
    refused = client.post(LIST, new_event(attendees=[gone.pk]),
                          content_type="application/json")
    assert refused.status_code == 400 and str(gone.pk) in str(refused.json()["attendees"])
    twice = client.post(LIST, new_event(attendees=[team["desk"].pk, str(team["desk"].pk)],
                                        confirm_conflicts=True),
                        content_type="application/json")
    assert twice.status_code == 201, twice.json()
    assert Attendance.objects.filter(event_id=twice.json()["id"]).count() == 2
