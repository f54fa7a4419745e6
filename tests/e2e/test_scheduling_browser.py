import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from scheduling.models import Attendance, Event
from tests.e2e.conftest import ARTIFACTS
from tests.scheduling.factories import EventFactory, at

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MONDAY = "2026-03-02"
MINUTE_PX = 0.8  # static/css/calendar.css: 48px an hour


def sign_in(page, live_server, username, password):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_test_id("login-submit").click()
    page.wait_for_load_state("load")


def new_page(browser, *, width=1280, height=1400):
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.csp_violations = []
    page.on("console", lambda msg: "Content Security Policy" in msg.text
            and page.csp_violations.append(msg.text))
    return page


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
    page.locator("#id_attendees").select_option(
        [str(front_desk.pk), str(service_staff.pk)])
    page.get_by_test_id("event-save").click()

    # Warned: 王丽娜 is busy then; the input is kept and may be booked anyway.
    conflicts = page.get_by_test_id("conflicts")
    expect(conflicts).to_contain_text("王丽娜：业主接待")
    expect(page.locator("#id_title")).to_have_value("物业周例会")
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
