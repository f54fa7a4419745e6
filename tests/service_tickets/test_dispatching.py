"""Whom a ticket goes to: ranked suggestions for the dispatcher, and the automatic modes
(round robin, least loaded, grab pool) chosen per category."""

import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse

from service_tickets.choices import Action, Status
from service_tickets.dispatching import automatic_assignee, dispatch_candidates
from service_tickets.models import Territory, Ticket
from service_tickets.services import TransitionError, ticket_act, ticket_create
from staff.choices import Role
from tests.owners.factories import RoomFactory
from tests.service_tickets.conftest import new_ticket
from tests.service_tickets.factories import CategoryFactory
from tests.staff.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def crew(world):
    """Three more members of the territory, made in this order (so in pk order)."""
    members = [UserFactory(username=f"crew-{name}", full_name=name, role=Role.SERVICE_STAFF)
               for name in ("孙师傅", "钱师傅", "李师傅")]
    world["territory"].members.add(*members)
    return members


def _mode(world, mode):
    world["category"].dispatch_mode = mode
    world["category"].save()


def _load(world, user, n, status=Status.IN_PROGRESS):
    """``n`` tickets on ``user`` in ``status``, made directly (not what is tested here)."""
    for _ in range(n):
        ticket = new_ticket(world)
        Ticket.objects.filter(pk=ticket.pk).update(assignee=user, status=status)


# --- suggestions --------------------------------------------------------------------------

def test_candidates_are_skilled_first_then_least_loaded_then_by_name(world, crew,
                                                                    django_assert_num_queries):
    sun, qian, li = crew
    tech = world["tech"]
    parent = CategoryFactory(name="水电维修", code="plumbing")
    world["category"].parent = parent
    world["category"].save()
    world["category"].skilled_staff.add(li)
    parent.skilled_staff.add(qian)  # skilled in the parent category counts too
    _load(world, li, 3)
    _load(world, qian, 1)
    _load(world, sun, 2)
    _load(world, sun, 5, status=Status.CLOSED)  # closed work is not load
    _load(world, tech, 2, status=Status.ON_HOLD)
    ticket = new_ticket(world)
    ticket.refresh_from_db()
    with django_assert_num_queries(1):
        ranked = list(dispatch_candidates(ticket))
    assert [(u, u.skilled, u.open_load) for u in ranked] == [
        (qian, True, 1), (li, True, 3),
        *sorted([(sun, False, 2), (tech, False, 2)], key=lambda r: (r[0].full_name, r[0].pk))]


def test_inactive_members_and_outsiders_are_not_suggested(world, crew):
    crew[0].is_active = False
    crew[0].save()
    ticket = new_ticket(world)
    names = {u.username for u in dispatch_candidates(ticket)}
    assert names == {"tech-a", "crew-钱师傅", "crew-李师傅"}


def test_a_ticket_without_territory_can_go_to_staff_who_work_everywhere(world):
    ticket = ticket_create(by=world["desk"], type="repair", source="phone",
                           category=world["category"], description="别处", room=RoomFactory())
    assert ticket.territory is None
    assert {u.username for u in dispatch_candidates(ticket)} == {"frontdesk", "dispatcher"}


def test_the_dispatch_select_lists_the_suggestions_best_first(world, crew, login):
    _sun, qian, li = crew
    world["category"].skilled_staff.add(li)
    _load(world, qian, 2)
    ticket = new_ticket(world)
    html = login(world["dispatcher"]).get(reverse("tickets:detail", args=[ticket.pk])
                                          ).content.decode()
    select = html.split('id="to-dispatch"')[1].split("</select>")[0]
    options = [part.split('"')[0] for part in select.split('value="')[1:]]
    assert options[0] == str(li.pk) and options[-1] == str(qian.pk)
    assert "李师傅 · " in select and select.count("·") == 4 + 1  # name · load, + skilled


def test_service_staff_get_no_suggestions_they_could_not_use(world, login):
    ticket = new_ticket(world)
    response = login(world["tech"]).get(reverse("tickets:detail", args=[ticket.pk]))
    assert response.context["dispatch_candidates"] == []


# --- automatic modes ------------------------------------------------------------------------

def test_manual_categories_wait_for_a_dispatcher(world):
    assert new_ticket(world).status == Status.NEW


def test_round_robin_takes_members_in_turn_across_tickets(world, crew):
    _mode(world, "round_robin")
    members = sorted([world["tech"], *crew], key=lambda u: u.pk)
    tickets = [new_ticket(world) for _ in range(6)]
    assert [t.assignee for t in tickets] == members + members[:2]
    assert all(t.status == Status.DISPATCHED for t in tickets)
    assert Territory.objects.get(pk=world["territory"].pk).last_assigned == members[1]
    event = tickets[0].events.get(action=Action.DISPATCH)
    assert event.actor is None and event.data == {"to": members[0].pk}


def test_round_robin_skips_a_member_who_left(world, crew):
    _mode(world, "round_robin")
    members = sorted([world["tech"], *crew], key=lambda u: u.pk)
    first = new_ticket(world)
    members[1].is_active = False
    members[1].save()
    assert [first.assignee, new_ticket(world).assignee] == [members[0], members[2]]


def test_least_loaded_goes_to_the_fewest_open_tickets_skilled_first(world, crew):
    _mode(world, "least_loaded")
    sun, qian, li = crew
    _load(world, world["tech"], 1)
    _load(world, sun, 2)
    _load(world, qian, 1)
    _load(world, li, 1)
    _load(world, qian, 4, status=Status.CLOSED)
    world["category"].skilled_staff.add(sun)
    assert new_ticket(world).assignee == sun  # skilled, although the most loaded
    world["category"].skilled_staff.clear()
    first = new_ticket(world)
    assert first.assignee == min([world["tech"], qian, li], key=lambda u: (u.full_name, u.pk))
    # whoever got it now has two open tickets; the next goes to one of those with one
    assert new_ticket(world).assignee not in (first.assignee, sun)


@pytest.mark.parametrize("mode", ["round_robin", "least_loaded"])
def test_without_members_an_automatic_ticket_stays_waiting(world, mode):
    _mode(world, mode)
    world["territory"].members.clear()
    ticket = new_ticket(world)
    assert ticket.status == Status.NEW and ticket.assignee is None
    outside = ticket_create(by=world["desk"], type="repair", source="phone",
                            category=world["category"], description="无片区",
                            room=RoomFactory())
    assert outside.status == Status.NEW


def test_an_automatic_dispatch_tells_the_assignee(world):
    from inbox.models import Notification

    _mode(world, "round_robin")
    ticket = new_ticket(world)
    note = Notification.objects.get(recipient=world["tech"])
    assert ticket.number in note.title


def test_grab_pool_tickets_wait_for_authorised_staff_to_take_them(world, crew):
    _mode(world, "grab_pool")
    ticket = new_ticket(world)
    assert ticket.status == Status.NEW and automatic_assignee(ticket) is None
    with pytest.raises(PermissionDenied):
        ticket_act(ticket_id=ticket.pk, action=Action.GRAB, by=world["outsider"])
    taken = ticket_act(ticket_id=ticket.pk, action=Action.GRAB, by=crew[1])
    assert (taken.status, taken.assignee, taken.accepted_at is not None) == (
        Status.ACCEPTED, crew[1], True)
    with pytest.raises(TransitionError):
        ticket_act(ticket_id=ticket.pk, action=Action.GRAB, by=crew[2])


def test_a_manual_category_cannot_be_grabbed(world):
    ticket = new_ticket(world)
    with pytest.raises(TransitionError):
        ticket_act(ticket_id=ticket.pk, action=Action.GRAB, by=world["tech"])


def _race(users, work):
    """Run ``work(user)`` in one thread per user, started together; returns outcomes."""
    results, barrier = {}, threading.Barrier(len(users))

    def run(user):
        try:
            barrier.wait()
            results[user.username] = work(user)
        except (TransitionError, PermissionDenied) as exc:
            results[user.username] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks")
def test_of_three_grabbing_at_once_exactly_one_wins(world, crew):
    _mode(world, "grab_pool")
    ticket = new_ticket(world)
    results = _race(crew, lambda user: ticket_act(ticket_id=ticket.pk, action=Action.GRAB,
                                                  by=user).assignee)
    winners = [name for name, r in results.items() if not isinstance(r, Exception)]
    assert len(winners) == 1 and len(results) == 3
    assert all("不能" in r.messages[0] for r in results.values() if isinstance(r, Exception))
    assert Ticket.objects.get(pk=ticket.pk).assignee.username == winners[0]
    assert Ticket.objects.get(pk=ticket.pk).events.filter(action=Action.GRAB).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks")
def test_tickets_logged_at_once_in_round_robin_go_to_different_people(world, crew):
    _mode(world, "round_robin")
    desks = [world["desk"], world["dispatcher"]]
    results = _race(desks, lambda user: ticket_create(
        by=user, type="repair", source="phone", category=world["category"],
        description="同时报修", room=world["room"]).assignee_id)
    assert len(results) == 2 and len(set(results.values())) == 2
    members = sorted(u.pk for u in [world["tech"], *crew])
    assert sorted(results.values()) == members[:2]
