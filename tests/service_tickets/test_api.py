import pytest
from django.urls import reverse

from service_tickets.models import Ticket
from tests.service_tickets.conftest import new_ticket

pytestmark = pytest.mark.django_db


def test_the_desk_logs_a_ticket_through_the_api(world, login):
    response = login(world["desk"]).post(reverse("ticket-list"), {
        "type": "repair", "source": "phone", "category": world["category"].pk,
        "description": "卫生间漏水", "room": world["room"].pk, "party": world["party"].pk},
        content_type="application/json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"].startswith("GD") and body["status"] == "new"
    assert body["estate"] == world["room"].estate_id and body["resolve_due"]


def test_a_ticket_needs_a_place(world, login):
    response = login(world["desk"]).post(reverse("ticket-list"), {
        "type": "repair", "source": "phone", "category": world["category"].pk,
        "description": "x"}, content_type="application/json")
    assert response.status_code == 400
    assert "公共区域所在的项目" in str(response.json())


def test_actions_follow_the_table_and_explain_refusals(world, login):
    ticket = new_ticket(world)
    dispatcher, tech = login(world["dispatcher"]), login(world["tech"])
    url = lambda name: reverse(f"ticket-{name}", args=[ticket.pk])  # noqa: E731
    refused = tech.post(url("complete"), {}, content_type="application/json")
    assert refused.status_code == 409
    assert "不能执行" in refused.json()["detail"]
    assert dispatcher.post(url("dispatch"), {"to": world["tech"].pk},
                           content_type="application/json").status_code == 200
    assert tech.post(url("accept"), {}, content_type="application/json").json()[
        "status"] == "accepted"
    events = tech.get(reverse("ticket-events", args=[ticket.pk])).json()
    assert [e["to_status"] for e in events] == ["new", "dispatched", "accepted"]


def test_a_stale_version_gets_409(world, login):
    ticket = new_ticket(world)
    client = login(world["dispatcher"])
    url = reverse("ticket-dispatch", args=[ticket.pk])
    first = client.post(url, {"to": world["tech"].pk, "version": 1},
                        content_type="application/json")
    second = client.post(url, {"to": world["tech"].pk, "version": 1},
                         content_type="application/json")
    assert first.status_code == 200 and second.status_code == 409


def test_staff_outside_the_territory_get_404(world, login):
    ticket = new_ticket(world)
    outsider = login(world["outsider"])
    assert outsider.get(reverse("ticket-detail", args=[ticket.pk])).status_code == 404
    assert outsider.post(reverse("ticket-accept", args=[ticket.pk]), {},
                         content_type="application/json").status_code == 404
    assert outsider.get(reverse("ticket-list")).json()["results"] == []
    assert len(login(world["tech"]).get(reverse("ticket-list")).json()["results"]) == 1


def test_service_staff_cannot_log_or_dispatch(world, login):
    ticket = new_ticket(world)
    tech = login(world["tech"])
    assert tech.post(reverse("ticket-list"), {}, content_type="application/json"
                     ).status_code == 403
    assert tech.post(reverse("ticket-dispatch", args=[ticket.pk]), {"to": world["tech"].pk},
                     content_type="application/json").status_code == 403
    assert Ticket.objects.get(pk=ticket.pk).status == "new"


def test_ticket_list_queries_do_not_grow(world, login, django_assert_max_num_queries):
    client = login(world["desk"])
    new_ticket(world)
    with django_assert_max_num_queries(15) as few:
        client.get(reverse("ticket-list"))
    for _ in range(10):
        new_ticket(world)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("ticket-list"))
