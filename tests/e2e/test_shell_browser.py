import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_front_desk_signs_in_sees_chinese_switches_to_english_and_logs_out(
        live_server, page, front_desk, password, screenshot):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    expect(page.get_by_role("heading", name="物业 CRM")).to_be_visible()

    page.get_by_label("用户名").fill("frontdesk")
    page.get_by_label("密码").fill(password)
    page.get_by_test_id("login-submit").click()

    expect(page.get_by_role("heading", name="王丽娜，您好")).to_be_visible()
    expect(page.get_by_role("link", name="工作台")).to_be_visible()
    expect(page.get_by_text("在职员工")).to_be_visible()
    screenshot("dashboard-zh")

    page.wait_for_load_state("load")
    page.get_by_test_id("language-select").first.select_option("en")
    expect(page.get_by_role("heading", name="Hello, 王丽娜")).to_be_visible()
    expect(page.get_by_role("link", name="Dashboard")).to_be_visible()
    screenshot("dashboard-en")
    front_desk.refresh_from_db()
    assert front_desk.language == "en"

    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("logout").click()
    expect(page).to_have_url(re.compile(r"/login/$"))
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert page.csp_violations == []


def test_global_search_suggests_colleagues_as_you_type(live_server, page, front_desk, dispatcher,
                                                       password):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("frontdesk")
    page.get_by_label("密码").fill(password)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_role("heading", name="王丽娜，您好")).to_be_visible()

    page.wait_for_load_state("load")
    page.keyboard.press("/")
    expect(page.get_by_test_id("global-search")).to_be_focused()
    page.keyboard.type("陈建")
    suggestion = page.locator("#search-suggestions").get_by_text("陈建国")
    expect(suggestion).to_be_visible()
    suggestion.click()
    expect(page).to_have_url(re.compile(r"/staff/\?q=dispatcher"))
    expect(page.get_by_role("cell", name=re.compile("陈建国"))).to_be_visible()
    assert page.csp_violations == []


def test_layout_holds_on_a_tablet(live_server, browser, front_desk, password):
    context = browser.new_context(viewport={"width": 768, "height": 1024})
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("frontdesk")
    page.get_by_label("密码").fill(password)
    page.get_by_test_id("login-submit").click()
    page.wait_for_load_state("load")
    page.get_by_role("button", name="菜单").click()
    expect(page.locator("#sidebar").get_by_role("link", name="同事通讯录")).to_be_visible()
    context.close()
