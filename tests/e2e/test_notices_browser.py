"""Fast entry without a mouse, the desk answering a caller from a notice in force, and
posting a notice."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from owners.models import Phone
from service_tickets.models import Notice, NoticeCall, Ticket
from service_tickets.notices import notice_create
from tests.e2e.test_tickets_browser import sign_in
from tests.owners.factories import OwnershipFactory
from tests.service_tickets.conftest import world  # noqa: F401 - fixture

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk_page(live_server, page, world, password):  # noqa: F811
    Phone.objects.create(party=world["party"], e164="+8613812345678", kind="mobile",
                         display="13812345678", tail="5678", is_primary=True)
    notice = notice_create(by=world["desk"], kind="water", title="本栋水箱清洗停水",
                           estate=world["room"].estate, buildings=[world["room"].building],
                           starts_at=timezone.now() - timedelta(hours=1))
    sign_in(page, live_server, "frontdesk", password)
    page.goto(f"{live_server.url}/tickets/new/")
    page.notice = notice
    return page


def test_the_desk_logs_a_ticket_with_the_keyboard_only(desk_page, world):  # noqa: F811
    page = desk_page
    expect(page.get_by_test_id("ticket-lookup")).to_be_focused()
    page.keyboard.type("5678")
    page.keyboard.press("Enter")  # before the results arrive: the first one is taken
    expect(page.get_by_test_id("chosen")).to_contain_text("刘旭")
    expect(page.get_by_test_id("entry-notice")).to_contain_text("本栋水箱清洗停水")
    expect(page.get_by_test_id("category-filter")).to_be_focused()
    page.keyboard.type("ls")
    expect(page.locator("#id_category")).to_have_value(str(world["category"].pk))
    page.keyboard.press("Enter")
    expect(page.get_by_label("描述")).to_be_focused()
    page.keyboard.type("厨房水管漏水")
    page.keyboard.press("Control+Enter")
    expect(page.get_by_text(re.compile(r"已登记 GD\d{8}-0001"))).to_be_visible()
    ticket = Ticket.objects.get()
    assert (ticket.party, ticket.room, ticket.notice) == (world["party"], world["room"], None)
    assert page.csp_violations == []


def test_arrow_keys_choose_among_callers_and_complaints_show_their_fields(
        desk_page, world):  # noqa: F811
    page = desk_page
    other = OwnershipFactory(party__name="王芳")
    Phone.objects.create(party=other.party, e164="+8613900005678", kind="mobile",
                         display="13900005678", tail="5678", is_primary=True)
    page.keyboard.type("5678")
    expect(page.get_by_test_id("candidate")).to_have_count(2)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("chosen")).to_contain_text("王芳")
    expect(page.get_by_test_id("chosen")).to_contain_text(other.room.code)
    expect(page.get_by_test_id("entry-notice")).to_have_count(0)  # another estate
    expect(page.get_by_test_id("complaint-fields")).to_be_hidden()
    page.get_by_label("类型").select_option("complaint")
    expect(page.get_by_test_id("complaint-fields")).to_be_visible()


def test_the_desk_answers_from_the_notice_instead_of_logging_a_ticket(desk_page, world):  # noqa: F811
    page = desk_page
    page.keyboard.type("5678")
    page.get_by_test_id("lookup-results").get_by_role("button", name=re.compile("刘旭")).click()
    page.get_by_test_id("notice-call").click()
    expect(page.get_by_text(re.compile("本栋水箱清洗停水"))).to_be_visible()
    expect(page.get_by_test_id("chosen")).to_have_text("—")
    assert Notice.objects.get().calls == 1 and NoticeCall.objects.get().party == world["party"]
    assert not Ticket.objects.exists()


def test_the_desk_links_a_ticket_to_the_notice(desk_page, world):  # noqa: F811
    page = desk_page
    page.keyboard.type("5678")
    page.get_by_test_id("lookup-results").get_by_role("button", name=re.compile("刘旭")).click()
    page.get_by_test_id("notice-link").click()
    expect(page.get_by_test_id("linked-notice")).to_contain_text("本栋水箱清洗停水")
    page.get_by_label("类别").select_option(label="漏水")
    page.get_by_label("描述").fill("停水后不出水")
    page.keyboard.press("Control+Enter")
    expect(page.get_by_text(re.compile(r"已登记 GD\d{8}-0001"))).to_be_visible()
    assert Ticket.objects.get().notice == page.notice


def test_the_desk_posts_a_notice_for_a_building_of_the_chosen_estate(
        live_server, page, world, password):  # noqa: F811
    sign_in(page, live_server, "frontdesk", password)
    page.goto(f"{live_server.url}/tickets/notices/")
    page.get_by_test_id("notice-form").locator("summary").click()
    page.get_by_test_id("notice-form").get_by_label("标题").fill("测试停水")
    page.get_by_test_id("notice-form").locator("select[name=estate]").select_option(
        str(world["room"].estate_id))
    boxes = page.get_by_test_id("notice-buildings").get_by_role("checkbox")
    expect(boxes).to_have_count(1)  # only the buildings of that estate
    boxes.check()
    page.get_by_test_id("notice-save").click()
    expect(page.get_by_test_id("notice")).to_have_count(1)
    assert list(Notice.objects.get().buildings.all()) == [world["room"].building]
    assert page.csp_violations == []
