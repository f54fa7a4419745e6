import pytest
from django.test import Client
from django.urls import reverse

from service_tickets.models import Ticket
from tests.owners.factories import RoomFactory
from tests.service_tickets.conftest import new_ticket

pytestmark = pytest.mark.django_db


def test_pages_need_login_and_the_right_role(world, no_role_user, login):
    ticket = new_ticket(world)
    for url in [reverse("tickets:list"), reverse("tickets:fast_entry"),
                reverse("tickets:detail", args=[ticket.pk])]:
        assert Client().get(url).status_code == 302
    client = login(no_role_user)
    assert client.get(reverse("tickets:list")).status_code == 403
    assert client.get(reverse("tickets:fast_entry")).status_code == 403
    assert client.get(reverse("tickets:detail", args=[ticket.pk])).status_code == 404


def test_service_staff_list_shows_only_their_territory(world, login):
    mine = new_ticket(world)
    from service_tickets.services import ticket_create

    other = ticket_create(by=world["desk"], type="repair", source="phone",
                          category=world["category"], description="别处", room=RoomFactory())
    html = login(world["tech"]).get(reverse("tickets:list")).content.decode()
    assert mine.number in html and other.number not in html
    assert login(world["outsider"]).get(reverse("tickets:detail", args=[mine.pk])
                                        ).status_code == 404


def test_list_costs_the_same_with_more_tickets(world, login, django_assert_max_num_queries):
    client = login(world["desk"])
    new_ticket(world)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("tickets:list"))
    for _ in range(10):
        new_ticket(world)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("tickets:list"))
    assert len(response.context["page"].items) == 11


def test_detail_shows_stages_clocks_and_the_actions_allowed(world, login):
    ticket = new_ticket(world)
    html = login(world["dispatcher"]).get(reverse("tickets:detail", args=[ticket.pk])
                                          ).content.decode()
    assert "待派单" in html and 'data-testid="act-dispatch"' in html
    assert 'data-testid="act-complete"' not in html
    assert world["tech"].display_name in html  # a territory member to dispatch to


def test_actions_from_the_page_and_refusals_in_chinese(world, login):
    ticket = new_ticket(world)
    client = login(world["dispatcher"])
    url = reverse("tickets:act", args=[ticket.pk, "dispatch"])
    page = client.post(url, {"to": world["tech"].pk, "version": 1}, follow=True)
    dispatched = Ticket.objects.get(pk=ticket.pk)
    assert f"{dispatched.number} 已派单给 {world['tech'].display_name}。" in page.content.decode()
    assert "派单 已完成" not in page.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).status == "dispatched"
    again = client.post(url, {"to": world["tech"].pk, "version": 1}, follow=True)
    assert again.status_code == 409 and "其他人刚刚修改" in again.content.decode()
    refused = client.post(reverse("tickets:act", args=[ticket.pk, "close"]),
                          {"version": 2}, follow=True)
    assert refused.status_code == 409 and "不能执行" in refused.content.decode()


def test_a_refused_action_keeps_the_reason_typed(world, login):
    ticket = new_ticket(world)
    client = login(world["dispatcher"])
    client.post(reverse("tickets:act", args=[ticket.pk, "dispatch"]),
                {"to": world["tech"].pk, "version": 1})
    # Someone else acted meanwhile: the cancel is refused, its reason stays in the box.
    page = client.post(reverse("tickets:act", args=[ticket.pk, "cancel"]),
                       {"version": 1, "note": "业主说已自行修好"})
    assert page.status_code == 409
    assert 'value="业主说已自行修好"' in page.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).status == "dispatched"


def test_fast_entry_logs_a_ticket_and_warns_of_duplicates(world, login):
    client = login(world["desk"])
    data = {"party": world["party"].pk, "room": world["room"].pk, "type": "repair",
            "source": "phone", "category": world["category"].pk, "description": "厨房漏水"}
    first = client.post(reverse("tickets:fast_entry"), data)
    assert first.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.party == world["party"] and ticket.priority == "normal"
    second = client.post(reverse("tickets:fast_entry"), data)
    assert second.status_code == 200
    assert ticket.number in second.content.decode() and "duplicate-warning" in \
        second.content.decode()
    assert Ticket.objects.count() == 1
    third = client.post(reverse("tickets:fast_entry"), {**data, "confirm_duplicate": "1"})
    assert third.status_code == 302 and Ticket.objects.count() == 2


def test_fast_entry_needs_a_place(world, login):
    response = login(world["desk"]).post(reverse("tickets:fast_entry"), {
        "type": "repair", "source": "phone", "category": world["category"].pk,
        "description": "x"})
    assert response.status_code == 400
    assert "公共区域" in response.content.decode()


def test_lookup_finds_the_caller_by_phone_tail_with_rooms_and_open_tickets(world, login):
    from owners.models import Phone

    Phone.objects.create(party=world["party"], e164="+8613812345678", kind="mobile",
                         display="13812345678", tail="5678", is_primary=True)
    new_ticket(world)
    html = login(world["desk"]).get(reverse("tickets:lookup"), {"q": "5678"}).content.decode()
    assert world["party"].name in html and world["room"].code in html
    assert "1 张未结工单" in html


def test_dashboard_counts_open_and_waiting_tickets(world, login):
    new_ticket(world)
    response = login(world["desk"]).get(reverse("portal:home"))
    [card] = [c for c in response.context["cards"] if str(c.title) == "工单"]
    values = {str(f.label): f.value for f in card.figures}
    assert values["未结"] == 1 and values["待派单"] == 1


def test_history_reads_in_words_not_codes(world, login):
    ticket = new_ticket(world)
    html = login(world["desk"]).get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert "— → 待派单" in html and "new" not in html.split('data-testid="events"')[1][:300]


@pytest.mark.django_db
def test_owner_timelines_show_tickets_only_to_those_who_may_see_them(world, client):
    from owners.selectors import timeline

    ticket = new_ticket(world)

    def entries(user):
        return [a.source_id for a in timeline(user=user, party=world["party"])]

    assert str(ticket.pk) in entries(world["desk"])
    assert str(ticket.pk) in entries(world["tech"])  # the ticket's territory is theirs
    assert str(ticket.pk) not in entries(world["outsider"])
    # Service staff see the owners of their own territories only.
    client.force_login(world["outsider"])
    assert client.get(reverse("owners:party_detail",
                              args=[world["party"].pk])).status_code == 404
    client.force_login(world["tech"])
    page = client.get(reverse("owners:party_detail", args=[world["party"].pk]))
    assert page.status_code == 200 and ticket.number in page.content.decode()


def test_each_action_is_confirmed_by_what_now_holds(world, login):
    # given a ticket dispatched to the technician
    ticket = new_ticket(world)
    login(world["dispatcher"]).post(reverse("tickets:act", args=[ticket.pk, "dispatch"]),
                                    {"to": world["tech"].pk, "version": 1})
    tech = login(world["tech"])
    confirmations = []
    # when the technician accepts it, starts work and completes it
    for version, action in enumerate(["accept", "start", "complete"], start=2):
        page = tech.post(reverse("tickets:act", args=[ticket.pk, action]),
                         {"version": version}, follow=True)
        confirmations.append([str(m) for m in page.context["messages"]])
    # then each message says what is now the case, never "<action> 已完成"
    number = Ticket.objects.get(pk=ticket.pk).number
    assert confirmations == [[f"{number} 已接单。"], [f"{number} 已开始处理。"],
                             [f"{number} 已完成。"]]
