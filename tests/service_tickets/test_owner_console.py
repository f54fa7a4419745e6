"""What the ticket area adds to the owner console (the party page) and to the top search:
the person's open tickets with a link to log another, and tickets found by their number."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from portal import search
from service_tickets.choices import Action
from service_tickets.services import ticket_act
from tests.owners.factories import OwnershipFactory
from tests.service_tickets.conftest import new_ticket

pytestmark = pytest.mark.django_db


def panel_of(response):
    return next(p for p in response.context["panels"] if p.icon == "tools")


# --- the owner console ---------------------------------------------------------------------

def test_the_owner_console_lists_the_persons_open_tickets_and_links_to_log_one(world, login):
    # given two open tickets of the person and one they cancelled
    first = new_ticket(world)
    second = new_ticket(world)
    cancelled = new_ticket(world)
    ticket_act(ticket_id=cancelled.pk, action=Action.CANCEL, by=world["dispatcher"],
               note="业主自己修好了")
    # when the desk opens the person's page
    response = login(world["desk"]).get(reverse("owners:party_detail", args=[world["party"].pk]))
    # then the open tickets are listed newest first with category, state and due time
    panel = panel_of(response)
    assert [row.label for row in panel.rows] == [second.number, first.number]
    assert panel.rows[0].url == reverse("tickets:detail", args=[second.pk])
    assert "漏水" in panel.rows[0].detail and "待派单" in panel.rows[0].detail
    assert world["room"].code in panel.rows[0].detail and "到期" in panel.rows[0].detail
    # and the page has a button to log a ticket for the person in their room
    html = response.content.decode()
    link = (f'{reverse("tickets:fast_entry")}?party={world["party"].pk}'
            f'&amp;room={world["room"].pk}')
    assert link in html
    panel_html = html.split('data-testid="panel-tools"')[1].split("</section>")[0]
    assert second.number in panel_html and cancelled.number not in panel_html


def test_the_console_says_when_more_tickets_are_open_than_listed(world, login):
    from service_tickets.registrations import OWNER_PANEL_ROWS

    for _ in range(OWNER_PANEL_ROWS + 2):
        new_ticket(world)
    response = login(world["desk"]).get(reverse("owners:party_detail", args=[world["party"].pk]))
    rows = panel_of(response).rows
    assert len(rows) == OWNER_PANEL_ROWS + 1
    assert str(OWNER_PANEL_ROWS + 2) in rows[-1].label and not rows[-1].url


def test_the_console_lists_only_tickets_the_viewer_may_see(world, login, service_staff):
    # given a ticket of the person in the world's territory, and the person also owning a
    # room elsewhere with a ticket there
    mine = new_ticket(world)
    elsewhere = OwnershipFactory(party=world["party"]).room
    other = new_ticket({**world, "room": elsewhere})
    # when the territory's technician opens the person's page
    response = login(world["tech"]).get(reverse("owners:party_detail", args=[world["party"].pk]))
    # then they see the ticket of their territory only, and no button to log one
    assert response.status_code == 200
    panel = panel_of(response)
    assert [row.label for row in panel.rows] == [mine.number]
    panel_html = response.content.decode().split('data-testid="panel-tools"')[1].split(
        "</section>")[0]
    assert other.number not in panel_html
    assert reverse("tickets:fast_entry") not in panel_html


def test_the_console_costs_the_same_number_of_queries_with_more_tickets(
        world, login, django_assert_num_queries):
    # given a person with one open ticket
    client = login(world["desk"])
    url = reverse("owners:party_detail", args=[world["party"].pk])
    new_ticket(world)
    client.get(url)  # warm the caches every page reads once (menu, permissions)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    # when they have a dozen more
    for _ in range(12):
        new_ticket(world)
    # then the page costs the same
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(panel_of(response).rows) == 11


def test_no_panel_for_users_without_tickets(world, login, no_role_user):
    from django.contrib.auth.models import Permission

    no_role_user.user_permissions.add(Permission.objects.get(codename="view_party"),
                                      Permission.objects.get(codename="view_every_estate"))
    response = login(no_role_user).get(reverse("owners:party_detail",
                                               args=[world["party"].pk]))
    assert response.status_code == 200
    assert all(p.icon != "tools" for p in response.context["panels"])


# --- the top search ------------------------------------------------------------------------

def test_the_top_search_finds_a_ticket_by_its_last_digits_or_its_number(world, login):
    # given a ticket (the day's first: ...-0001)
    ticket = new_ticket(world)
    client = login(world["desk"])
    # when its number is typed in the top search, whole, without letters or by its tail
    for typed in (ticket.number, ticket.number[2:], "0001", "1", ticket.number.lower()):
        response = client.get(reverse("portal:search"), {"q": typed}, HTTP_HX_REQUEST="true")
        # then the ticket is a suggestion leading to it
        html = response.content.decode()
        assert ticket.number in html, typed
        assert reverse("tickets:detail", args=[ticket.pk]) in html, typed
        assert re.search(r'role="option"[^>]*>', html)


def test_the_top_search_leaves_out_tickets_the_user_may_not_see(world):
    # given a ticket in the world's territory
    ticket = new_ticket(world)
    # when someone outside it searches its number, then nothing of it comes back
    assert search.search(user=world["outsider"], query=ticket.number) == []
    assert [h.label for h in search.search(user=world["tech"], query="0001")] == [ticket.number]


def test_words_are_not_read_as_ticket_numbers(world):
    new_ticket(world)
    hits = search.search(user=world["desk"], query="刘旭")
    assert all(hit.icon != "tools" for hit in hits)


# --- the icon ------------------------------------------------------------------------------

def test_the_favicon_is_served_to_everyone_and_the_admin_names_it(administrator, login):
    response = Client().get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")
    admin = login(administrator).get(reverse("admin:index"))
    assert admin.status_code == 200
    assert re.search(r'<link rel="icon" href="[^"]*favicon[^"]*\.svg"', admin.content.decode())
