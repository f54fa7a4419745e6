import re

import pytest
from playwright.sync_api import expect

from owners.models import Phone
from service_tickets.models import Ticket
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.helpers import sign_in
from tests.service_tickets.conftest import world  # noqa: F401 - fixture

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_desk_logs_from_a_phone_tail_and_service_staff_finish_on_a_phone(
        live_server, browser, page, world, password):  # noqa: F811
    Phone.objects.create(party=world["party"], e164="+8613812345678", kind="mobile",
                         display="13812345678", tail="5678", is_primary=True)
    world["tech"].set_password(password)
    world["tech"].save()

    sign_in(page, live_server, "frontdesk", password)
    page.goto(f"{live_server.url}/tickets/new/")
    page.get_by_test_id("ticket-lookup").fill("5678")
    page.get_by_test_id("lookup-results").get_by_role("button", name=re.compile("刘旭")).click()
    expect(page.get_by_test_id("chosen")).to_contain_text("刘旭")
    page.get_by_label("类别").select_option(label="漏水")
    page.get_by_label("描述").fill("厨房水管漏水，地面有积水")
    page.get_by_test_id("fast-entry-save").click()
    expect(page.get_by_text(re.compile(r"已登记 GD\d{8}-0001"))).to_be_visible()
    ticket = Ticket.objects.get()
    assert ticket.party == world["party"] and ticket.room == world["room"]

    dispatcher = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    sign_in(dispatcher, live_server, "dispatcher", password)
    dispatcher.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    dispatcher.get_by_test_id("act-dispatch").get_by_role("button", name="派单").click()
    expect(dispatcher.get_by_text("已派单").first).to_be_visible()

    phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    sign_in(phone, live_server, "tech-a", password)
    phone.goto(f"{live_server.url}/tickets/my/")
    card = phone.get_by_test_id("my-ticket").filter(has_text=ticket.number)
    card.get_by_role("link", name="查看工单").click()
    for action, label in [("accept", "接单"), ("start", "开始处理"), ("complete", "完成")]:
        phone.get_by_test_id(f"act-{action}").get_by_role("button", name=label).click()
        phone.wait_for_load_state("load")
    expect(phone.get_by_text("已完成（待回访）").first).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "ticket-on-a-phone.png"), full_page=True)
    ticket.refresh_from_db()
    assert ticket.status == "done" and ticket.assignee == world["tech"]

    # The desk calls the owner back: still leaking, so the ticket goes back for rework.
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    form = page.get_by_test_id("follow-up-form")
    form.get_by_role("radiogroup", name="方式").get_by_text("电话", exact=True).click()
    form.get_by_role("radiogroup", name="结果").get_by_text("不满意", exact=True).click()
    form.get_by_role("radiogroup", name="总体评分").get_by_text("2", exact=True).click()
    form.get_by_text("服务质量评分").click()
    form.get_by_role("radiogroup", name="反应性").get_by_text("1", exact=True).click()
    form.get_by_label("意见").fill("厨房仍在滴水")
    form.get_by_test_id("follow-up-save").click()
    expect(page.get_by_text("返工").first).to_be_visible()
    ticket.refresh_from_db()
    assert ticket.status == "reopened" and ticket.reopen_count == 1
    follow_up = ticket.follow_ups.get()
    assert (follow_up.outcome, follow_up.overall, follow_up.responsiveness) == (
        "unsatisfied", 2, 1)
    assert "厨房仍在滴水" in ticket.events.filter(kind="follow_up").get().note
