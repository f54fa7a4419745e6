"""Charts are drawn by ECharts in the browser, under the CSP, from the server's figures."""

import datetime as dt

import pytest
from django.db.models import F
from playwright.sync_api import expect

from service_tickets.models import Ticket
from service_tickets.services import ticket_create
from tests.e2e.helpers import sign_in
from tests.owners.factories import RoomFactory
from tests.service_tickets.factories import CategoryFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_desk_sees_the_trend_on_the_dashboard_and_charts_in_the_reports(
        live_server, page, front_desk, password, screenshot):
    # Given a few tickets logged today, accepted within the hour
    category, room = CategoryFactory(name="漏水"), RoomFactory()
    for _n in range(3):
        ticket_create(by=front_desk, type="repair", source="phone", category=category,
                      description="厨房水管漏水", room=room)
    Ticket.objects.update(accepted_at=F("created_at") + dt.timedelta(minutes=40))
    sign_in(page, live_server, front_desk.username, password)

    # When the desk looks at the dashboard, then the trend is drawn on a canvas
    trend = page.get_by_test_id("chart-chart-trend")
    expect(trend).to_have_attribute("data-chart-ready", "true")
    expect(trend.locator("canvas")).to_have_count(1)
    box = trend.bounding_box()
    assert box["width"] > 300 and box["height"] >= 200
    screenshot("dashboard-trend")

    # And the service report draws its charts
    page.goto(f"{live_server.url}/tickets/reports/")
    daily = page.get_by_test_id("chart-chart-daily")
    expect(daily).to_have_attribute("data-chart-ready", "true")
    expect(daily.locator("canvas")).to_have_count(1)
    expect(page.get_by_test_id("chart-chart-times").locator("canvas")).to_have_count(1)
    screenshot("service-report-charts")
    assert page.csp_violations == []
