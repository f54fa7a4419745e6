"""The desk's daily annoyances, in a real browser: the top bar on a phone, touch targets,
the board at 1366 px, the keyboard in the top search, the complaint category, and the
owner console's way into fast entry."""

import re

import pytest
from playwright.sync_api import expect

from service_tickets.models import Ticket
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.helpers import sign_in
from tests.service_tickets.conftest import new_ticket, world  # noqa: F401 - fixture
from tests.service_tickets.factories import CategoryFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
TOUCH = 44  # px: the smallest height a finger hits reliably


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def test_on_a_phone_the_top_search_is_usable_and_buttons_are_finger_sized(
        live_server, browser, world, password):  # noqa: F811
    # given a ticket, and the desk on a 390 px phone
    ticket = new_ticket(world)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    page = context.new_page()
    sign_in(page, live_server, "frontdesk", password)
    for url in ("/", f"/tickets/{ticket.pk}/", "/tickets/"):
        # when a page opens, then the search box spans the bar's width (not a stub)
        page.goto(f"{live_server.url}{url}")
        box = page.get_by_test_id("global-search").bounding_box()
        assert box["width"] >= 300, (url, box)
        assert box["height"] >= TOUCH, (url, box)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, url
    shot(page, "desk-phone-ticket-list")
    # and it finds the ticket by its last digits
    page.get_by_test_id("global-search").fill("0001")
    expect(page.locator("#search-suggestions").get_by_text(ticket.number)).to_be_visible()
    shot(page, "desk-phone-search")
    # and on the ticket page every action button is at least 44 px high
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    buttons = page.locator("[data-testid^=act-] button")
    assert buttons.count() >= 1
    for index in range(buttons.count()):
        height = buttons.nth(index).bounding_box()["height"]
        assert height >= TOUCH, (buttons.nth(index).inner_text(), height)
    shot(page, "desk-phone-ticket")
    context.close()


def test_the_board_shows_all_seven_columns_at_1366_px(live_server, browser, world, password):  # noqa: F811
    # given tickets on the board and a dispatcher on a 1366 × 768 screen
    for _ in range(3):
        new_ticket(world)
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="en-US")
    page = context.new_page()
    sign_in(page, live_server, "dispatcher", password)
    # when the board opens
    page.goto(f"{live_server.url}/tickets/board/")
    board = page.get_by_test_id("board")
    expect(board).to_be_visible()
    # then all seven columns lie inside the screen, nothing scrolled out of sight
    columns = board.locator(":scope > section")
    assert columns.count() == 7
    for index in range(7):
        box = columns.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 1366, (index, box)
    assert board.evaluate("b => b.scrollWidth <= b.clientWidth")
    # and each card holds its whole number inside its border
    cards = board.get_by_test_id("card")
    assert cards.count() == 3
    for index in range(cards.count()):
        assert cards.nth(index).evaluate(
            "c => c.querySelector('.app-card-number').getBoundingClientRect().right"
            " <= c.getBoundingClientRect().right - 4"), index
    shot(page, "board-1366")
    context.close()


def test_arrow_keys_move_through_the_top_search_suggestions(
        live_server, page, world, password):  # noqa: F811
    # given two tickets of today (their numbers share the day's prefix)
    first, second = new_ticket(world), new_ticket(world)
    sign_in(page, live_server, "frontdesk", password)
    search = page.get_by_test_id("global-search")
    # when the desk types the day's prefix
    search.fill(first.number[:10])
    options = page.locator("#search-suggestions [role=option]")
    expect(options).to_have_count(2)
    expect(search).to_have_attribute("aria-expanded", "true")
    # then ↓ highlights the first suggestion, ↓ the second, ↑ the first again
    search.press("ArrowDown")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    expect(search).to_have_attribute("aria-activedescendant",
                                     options.nth(0).get_attribute("id"))
    search.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    expect(options.nth(0)).to_have_attribute("aria-selected", "false")
    shot(page, "search-arrow-keys")
    search.press("ArrowUp")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    expect(search).to_be_focused()
    # and Escape closes them, Enter opens the highlighted one (the newest: second)
    search.press("Escape")
    expect(options).to_have_count(0)
    expect(search).to_have_attribute("aria-expanded", "false")
    search.fill(first.number[:11])
    expect(options).to_have_count(2)
    search.press("ArrowDown")
    search.press("Enter")
    expect(page).to_have_url(re.compile(rf"/tickets/{second.pk}/$"))
    assert page.csp_violations == []


def test_the_complaint_category_makes_the_ticket_a_complaint(
        live_server, page, world, password):  # noqa: F811
    # given a complaint category
    CategoryFactory(name="投诉", code="complaint", ticket_type="complaint")
    sign_in(page, live_server, "frontdesk", password)
    # when the desk comes from the owner's page and picks 投诉 by typing its pinyin
    new_ticket(world)
    page.goto(f"{live_server.url}/owners/people/{world['party'].pk}/")
    panel = page.get_by_test_id("panel-tools")
    expect(panel.get_by_role("link", name=re.compile(r"GD\d{8}-0001"))).to_be_visible()
    panel.scroll_into_view_if_needed()
    shot(page, "owner-console-tickets")
    panel.get_by_role("link", name="登记工单").click()
    expect(page.get_by_test_id("chosen")).to_contain_text(world["room"].code)
    expect(page.get_by_test_id("category-filter")).to_be_focused()
    page.keyboard.type("ts")
    # then the type follows (投诉) and the complaint's fields appear
    expect(page.get_by_label("类型")).to_have_value("complaint")
    expect(page.get_by_test_id("complaint-fields")).to_be_visible()
    shot(page, "fast-entry-complaint")
    # and choosing a repair category with the mouse leaves the type as chosen
    page.get_by_test_id("category-filter").fill("")
    page.get_by_label("类别").select_option(label="漏水")
    expect(page.get_by_label("类型")).to_have_value("complaint")
    page.get_by_label("类别").select_option(label="投诉")
    page.get_by_label("描述").fill("保安态度恶劣")
    page.get_by_test_id("fast-entry-save").click()
    expect(page.get_by_text(re.compile(r"已登记 GD\d{8}-0002"))).to_be_visible()
    ticket = Ticket.objects.get(number__endswith="-0002")
    assert (ticket.type, ticket.party, ticket.room) == ("complaint", world["party"],
                                                         world["room"])
    assert page.csp_violations == []
