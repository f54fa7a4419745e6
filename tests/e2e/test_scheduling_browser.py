import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from scheduling.models import Attendance, Event
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.helpers import sign_in
from tests.scheduling.factories import EventFactory, at

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MONDAY = "2026-03-02"
MINUTE_PX = 0.8  # static/css/calendar.css: 48px an hour


def new_page(browser, *, width=1280, height=1400):
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.csp_violations = []
    page.on("console", lambda msg: "Content Security Policy" in msg.text
            and page.csp_violations.append(msg.text))
    return page


def picker(page, name: str):
    """The search picker (Tom Select) that took the place of the select named ``name``."""
    return page.locator(f"#id_{name} + .ts-wrapper")


def shown_options(page):
    """The matches an open picker list shows (a closed one keeps its last, hidden)."""
    return page.get_by_test_id("picker-option").filter(visible=True)


def drag(page, locator, *, dy: float, dx: float = 0, from_bottom: bool = False):
    box = locator.bounding_box()
    x = box["x"] + box["width"] / 2
    y = box["y"] + (box["height"] - 2 if from_bottom else min(10, box["height"] / 2))
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx, y + dy, steps=12)
    page.mouse.up()


def test_a_dispatcher_books_a_meeting_over_a_conflict_drags_it_and_the_colleague_accepts(
        live_server, browser, dispatcher, front_desk, service_staff, password):
    # 王丽娜 (front desk) already receives an owner at 09:30 and has training at 14:00.
    EventFactory(organizer=front_desk, title="业主接待", start=at(f"{MONDAY} 09:30"),
                 end=at(f"{MONDAY} 10:30"))
    EventFactory(organizer=front_desk, title="新员工培训", start=at(f"{MONDAY} 14:00"),
                 end=at(f"{MONDAY} 15:00"))

    page = new_page(browser)
    sign_in(page, live_server, "dispatcher", password)
    page.goto(f"{live_server.url}/schedule/calendar/?view=week&date={MONDAY}")
    monday = page.locator(f'.cal-day[data-date="{MONDAY}"]')
    expect(monday).to_be_visible()

    # Dragging over empty time on Monday morning opens the form for 09:00–10:00.
    column = monday.bounding_box()
    nine = column["y"] + 9 * 60 * MINUTE_PX + 5
    page.mouse.move(column["x"] + column["width"] / 2, nine)
    page.mouse.down()
    page.mouse.move(column["x"] + column["width"] / 2, nine + 30 * MINUTE_PX, steps=5)
    page.mouse.up()
    page.wait_for_url(re.compile(r"/schedule/events/new/\?start="))
    expect(page.locator("#id_start")).to_have_value(f"{MONDAY}T09:00")
    expect(page.locator("#id_end")).to_have_value(f"{MONDAY}T10:00")

    page.locator("#id_title").fill("物业周例会")
    page.locator("#id_place").fill("三楼会议室")
    # Colleagues are found by typing: ↓ and Enter pick 王丽娜; Enter before the results
    # arrive takes the first match (李师傅) and does not submit the form.
    attendees = page.locator("#id_attendees-ts-control")
    expect(page.get_by_role("combobox", name="参加人", exact=True)).to_have_id(
        "id_attendees-ts-control")
    expect(page.locator("#id_attendees")).to_have_class(re.compile(r"\bts-hidden-accessible\b"))
    attendees.press_sequentially("王丽")
    match = shown_options(page).filter(has_text="王丽娜")
    expect(match).to_have_count(1)
    attendees.press("ArrowDown")
    expect(match).to_have_attribute("aria-selected", "true")
    attendees.press("Enter")
    chosen = page.get_by_test_id("picker-chosen")
    expect(chosen).to_have_text([re.compile("王丽娜")])
    expect(shown_options(page)).to_have_count(0)
    attendees.press_sequentially("李师")
    attendees.press("Enter")
    expect(chosen).to_have_text([re.compile("王丽娜"), re.compile("李师傅")])
    assert "/events/new/" in page.url
    page.get_by_test_id("event-save").click()

    # Warned: 王丽娜 is busy then; the input is kept and may be booked anyway.
    conflicts = page.get_by_test_id("conflicts")
    expect(conflicts).to_contain_text("王丽娜：业主接待")
    expect(page.locator("#id_title")).to_have_value("物业周例会")
    expect(page.get_by_test_id("picker-chosen")).to_have_count(2)
    page.get_by_test_id("confirm-conflicts").check()
    page.get_by_test_id("event-save").click()
    expect(page.get_by_test_id("event-title")).to_contain_text("物业周例会")
    event = Event.objects.get(title="物业周例会")
    assert set(event.attendances.values_list("user_id", flat=True)) == {
        dispatcher.pk, front_desk.pk, service_staff.pk}

    # In the week, drag it two hours later: 11:00–12:00 is free for everyone.
    page.goto(f"{live_server.url}/schedule/calendar/?view=week&date={MONDAY}")
    meeting = page.get_by_test_id("cal-event").filter(has_text="物业周例会")
    with page.expect_navigation():
        drag(page, meeting, dy=120 * MINUTE_PX)
    event.refresh_from_db()
    assert (event.start, event.end) == (at(f"{MONDAY} 11:00"), at(f"{MONDAY} 12:00"))

    # Onto her training at 14:00: refused with the conflict, and the event goes back.
    meeting = page.get_by_test_id("cal-event").filter(has_text="物业周例会")
    expect(meeting).to_have_attribute("data-top", str(11 * 60))
    drag(page, meeting, dy=180 * MINUTE_PX)
    alert = page.get_by_test_id("cal-alert")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("王丽娜：新员工培训")
    expect(page.get_by_test_id("cal-move-anyway")).to_be_visible()
    expect(meeting).to_have_attribute("data-top", str(11 * 60))
    top = meeting.bounding_box()["y"] - monday.bounding_box()["y"]
    assert abs(top - 11 * 60 * MINUTE_PX) < 2
    event.refresh_from_db()
    assert event.start == at(f"{MONDAY} 11:00")

    # Its bottom edge makes it half an hour longer.
    with page.expect_navigation():
        drag(page, meeting, dy=30 * MINUTE_PX, from_bottom=True)
    event.refresh_from_db()
    assert event.end - event.start == dt.timedelta(minutes=90)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "calendar-week.png"), full_page=True)
    assert page.csp_violations == []

    # 王丽娜 finds the invitation in her inbox, opens it and accepts, on a phone.
    phone = new_page(browser, width=390, height=844)
    sign_in(phone, live_server, "frontdesk", password)
    phone.goto(f"{live_server.url}/inbox/")
    messages = phone.get_by_test_id("inbox-list").get_by_role("link").filter(
        has_text="物业周例会")
    expect(messages).to_have_count(3)  # the invitation, then the move and the resize
    invitation = messages.last
    expect(invitation).to_contain_text("陈建国")
    invitation.click()
    expect(phone.get_by_test_id("event-title")).to_contain_text("物业周例会")
    phone.get_by_test_id("respond-accepted").click()
    expect(phone.get_by_test_id("respond-accepted")).to_have_class(re.compile(r"\bbtn-primary\b"))
    assert Attendance.objects.get(event=event, user=front_desk).response == "accepted"
    phone.screenshot(path=str(ARTIFACTS / "event-on-a-phone.png"), full_page=True)

    # Her own agenda lists it.
    phone.goto(f"{live_server.url}/schedule/calendar/?view=agenda&date={MONDAY}")
    expect(phone.get_by_test_id("cal-agenda")).to_contain_text("物业周例会")
    assert phone.csp_violations == []


def test_an_organiser_links_an_owner_and_a_room_by_searching_and_the_team_view_finds_people(
        live_server, browser, dispatcher, front_desk, password):
    from tests.owners.factories import PartyFactory, RoomFactory

    owner = PartyFactory(name="刘旭", mobile="13800135678")
    building = {"unit__number": "2", "unit__building__number": "3",
                "unit__building__estate__name": "阳光花园"}
    room = RoomFactory(number="1202", unit=RoomFactory(number="1201", **building).unit)

    page = new_page(browser)
    sign_in(page, live_server, "frontdesk", password)
    page.goto(f"{live_server.url}/schedule/events/new/?start={MONDAY}T15:00"
              f"&end={MONDAY}T16:00")
    page.locator("#id_title").fill("业主座谈会")

    # A colleague picked by mistake is removed with the badge's ×.
    attendees = page.locator("#id_attendees-ts-control")
    attendees.press_sequentially("陈建")
    attendees.press("Enter")
    chosen = picker(page, "attendees").get_by_test_id("picker-chosen")
    expect(chosen).to_have_text([re.compile("陈建国")])
    chosen.get_by_role("button").click()
    expect(chosen).to_have_count(0)
    expect(page.locator("#id_attendees option:checked")).to_have_count(0)

    outside = page.locator("#id_outside_participants-ts-control")
    outside.press_sequentially("刘旭")
    expect(shown_options(page)).to_have_text(["刘旭 · 13800135678"])
    outside.press("Enter")
    expect(picker(page, "outside_participants")).to_contain_text("刘旭")

    # One room: Esc closes the list; a second pick replaces the first.
    page.locator("summary").filter(has_text=re.compile("业主|owner")).click()
    rooms = page.locator("#id_room-ts-control")
    rooms.press_sequentially("3-2")
    expect(shown_options(page)).to_have_count(2)
    rooms.press("Escape")
    expect(shown_options(page)).to_have_count(0)
    rooms.press("ArrowDown")  # the list again, for the same text
    expect(shown_options(page)).to_have_count(2)
    rooms.press("Enter")
    room_chosen = picker(page, "room").get_by_test_id("picker-chosen")
    expect(room_chosen).to_have_text([re.compile("3-2-1201")])
    rooms.press_sequentially("3-2-1202")
    rooms.press("Enter")
    expect(room_chosen).to_have_text([re.compile("3-2-1202")])
    page.get_by_test_id("event-save").click()
    expect(page.get_by_test_id("event-title")).to_contain_text("业主座谈会")

    event = Event.objects.get(title="业主座谈会")
    assert list(event.outside_participants.all()) == [owner]
    assert event.room == room
    assert list(event.attendances.values_list("user_id", flat=True)) == [front_desk.pk]

    # The team view's chooser works the same way.
    page.goto(f"{live_server.url}/schedule/team/?date={MONDAY}")
    people = page.locator("#id_users-ts-control")
    people.press_sequentially("陈建")
    expect(shown_options(page)).to_have_text(["陈建国 · 客户服务中心"])
    people.press("ArrowDown")
    people.press("Enter")
    expect(picker(page, "users")).to_contain_text("陈建国")
    page.get_by_test_id("team-form").get_by_role("button", name=re.compile("显示|Show")).click()
    page.wait_for_url(re.compile(rf"users={dispatcher.pk}"))
    expect(page.get_by_test_id("team-row")).to_have_count(1)
    expect(page.get_by_test_id("team-row")).to_contain_text("陈建国")
    assert page.csp_violations == []
