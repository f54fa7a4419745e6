import datetime as dt
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scheduling.forms_events import rrule_build, rrule_parse
from scheduling.models import Attendance, Event, EventException
from staff.choices import Role
from tests.scheduling.factories import ConflictPolicyFactory, EventFactory, at, series
from tests.staff.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db

MONDAY = "2026-03-02"


@pytest.fixture
def team(dispatcher, front_desk, service_staff, manager):
    """陈建国 (dispatcher) and 王丽娜 (front desk) share a department; 李师傅 is elsewhere."""
    return {"dispatcher": dispatcher, "desk": front_desk, "tech": service_staff,
            "manager": manager}


def calendar_url(view="week", date=MONDAY) -> str:
    return reverse("scheduling:calendar") + f"?view={view}&date={date}"


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def book(organizer, start, *, minutes=60, attendees=(), **fields):
    begin = at(start)
    return EventFactory(organizer=organizer, start=begin,
                        end=begin + dt.timedelta(minutes=minutes), attendees=attendees,
                        **fields)


# --- access ---------------------------------------------------------------------------------

def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("scheduling:calendar"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_user_without_a_role_may_not_open_the_calendar(login, no_role_user):
    assert login(no_role_user).get(reverse("scheduling:calendar")).status_code == 403
    assert login(no_role_user).get(reverse("scheduling:team")).status_code == 403


def test_the_navigation_offers_calendar_and_team_schedule(login, team):
    page = login(team["desk"]).get(reverse("scheduling:calendar")).content.decode()
    assert reverse("scheduling:calendar") in page and reverse("scheduling:team") in page


# --- own calendar ---------------------------------------------------------------------------

@pytest.mark.parametrize("view", ["day", "week", "month", "agenda"])
def test_each_view_shows_my_events_with_a_constant_query_count(login, team, view):
    desk = team["desk"]
    client = login(desk)
    book(desk, f"{MONDAY} 09:00", title="周例会", place="三楼会议室")
    series(desk, f"{MONDAY} 07:00", "FREQ=DAILY;COUNT=2", minutes=30)  # series: one more
    few = queries(client, calendar_url(view))
    for hour in range(10, 18):
        book(desk, f"{MONDAY} {hour}:00", attendees=[team["dispatcher"]])
    series(desk, f"{MONDAY} 08:00", "FREQ=DAILY;COUNT=5", minutes=30,
           attendees=[team["tech"]])
    many = queries(client, calendar_url(view))
    assert many == few
    page = client.get(calendar_url(view)).content.decode()
    assert "周例会" in page and 'style="' not in page
    assert "<script>" not in page


def test_the_week_places_timed_events_by_data_attributes_and_all_day_ones_apart(login, team):
    desk = team["desk"]
    book(desk, f"{MONDAY} 09:30", minutes=90, title="业主座谈")
    EventFactory(organizer=desk, title="消防演练日", all_day=True, start=at(f"{MONDAY} 00:00"),
                 end=at("2026-03-03 00:00"))
    page = login(desk).get(calendar_url("week")).content.decode()
    assert re.search(r'data-top="570" data-height="90"[^>]*data-event-id', page)
    all_day_row = page.split('class="cal-row cal-allday"')[1].split("cal-scroll")[0]
    assert "消防演练日" in all_day_row and "业主座谈" not in all_day_row


def test_prev_next_and_today_move_by_the_view(login, team):
    page = login(team["desk"]).get(calendar_url("week", "2026-03-04")).content.decode()
    assert "date=2026-02-23" in page and "date=2026-03-09" in page
    page = login(team["desk"]).get(calendar_url("month", "2026-03-15")).content.decode()
    assert "date=2026-02-01" in page and "date=2026-04-01" in page


def test_the_default_view_is_the_current_week(login, team):
    response = login(team["desk"]).get(reverse("scheduling:calendar"))
    assert response.status_code == 200 and response.context["view"] == "week"


def test_my_private_event_shows_a_lock(login, team):
    book(team["desk"], f"{MONDAY} 12:00", title="体检", private=True)
    page = login(team["desk"]).get(calendar_url()).content.decode()
    assert "体检" in page and 'data-testid="cal-private"' in page


# --- privacy --------------------------------------------------------------------------------

def test_a_colleague_in_another_department_sees_busy_never_the_title(login, team):
    desk, tech = team["desk"], team["tech"]
    book(desk, f"{MONDAY} 10:00", title="续约谈判", place="总经理室")
    url = reverse("scheduling:team") + f"?view=week&date={MONDAY}&users={desk.pk}"
    page = login(tech).get(url).content.decode()
    assert "续约谈判" not in page and "总经理室" not in page
    assert 'data-testid="cal-busy"' in page


def test_a_private_event_is_busy_even_for_the_same_department(login, team):
    desk, dispatcher = team["desk"], team["dispatcher"]
    book(desk, f"{MONDAY} 10:00", title="私人体检", private=True)
    book(desk, f"{MONDAY} 14:00", title="部门培训")
    for view in ("week", "day"):
        url = reverse("scheduling:team") + f"?view={view}&date={MONDAY}&users={desk.pk}"
        page = login(dispatcher).get(url).content.decode()
        assert "私人体检" not in page and "部门培训" in page


def test_an_outsider_gets_404_on_the_event_page_and_on_every_action(login, team):
    event = book(team["desk"], f"{MONDAY} 10:00", title="私人体检", private=True)
    client = login(team["tech"])
    assert client.get(reverse("scheduling:event_detail", args=[event.pk])).status_code == 404
    for name in ("event_edit", "event_respond", "event_cancel", "event_move"):
        response = client.post(reverse(f"scheduling:{name}", args=[event.pk]), {})
        assert response.status_code == 404, name
    # the manager sees details of ordinary events, never a private one's
    assert login(team["manager"]).get(
        reverse("scheduling:event_detail", args=[event.pk])).status_code == 404


def test_a_conflict_with_a_private_event_is_named_busy(login, team):
    desk, dispatcher = team["desk"], team["dispatcher"]
    book(desk, f"{MONDAY} 09:00", title="私人体检", private=True)
    response = login(dispatcher).post(reverse("scheduling:event_new"), event_form(
        title="周例会", attendees=[desk.pk]))
    page = response.content.decode()
    assert response.status_code == 409
    assert "私人体检" not in page and "王丽娜" in page


# --- team view ------------------------------------------------------------------------------

@pytest.mark.parametrize("view", ["day", "week"])
def test_the_team_view_costs_the_same_for_3_or_30_people(login, team, view):
    department = DepartmentFactory(name="工程部", code="engineering")
    people = [UserFactory(department=department, role=Role.SERVICE_STAFF) for _ in range(3)]
    viewer = login(team["manager"])
    url = reverse("scheduling:team") + f"?view={view}&date={MONDAY}&department={department.pk}"
    for person in people:
        book(person, f"{MONDAY} 09:00")
    few = queries(viewer, url)
    more = [UserFactory(department=department, role=Role.SERVICE_STAFF) for _ in range(27)]
    for n, person in enumerate(more):
        book(person, f"{MONDAY} {8 + n % 9:02d}:00", attendees=[people[0]])
    many = queries(viewer, url)
    assert many == few
    page = viewer.get(url).content.decode()
    assert all(p.display_name in page for p in people + more)


def test_the_team_view_defaults_to_my_department(login, team):
    book(team["dispatcher"], f"{MONDAY} 11:00", title="派工协调")
    page = login(team["desk"]).get(reverse("scheduling:team") + f"?date={MONDAY}")
    assert "陈建国" in page.content.decode() and "派工协调" in page.content.decode()


# --- the event form -------------------------------------------------------------------------

def event_form(**values) -> dict:
    data = {"kind": "meeting", "title": "周例会", "start": f"{MONDAY}T09:00",
            "end": f"{MONDAY}T10:00", "place": "三楼会议室", "repeat": ""}
    data.update(values)
    return data


def test_the_form_prefills_times_from_a_drag_on_empty_slots(login, team):
    url = reverse("scheduling:event_new") + f"?start={MONDAY}T14:00&end={MONDAY}T15:30"
    page = login(team["desk"]).get(url).content.decode()
    assert f'value="{MONDAY}T14:00"' in page and f'value="{MONDAY}T15:30"' in page


def test_booking_warns_of_a_conflict_then_books_when_confirmed(login, team):
    desk, dispatcher = team["desk"], team["dispatcher"]
    book(desk, f"{MONDAY} 09:30", title="业主接待")
    client = login(dispatcher)
    data = event_form(attendees=[desk.pk, team["tech"].pk])
    warned = client.post(reverse("scheduling:event_new"), data)
    page = warned.content.decode()
    assert warned.status_code == 409 and not Event.objects.filter(title="周例会").exists()
    assert "王丽娜：业主接待 3月2日 09:30–10:30" in page  # same department: title shown
    assert 'name="confirm_conflicts"' in page and 'value="三楼会议室"' in page
    booked = client.post(reverse("scheduling:event_new"), {**data, "confirm_conflicts": "on"})
    event = Event.objects.get(title="周例会")
    assert booked.status_code == 302 and booked["Location"] == reverse(
        "scheduling:event_detail", args=[event.pk])
    assert set(event.attendances.values_list("user_id", flat=True)) == {
        dispatcher.pk, desk.pk, team["tech"].pk}


def test_a_blocking_policy_explains_and_offers_no_override(login, team):
    ConflictPolicyFactory(kind="visit", action="block")
    book(team["tech"], f"{MONDAY} 09:00", kind="visit", title="入户维修")
    client = login(team["dispatcher"])
    data = event_form(kind="visit", title="上门查看", attendees=[team["tech"].pk],
                      confirm_conflicts="on")
    response = client.post(reverse("scheduling:event_new"), data)
    page = response.content.decode()
    assert response.status_code == 409 and 'name="confirm_conflicts"' not in page
    assert "李师傅" in page and not Event.objects.filter(title="上门查看").exists()


def test_the_form_builds_a_weekly_rule(login, team):
    client = login(team["desk"])
    response = client.post(reverse("scheduling:event_new"), event_form(
        repeat="WEEKLY", weekdays=["MO", "TH"], count="6"))
    assert response.status_code == 302
    event = Event.objects.get(title="周例会")
    assert event.rrule == "FREQ=WEEKLY;BYDAY=MO,TH;COUNT=6"


def test_rules_round_trip_through_the_form():
    rule = rrule_build(repeat="DAILY", until=dt.date(2026, 3, 31))
    assert rule == "FREQ=DAILY;UNTIL=20260331T155959Z"
    assert rrule_parse(rule) == {"repeat": "DAILY", "until": dt.date(2026, 3, 31)}


def test_a_bad_entry_keeps_the_input(login, team):
    response = login(team["desk"]).post(reverse("scheduling:event_new"), event_form(
        end=f"{MONDAY}T08:00", place="地下车库"))
    assert response.status_code == 400 and 'value="地下车库"' in response.content.decode()


def test_editing_a_repeating_event_asks_which_occurrences(login, team):
    desk = team["desk"]
    event = series(desk, f"{MONDAY} 09:00", "FREQ=DAILY;COUNT=5", title="晨会")
    client = login(desk)
    second = at("2026-03-03 09:00")
    url = reverse("scheduling:event_edit", args=[event.pk]) + f"?at={second.isoformat()}"
    page = client.get(url).content.decode()
    assert 'data-testid="scope"' in page and 'value="following"' in page
    response = client.post(url, event_form(
        title="晨会（改在大厅）", start="2026-03-03T09:30", end="2026-03-03T10:30",
        repeat="DAILY", count="5", scope="this", version=event.version,
        occurrence_start=second.isoformat()))
    assert response.status_code == 302, response.content.decode()
    exception = EventException.objects.get(event=event)
    assert exception.original_start == second and exception.start == at("2026-03-03 09:30")
    event.refresh_from_db()
    assert event.title == "晨会" and event.start == at(f"{MONDAY} 09:00")


def test_editing_all_occurrences_from_one_keeps_the_series_start(login, team):
    desk = team["desk"]
    event = series(desk, f"{MONDAY} 09:00", "FREQ=DAILY;COUNT=5", title="晨会")
    second = at("2026-03-03 09:00")
    url = reverse("scheduling:event_edit", args=[event.pk]) + f"?at={second.isoformat()}"
    response = login(desk).post(url, event_form(
        title="晨会", start="2026-03-03T08:30", end="2026-03-03T09:30", repeat="DAILY",
        count="5", scope="all", version=event.version, occurrence_start=second.isoformat()))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.start == at(f"{MONDAY} 08:30") and event.rrule == "FREQ=DAILY;COUNT=5"


def test_a_stale_edit_is_refused_and_keeps_the_input(login, team):
    event = book(team["desk"], f"{MONDAY} 09:00", title="周例会")
    Event.objects.filter(pk=event.pk).update(version=event.version + 1)
    response = login(team["desk"]).post(
        reverse("scheduling:event_edit", args=[event.pk]),
        event_form(title="周例会（新）", version=event.version))
    assert response.status_code == 409 and 'value="周例会（新）"' in response.content.decode()
    event.refresh_from_db()
    assert event.title == "周例会"


def test_only_the_organiser_may_edit(login, team):
    event = book(team["desk"], f"{MONDAY} 09:00", attendees=[team["dispatcher"]])
    response = login(team["dispatcher"]).get(
        reverse("scheduling:event_edit", args=[event.pk]))
    assert response.status_code == 403


# --- the event page, answers, cancelling ----------------------------------------------------

def test_an_invitee_sees_the_answers_and_accepts(login, team):
    desk, dispatcher = team["desk"], team["dispatcher"]
    event = book(dispatcher, f"{MONDAY} 09:00", title="周例会",
                 attendees=[desk, (team["tech"], "declined")])
    client = login(desk)
    page = client.get(reverse("scheduling:event_detail", args=[event.pk])).content.decode()
    assert 'data-testid="respond-accepted"' in page and "李师傅" in page
    assert 'data-testid="event-cancel"' not in page
    response = client.post(reverse("scheduling:event_respond", args=[event.pk]),
                           {"response": "accepted"})
    assert response.status_code == 302
    assert Attendance.objects.get(event=event, user=desk).response == "accepted"


def test_a_wrong_answer_is_refused(login, team):
    event = book(team["dispatcher"], f"{MONDAY} 09:00", attendees=[team["desk"]])
    response = login(team["desk"]).post(
        reverse("scheduling:event_respond", args=[event.pk]), {"response": "pending"})
    assert response.status_code == 400


def test_the_organiser_cancels(login, team):
    event = book(team["dispatcher"], f"{MONDAY} 09:00", attendees=[team["desk"]])
    client = login(team["dispatcher"])
    page = client.get(reverse("scheduling:event_detail", args=[event.pk])).content.decode()
    assert 'data-testid="event-cancel"' in page
    assert login(team["desk"]).post(reverse("scheduling:event_cancel", args=[event.pk]),
                                    {}).status_code == 403
    response = client.post(reverse("scheduling:event_cancel", args=[event.pk]), {})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.cancelled_at is not None


# --- dragging -------------------------------------------------------------------------------

def move(client, event, start, end, version=None, **extra):
    return client.post(reverse("scheduling:event_move", args=[event.pk]), {
        "start": start, "end": end,
        "version": event.version if version is None else version, **extra})


def test_dragging_moves_an_event(login, team):
    event = book(team["desk"], f"{MONDAY} 09:00", title="周例会")
    response = move(login(team["desk"]), event, "2026-03-03T14:00", "2026-03-03T15:30")
    assert response.status_code == 200 and response.json()["ok"]
    event.refresh_from_db()
    assert (event.start, event.end) == (at("2026-03-03 14:00"), at("2026-03-03 15:30"))
    assert response.json()["version"] == event.version


def test_dragging_onto_a_colleagues_meeting_answers_409_with_the_message(login, team):
    desk, dispatcher = team["desk"], team["dispatcher"]
    book(desk, "2026-03-03 14:00", title="业主接待")
    event = book(dispatcher, f"{MONDAY} 09:00", title="周例会", attendees=[desk])
    client = login(dispatcher)
    response = move(client, event, "2026-03-03T14:00", "2026-03-03T15:00")
    body = response.json()
    assert response.status_code == 409 and body["can_confirm"] is True
    assert "王丽娜：业主接待" in body["error"]
    event.refresh_from_db()
    assert event.start == at(f"{MONDAY} 09:00")
    confirmed = move(client, event, "2026-03-03T14:00", "2026-03-03T15:00",
                     confirm_conflicts="on")
    assert confirmed.status_code == 200


def test_dragging_with_a_stale_version_answers_409(login, team):
    event = book(team["desk"], f"{MONDAY} 09:00")
    response = move(login(team["desk"]), event, "2026-03-03T14:00", "2026-03-03T15:00",
                    version=event.version + 5)
    assert response.status_code == 409 and response.json()["stale"] is True


def test_dragging_one_occurrence_of_a_series_moves_only_that_one(login, team):
    event = series(team["desk"], f"{MONDAY} 09:00", "FREQ=DAILY;COUNT=5", title="晨会")
    third = at("2026-03-04 09:00")
    response = move(login(team["desk"]), event, "2026-03-04T11:00", "2026-03-04T12:00",
                    occurrence_start=third.isoformat())
    assert response.status_code == 200
    exception = EventException.objects.get(event=event)
    assert exception.original_start == third and exception.start == at("2026-03-04 11:00")


def test_only_the_organiser_may_drag_and_bad_input_is_400(login, team):
    event = book(team["dispatcher"], f"{MONDAY} 09:00", attendees=[team["desk"]])
    refused = move(login(team["desk"]), event, "2026-03-03T14:00", "2026-03-03T15:00")
    assert refused.status_code == 403
    bad = move(login(team["dispatcher"]), event, "2026-03-03T15:00", "2026-03-03T14:00")
    assert bad.status_code == 400 and json.loads(bad.content)["error"]


def test_only_my_own_timed_events_are_draggable(login, team):
    book(team["desk"], f"{MONDAY} 09:00", title="我的会")
    book(team["dispatcher"], f"{MONDAY} 11:00", title="别人的会", attendees=[team["desk"]])
    page = login(team["desk"]).get(calendar_url()).content.decode()
    mine = page.split("我的会")[0].rsplit("<a ", 1)[1]
    theirs = page.split("别人的会")[0].rsplit("<a ", 1)[1]
    assert "data-movable" in mine and "data-movable" not in theirs


def test_a_busy_day_in_the_team_week_shows_four_events_and_links_to_the_rest(login, team):
    for hour in range(8, 15):
        book(team["dispatcher"], f"{MONDAY} {hour:02d}:00", title=f"派工{hour}")
    page = login(team["manager"]).get(
        reverse("scheduling:team") + f"?view=week&date={MONDAY}&users={team['dispatcher'].pk}"
    ).content.decode()
    assert [t for t in ("派工8", "派工9", "派工10", "派工11", "派工12") if t in page] == [
        "派工8", "派工9", "派工10", "派工11"]
    more = re.search(r'<a class="small d-block" href="([^"]*)" data-testid="team-more">'
                     r'([^<]*)</a>', page)
    assert more and "3" in more.group(2)
    day = login(team["manager"]).get(reverse("scheduling:team") + more.group(1).replace(
        "&amp;", "&")).content.decode()
    assert all(f"派工{hour}" in day for hour in range(8, 15))


def test_titles_and_places_are_escaped_in_every_view(login, team):
    book(team["dispatcher"], f"{MONDAY} 09:00", title='<b>"泵房"</b>', place="<i>B2</i>",
         attendees=[team["desk"]])
    series(team["dispatcher"], f"{MONDAY} 07:00", "FREQ=DAILY;COUNT=2", minutes=30,
           title="<script>x</script>", attendees=[team["desk"]])
    client = login(team["desk"])
    team_week = (reverse("scheduling:team")
                 + f"?view=week&date={MONDAY}&users={team['dispatcher'].pk}")
    for url in (calendar_url("week"), calendar_url("day"), calendar_url("month"), team_week):
        page = client.get(url).content.decode()
        assert "&lt;b&gt;&quot;泵房&quot;&lt;/b&gt;" in page, url
        assert "<b>" not in page and "<i>B2" not in page and "<script>x" not in page, url
        assert "&lt;script&gt;x&lt;/script&gt;" in page, url


def test_the_team_week_shows_an_event_on_every_day_it_covers(login, team):
    book(team["dispatcher"], f"{MONDAY} 20:00", minutes=(24 + 8) * 60, title="通宵抢修")
    book(team["dispatcher"], f"{MONDAY} 22:00", minutes=120, title="夜间巡查")  # to midnight
    page = login(team["manager"]).get(
        reverse("scheduling:team") + f"?view=week&date={MONDAY}&users={team['dispatcher'].pk}"
    ).content.decode()
    row = page.split('data-testid="team-row"', 1)[1].split("</tr>", 1)[0]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    assert len(cells) == 7
    assert ["通宵抢修" in cell for cell in cells] == [True, True, True, False, False, False,
                                                  False]
    assert ["夜间巡查" in cell for cell in cells] == [True] + [False] * 6


def test_a_new_event_says_it_was_saved(login, team):
    client = login(team["desk"])
    response = client.post(reverse("scheduling:event_new"), event_form(), follow=True)
    assert response.status_code == 200
    assert "日程已保存" in response.content.decode()


def test_the_event_page_lists_outside_participants_to_those_who_may_see_owners(login, team):
    from tests.owners.factories import PartyFactory

    owner = PartyFactory(name="赵业主")
    event = book(team["desk"], f"{MONDAY} 15:00", title="业主座谈", attendees=[team["tech"]])
    event.outside_participants.set([owner])
    url = reverse("scheduling:event_detail", args=[event.pk])
    page = login(team["desk"]).get(url).content.decode()
    assert 'data-testid="outside-participants"' in page and "赵业主" in page
    assert reverse("owners:party_detail", args=[owner.pk]) in page
    no_owners = UserFactory(role=Role.SECURITY_SUPERVISOR)
    Attendance.objects.create(event=event, user=no_owners, event_start=event.start,
                              event_until=event.series_end)
    page = login(no_owners).get(url).content.decode()
    assert "赵业主" not in page


def test_the_answer_buttons_are_verbs_while_the_attendee_list_shows_answers(login, team):
    # given 李师傅 declined and 王丽娜 has not answered yet
    event = book(team["dispatcher"], f"{MONDAY} 09:00", title="周例会",
                 attendees=[team["desk"], (team["tech"], "declined")])
    # when 王丽娜 opens the event
    page = login(team["desk"]).get(reverse("scheduling:event_detail", args=[event.pk])
                                   ).content.decode()
    # then her buttons say what to do, and 李师傅's line says what he did
    buttons = dict(re.findall(r'data-testid="respond-(\w+)">([^<]+)</button>', page))
    assert buttons == {"accepted": "接受", "tentative": "待定", "declined": "拒绝"}
    assert re.search(r'text-bg-danger">已拒绝</span>', page)
