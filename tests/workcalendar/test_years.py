"""Confirmed calendar years: which years are confirmed, confirming one (service, admin,
command), and the managers' warning from 1 November until next year is confirmed."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from workcalendar.clock import ConfirmedYears, WorkCalendar
from workcalendar.models import CalendarDay, CalendarYear
from workcalendar.selectors import years_awaiting_confirmation
from workcalendar.services import calendar_year_confirm, on_year_confirmed

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


@pytest.fixture
def unconfirmed_2027(db):
    CalendarYear.objects.filter(year__gte=2027).delete()
    CalendarDay.objects.filter(date__year__gte=2027).delete()


@pytest.fixture
def heard():
    """The years confirmed, as the listeners registered with the service hear them."""
    years: list[int] = []
    on_year_confirmed(years.append)
    yield years
    from workcalendar import services

    services._confirmed_listeners.remove(years.append)


def enter_new_years_day_2027():
    CalendarDay.objects.create(date=dt.date(2027, 1, 1), kind=CalendarDay.Kind.HOLIDAY,
                               name="元旦")


def test_the_migrated_official_years_are_confirmed_and_2027_is_not(unconfirmed_2027):
    years = ConfirmedYears.load()
    assert {2024, 2025, 2026} <= years.years and 2027 not in years
    assert CalendarYear.objects.get(year=2026).source == CalendarDay.Source.OFFICIAL
    assert years.is_provisional(at("2027-01-01 09:00"))
    # The year is read in Shanghai: 16:30 UTC on 31 Dec is already 1 Jan there
    assert years.is_provisional(dt.datetime(2026, 12, 31, 16, 30, tzinfo=dt.UTC))
    assert not years.is_provisional(dt.datetime(2026, 12, 31, 15, 30, tzinfo=dt.UTC))
    assert not years.is_provisional(None)


@pytest.mark.parametrize(("today", "awaiting"), [
    (dt.date(2026, 10, 31), []),
    (dt.date(2026, 11, 1), [2027]),
    (dt.date(2026, 12, 31), [2027]),
    (dt.date(2027, 1, 2), [2027]),  # the new year began unconfirmed: still asked
    (dt.date(2027, 11, 1), [2027, 2028]),
])
def test_managers_are_asked_to_confirm_next_year_from_november(unconfirmed_2027, today,
                                                                awaiting):
    assert years_awaiting_confirmation(today=today) == awaiting


def test_a_year_cannot_be_confirmed_by_hand_before_its_holidays_are_entered(
        unconfirmed_2027, manager, heard):
    with pytest.raises(ValidationError, match="2027"):
        calendar_year_confirm(year=2027, by=manager, source=CalendarDay.Source.MANUAL)
    assert not CalendarYear.objects.filter(year=2027).exists() and heard == []


def test_confirming_a_year_records_who_and_when_audits_it_and_tells_the_listeners(
        unconfirmed_2027, manager, heard):
    # Given 元旦 2027 entered by a manager
    enter_new_years_day_2027()
    # When the manager confirms 2027
    with time_machine.travel(at("2026-11-20 10:00"), tick=False):
        confirmed = calendar_year_confirm(year=2027, by=manager,
                                          source=CalendarDay.Source.MANUAL)
    # Then the year is confirmed by them, then, by hand; audited; the listeners told
    assert (confirmed.confirmed_by, confirmed.confirmed_at, confirmed.source) == (
        manager, at("2026-11-20 10:00"), CalendarDay.Source.MANUAL)
    assert confirmed.recomputed_at is None
    entry = AuditEntry.objects.get(action="workcalendar.year_confirmed")
    assert entry.actor == manager and entry.details["holidays"] == 1
    assert heard == [2027]
    assert not WorkCalendar.load().is_provisional(at("2027-01-04 09:00"))
    assert years_awaiting_confirmation(today=dt.date(2026, 11, 20)) == []


def test_loading_the_official_arrangement_confirms_the_year(unconfirmed_2027, heard):
    CalendarYear.objects.filter(year=2026).delete()
    call_command("load_official_holidays", "2026")
    year = CalendarYear.objects.get(year=2026)
    assert year.source == CalendarDay.Source.OFFICIAL and year.confirmed_by is None
    assert heard == [2026]


def test_a_manager_confirms_a_year_in_admin(unconfirmed_2027, manager, login, heard):
    enter_new_years_day_2027()
    client = login(manager)
    url = reverse("admin:workcalendar_calendaryear_add")
    assert client.get(url).status_code == 200
    assert client.get(reverse("admin:workcalendar_calendaryear_changelist")).status_code == 200
    assert client.get(reverse("admin:workcalendar_calendaryear_change", args=[
        CalendarYear.objects.get(year=2026).pk])).status_code == 200
    # The official arrangement of 2027 is not known: refused with the way forward
    refused = client.post(url, {"year": 2027, "source": "official"})
    assert refused.status_code == 200 and "errorlist" in refused.content.decode()
    assert not CalendarYear.objects.filter(year=2027).exists()
    # Confirmed as entered by hand
    response = client.post(url, {"year": 2027, "source": "manual"})
    assert response.status_code == 302
    year = CalendarYear.objects.get(year=2027)
    assert year.confirmed_by == manager and heard == [2027]
    # Confirmed again from the list (after a correction): the listeners hear it again
    response = client.post(reverse("admin:workcalendar_calendaryear_changelist"), {
        "action": "confirm_again", "_selected_action": [year.pk]})
    assert response.status_code == 302 and heard == [2027, 2027]


def test_the_admin_refuses_to_confirm_by_hand_a_year_without_holidays(
        unconfirmed_2027, manager, login):
    response = login(manager).post(reverse("admin:workcalendar_calendaryear_add"),
                                   {"year": 2027, "source": "manual"})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_managers_see_the_warning_on_the_dashboard_and_admin_from_november(
        unconfirmed_2027, manager, front_desk, login):
    with time_machine.travel(at("2026-10-31 12:00"), tick=False):
        october_home = login(manager).get(reverse("portal:home")).content.decode()
        october_admin = login(manager).get(reverse("admin:index")).content.decode()
    with time_machine.travel(at("2026-11-01 09:00"), tick=False):
        home = login(manager).get(reverse("portal:home")).content.decode()
        admin_index = login(manager).get(reverse("admin:index")).content.decode()
        desk_home = login(front_desk).get(reverse("portal:home")).content.decode()
    add_url = reverse("admin:workcalendar_calendaryear_add")
    assert add_url not in october_home and 'data-testid="calendar-warning"' not in october_admin
    assert add_url in home and "2027" in home
    assert 'data-testid="calendar-warning"' in admin_index and add_url in admin_index
    assert add_url not in desk_home


def test_the_warning_goes_once_next_year_is_confirmed(unconfirmed_2027, manager, login):
    enter_new_years_day_2027()
    calendar_year_confirm(year=2027, by=manager, source=CalendarDay.Source.MANUAL)
    with time_machine.travel(at("2026-11-02 09:00"), tick=False):
        client = login(manager)
        assert 'data-testid="calendar-warning"' not in client.get(
            reverse("admin:index")).content.decode()
        assert reverse("admin:workcalendar_calendaryear_add") not in client.get(
            reverse("portal:home")).content.decode()


def test_the_provisional_mark_reads_the_confirmed_years_once_per_page(
        unconfirmed_2027, django_assert_num_queries):
    template = Template("{% load workcalendar %}"
                        "{% for due in dues %}[{% provisional_mark due %}]{% endfor %}"
                        "{% provisional_mark met_due met %}")
    dues = [at("2026-12-31 17:00"), at("2027-01-04 09:00"), at("2027-02-01 09:00"), None]
    with django_assert_num_queries(1):
        html = template.render(Context({"dues": dues, "met_due": at("2027-01-04 09:00"),
                                        "met": timezone.now()}))
    assert html.count('data-testid="provisional"') == 2
    assert html.startswith("[]")


def test_changing_a_day_of_a_confirmed_year_in_admin_asks_to_confirm_it_again(
        manager, login):
    # Given 2026 confirmed (as migrated)
    CalendarYear.objects.get_or_create(year=2026, defaults={
        "source": "official", "confirmed_at": timezone.now()})
    client = login(manager)
    # When a manager adds a day to 2026, then one to 2031 (not confirmed)
    confirmed = client.post(reverse("admin:workcalendar_calendarday_add"),
                            {"date": "2026-12-24", "kind": "holiday", "name": "公司假"},
                            follow=True).content.decode()
    other = client.post(reverse("admin:workcalendar_calendarday_add"),
                        {"date": "2031-12-24", "kind": "holiday", "name": "公司假"},
                        follow=True).content.decode()
    # Then only the first is told to confirm its year again
    day = CalendarDay.objects.get(date=dt.date(2026, 12, 24))
    assert day.source == CalendarDay.Source.MANUAL
    assert "2026" in confirmed and 'class="warning"' in confirmed
    assert 'class="warning"' not in other
