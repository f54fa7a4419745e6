"""Search pickers (Tom Select) in a real browser, with the keyboard only: type, ↑/↓, Enter,
Esc, Backspace; the texts in Chinese; the CSP quiet."""

import re

import pytest
from playwright.sync_api import expect

from scheduling.models import Event
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.helpers import sign_in
from tests.staff.factories import DepartmentFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MONDAY = "2026-03-02"


def starts(label: str) -> re.Pattern:
    """A chosen item's text: its label, then its remove button's ×."""
    return re.compile("^" + re.escape(label))


def focused_id(page) -> str:
    return page.evaluate("document.activeElement.id")


def test_a_colleague_is_searched_chosen_and_removed_with_the_keyboard_only(
        live_server, page, front_desk, password):
    # given three colleagues called 周…, one of them reachable by her phone's last digits
    works = DepartmentFactory(name="工程部", code="works")
    mobiles = {"周一鸣": "13900001357", "周二强": "13900002468", "周三立": "13900008642"}
    for name, mobile in mobiles.items():
        UserFactory(full_name=name, department=works, mobile=mobile)
    sign_in(page, live_server, "frontdesk", password)
    page.goto(f"{live_server.url}/schedule/events/new/?start={MONDAY}T15:00"
              f"&end={MONDAY}T16:00")
    page.locator("#id_title").focus()
    page.keyboard.type("工程协调会")

    # when she tabs from the place into the attendees and types a surname
    page.locator("#id_place").focus()
    page.keyboard.press("Tab")
    box = page.locator("#id_attendees-ts-control")
    assert focused_id(page) == "id_attendees-ts-control"
    expect(page.get_by_role("combobox", name="参加人", exact=True)).to_be_focused()
    page.keyboard.type("周")

    # then the matches are listed, the first highlighted, the box says the list is open
    options = page.get_by_test_id("picker-option").filter(visible=True)
    expect(options).to_have_count(3)
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(options.first).to_have_attribute("aria-selected", "true")
    labels = options.all_inner_texts()
    assert sorted(labels) == sorted(f"{name} · 工程部" for name in mobiles)
    picked, by_phone = labels[1], labels[2]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "picker-zh-open.png"))

    # when ↓ ↓ ↑ move the highlight and Enter takes it
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    second = options.nth(1)
    expect(second).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", second.get_attribute("id"))
    page.keyboard.press("Enter")

    # then she is chosen, the box is empty again and the list closed
    chosen = page.locator("#id_attendees + .ts-wrapper").get_by_test_id("picker-chosen")
    expect(chosen).to_have_text([starts(picked)])
    expect(box).to_have_value("")
    expect(box).to_have_attribute("aria-expanded", "false")

    # when a phone's last digits are typed and Enter comes before the results
    page.keyboard.type(mobiles[by_phone.split(" · ")[0]][-4:])
    page.keyboard.press("Enter")

    # then the first match is taken when it arrives, and the form is not sent
    expect(chosen).to_have_text([starts(picked), starts(by_phone)])
    assert "/events/new/" in page.url

    # when nobody matches, the list says so in Chinese; Esc closes it and keeps the text
    page.keyboard.type("没有这个人")
    note = page.get_by_test_id("picker-note").filter(visible=True)
    expect(note).to_have_text("没有匹配的结果。")
    page.keyboard.press("Escape")
    expect(note).to_have_count(0)
    expect(box).to_have_value("没有这个人")

    # when the text is cleared, the list asks for some; Backspace in the empty box then
    # removes the last colleague chosen
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    expect(note).to_have_text("输入关键字搜索…")
    page.keyboard.press("Backspace")
    expect(chosen).to_have_text([starts(picked)])
    expect(chosen.get_by_role("button")).to_have_accessible_name(f"移除 {picked}")
    expect(page.locator("#id_attendees option:checked")).to_have_count(1)

    # when Enter is pressed in the empty box, the form is sent as from any field
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("event-title")).to_contain_text("工程协调会")

    # then the event invites her (and its organiser), and nothing broke the CSP
    event = Event.objects.get(title="工程协调会")
    assert set(event.attendances.values_list("user__full_name", flat=True)) == {
        picked.split(" · ")[0], front_desk.full_name}
    assert page.csp_violations == []


def test_a_single_picker_replaces_and_clears_its_choice_from_the_keyboard(
        live_server, page, front_desk, password):
    from tests.owners.factories import RoomFactory

    # given two rooms of 阳光花园 3-2
    building = {"unit__number": "2", "unit__building__number": "3",
                "unit__building__estate__name": "阳光花园"}
    first = RoomFactory(number="1201", **building)
    second = RoomFactory(number="1202", unit=first.unit)
    sign_in(page, live_server, "frontdesk", password)
    page.goto(f"{live_server.url}/schedule/events/new/?start={MONDAY}T15:00"
              f"&end={MONDAY}T16:00")
    page.locator("summary").filter(has_text="关联业主").focus()
    page.keyboard.press("Enter")  # opens the links

    # when she tabs to the room picker (past the owner one) and picks with Enter
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert focused_id(page) == "id_room-ts-control"
    page.keyboard.type("3-2")
    options = page.get_by_test_id("picker-option").filter(visible=True)
    expect(options).to_have_text(["阳光花园 3-2-1201", "阳光花园 3-2-1202"])
    page.keyboard.press("Enter")
    chosen = page.locator("#id_room + .ts-wrapper").get_by_test_id("picker-chosen")
    expect(chosen).to_have_text([starts("阳光花园 3-2-1201")])

    # then a second pick replaces the first, and Backspace in the empty box clears it
    page.keyboard.type("3-2-1202")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(chosen).to_have_text([starts("阳光花园 3-2-1202")])
    expect(page.locator("#id_room")).to_have_value(str(second.pk))
    page.keyboard.press("Backspace")
    expect(chosen).to_have_count(0)
    expect(page.locator("#id_room")).to_have_value("")
    page.screenshot(path=str(ARTIFACTS / "picker-zh-single.png"))
    assert not re.search(r"/events/\d+/", page.url)
    assert page.csp_violations == []


def test_the_desk_names_the_colleague_a_complaint_is_about_from_the_colleague_picker(
        live_server, page, front_desk, dispatcher, password):
    # given the desk's fast entry, for a complaint
    sign_in(page, live_server, "frontdesk", password)
    page.goto(f"{live_server.url}/tickets/new/")
    page.locator("#id_type").select_option("complaint")
    expect(page.get_by_test_id("complaint-fields")).to_be_visible()

    # when she types part of a name in the colleague box and presses Enter at once
    page.locator("#id_complained_staff-ts-control").focus()
    page.keyboard.type("陈建")
    page.keyboard.press("Enter")

    # then the staff picker's first match is chosen, and the ticket is not sent yet
    chosen = page.locator("#id_complained_staff + .ts-wrapper").get_by_test_id("picker-chosen")
    expect(chosen).to_have_text([starts("陈建国 · 客户服务中心")])
    expect(page.locator("#id_complained_staff")).to_have_value(str(dispatcher.pk))
    assert page.url.endswith("/tickets/new/")
    assert page.csp_violations == []
