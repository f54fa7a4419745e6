"""The dispatcher board, "my tickets", the filtered ticket list and saved filters."""

import itertools
import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from owners.models import Phone
from service_tickets.models import SavedFilter, Ticket
from service_tickets.views_board import CARDS_PER_COLUMN
from staff.choices import Role
from tests.owners.factories import OwnershipFactory, RoomFactory
from tests.service_tickets.conftest import new_ticket
from tests.service_tickets.factories import CategoryFactory, TerritoryFactory
from tests.staff.factories import UserFactory

pytestmark = pytest.mark.django_db

_numbers = itertools.count(1)


def make(world, *, status="new", room=None, party=None, **fields) -> Ticket:
    """A ticket written directly, in any state, with the given due times and people."""
    now = timezone.now()
    room = room or world["room"]
    values = {
        "number": f"GD{timezone.localdate():%Y%m%d}-{90000 + next(_numbers)}",
        "type": "repair", "source": "phone", "category": world["category"],
        "priority": "normal", "description": "水管漏水", "estate": room.estate,
        "building": room.building, "room": room, "party": party or world["party"],
        "territory": world["territory"] if room.building_id == world["room"].building_id
        else None,
        "created_by": world["desk"], "created_at": now,
        "resolve_due": now + timedelta(hours=8), "resolve_warn_at": now + timedelta(hours=6),
        **fields, "status": status,
    }
    if status in ("done", "closed") and "resolved_at" not in fields:
        values["resolved_at"] = now
    return Ticket.objects.create(**values)


def queries(client, url, **extra) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return len(captured.captured_queries)


# --- The dispatcher board ------------------------------------------------------------------

def test_the_board_is_for_dispatchers_and_forbidden_to_service_staff(world, manager,
                                                                     no_role_user, login):
    url = reverse("tickets:board")
    assert Client().get(url).status_code == 302
    assert login(world["tech"]).get(url).status_code == 403
    assert login(no_role_user).get(url).status_code == 403
    for user in (world["dispatcher"], world["desk"], manager):
        assert login(user).get(url).status_code == 200


def test_board_counts_every_open_state_and_leaves_closed_tickets_out(world, login):
    wanted = {"new": 3, "reopened": 1, "dispatched": 2, "accepted": 1, "in_progress": 4,
              "on_hold": 1, "done": 2}
    for status, n in wanted.items():
        for _ in range(n):
            make(world, status=status, assignee=None if status == "new" else world["tech"])
    make(world, status="closed")
    make(world, status="cancelled")
    response = login(world["dispatcher"]).get(reverse("tickets:board"))
    columns = response.context["columns"]
    assert [c["status"] for c in columns] == list(wanted)
    assert {c["status"]: c["count"] for c in columns} == wanted
    assert {c["status"]: len(c["cards"]) for c in columns} == wanted
    html = response.content.decode()
    assert 'data-testid="count-in_progress">4<' in html
    assert "待派单" in html


def test_a_long_column_shows_its_most_urgent_and_links_to_the_list(
        world, login):
    now = timezone.now()
    tickets = [make(world, created_at=now - timedelta(minutes=i),
                    resolve_due=now + timedelta(hours=30 - i)) for i in range(25)]
    undated = make(world, created_at=now - timedelta(days=1), resolve_due=None,
                   resolve_warn_at=None)
    response = login(world["dispatcher"]).get(reverse("tickets:board"),
                                              {"priority": "normal"})
    [new] = [c for c in response.context["columns"] if c["status"] == "new"]
    assert new["count"] == 26 and len(new["cards"]) == CARDS_PER_COLUMN == 12
    # The twelve due soonest, soonest first; a ticket without a due time comes after them.
    assert [card.pk for card in new["cards"]] == [t.pk for t in reversed(tickets[-12:])]
    assert undated not in new["cards"]
    assert new["more_url"] == reverse("tickets:list") + "?status=new&priority=normal"
    assert 'data-testid="more-new"' in response.content.decode()


def test_a_column_counts_up_to_its_cap_then_says_more(world, login, monkeypatch):
    from service_tickets import views_board

    monkeypatch.setattr(views_board, "COUNT_CAP", 3)
    for _ in range(5):
        make(world)
    make(world, status="in_progress", assignee=world["tech"])
    response = login(world["dispatcher"]).get(reverse("tickets:board"))
    columns = {c["status"]: c for c in response.context["columns"]}
    assert (columns["new"]["count"], columns["new"]["capped"]) == (3, True)
    assert (columns["in_progress"]["count"], columns["in_progress"]["capped"]) == (1, False)
    html = response.content.decode()
    assert 'data-testid="count-new" title="超过 3">3+<' in html
    assert 'data-testid="count-in_progress">1<' in html
    assert "超过 3 张，请在列表中查看…" in html


def test_overdue_cards_are_red_at_risk_amber_and_held_ones_neither(world, login):
    now = timezone.now()
    late = make(world, status="in_progress", assignee=world["tech"],
                resolve_due=now - timedelta(hours=1), resolve_warn_at=now - timedelta(hours=3))
    risky = make(world, status="accepted", assignee=world["tech"],
                 resolve_due=now + timedelta(hours=1),
                 resolve_warn_at=now - timedelta(minutes=5))
    held = make(world, status="on_hold", assignee=world["tech"], held_since=now,
                resolve_due=now - timedelta(hours=1))
    calm = make(world)
    response = login(world["dispatcher"]).get(reverse("tickets:board"))
    cards = {t.pk: t for c in response.context["columns"] for t in c["cards"]}
    assert cards[late.pk].overdue and not cards[late.pk].at_risk
    assert cards[risky.pk].at_risk and not cards[risky.pk].overdue
    assert not cards[held.pk].overdue and not cards[calm.pk].overdue
    html = response.content.decode()
    assert html.count('data-overdue="1"') == 1 and html.count('data-at-risk="1"') == 1
    assert "border-danger" in html and "border-warning" in html


def test_board_filters_by_territory_priority_assignee_and_category_with_children(
        world, login):
    other_room = RoomFactory()
    elsewhere = TerritoryFactory(name="二区")
    elsewhere.buildings.add(other_room.building)
    child = CategoryFactory(name="厨房漏水", code="leak-kitchen", parent=world["category"])
    unrelated = CategoryFactory(name="保洁", code="cleaning")
    urgent = make(world, priority="urgent")
    in_child = make(world, category=child, status="dispatched", assignee=world["tech"])
    cleaning = make(world, category=unrelated)
    away = make(world, room=other_room, territory=elsewhere, priority="urgent")
    client = login(world["dispatcher"])

    def shown(**params):
        response = client.get(reverse("tickets:board"), params)
        assert response.status_code == 200
        return {t.pk for c in response.context["columns"] for t in c["cards"]}

    assert shown() == {urgent.pk, in_child.pk, cleaning.pk, away.pk}
    assert shown(territory=world["territory"].pk) == {urgent.pk, in_child.pk, cleaning.pk}
    assert shown(territory=world["territory"].pk, priority="urgent") == {urgent.pk}
    assert shown(category=world["category"].pk) == {urgent.pk, in_child.pk, away.pk}
    assert shown(category=child.pk) == {in_child.pk}
    assert shown(assignee=world["tech"].pk) == {in_child.pk}


def test_board_shows_filter_errors_instead_of_guessing(world, login):
    make(world)
    response = login(world["dispatcher"]).get(reverse("tickets:board"),
                                              {"priority": "whenever"})
    assert response.status_code == 200
    assert response.context["columns"] == []
    assert 'data-testid="filter-error"' in response.content.decode()


def test_board_refreshes_its_columns_every_minute_with_htmx(world, login):
    make(world)
    client = login(world["dispatcher"])
    page = client.get(reverse("tickets:board"), {"priority": "normal"}).content.decode()
    assert 'hx-trigger="every 60s"' in page
    assert f'hx-get="{reverse("tickets:board")}?priority=normal"' in page
    partial = client.get(reverse("tickets:board"), {"priority": "normal"},
                         headers={"HX-Request": "true"})
    assert partial.templates[0].name == "service_tickets/partials/board_columns.html"
    assert "<html" not in partial.content.decode()
    assert 'data-testid="column-new"' in partial.content.decode()


def test_board_costs_the_same_number_of_queries_with_ten_times_the_tickets(world, login):
    client = login(world["dispatcher"])
    url = reverse("tickets:board")
    filtered = f"{url}?territory={world['territory'].pk}&priority=normal"
    statuses = ["new", "dispatched", "in_progress"]
    sub = CategoryFactory(name="阳台漏水", code="leak-balcony", parent=world["category"])
    for i in range(3):
        make(world, status=statuses[i % 3], category=sub, assignee=world["tech"])
    few, few_filtered = queries(client, url), queries(client, filtered)
    for i in range(30):
        make(world, status=statuses[i % 3], category=sub, party=OwnershipFactory().party,
             assignee=UserFactory(role=Role.SERVICE_STAFF))
    assert queries(client, url) == few
    assert queries(client, filtered) == few_filtered


# --- My tickets ----------------------------------------------------------------------------

def test_my_tickets_lists_what_i_am_assigned_or_help_with_open_first(world, login):
    now = timezone.now()
    tech = world["tech"]
    colleague = UserFactory(role=Role.SERVICE_STAFF)
    world["territory"].members.add(colleague)
    closed = make(world, status="closed", assignee=tech, created_at=now)
    later = make(world, status="accepted", assignee=tech, resolve_due=now + timedelta(hours=9))
    sooner = make(world, status="in_progress", assignee=tech,
                  resolve_due=now + timedelta(hours=2))
    helping = make(world, status="in_progress", assignee=colleague,
                   resolve_due=now + timedelta(hours=5))
    helping.helpers.add(tech)
    not_mine = make(world, status="dispatched", assignee=colleague)
    response = login(tech).get(reverse("tickets:my"))
    assert response.status_code == 200
    assert [t.pk for t in response.context["page"].items] == [
        sooner.pk, helping.pk, later.pk, closed.pk]
    html = response.content.decode()
    assert not_mine.number not in html
    assert sooner.resolve_due.astimezone(timezone.get_current_timezone()).strftime("%H:%M") \
        in html
    assert world["room"].code in html and world["party"].name in html


def test_my_tickets_shows_the_primary_phone_and_marks_overdue(world, login):
    Phone.objects.create(party=world["party"], e164="+8613812345678", kind="mobile",
                         display="138 1234 5678", tail="5678", is_primary=True)
    make(world, status="accepted", assignee=world["tech"],
         resolve_due=timezone.now() - timedelta(minutes=1))
    html = login(world["tech"]).get(reverse("tickets:my")).content.decode()
    assert 'href="tel:+8613812345678"' in html
    assert 'data-overdue="1"' in html and 'name="viewport"' in html


def test_my_tickets_pages_by_keyset_without_repeats(world, login):
    now = timezone.now()
    for i in range(23):
        make(world, status="accepted", assignee=world["tech"],
             resolve_due=now + timedelta(hours=i % 5), created_at=now - timedelta(minutes=i))
    for i in range(4):
        make(world, status="closed", assignee=world["tech"],
             created_at=now - timedelta(days=i + 1))
    client = login(world["tech"])
    first = client.get(reverse("tickets:my")).context["page"]
    assert len(first.items) == 20 and first.next_cursor
    second = client.get(reverse("tickets:my"), {"cursor": first.next_cursor}).context["page"]
    seen = [t.pk for t in first.items] + [t.pk for t in second.items]
    assert len(seen) == len(set(seen)) == 27
    statuses = [t.status for t in first.items + second.items]
    assert statuses == ["accepted"] * 23 + ["closed"] * 4


def test_my_tickets_costs_the_same_with_more_tickets(world, login):
    client = login(world["tech"])
    url = reverse("tickets:my")
    sub = CategoryFactory(name="阳台漏水", code="leak-balcony", parent=world["category"])
    for _ in range(3):
        make(world, status="accepted", assignee=world["tech"], category=sub)
    few = queries(client, url)
    for i in range(30):
        party = OwnershipFactory().party
        Phone.objects.create(party=party, e164=f"+861391234{i:04d}", kind="mobile",
                             display=f"1391234{i:04d}", tail=f"{i:04d}", is_primary=True)
        ticket = make(world, status="in_progress" if i % 2 else "closed", category=sub,
                      assignee=world["tech"] if i % 3 else world["dispatcher"], party=party)
        ticket.helpers.add(world["tech"])
    assert queries(client, url) == few


def test_my_tickets_needs_the_ticket_permission(no_role_user, login):
    assert login(no_role_user).get(reverse("tickets:my")).status_code == 403
    assert Client().get(reverse("tickets:my")).status_code == 302


# --- The ticket list -----------------------------------------------------------------------

def test_list_filters_by_territory_assignee_type_source_dates_and_overdue(world, login):
    now = timezone.now()
    other_room = RoomFactory()
    elsewhere = TerritoryFactory(name="二区")
    elsewhere.buildings.add(other_room.building)
    late = make(world, status="in_progress", assignee=world["tech"],
                resolve_due=now - timedelta(hours=1), source="walk_in")
    old = make(world, type="complaint", created_at=now - timedelta(days=40))
    away = make(world, room=other_room, territory=elsewhere)
    closed = make(world, status="closed", source="walk_in")
    client = login(world["dispatcher"])

    def listed(**params):
        response = client.get(reverse("tickets:list"), params)
        assert response.status_code == 200
        return {t.pk for t in response.context["page"].items}

    today = timezone.localdate()
    assert listed() == {late.pk, old.pk, away.pk}
    assert listed(status="all") == {late.pk, old.pk, away.pk, closed.pk}
    assert listed(territory=elsewhere.pk) == {away.pk}
    assert listed(assignee=world["tech"].pk) == {late.pk}
    assert listed(type="complaint") == {old.pk}
    assert listed(source="walk_in", status="all") == {late.pk, closed.pk}
    assert listed(overdue="on") == {late.pk}
    assert listed(created_to=(today - timedelta(days=30)).isoformat()) == {old.pk}
    assert listed(created_from=today.isoformat(), created_to=today.isoformat()) == \
        {late.pk, away.pk}
    html = client.get(reverse("tickets:list")).content.decode()
    assert html.count('data-testid="overdue-row"') == 1


def test_list_category_filter_includes_sub_categories(world, login):
    child = CategoryFactory(name="厨房漏水", code="leak-kitchen", parent=world["category"])
    grandchild = CategoryFactory(name="水槽", code="leak-sink", parent=child)
    top = make(world)
    deep = make(world, category=grandchild)
    other = make(world, category=CategoryFactory(name="保洁", code="cleaning"))
    client = login(world["dispatcher"])
    items = client.get(reverse("tickets:list"), {"category": world["category"].pk}
                       ).context["page"].items
    assert {t.pk for t in items} == {top.pk, deep.pk}
    response = client.get(reverse("tickets:list"), {"category": child.pk})
    assert {t.pk for t in response.context["page"].items} == {deep.pk}
    html = response.content.decode()
    assert other.number not in html and 'name="category" id="id_category"' in html
    assert f'<option value="{child.pk}" selected>漏水 › 厨房漏水</option>' in html


def test_typing_a_whole_number_opens_the_ticket_and_a_part_of_it_filters(world, login):
    ticket = new_ticket(world)
    client = login(world["dispatcher"])
    response = client.get(reverse("tickets:list"), {"q": ticket.number.lower()})
    assert response.status_code == 302
    assert response["Location"] == reverse("tickets:detail", args=[ticket.pk])
    second = new_ticket(world)
    other = make(world, number="GD20200101-0001")
    prefix = ticket.number[:10]
    items = client.get(reverse("tickets:list"), {"q": prefix}).context["page"].items
    assert {t.pk for t in items} == {ticket.pk, second.pk} and other not in items
    missing = client.get(reverse("tickets:list"), {"q": "GD20200101-0002"})
    assert missing.status_code == 200 and list(missing.context["page"].items) == []


def test_the_beginning_of_a_number_narrows_by_the_day_month_or_year_it_names(world, login):
    now = timezone.now()
    old = make(world, number="GD20200101-0001",
               created_at=now.replace(year=2020, month=1, day=1, hour=4))
    later = make(world, number="GD20200215-0001",
                 created_at=now.replace(year=2020, month=2, day=15, hour=4))
    make(world)
    client = login(world["dispatcher"])

    def found(q):
        response = client.get(reverse("tickets:list"), {"q": q, "status": "all"})
        assert response.status_code == 200, q
        assert not response.context["filters"].errors, q
        return {t.pk for t in response.context["page"].items}

    assert found("GD2020") == {old.pk, later.pk}
    assert found("gd 202002") == {later.pk}
    assert found("20200101") == {old.pk}  # the letters may be left out
    assert found("GD20201301") == set()  # no such day
    for bad in ("GD20200101x", "报修", "123456-1", "1234567890"):
        response = client.get(reverse("tickets:list"), {"q": bad})
        assert response.context["filters"].errors["q"], bad
        assert 'data-testid="filter-error"' in response.content.decode()


def test_the_last_digits_of_a_number_find_it_from_any_day(world, login):
    # given two tickets numbered 0042 on different days and one numbered 0420
    now = timezone.now()
    today = make(world, number=f"GD{timezone.localdate():%Y%m%d}-0042")
    earlier = make(world, number="GD20261127-0042",
                   created_at=now.replace(year=2026, month=11, day=27, hour=4))
    make(world, number="GD20261127-0420")
    client = login(world["dispatcher"])

    def found(q):
        response = client.get(reverse("tickets:list"), {"q": q, "status": "all"})
        assert response.status_code == 200, q
        assert not response.context["filters"].errors, q
        return [t.pk for t in response.context["page"].items]

    # when the desk types the sequence with or without its zeros, then both are found,
    # newest first, and 0420 is not
    assert found("0042") == [today.pk, earlier.pk]
    assert found("42") == [today.pk, earlier.pk]
    assert found("-0042") == [today.pk, earlier.pk]
    # and the date with the sequence, without the letters, opens the one ticket
    response = client.get(reverse("tickets:list"), {"q": "20261127-0042"})
    assert response.status_code == 302
    assert response["Location"] == reverse("tickets:detail", args=[earlier.pk])


def test_the_last_digits_are_read_through_the_number_sequence_index(world, login):
    # given a ticket (the planner is told to avoid full scans, as on a million tickets)
    make(world, number="GD20261127-0042")
    client = login(world["dispatcher"])
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("tickets:list"), {"q": "0042", "status": "all"})
    statement = next(q["sql"] for q in captured.captured_queries
                     if "SUBSTRING" in q["sql"].upper())
    # when the list's statement is explained, then it reads the expression index
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {statement}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "tickets_number_sequence_idx" in plan, plan


def test_a_number_outside_my_territories_does_not_open(world, login):
    ticket = new_ticket(world)
    response = login(world["outsider"]).get(reverse("tickets:list"), {"q": ticket.number})
    assert response.status_code == 200 and list(response.context["page"].items) == []
    assert login(world["outsider"]).get(reverse("tickets:detail", args=[ticket.pk])
                                        ).status_code == 404


def test_bad_filters_are_shown_with_what_was_typed(world, login):
    make(world)
    response = login(world["dispatcher"]).get(reverse("tickets:list"), {
        "created_from": "2025-03-01", "created_to": "2025-02-01", "q": "GD2025"})
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["filters"].errors["created_to"]
    assert 'data-testid="filter-error"' in html and 'data-testid="filters-invalid"' in html
    assert 'value="2025-03-01"' in html and 'value="GD2025"' in html
    assert list(response.context["page"].items) == []
    bad_date = login(world["dispatcher"]).get(reverse("tickets:list"),
                                              {"created_from": "2025-02-30"})
    assert bad_date.context["filters"].errors["created_from"]
    assert 'value="2025-02-30"' in bad_date.content.decode()


def test_service_staff_see_only_their_territory_in_the_list(world, login):
    mine = make(world, status="dispatched", assignee=world["tech"])
    away = make(world, room=RoomFactory())
    items = login(world["tech"]).get(reverse("tickets:list")).context["page"].items
    assert [t.pk for t in items] == [mine.pk]
    assert login(world["outsider"]).get(reverse("tickets:list")).context["page"].items == []
    assert login(world["tech"]).get(reverse("tickets:detail", args=[away.pk])
                                    ).status_code == 404


def test_list_costs_the_same_with_ten_times_the_tickets(world, login):
    sub = CategoryFactory(name="阳台漏水", code="leak-balcony", parent=world["category"])
    url = f"{reverse('tickets:list')}?status=all&category={world['category'].pk}"
    dispatcher, tech = login(world["dispatcher"]), login(world["tech"])
    SavedFilter.objects.create(owner=world["dispatcher"], page="list", name="漏水",
                               query="category=1")
    for _ in range(3):
        make(world, category=sub, assignee=world["tech"], status="accepted")
    few, few_tech = queries(dispatcher, url), queries(tech, url)
    for i in range(30):
        make(world, category=sub, party=OwnershipFactory().party, status="accepted",
             assignee=world["tech"] if i % 2 else UserFactory(role=Role.SERVICE_STAFF))
    assert queries(dispatcher, url) == few
    assert queries(tech, url) == few_tech


# --- Saved filters -------------------------------------------------------------------------

def test_save_a_filter_then_find_it_in_my_filters(world, login):
    client = login(world["dispatcher"])
    territory = world["territory"].pk
    response = client.post(f"{reverse('tickets:list')}?priority=urgent&territory={territory}"
                           "&cursor=abc&evil=1", {"name": " 一区紧急 "})
    saved = SavedFilter.objects.get(owner=world["dispatcher"])
    assert saved.page == "list" and saved.name == "一区紧急"
    assert saved.query == f"territory={territory}&priority=urgent"
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('tickets:list')}?{saved.query}"
    html = client.get(reverse("tickets:list")).content.decode()
    assert "一区紧急" in html
    assert f'href="{reverse("tickets:list")}?territory={territory}&amp;priority=urgent"' in html
    # The board has its own filters.
    assert "一区紧急" not in client.get(reverse("tickets:board")).content.decode()
    client.post(f"{reverse('tickets:board')}?priority=high&status=done", {"name": "高"})
    assert SavedFilter.objects.get(page="board").query == "priority=high"


def test_a_taken_name_is_refused_on_the_page_keeping_the_input(world, login):
    SavedFilter.objects.create(owner=world["dispatcher"], page="board", name="紧急",
                               query="priority=urgent")
    response = login(world["dispatcher"]).post(f"{reverse('tickets:board')}?priority=high",
                                               {"name": "紧急"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="save-filter-error"' in html and 'value="紧急"' in html
    assert response.context["filters"].data["priority"] == "high"
    assert f'action="{reverse("tickets:board")}?priority=high"' in html
    assert SavedFilter.objects.count() == 1
    empty = login(world["dispatcher"]).post(reverse("tickets:list"), {"name": "  "})
    assert empty.status_code == 400 and empty.context["save_form"].errors["name"]
    # The same name is free on another page and for another user.
    login(world["dispatcher"]).post(reverse("tickets:list"), {"name": "紧急"})
    login(world["desk"]).post(reverse("tickets:board"), {"name": "紧急"})
    assert SavedFilter.objects.count() == 3


def test_a_name_taken_in_another_tab_meanwhile_is_refused_too(world, login, monkeypatch):
    from service_tickets.forms import SavedFilterForm

    # The other tab saves between this form's check and its insert.
    monkeypatch.setattr(SavedFilterForm, "clean_name", lambda form: form.cleaned_data["name"])
    SavedFilter.objects.create(owner=world["dispatcher"], page="list", name="紧急", query="")
    response = login(world["dispatcher"]).post(reverse("tickets:list"), {"name": "紧急"})
    assert response.status_code == 400
    assert response.context["save_form"].errors["name"]
    assert SavedFilter.objects.count() == 1


def test_saved_filters_are_private_to_their_owner(world, login):
    mine = SavedFilter.objects.create(owner=world["dispatcher"], page="list", name="夜班紧急单",
                                      query="priority=high")
    desk = login(world["desk"])
    assert "夜班紧急单" not in desk.get(reverse("tickets:list")).content.decode()
    assert desk.post(reverse("tickets:filter_delete", args=[mine.pk])).status_code == 404
    assert SavedFilter.objects.filter(pk=mine.pk).exists()
    response = login(world["dispatcher"]).post(reverse("tickets:filter_delete",
                                                       args=[mine.pk]))
    assert response.status_code == 302 and not SavedFilter.objects.exists()
    assert response["Location"] == reverse("tickets:list")


def test_service_staff_save_list_filters_but_not_board_ones(world, no_role_user, login):
    client = login(world["tech"])
    assert client.post(reverse("tickets:board"), {"name": "看板"}).status_code == 403
    assert client.post(f"{reverse('tickets:list')}?status=all",
                       {"name": "我的片区"}).status_code == 302
    assert SavedFilter.objects.get().owner == world["tech"]
    assert login(no_role_user).post(reverse("tickets:list"), {"name": "x"}).status_code == 403
    saved = SavedFilter.objects.get()
    assert client.get(reverse("tickets:filter_delete", args=[saved.pk])).status_code == 405


def test_the_menu_leads_dispatchers_to_the_board_and_service_staff_to_their_tickets(
        world, login):
    def menu(user):
        return {item.key for item in login(user).get(reverse("tickets:list")
                                                     ).context["nav_items"]}

    assert {"tickets-board"} <= menu(world["dispatcher"])
    assert "tickets-my" not in menu(world["dispatcher"])
    assert "tickets-my" in menu(world["tech"]) and "tickets-board" not in menu(world["tech"])


def test_a_large_company_lists_staff_of_the_chosen_territory_only(world, login):
    from service_tickets.forms import ASSIGNEE_LIST_LIMIT, TicketFilterForm

    for _ in range(ASSIGNEE_LIST_LIMIT):
        UserFactory(role=Role.SERVICE_STAFF)
    everyone = TicketFilterForm({}, user=world["desk"])
    assert list(everyone.fields["assignee"].queryset) == []
    assert everyone.fields["assignee"].help_text
    in_territory = TicketFilterForm({"territory": str(world["territory"].pk)},
                                    user=world["desk"])
    assert list(in_territory.fields["assignee"].queryset) == [world["tech"]]
    # A saved filter naming someone still works without the territory.
    chosen = TicketFilterForm({"assignee": str(world["tech"].pk)}, user=world["desk"])
    assert chosen.is_valid() and chosen.cleaned_data["assignee"] == world["tech"]
    response = login(world["dispatcher"]).get(reverse("tickets:list"),
                                               {"territory": world["territory"].pk})
    assert response.status_code == 200


def test_a_list_row_shows_the_full_category_the_caller_the_assignee_and_overdue(
        world, login):
    from service_tickets.models import Category
    from service_tickets.services import ticket_act

    parent = Category.objects.create(name="水电维修", code="water-power")
    world["category"].parent = parent
    world["category"].save()
    world["tech"].full_name = "李师傅"
    world["tech"].save()
    with time_machine.travel(timezone.now() - timedelta(days=5)):
        ticket = new_ticket(world)
        ticket_act(ticket_id=ticket.pk, action="dispatch", by=world["dispatcher"],
                   to=world["tech"])
    page = login(world["desk"]).get(reverse("tickets:list")).content.decode()
    row = re.search(rf'<tr[^>]*><td><a href="[^"]*">{ticket.number}</a>.*?</tr>', page,
                    re.S).group(0)
    assert "水电维修 › 漏水" in row and "刘旭" in row and "李师傅" in row
    assert 'data-testid="overdue-row"' in row and world["room"].code in row


def test_filter_options_are_escaped_and_the_chosen_one_selected(world, login):
    odd = TerritoryFactory(name='<b>"三区"</b>')
    page = login(world["dispatcher"]).get(reverse("tickets:list"),
                                          {"territory": odd.pk, "priority": "high"})
    html = page.content.decode()
    assert f'<option value="{odd.pk}" selected>&lt;b&gt;&quot;三区&quot;&lt;/b&gt;</option>' in html
    assert '<option value="high" selected>' in html and "<b>" not in html
    bad = login(world["dispatcher"]).get(reverse("tickets:list"), {"priority": "soon"})
    assert 'class="form-select is-invalid" name="priority"' in bad.content.decode()
