"""The service-quality report and the dashboard card, on small hand-made data sets."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext as _t
from django.utils.translation import pgettext

from service_tickets.choices import QUALITY_DIMENSIONS, Status
from service_tickets.followups import duration_text, month_bounds, quality_report
from service_tickets.models import FollowUp, Ticket
from service_tickets.registrations import _card
from service_tickets.services import ticket_create
from tests.owners.factories import RoomFactory
from tests.service_tickets.factories import CategoryFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
NOW = "2026-11-25 15:00"


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


def made(world, created: str, *, type="repair", room=None, category=None, **fields) -> Ticket:
    """A ticket logged at ``created`` (Shanghai time), then given ``fields`` as they are."""
    with time_machine.travel(at(created), tick=False):
        ticket = ticket_create(by=world["desk"], type=type, source="phone",
                               category=category or world["category"], description="x",
                               room=room or world["room"])
    if fields:
        Ticket.objects.filter(pk=ticket.pk).update(**fields)
    return Ticket.objects.get(pk=ticket.pk)


def follow_up(world, ticket, when: str, outcome: str, overall=None, **scores) -> FollowUp:
    return FollowUp.objects.create(ticket=ticket, method="call", outcome=outcome,
                                   overall=overall, recorded_by=world["desk"],
                                   created_at=at(when), **scores)


@pytest.fixture
def november(world):
    """November 2026 (Shanghai), with a few rows just outside it on either side."""
    closed = {"status": Status.CLOSED}
    for when, reopened in [("2026-11-10 10:00", 0), ("2026-11-15 10:00", 0),
                           ("2026-11-20 10:00", 0), ("2026-11-21 10:00", 1),
                           ("2026-11-22 10:00", 2), ("2026-11-23 10:00", 0),
                           # 10-31 16:30 UTC: November in Shanghai
                           ("2026-11-01 00:30", 0),
                           # outside: October, and 12-01 00:10 Shanghai (still 11-30 in UTC)
                           ("2026-10-31 23:30", 0), ("2026-12-01 00:10", 1)]:
        made(world, "2026-10-01 10:00", closed_at=at(when), reopen_count=reopened, **closed)
    # Cancelled and still-open tickets do not count, whatever their dates.
    made(world, "2026-10-01 10:00", status=Status.CANCELLED)

    rooms = {name: RoomFactory() for name in ("r1", "r2", "r3", "r4")}
    for name, when in [("r1", "2026-11-01 09:00"), ("r1", "2026-10-15 09:00"),
                       ("r1", "2026-09-10 09:00"), ("r2", "2026-11-05 09:00"),
                       ("r2", "2026-08-20 09:00"),  # more than 90 days ago
                       ("r3", "2026-11-10 09:00"), ("r3", "2026-11-12 09:00")]:
        made(world, when, type="complaint", room=rooms[name])
    for when in ["2026-11-02 09:00", "2026-11-03 09:00", "2026-11-04 09:00"]:
        made(world, when, room=rooms["r4"])  # repairs, not complaints
    for _n in range(2):  # complaints about a public area: no room
        with time_machine.travel(at("2026-11-06 09:00"), tick=False):
            ticket_create(by=world["desk"], type="complaint", source="phone",
                          category=world["category"], description="x",
                          estate=world["room"].estate)

    target = made(world, "2026-10-01 10:00")
    follow_up(world, target, "2026-11-03 10:00", "satisfied", 5, courtesy=5, tangibles=4)
    follow_up(world, target, "2026-11-10 10:00", "satisfied", 4, courtesy=3)
    follow_up(world, target, "2026-11-20 10:00", "unsatisfied", 2, courtesy=4)
    follow_up(world, target, "2026-11-21 10:00", "not_reached")
    follow_up(world, target, "2026-10-30 10:00", "satisfied", 1, courtesy=1)  # October
    follow_up(world, target, "2026-12-01 00:05", "unsatisfied", 1)  # December in Shanghai

    plumbing = CategoryFactory(name="水管", code="plumbing")
    electric = CategoryFactory(name="电路", code="electric")
    for created, accept, resolve, category in [
            ("2026-11-03 09:00", 30, 120, plumbing), ("2026-11-04 09:00", 90, 360, plumbing),
            ("2026-11-05 09:00", None, None, plumbing), ("2026-10-20 09:00", 600, 900, plumbing),
            ("2026-11-06 09:00", 20, 26 * 60, electric)]:
        start = at(created)
        made(world, created, category=category,
             accepted_at=accept and start + dt.timedelta(minutes=accept),
             resolved_at=resolve and start + dt.timedelta(minutes=resolve))
    return {"rooms": rooms, "plumbing": plumbing, "electric": electric}


def _report():
    start, end = month_bounds(2026, 11)
    return quality_report(start=start, end=end, now=at(NOW))


def test_months_are_shanghai_months():
    start, end = month_bounds(2026, 12)
    assert start == at("2026-12-01 00:00") and end == at("2027-01-01 00:00")
    assert start.astimezone(dt.UTC).isoformat() == "2026-11-30T16:00:00+00:00"


def test_first_time_fix_rate_counts_closed_tickets_never_reopened(november):
    report = _report()
    assert (report.first_time, report.closed) == (5, 7)
    assert str(report.first_time_rate) == "71.4"


def test_repeat_complaints_are_rooms_with_two_or_more_in_90_days(november):
    rooms = november["rooms"]
    report = _report()
    assert [(row["room_id"], row["complaints"]) for row in report.repeat_rooms] == [
        (rooms["r1"].pk, 3), (rooms["r3"].pk, 2)]
    assert report.repeat_rooms[0]["room__code"] == rooms["r1"].code


def test_satisfaction_averages_overall_and_each_dimension(november):
    report = _report()
    figures = report.satisfaction
    assert (figures["total"], figures["satisfied"], figures["unsatisfied"],
            figures["not_reached"]) == (4, 2, 1, 1)
    assert round(figures["overall"], 3) == 3.667
    assert (str(report.satisfied_share), str(report.unsatisfied_share)) == ("66.7", "33.3")
    scores = dict(zip([name for name, _label in QUALITY_DIMENSIONS],
                      [value for _label, value in report.dimensions], strict=True))
    assert str(scores["courtesy"]) == "4.0" and str(scores["tangibles"]) == "4.0"
    assert scores["reliability"] is None


def test_times_to_accept_and_resolve_by_category(november):
    report = _report()
    rows = {row["category_id"]: row for row in report.times_by_category}
    plumbing = rows[november["plumbing"].pk]
    assert (plumbing["tickets"], plumbing["accepted"], plumbing["resolved"]) == (3, 2, 2)
    assert plumbing["accept"] == dt.timedelta(hours=1)
    assert plumbing["resolve"] == dt.timedelta(hours=4)
    electric = rows[november["electric"].pk]
    assert electric["accept"] == dt.timedelta(minutes=20)
    assert report.times["accept"] == dt.timedelta(minutes=(30 + 90 + 20) / 3)
    assert report.times["resolve"] == dt.timedelta(hours=34 / 3)
    assert duration_text(report.times["resolve"]) == _t("%(hours)s h %(minutes)s min") % {
        "hours": 11, "minutes": 20}
    assert duration_text(electric["resolve"]) == _t("%(days)s d %(hours)s h") % {
        "days": 1, "hours": 2}


def test_the_report_page_shows_the_month_the_chinese_way(november, world, login):
    with time_machine.travel(at(NOW), tick=False):
        response = login(world["desk"]).get(reverse("tickets:reports"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="report-month">2026年11月<' in html
    assert 'data-testid="first-time-rate">71.4%<' in html
    assert 'data-testid="satisfied-share">66.7%<' in html
    assert 'data-testid="unsatisfied-share">33.3%<' in html
    assert 'data-testid="overall">3.7 ' in html
    rooms = html.split('data-testid="repeat-rooms"')[1].split("</ul>")[0]
    r1, r2, r3 = (november["rooms"][n] for n in ("r1", "r2", "r3"))
    assert reverse("owners:room_detail", args=[r1.pk]) in rooms
    assert reverse("owners:room_detail", args=[r3.pk]) in rooms
    assert reverse("owners:room_detail", args=[r2.pk]) not in rooms
    assert "水管" in html.split('data-testid="times-by-category"')[1]


def test_another_month_is_chosen_with_the_month_picker(november, login, world):
    with time_machine.travel(at(NOW), tick=False):
        client = login(world["desk"])
        october = client.get(reverse("tickets:reports"), {"month": "2026-10"})
        bad = client.get(reverse("tickets:reports"), {"month": "2026-13"})
    report = october.context["report"]
    assert (report.first_time, report.closed) == (1, 1)
    assert report.satisfaction["total"] == 1 and report.satisfaction["overall"] == 1
    assert 'data-testid="first-time-rate">100.0%<' in october.content.decode()
    assert bad.status_code == 400 and bad.context["month"] == dt.date(2026, 11, 1)
    assert "alert-warning" in bad.content.decode()


def test_reports_are_for_the_desk_and_managers(world, login, manager, service_staff,
                                               no_role_user):
    url = reverse("tickets:reports")
    assert login(world["desk"]).get(url).status_code == 200
    assert login(manager).get(url).status_code == 200
    assert login(world["tech"]).get(url).status_code == 403
    assert login(service_staff).get(url).status_code == 403
    assert login(no_role_user).get(url).status_code == 403


def test_the_report_page_costs_the_same_with_more_rows(world, login):
    with time_machine.travel(at(NOW), tick=False):
        client = login(world["desk"])
        made(world, "2026-11-03 09:00", type="complaint")
        with CaptureQueriesContext(connection) as few:
            client.get(reverse("tickets:reports"))
        categories = [CategoryFactory(name=f"类{n}", code=f"c{n}") for n in range(5)]
        rooms = [RoomFactory() for _n in range(4)]
        for n in range(20):
            ticket = made(world, "2026-11-04 09:00", type="complaint", room=rooms[n % 4],
                          category=categories[n % 5], status=Status.CLOSED,
                          closed_at=at("2026-11-20 09:00"), reopen_count=n % 2,
                          accepted_at=at("2026-11-04 10:00"))
            follow_up(world, ticket, "2026-11-21 10:00", "satisfied", 4, courtesy=4)
        with CaptureQueriesContext(connection) as many:
            response = client.get(reverse("tickets:reports"))
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(response.context["times_by_category"]) == 6
    assert len(response.context["report"].repeat_rooms) == 4


# --- The dashboard card --------------------------------------------------------------------

@pytest.fixture
def today(world):
    """Tickets as they stand at 15:00 on 2026-11-25, most in the technician's territory."""
    later = at("2026-12-31 09:00")
    rows = {
        "new": made(world, "2026-11-25 09:00", resolve_due=later),
        "dispatched": made(world, "2026-11-24 09:00", status=Status.DISPATCHED,
                           resolve_due=later),
        "accepted": made(world, "2026-11-20 09:00", status=Status.ACCEPTED,
                         accepted_at=at("2026-11-20 09:45"), resolve_due=later),
        "in_progress": made(world, "2026-11-18 09:00", status=Status.IN_PROGRESS,
                            resolve_due=at("2026-11-24 09:00")),  # overdue
        "on_hold": made(world, "2026-11-18 09:00", status=Status.ON_HOLD,
                        held_since=at("2026-11-19 09:00"),
                        resolve_due=at("2026-11-20 09:00")),  # held: not overdue
        "reopened": made(world, "2026-10-18 09:00", status=Status.REOPENED,
                         resolve_due=later),
        "closed_today": made(world, "2026-11-10 09:00", status=Status.CLOSED,
                             accepted_at=at("2026-11-10 09:15"),
                             resolved_at=at("2026-11-10 12:00"),
                             closed_at=at("2026-11-25 11:00")),
        "closed_before": made(world, "2026-10-05 09:00", status=Status.CLOSED,
                              accepted_at=at("2026-10-05 12:00"),
                              closed_at=at("2026-11-24 11:00")),
        "elsewhere": made(world, "2026-11-25 08:00", room=RoomFactory(), resolve_due=later),
    }
    follow_up(world, rows["closed_today"], "2026-11-25 10:00", "satisfied", 5)
    follow_up(world, rows["closed_before"], "2026-11-20 10:00", "unsatisfied", 3)
    follow_up(world, rows["closed_before"], "2026-11-21 10:00", "not_reached")
    follow_up(world, rows["closed_before"], "2026-10-21 10:00", "satisfied", 1)  # October
    follow_up(world, rows["elsewhere"], "2026-11-22 10:00", "satisfied", 1)
    return rows


def _figures(user) -> dict:
    user.get_all_permissions()  # as on a page, where the permissions are already read
    with CaptureQueriesContext(connection) as queries:
        card = _card(user)
    assert len(queries.captured_queries) == 2
    return {str(f.label): f.value for f in card.figures}


def test_the_dashboard_card_counts_by_state_and_today(world, today):
    with time_machine.travel(at(NOW), tick=False):
        values = _figures(world["desk"])
    assert values[pgettext("tickets", "Open")] == 7
    assert [values[str(s.label)] for s in (Status.NEW, Status.DISPATCHED, Status.ACCEPTED,
                                           Status.IN_PROGRESS, Status.ON_HOLD,
                                           Status.REOPENED)] == [2, 1, 1, 1, 1, 1]
    assert values[_t("Overdue")] == 1
    assert values[_t("Logged today")] == 2 and values[_t("Closed today")] == 1
    assert values[_t("Average time to accept this month")] == duration_text(
        dt.timedelta(minutes=30))
    assert values[_t("Average time to resolve this month")] == duration_text(
        dt.timedelta(hours=3))
    assert values[_t("Satisfaction this month")] == "3.0 / 5"
    assert values[_t("Satisfied this month")] == "66.7%"


def test_the_dashboard_card_keeps_to_the_technicians_territory(world, today):
    with time_machine.travel(at(NOW), tick=False):
        values = _figures(world["tech"])
    assert values[pgettext("tickets", "Open")] == 6 and values[str(Status.NEW.label)] == 1
    assert values[_t("Logged today")] == 1
    assert values[_t("Satisfaction this month")] == "4.0 / 5"
    assert values[_t("Satisfied this month")] == "50.0%"


def test_the_dashboard_card_with_nothing_yet(world, login):
    with time_machine.travel(at(NOW), tick=False):
        values = _figures(world["desk"])
        home = login(world["desk"]).get(reverse("portal:home"))
    assert values[pgettext("tickets", "Open")] == 0
    assert values[_t("Satisfaction this month")] == "—"
    assert values[_t("Average time to accept this month")] == "—"
    assert home.status_code == 200


# --- Charts -------------------------------------------------------------------------------

def _chart_spec(response, chart_id: str) -> dict:
    import json
    import re

    html = response.content.decode()
    found = re.search(rf'<script id="{chart_id}" type="application/json">(.*?)</script>', html,
                      re.S)
    assert found, f"no spec for {chart_id}"
    assert f'data-chart="{chart_id}"' in html
    return json.loads(found.group(1))


def test_the_report_page_charts_tickets_per_day_in_shanghai_days(world, login):
    # Given tickets logged on 3 and 4 November (Shanghai) and one closed on the 4th
    made(world, "2026-11-03 09:00")
    made(world, "2026-11-04 00:30")  # 3 November 16:30 UTC
    made(world, "2026-11-04 10:00", status=Status.CLOSED, closed_at=at("2026-11-04 18:00"))
    with time_machine.travel(at(NOW), tick=False):
        # When the desk opens November's report
        response = login(world["desk"]).get(reverse("tickets:reports"), {"month": "2026-11"})
    # Then a line per day of the month, labelled the Chinese way
    spec = _chart_spec(response, "chart-daily")
    assert spec["type"] == "line"
    assert len(spec["categories"]) == 30
    assert spec["categories"][2] == "11月3日"
    logged, closed = spec["series"]
    assert logged["data"][2:4] == [1, 2]
    assert closed["data"][3] == 1
    assert sum(logged["data"]) == 3
    assert 'vendor/echarts/echarts.min.js' in response.content.decode()


def test_the_dimension_chart_reads_the_same_averages_as_the_list(november, world, login):
    with time_machine.travel(at(NOW), tick=False):
        response = login(world["desk"]).get(reverse("tickets:reports"), {"month": "2026-11"})
    spec = _chart_spec(response, "chart-dimensions")
    report = quality_report(start=at("2026-11-01 00:00"), end=at("2026-12-01 00:00"))
    assert spec["categories"] == [str(label) for label, _value in report.dimensions]
    assert spec["series"][0]["data"] == [None if v is None else float(v)
                                         for _label, v in report.dimensions]
    assert spec["max"] == 5


def test_the_dashboard_trend_counts_only_the_users_territories(world, login):
    # Given a ticket in the technician's territory and one outside it, both today
    made(world, "2026-11-25 09:00")
    made(world, "2026-11-25 10:00", room=RoomFactory())
    with time_machine.travel(at(NOW), tick=False):
        # When each opens the dashboard
        tech = _chart_spec(login(world["tech"]).get("/"), "chart-trend")
        desk = _chart_spec(login(world["desk"]).get("/"), "chart-trend")
    # Then the last of 30 days is today, and each counts what they may see
    assert len(tech["categories"]) == 30
    assert tech["categories"][-1] == "11月25日"
    assert tech["series"][0]["data"][-1] == 1
    assert desk["series"][0]["data"][-1] == 2


def test_the_dashboard_trend_costs_the_same_with_more_tickets(world, login):
    with time_machine.travel(at(NOW), tick=False):
        from django.core.cache import cache

        client = login(world["desk"])
        made(world, "2026-11-20 09:00")
        client.get("/")  # the session and what the shell reads are cached from here on
        cache.delete_many(["tickets:card:all", f"tickets:trend:all:20261125:{SH}"])
        with CaptureQueriesContext(connection) as few:
            client.get("/")
        cache.delete_many(["tickets:card:all", f"tickets:trend:all:20261125:{SH}"])
        for day in range(1, 20):
            made(world, f"2026-11-{day:02d} 09:00", status=Status.CLOSED,
                 closed_at=at(f"2026-11-{day:02d} 17:00"))
        with CaptureQueriesContext(connection) as many:
            client.get("/")
    assert len(many) == len(few)
