"""One rule of who may take which action: the ticket page's buttons, the API's ``actions``
and the refusals of ``ticket_act`` all come from ``selectors.ticket_actions_for``."""

import re

import pytest
from django.urls import reverse

from service_tickets import followups
from service_tickets.models import Ticket
from service_tickets.services import ticket_act, ticket_set_people
from staff.choices import Role
from tests.service_tickets.conftest import new_ticket
from tests.staff.factories import UserFactory

pytestmark = pytest.mark.django_db

PERSONAS = ["desk", "dispatcher", "assignee", "colleague", "manager"]
STATES = ["new", "dispatched", "accepted", "in_progress", "on_hold", "done", "closed"]

# What each persona may do in each state, for a category dispatched by hand whose tickets
# are followed up before closing (the default): in the table's order.
DESK = {"new": ["dispatch", "cancel"], "dispatched": ["dispatch", "cancel"],
        "accepted": ["dispatch", "start", "hold", "cancel"],
        "in_progress": ["hold", "complete", "cancel"], "on_hold": ["resume", "cancel"],
        "done": ["reopen"], "closed": ["reopen"]}
EXPECTED = {
    "desk": DESK, "dispatcher": DESK, "manager": DESK,
    "assignee": {"new": [], "dispatched": ["accept", "decline"], "accepted": ["start", "hold"],
                 "in_progress": ["hold", "complete"], "on_hold": ["resume"], "done": [],
                 "closed": []},
    "colleague": {state: [] for state in STATES},
}

# Who takes which action to bring a new ticket to each state.
ROUTES = {"new": [], "dispatched": [("dispatcher", "dispatch")]}
ROUTES["accepted"] = [*ROUTES["dispatched"], ("assignee", "accept")]
ROUTES["in_progress"] = [*ROUTES["accepted"], ("assignee", "start")]
ROUTES["on_hold"] = [*ROUTES["in_progress"], ("assignee", "hold")]
ROUTES["done"] = ROUTES["closed"] = [*ROUTES["in_progress"], ("assignee", "complete")]


@pytest.fixture
def people(world, manager):
    colleague = UserFactory(username="tech-c", role=Role.SERVICE_STAFF)
    world["territory"].members.add(colleague)
    return {"desk": world["desk"], "dispatcher": world["dispatcher"], "manager": manager,
            "assignee": world["tech"], "colleague": colleague}


def ticket_in(world, people, state) -> Ticket:
    ticket = new_ticket(world)
    for who, action in ROUTES[state]:
        ticket_act(ticket_id=ticket.pk, action=action, by=people[who],
                   to=world["tech"] if action == "dispatch" else None,
                   note="等配件" if action == "hold" else "")
    if state == "closed":  # a satisfied follow-up closes it
        followups.follow_up_record(ticket_id=ticket.pk, by=world["desk"], method="call",
                                   outcome="satisfied", overall=5)
    ticket.refresh_from_db()
    assert ticket.status == state
    return ticket


def buttons(client, ticket) -> list[str]:
    page = client.get(reverse("tickets:detail", args=[ticket.pk]))
    assert page.status_code == 200
    return re.findall(r'data-testid="act-(\w+)"', page.content.decode())


def api_actions(client, ticket) -> list[str]:
    answer = client.get(reverse("ticket-detail", args=[ticket.pk]))
    assert answer.status_code == 200
    return answer.json()["actions"]


@pytest.mark.parametrize("state", STATES)
def test_the_page_and_the_api_offer_each_persona_the_same_actions(world, people, login,
                                                                  state):
    # given: a ticket in the state
    ticket = ticket_in(world, people, state)
    for persona in PERSONAS:
        client = login(people[persona])
        # when: the persona opens the ticket page and asks the API
        shown, answered = buttons(client, ticket), api_actions(client, ticket)
        # then: both give exactly what the rule allows them
        assert shown == answered == EXPECTED[persona][state], persona


def test_a_pool_ticket_is_offered_to_whoever_works_in_its_territory(world, people, login,
                                                                     manager):
    # given: a new ticket of a category taken from a pool
    world["category"].dispatch_mode = "grab_pool"
    world["category"].save()
    ticket = new_ticket(world)
    for persona in ("colleague", "assignee", "dispatcher"):
        client = login(people[persona])
        # then: members of the territory and the desk may take it
        assert "grab" in buttons(client, ticket) and "grab" in api_actions(client, ticket)
    # and: the API's answer to the action names what comes next
    taken = login(people["colleague"]).post(reverse("ticket-grab", args=[ticket.pk]), {},
                                            content_type="application/json")
    assert taken.status_code == 200 and taken.json()["actions"] == ["start", "hold"]


def test_helpers_are_offered_the_work_on_the_page_and_in_the_api(world, people, login):
    # given: an accepted ticket on which the colleague helps
    ticket = ticket_in(world, people, "accepted")
    ticket_set_people(ticket_id=ticket.pk, by=world["dispatcher"], helpers=[people["colleague"]])
    client = login(people["colleague"])
    # then: they may start and hold it, as the service allows them
    assert buttons(client, ticket) == api_actions(client, ticket) == ["start", "hold"]


@pytest.mark.parametrize(("persona", "state", "action", "code"), [
    ("colleague", "accepted", "start", 403),
    ("assignee", "new", "dispatch", 403),
    ("assignee", "done", "reopen", 403),
    ("dispatcher", "dispatched", "accept", 403),
    ("desk", "done", "close", 409),  # the follow-up is still owed
    ("manager", "closed", "cancel", 409),
])
def test_an_action_not_offered_is_refused_by_the_api_and_a_forged_page_post(
        world, people, login, persona, state, action, code):
    # given: a ticket on which the persona is not offered the action
    ticket = ticket_in(world, people, state)
    client = login(people[persona])
    assert action not in api_actions(client, ticket)
    data = {"version": ticket.version, "note": "理由", "to": world["tech"].pk}
    # when: they post it to the page anyway, then to the API
    page = client.post(reverse("tickets:act", args=[ticket.pk, action]), data)
    api = client.post(reverse(f"ticket-{action}", args=[ticket.pk]), data,
                      content_type="application/json")
    # then: both refuse it alike and nothing moves
    assert page.status_code == code and api.status_code == code
    assert api.json()["detail"]
    after = Ticket.objects.get(pk=ticket.pk)
    assert (after.status, after.version) == (state, ticket.version)


def test_an_outsider_gets_404_from_the_page_the_api_and_the_work_forms(world, people, login):
    # given: a ticket outside the technician's territories
    ticket = new_ticket(world)
    client = login(world["outsider"])
    # then: every way in answers as if it did not exist
    assert client.get(reverse("tickets:detail", args=[ticket.pk])).status_code == 404
    assert client.get(reverse("ticket-detail", args=[ticket.pk])).status_code == 404
    assert client.post(reverse("tickets:act", args=[ticket.pk, "grab"])).status_code == 404
    assert client.get(reverse("tickets:work_note", args=[ticket.pk])).status_code == 404
    assert client.get(reverse("tickets:follow_up_record", args=[ticket.pk])).status_code == 404
    assert client.get(reverse("ticket-detail", args=["x"])).status_code == 404


def test_the_work_fields_keep_their_labels_attributes_and_errors_without_crispy(world,
                                                                                 login):
    # given: a dispatched ticket the dispatcher opens
    from django.template.loader import render_to_string

    from service_tickets.forms_work import LabourForm

    ticket = ticket_in(world, {"dispatcher": world["dispatcher"]}, "dispatched")
    html = login(world["dispatcher"]).get(reverse("tickets:detail", args=[ticket.pk])
                                          ).content.decode()
    # then: each field as the forms define it, and every form carries its CSRF token
    assert ('<label for="material-quantity" class="form-label requiredField">数量'
            '<span class="asteriskField">*</span></label>') in html
    assert 'step="0.01" min="0.01"' in html and 'name="quantity"' in html
    assert '<option value="comment" selected>备注</option>' in html
    assert 'id="chase-raise_priority" class="form-check-input"' in html
    assert 'name="note" id="escalate-reason"' not in html  # the reason is named reason
    assert 'name="reason" id="escalate-reason" class="form-control" cols="40" rows="2"' in html
    posts = re.findall(r'<form\b[^>]*\bmethod="post"', html)
    assert html.count('name="csrfmiddlewaretoken"') == len(posts) > 5
    # and: a refused value shows its error beside the field
    form = LabourForm({"minutes": "0"}, auto_id="labour-%s")
    assert not form.is_valid()
    field = render_to_string("service_tickets/partials/field.html", {"field": form["minutes"]})
    assert 'value="0"' in field and "is-invalid" in field
    assert 'aria-describedby="labour-minutes_error"' in field
    assert "确保该值大于或等于1" in field
