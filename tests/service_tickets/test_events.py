"""The event search across tickets: by person, room, staff, kind and time, newest first,
paged by keyset, within the territories a member of staff may see."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from owners.models import Phone
from portal.navigation import items_for
from service_tickets.choices import Action, EventKind
from service_tickets.models import Ticket, TicketEvent
from service_tickets.services import ticket_act, ticket_comment, ticket_create, ticket_set_people
from staff.choices import Role
from tests.owners.factories import OwnershipFactory, RoomFactory
from tests.service_tickets.conftest import new_ticket
from tests.staff.factories import UserFactory

pytestmark = pytest.mark.django_db
EVENTS = reverse("tickets:events")


@pytest.fixture
def other(world):
    """A ticket of another person in a room no territory covers."""
    ownership = OwnershipFactory(party__name="王芳", room=RoomFactory())
    ticket = ticket_create(by=world["desk"], type="repair", source="phone",
                           category=world["category"], description="门禁坏了",
                           room=ownership.room, party=ownership.party)
    return {"ticket": ticket, "party": ownership.party, "room": ownership.room}


def numbers(response) -> list[str]:
    return [e.ticket.number for e in response.context["page"].items]


def kinds(response) -> list[str]:
    return [e.kind for e in response.context["page"].items]


def test_the_page_needs_the_right_to_see_events(world, no_role_user, login):
    assert Client().get(EVENTS).status_code == 302
    assert login(no_role_user).get(EVENTS).status_code == 403
    assert login(world["tech"]).get(EVENTS).status_code == 200
    assert "tickets-events" in [i.key for i in items_for(world["desk"])]
    assert "tickets-events" not in [i.key for i in items_for(no_role_user)]


def test_newest_first_and_each_row_opens_its_ticket(world, login):
    ticket = new_ticket(world)
    ticket_act(ticket_id=ticket.pk, action=Action.DISPATCH, by=world["dispatcher"],
               to=world["tech"])
    ticket_comment(ticket=ticket, by=world["tech"], note="明早上门")
    response = login(world["desk"]).get(EVENTS)
    assert kinds(response) == ["comment", "transition", "created"]
    html = response.content.decode()
    assert reverse("tickets:detail", args=[ticket.pk]) in html and "明早上门" in html


def test_by_person_name_phone_tail_or_party(world, other, login):
    mine = new_ticket(world)
    Phone.objects.create(party=world["party"], e164="+8613812345678", kind="mobile",
                         display="13812345678", tail="5678", is_primary=True)
    client = login(world["desk"])
    for query in [{"person": "刘旭"}, {"person": "5678"}, {"person": "13812345678"},
                  {"party": world["party"].pk}]:
        response = client.get(EVENTS, query)
        assert numbers(response) == [mine.number], query
    assert numbers(client.get(EVENTS, {"person": "王芳"})) == [other["ticket"].number]
    nobody = client.get(EVENTS, {"person": "欧阳"})
    assert numbers(nobody) == [] and 'data-testid="matched"' in nobody.content.decode()


def test_by_room_code_or_room(world, other, login):
    mine = new_ticket(world)
    client = login(world["desk"])
    assert numbers(client.get(EVENTS, {"room": world["room"].code})) == [mine.number]
    assert numbers(client.get(EVENTS, {"room_id": other["room"].pk})) == [
        other["ticket"].number]


def test_by_staff_kind_and_time(world, login):
    ticket = new_ticket(world)
    long_ago = timezone.now() - dt.timedelta(days=60)
    TicketEvent.objects.create(ticket=ticket, kind=EventKind.CALL, actor=world["tech"],
                               note="旧电话", created_at=long_ago)
    ticket_comment(ticket=ticket, by=world["tech"], note="新备注")
    client = login(world["desk"])
    assert kinds(client.get(EVENTS, {"actor": world["tech"].pk})) == ["comment"]
    assert kinds(client.get(EVENTS, {"kind": "created"})) == ["created"]
    # without a person or room the search looks back 30 days, unless given a start
    since = (long_ago - dt.timedelta(days=1)).date().isoformat()
    until = (long_ago + dt.timedelta(days=1)).date().isoformat()
    assert kinds(client.get(EVENTS, {"actor": world["tech"].pk, "date_from": since})) == [
        "comment", "call"]
    assert kinds(client.get(EVENTS, {"date_from": since, "date_to": until})) == ["call"]
    assert "call" in kinds(client.get(EVENTS, {"person": "刘旭"}))


def test_a_reversed_range_is_explained_not_an_error(world, login):
    response = login(world["desk"]).get(EVENTS, {"date_from": "2026-05-02",
                                                 "date_to": "2026-05-01"})
    assert response.status_code == 400 and response.context["form"].errors["date_to"]


def test_service_staff_see_only_events_of_tickets_they_may_see(world, other, login):
    mine = new_ticket(world)
    # still theirs after its building left every territory
    theirs = ticket_create(by=world["desk"], type="repair", source="phone",
                           category=world["category"], description="别处", room=RoomFactory())
    Ticket.objects.filter(pk=theirs.pk).update(assignee=world["tech"])
    seen = set(numbers(login(world["tech"]).get(EVENTS)))
    assert seen == {mine.number, theirs.number}
    assert numbers(login(world["outsider"]).get(EVENTS)) == []
    assert numbers(login(world["outsider"]).get(EVENTS, {"person": "刘旭"})) == []
    everyone = set(numbers(login(world["desk"]).get(EVENTS)))
    assert everyone == {mine.number, theirs.number, other["ticket"].number}


def test_helpers_see_the_events_of_tickets_they_help_with(world, login):
    ticket = new_ticket(world)
    helper = UserFactory(username="helper", role=Role.SERVICE_STAFF)
    world["territory"].members.add(helper)
    ticket_set_people(ticket_id=ticket.pk, by=world["dispatcher"], helpers=[helper])
    world["territory"].members.remove(helper)  # left the territory, still on the ticket
    assert set(numbers(login(helper).get(EVENTS))) == {ticket.number}


def test_pages_follow_the_newest_first_order_without_gaps_or_repeats(world, login):
    ticket = new_ticket(world)
    same_moment = timezone.now() - dt.timedelta(hours=1)
    TicketEvent.objects.bulk_create([
        TicketEvent(ticket=ticket, kind=EventKind.COMMENT, note=f"第{i}条",
                    created_at=same_moment if i < 30 else same_moment + dt.timedelta(
                        seconds=i)) for i in range(70)])
    client = login(world["desk"])
    first = client.get(EVENTS)
    second = client.get(EVENTS, {"cursor": first.context["page"].next_cursor})
    rows = first.context["page"].items + second.context["page"].items
    assert len(first.context["page"].items) == 50 and len(rows) == 71
    assert second.context["page"].next_cursor is None
    keys = [(e.created_at, e.id) for e in rows]
    assert keys == sorted(keys, reverse=True) and len(set(keys)) == 71


def test_the_search_reads_one_page_through_the_time_index(world, login):
    new_ticket(world)
    client = login(world["tech"])
    with CaptureQueriesContext(connection) as queries:
        client.get(EVENTS, {"kind": "created", "actor": world["desk"].pk})
    [sql] = [q["sql"] for q in queries.captured_queries
             if 'FROM "service_tickets_ticketevent"' in q["sql"]]
    assert re.search(r'ORDER BY "service_tickets_ticketevent"."created_at" DESC, '
                     r'"service_tickets_ticketevent"."id" DESC\s+LIMIT 51', sql)
    assert "COUNT(" not in sql.upper() and "OFFSET" not in sql.upper()
    assert "DISTINCT" not in sql.upper()
    assert '"service_tickets_ticketevent"."created_at" >=' in sql  # always bounded in time


@pytest.mark.parametrize("query", [{}, {"person": "刘旭"}, {"room": "x"},
                                   {"kind": "comment", "date_from": "2020-01-01"}])
@pytest.mark.parametrize("who", ["desk", "tech"])
def test_the_search_costs_the_same_with_3_or_30_events(world, login, who, query,
                                                       django_assert_num_queries):
    query = dict(query)
    if query.get("room"):
        query["room"] = world["room"].code
    ticket = new_ticket(world)
    client = login(world[who])
    for i in range(2):
        ticket_comment(ticket=ticket, by=world["tech"], note=f"备注{i}")
    client.get(EVENTS, query)
    with CaptureQueriesContext(connection) as few:
        client.get(EVENTS, query)
    for i in range(27):
        other = new_ticket(world) if i % 3 == 0 else ticket
        ticket_comment(ticket=other, by=[world["tech"], world["desk"]][i % 2], note=f"第{i}")
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(EVENTS, query)
    assert len(response.context["page"].items) >= 20
