import datetime as dt
import itertools
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import connection

from owners.models import Activity
from service_tickets.choices import Action, Status
from service_tickets.models import Ticket, TicketEvent
from service_tickets.selectors import ticket_list_for_user
from service_tickets.services import TransitionError, ticket_act, ticket_create
from service_tickets.transitions import NEEDS_REASON, TRANSITIONS
from staff.choices import Role
from tests.owners.factories import RoomFactory
from tests.service_tickets.conftest import new_ticket
from tests.service_tickets.factories import CategoryFactory
from tests.staff.factories import UserFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


def test_tickets_are_numbered_per_day_as_people_read_them(world):
    with time_machine.travel(at("2026-11-27 09:00"), tick=False):
        first, second = new_ticket(world), new_ticket(world)
    with time_machine.travel(at("2026-11-28 09:00"), tick=False):
        third = new_ticket(world)
    assert [first.number, second.number, third.number] == [
        "GD20261127-0001", "GD20261127-0002", "GD20261128-0001"]


def test_a_new_ticket_knows_its_room_territory_clocks_and_timeline(world):
    with time_machine.travel(at("2026-11-27 16:00"), tick=False):
        ticket = new_ticket(world)
    assert ticket.estate == world["room"].estate and ticket.territory == world["territory"]
    assert ticket.priority == "normal" and ticket.status == Status.NEW
    assert ticket.accept_due == at("2026-11-27 16:30")
    assert ticket.respond_due == at("2026-11-30 09:00")  # Friday 16:00 + 2 working hours
    assert ticket.resolve_due == at("2026-11-30 16:30")  # + 8 working hours, lunch skipped
    assert ticket.events.get().kind == "created"
    assert Activity.objects.filter(party=world["party"], source="service_tickets.ticket",
                                   title__contains=ticket.number).exists()


def test_emergency_categories_run_around_the_clock(world):
    world["category"].around_the_clock = True
    world["category"].save()
    with time_machine.travel(at("2026-10-01 23:00"), tick=False):
        ticket = new_ticket(world)
    assert ticket.resolve_due == at("2026-10-02 07:00")


def test_a_category_without_targets_uses_its_parents(world):
    child = CategoryFactory(name="厨房漏水", code="kitchen-leak", parent=world["category"])
    with time_machine.travel(at("2026-11-27 09:00"), tick=False):
        ticket = ticket_create(by=world["desk"], type="repair", source="phone", category=child,
                               description="x", room=world["room"])
    assert ticket.accept_due == at("2026-11-27 09:30")


ALL_STATUSES = list(Status)


@pytest.mark.parametrize(("status", "action"), list(itertools.product(ALL_STATUSES, Action)))
def test_every_action_from_every_state_follows_the_table(world, status, action):
    ticket = new_ticket(world)
    # Followed up, so that closing is governed by the table alone.
    Ticket.objects.filter(pk=ticket.pk).update(status=status, assignee=world["tech"],
                                               held_since=None, followed_up_at=ticket.created_at)
    allowed = status in TRANSITIONS[action][0]
    actor = world["tech"] if action in (Action.ACCEPT, Action.DECLINE, Action.START,
                                        Action.HOLD, Action.RESUME, Action.COMPLETE,
                                        Action.GRAB) else world["dispatcher"]
    if action == Action.GRAB:
        world["category"].dispatch_mode = "grab_pool"
        world["category"].save()
    kwargs = {"note": "原因" if action in NEEDS_REASON else ""}
    if action == Action.DISPATCH:
        kwargs["to"] = world["tech"]
    if action == Action.RESUME:
        Ticket.objects.filter(pk=ticket.pk).update(held_since=ticket.created_at)
    if allowed:
        result = ticket_act(ticket_id=ticket.pk, action=action, by=actor, **kwargs)
        assert result.status == TRANSITIONS[action][1]
        event = result.events.last()
        assert (event.action, event.from_status, event.to_status) == (
            action, status, TRANSITIONS[action][1])
    else:
        with pytest.raises(TransitionError, match="不能"):
            ticket_act(ticket_id=ticket.pk, action=action, by=actor, **kwargs)
        assert Ticket.objects.get(pk=ticket.pk).status == status


def test_the_normal_life_of_a_repair(world):
    world["category"].follow_up_policy = "never"
    world["category"].save()
    ticket = new_ticket(world)
    for action, actor, extra in [
        (Action.DISPATCH, "dispatcher", {"to": world["tech"]}),
        (Action.ACCEPT, "tech", {}), (Action.START, "tech", {}),
        (Action.COMPLETE, "tech", {}), (Action.CLOSE, "desk", {}),
    ]:
        ticket = ticket_act(ticket_id=ticket.pk, action=action, by=world[actor], **extra)
    assert ticket.status == Status.CLOSED
    assert ticket.accepted_at and ticket.responded_at and ticket.resolved_at
    assert list(ticket.events.values_list("to_status", flat=True)) == [
        "new", "dispatched", "accepted", "in_progress", "done", "closed"]


def test_reasons_are_required_where_people_must_explain(world):
    ticket = new_ticket(world)
    with pytest.raises(TransitionError, match="原因"):
        ticket_act(ticket_id=ticket.pk, action=Action.CANCEL, by=world["dispatcher"])


def test_only_authorised_staff_receive_and_act(world):
    ticket = new_ticket(world)
    with pytest.raises(TransitionError, match="片区"):
        ticket_act(ticket_id=ticket.pk, action=Action.DISPATCH, by=world["dispatcher"],
                   to=world["outsider"])
    with pytest.raises(PermissionDenied):
        ticket_act(ticket_id=ticket.pk, action=Action.DISPATCH, by=world["tech"],
                   to=world["tech"])
    ticket_act(ticket_id=ticket.pk, action=Action.DISPATCH, by=world["dispatcher"],
               to=world["tech"])
    with pytest.raises(PermissionDenied):
        ticket_act(ticket_id=ticket.pk, action=Action.ACCEPT, by=world["outsider"])


def test_service_staff_see_only_their_territory(world):
    ticket = new_ticket(world)
    elsewhere = ticket_create(by=world["desk"], type="repair", source="phone",
                              category=world["category"], description="别处",
                              room=RoomFactory())
    assert list(ticket_list_for_user(user=world["tech"])) == [ticket]
    assert list(ticket_list_for_user(user=world["outsider"])) == []
    assert set(ticket_list_for_user(user=world["dispatcher"])) == {ticket, elsewhere}


def test_holding_stops_the_clock_and_resuming_gives_the_time_back(world):
    with time_machine.travel(at("2026-11-27 09:00"), tick=False) as clock:
        ticket = new_ticket(world)
        assert ticket.resolve_due == at("2026-11-30 09:30")  # 7 h on Friday, 1 h on Monday
        ticket_act(ticket_id=ticket.pk, action=Action.DISPATCH, by=world["dispatcher"],
                   to=world["tech"])
        ticket_act(ticket_id=ticket.pk, action=Action.ACCEPT, by=world["tech"])
        clock.move_to(at("2026-11-27 10:00"))
        ticket_act(ticket_id=ticket.pk, action=Action.HOLD, by=world["tech"],
                   note="等业主买配件")
        clock.move_to(at("2026-11-30 10:00"))  # Monday: a full working day on hold
        held = Ticket.objects.get(pk=ticket.pk)
        assert not held.is_breached()  # a held ticket is not breached
        resumed = ticket_act(ticket_id=ticket.pk, action=Action.RESUME, by=world["tech"])
    # 7 working hours were left at 10:00 on Friday; from Monday 10:00 that is Tuesday 09:30.
    assert resumed.resolve_due == at("2026-12-01 09:30")


def test_at_risk_then_breached(world):
    with time_machine.travel(at("2026-11-27 09:00"), tick=False):
        ticket = new_ticket(world)
    assert not ticket.is_at_risk(at("2026-11-27 14:00"))
    assert ticket.is_at_risk(at("2026-11-27 16:45"))  # 6 of 8 working hours used at 16:30
    assert not ticket.is_breached(at("2026-11-30 09:29"))
    assert ticket.is_breached(at("2026-11-30 09:31"))
    assert not ticket.is_at_risk(at("2026-11-30 09:31"))


def test_a_stale_version_is_refused(world):
    ticket = new_ticket(world)
    ticket_act(ticket_id=ticket.pk, action=Action.DISPATCH, by=world["dispatcher"],
               to=world["tech"], expected_version=ticket.version)
    with pytest.raises(TransitionError, match="刚刚修改"):
        ticket_act(ticket_id=ticket.pk, action=Action.DISPATCH, by=world["dispatcher"],
                   to=world["tech"], expected_version=ticket.version)


def test_events_cannot_be_changed(world):
    event = new_ticket(world).events.get()
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        TicketEvent.objects.filter(pk=event.pk).update(note="x")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks")
def test_of_two_people_grabbing_the_same_ticket_exactly_one_wins(world):
    world["category"].dispatch_mode = "grab_pool"
    world["category"].save()
    second = UserFactory(username="tech-c", role=Role.SERVICE_STAFF)
    world["territory"].members.add(second)
    ticket = new_ticket(world)
    results, barrier = {}, threading.Barrier(2)

    def grab(user):
        try:
            barrier.wait()
            ticket_act(ticket_id=ticket.pk, action=Action.GRAB, by=user)
            results[user.username] = "won"
        except TransitionError as exc:
            results[user.username] = exc.messages[0]
        finally:
            connection.close()

    threads = [threading.Thread(target=grab, args=(u,)) for u in (world["tech"], second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results.values())[0] == "won" or "won" in results.values()
    assert list(results.values()).count("won") == 1
    loser = next(v for v in results.values() if v != "won")
    assert "不能" in loser
    assert Ticket.objects.get(pk=ticket.pk).assignee.username in results


def test_managers_maintain_categories_and_territories_but_not_ticket_states(world, manager,
                                                                            login):
    client = login(manager)
    assert client.get("/admin/service_tickets/category/").status_code == 200
    assert client.get("/admin/service_tickets/territory/").status_code == 200
    ticket = new_ticket(world)
    page = client.get(f"/admin/service_tickets/ticket/{ticket.pk}/change/")
    assert page.status_code == 200 and 'name="status"' not in page.content.decode()
    assert client.post(f"/admin/service_tickets/ticket/{ticket.pk}/change/",
                       {"status": "closed"}).status_code == 403
