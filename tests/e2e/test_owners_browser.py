import re

import pytest
from playwright.sync_api import expect

from tests.owners.factories import OwnershipFactory, PartyFactory, RoomFactory, UnitFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_front_desk_finds_an_owner_by_phone_tail_and_adds_a_family_member(
        live_server, page, front_desk, password, screenshot):
    unit = UnitFactory(building__number="3", number="2",
                       building__estate__name="翠苑花园")
    room = RoomFactory(unit=unit, number="1201", code="3-2-1201")
    owner = PartyFactory(name="刘旭", mobile="13812345678")
    OwnershipFactory(room=room, party=owner)

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("frontdesk")
    page.get_by_label("密码").fill(password)
    page.get_by_test_id("login-submit").click()
    page.wait_for_load_state("load")

    page.get_by_test_id("global-search").fill("5678")
    page.locator("#search-suggestions").get_by_text("刘旭").click()
    expect(page.get_by_role("heading", name="刘旭")).to_be_visible()
    expect(page.get_by_role("link", name="3-2-1201")).to_be_visible()

    household = page.get_by_test_id(f"household-form-{room.pk}")
    page.get_by_text("添加住户").first.click()
    household.get_by_label("姓名").fill("刘小明")
    household.get_by_label("具体关系").fill("子女")
    household.get_by_label("手机").fill("139 0000 1111")
    household.get_by_role("button", name="登记到该房屋").click()

    expect(page.get_by_text("已将 刘小明 登记到 3-2-1201。")).to_be_visible()
    timeline = page.get_by_test_id("timeline")
    expect(timeline.get_by_text(re.compile("刘小明（子女）登记入住 3-2-1201"))).to_be_visible()
    household_links = page.get_by_test_id(f"room-{room.pk}")
    expect(household_links.get_by_role("link", name="刘小明")).to_be_visible()
    screenshot("owner-console")
    assert page.csp_violations == []
