"""Notices in force (停水通知): who sees and posts them, where they apply, and what the desk
does with them at fast entry."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from owners.models import Activity
from service_tickets import notices
from service_tickets.models import Notice, NoticeCall, Ticket
from tests.owners.factories import BuildingFactory, RoomFactory
from tests.service_tickets.conftest import new_ticket

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def post_notice(world, *, estate=None, buildings=(), starts=-1, ends=24, **kw):
    """A notice posted by the desk, from ``starts`` to ``ends`` hours from now."""
    return notices.notice_create(
        by=world["desk"], kind=kw.pop("kind", "water"), title=kw.pop("title", "3栋停水"),
        estate=estate or world["room"].estate, buildings=buildings,
        starts_at=NOW + timedelta(hours=starts),
        ends_at=None if ends is None else NOW + timedelta(hours=ends), **kw)


def form_data(world, **overrides):
    local = timezone.localtime(NOW)
    return {"kind": "water", "title": "5栋二次供水停水", "body": "水箱清洗",
            "estate": world["room"].estate.pk,
            "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (local + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M"), **overrides}


# --- which notices are in force, and for where ---------------------------------------

def test_in_force_leaves_out_upcoming_ended_and_withdrawn_notices(world):
    current = post_notice(world, title="现行")
    open_ended = post_notice(world, title="无结束时间", ends=None)
    post_notice(world, title="未开始", starts=2, ends=5)
    post_notice(world, title="已结束", starts=-5, ends=-1)
    withdrawn = post_notice(world, title="已撤回")
    notices.notice_withdraw(notice=withdrawn, by=world["desk"])

    in_force = set(Notice.objects.in_force())

    assert in_force == {current, open_ended}
    assert set(Notice.objects.in_force(NOW + timedelta(hours=3))) >= {open_ended}
    assert current in Notice.objects.in_force(NOW + timedelta(hours=3))


def test_a_building_sees_whole_estate_notices_and_its_own_not_its_neighbours(world):
    building = world["room"].building
    neighbour = BuildingFactory(estate=building.estate)
    whole = post_notice(world, title="全小区停电", kind="power")
    ours = post_notice(world, title="本栋停水", buildings=[building, neighbour])
    theirs = post_notice(world, title="邻栋电梯", kind="lift", buildings=[neighbour])
    elsewhere = post_notice(world, title="别的小区", estate=RoomFactory().estate)

    for_building = list(Notice.objects.concerning(estate_id=building.estate_id,
                                                  building_id=building.pk))
    for_estate = set(Notice.objects.concerning(estate_id=building.estate_id))

    assert sorted(n.title for n in for_building) == sorted([whole.title, ours.title])
    assert for_estate == {whole, ours, theirs}
    assert elsewhere not in for_estate


# --- posting, validating, withdrawing --------------------------------------------------

def test_a_notice_must_end_after_it_starts(world):
    with pytest.raises(ValidationError) as error:
        post_notice(world, starts=2, ends=1)
    assert "ends_at" in error.value.message_dict


def test_a_notice_names_only_buildings_of_its_estate(world):
    stranger = BuildingFactory()
    with pytest.raises(ValidationError) as error:
        post_notice(world, buildings=[stranger])
    assert "buildings" in error.value.message_dict
    assert not Notice.objects.exists()


def test_service_staff_may_not_post_or_withdraw_notices(world):
    notice = post_notice(world)
    with pytest.raises(PermissionDenied):
        notices.notice_create(by=world["tech"], kind="water", title="x",
                              estate=world["room"].estate, starts_at=NOW)
    with pytest.raises(PermissionDenied):
        notices.notice_withdraw(notice=notice, by=world["tech"])


def test_withdrawing_twice_keeps_the_first_time(world):
    notice = post_notice(world)
    first = notices.notice_withdraw(notice=notice, by=world["desk"]).withdrawn_at
    again = notices.notice_withdraw(notice=Notice.objects.get(pk=notice.pk), by=world["desk"])
    assert first is not None and again.withdrawn_at == first


# --- the notices page ------------------------------------------------------------------

def test_notices_page_needs_login_and_the_view_permission(world, no_role_user, login):
    url = reverse("tickets:notices")
    assert Client().get(url).status_code == 302
    assert login(no_role_user).get(url).status_code == 403


def test_service_staff_see_notices_but_get_no_form_and_may_not_post(world, login):
    post_notice(world, title="电梯维保")
    client = login(world["tech"])

    page = client.get(reverse("tickets:notices"))
    posted = client.post(reverse("tickets:notices"), form_data(world))

    assert page.status_code == 200 and "电梯维保" in page.content.decode()
    assert page.context["form"] is None and 'data-testid="notice-form"' not in \
        page.content.decode()
    assert 'data-testid="notice-withdraw"' not in page.content.decode()
    assert posted.status_code == 403 and Notice.objects.count() == 1


def test_the_desk_posts_a_notice_for_some_buildings(world, login):
    building = world["room"].building
    response = login(world["desk"]).post(reverse("tickets:notices"),
                                         form_data(world, buildings=[building.pk]))
    assert response.status_code == 302
    notice = Notice.objects.get()
    assert notice.title == "5栋二次供水停水" and list(notice.buildings.all()) == [building]
    assert notice.created_by == world["desk"]
    assert timezone.localtime(notice.starts_at).strftime("%Y-%m-%dT%H:%M") == \
        form_data(world)["starts_at"]
    assert notice in Notice.objects.in_force(NOW + timedelta(minutes=1))


def test_an_end_before_the_start_is_refused_and_the_input_kept(world, login):
    data = form_data(world, ends_at=form_data(world)["starts_at"], title="输入不能丢")
    response = login(world["desk"]).post(reverse("tickets:notices"), data)
    html = response.content.decode()
    assert response.status_code == 400 and not Notice.objects.exists()
    assert "ends_at" in response.context["form"].errors
    assert 'value="输入不能丢"' in html and "水箱清洗" in html
    assert re.search(r'<details[^>]* open [^>]*data-testid="notice-form"', html)


def test_a_building_of_another_estate_is_refused(world, login):
    stranger = BuildingFactory()
    response = login(world["desk"]).post(reverse("tickets:notices"),
                                         form_data(world, buildings=[stranger.pk]))
    assert response.status_code == 400 and not Notice.objects.exists()
    assert "buildings" in response.context["form"].errors


def test_the_building_boxes_list_only_the_chosen_estate(world, login):
    ours = world["room"].building
    other = BuildingFactory()
    client = login(world["desk"])

    html = client.get(reverse("tickets:notice_buildings"),
                      {"estate": ours.estate_id}).content.decode()

    assert f'value="{ours.pk}"' in html and f'value="{other.pk}"' not in html
    assert client.get(reverse("tickets:notice_buildings")).status_code == 200
    assert login(world["tech"]).get(reverse("tickets:notice_buildings"),
                                    {"estate": ours.estate_id}).status_code == 403


def test_withdraw_is_a_post_for_those_who_may_change_notices(world, login):
    notice = post_notice(world)
    url = reverse("tickets:notice_withdraw", args=[notice.pk])

    assert login(world["tech"]).post(url).status_code == 403
    assert login(world["desk"]).get(url).status_code == 405
    assert login(world["desk"]).post(reverse("tickets:notice_withdraw", args=[999999])
                                     ).status_code == 404
    response = login(world["desk"]).post(url)

    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.withdrawn_at is not None
    assert not Notice.objects.in_force().exists()


def test_in_force_come_first_then_upcoming_then_past_with_their_counts(world, login):
    past = post_notice(world, title="上周停电", starts=-200, ends=-100)
    upcoming = post_notice(world, title="明天停气", kind="gas", starts=20, ends=30)
    current = post_notice(world, title="正在停水")
    new_ticket(world, notice=current)
    notices.notice_call_record(notice=current, by=world["desk"], party=world["party"])
    notices.notice_call_record(notice=current, by=world["desk"])

    response = login(world["desk"]).get(reverse("tickets:notices"))

    items = response.context["page"].items
    assert [n.pk for n in items] == [current.pk, upcoming.pk, past.pk]
    assert (items[0].calls, items[0].ticket_count) == (2, 1)
    assert (items[2].calls, items[2].ticket_count) == (0, 0)
    html = response.content.decode()
    assert html.index("正在停水") < html.index("明天停气") < html.index("上周停电")


def test_the_estate_filter_narrows_the_list(world, login):
    post_notice(world, title="本小区")
    post_notice(world, title="别的小区", estate=RoomFactory().estate)
    response = login(world["desk"]).get(reverse("tickets:notices"),
                                        {"estate": world["room"].estate_id})
    assert [n.title for n in response.context["page"].items] == ["本小区"]


def test_notices_page_pages_by_keyset_without_losing_or_repeating_a_notice(world, login):
    for hours in range(35):
        post_notice(world, title=f"通知{hours}", starts=-hours - 1,
                    ends=None if hours % 3 else -hours + 200)
    for hours in range(5):
        post_notice(world, title=f"将来{hours}", starts=hours + 1, ends=hours + 50)
    client = login(world["desk"])

    first = client.get(reverse("tickets:notices")).context["page"]
    second = client.get(reverse("tickets:notices"), {"cursor": first.next_cursor}
                        ).context["page"]

    seen = [n.pk for n in first.items] + [n.pk for n in second.items]
    assert len(first.items) == 30 and len(second.items) == 10
    assert sorted(seen) == sorted(Notice.objects.values_list("pk", flat=True))
    phases = [n.phase for n in first.items + second.items]
    assert phases == sorted(phases)


def test_notices_page_costs_the_same_with_more_notices(world, login,
                                                       django_assert_max_num_queries):
    client = login(world["desk"])
    building = world["room"].building
    post_notice(world, buildings=[building])
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("tickets:notices"))
    for index in range(8):
        notice = post_notice(world, title=f"通知{index}", buildings=[
            building, BuildingFactory(estate=building.estate)], starts=-index - 2,
            estate=building.estate)
        new_ticket(world, notice=notice)
        notices.notice_call_record(notice=notice, by=world["desk"], room=world["room"])
    post_notice(world, title="别处", estate=RoomFactory().estate)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("tickets:notices"))
    assert len(response.context["page"].items) == 10


# --- at fast entry ---------------------------------------------------------------------

def test_a_notice_is_shown_for_a_room_of_its_estate_and_not_for_another(world, login):
    post_notice(world, title="本小区停水")
    other_room = RoomFactory()
    client = login(world["desk"])
    url = reverse("tickets:notices_for")

    ours = client.get(url, {"room": world["room"].pk, "party": world["party"].pk})
    theirs = client.get(url, {"room": other_room.pk})
    public = client.get(url, {"estate": world["room"].estate_id})

    assert "本小区停水" in ours.content.decode()
    assert 'data-testid="notice-call"' in ours.content.decode()
    assert f'name="party" value="{world["party"].pk}"' in ours.content.decode()
    assert "本小区停水" not in theirs.content.decode()
    assert 'data-testid="no-entry-notice"' in theirs.content.decode()
    assert "本小区停水" in public.content.decode()


def test_a_notice_for_another_building_is_not_shown_for_this_room(world, login):
    neighbour = BuildingFactory(estate=world["room"].estate)
    post_notice(world, title="邻栋停水", buildings=[neighbour])
    post_notice(world, title="本栋停水", buildings=[world["room"].building])
    html = login(world["desk"]).get(reverse("tickets:notices_for"),
                                    {"room": world["room"].pk}).content.decode()
    assert "本栋停水" in html and "邻栋停水" not in html


def test_notices_for_a_place_need_the_permission_and_a_real_place(world, login, no_role_user):
    url = reverse("tickets:notices_for")
    assert login(no_role_user).get(url, {"room": world["room"].pk}).status_code == 403
    assert login(world["desk"]).get(url, {"room": "x"}).status_code == 404
    assert login(world["desk"]).get(url, {"room": 999999}).status_code == 404
    staff_view = login(world["tech"]).get(url, {"room": world["room"].pk})
    assert staff_view.status_code == 200


def test_answering_from_a_notice_counts_the_call_and_logs_no_ticket(world, login):
    notice = post_notice(world, title="3栋停水")
    client = login(world["desk"])

    response = client.post(reverse("tickets:notice_call", args=[notice.pk]),
                           {"party": world["party"].pk, "room": world["room"].pk})

    assert response.status_code == 302 and response.url == reverse("tickets:fast_entry")
    notice.refresh_from_db()
    assert notice.calls == 1 and not Ticket.objects.exists()
    call = NoticeCall.objects.get()
    assert (call.party, call.room, call.answered_by) == (world["party"], world["room"],
                                                         world["desk"])
    activity = Activity.objects.get(party=world["party"])
    assert activity.kind == "call" and "3栋停水" in activity.title
    assert activity.source == "service_tickets.noticecall"
    fresh = client.get(response.url)
    assert not fresh.context["form"].is_bound
    assert "3栋停水" in " ".join(str(m) for m in fresh.context["messages"])


def test_an_anonymous_caller_still_counts(world, login):
    notice = post_notice(world)
    login(world["desk"]).post(reverse("tickets:notice_call", args=[notice.pk]), {})
    notice.refresh_from_db()
    assert notice.calls == 1 and not Activity.objects.exists()


def test_a_call_is_refused_for_a_room_elsewhere_or_a_withdrawn_notice(world, login):
    notice = post_notice(world)
    client = login(world["desk"])
    url = reverse("tickets:notice_call", args=[notice.pk])

    elsewhere = client.post(url, {"room": RoomFactory().pk}, follow=True)
    notices.notice_withdraw(notice=notice, by=world["desk"])
    withdrawn = client.post(url, {"room": world["room"].pk}, follow=True)

    assert elsewhere.status_code == withdrawn.status_code == 200
    assert [m.level_tag for m in elsewhere.context["messages"]] == ["error"]
    assert [m.level_tag for m in withdrawn.context["messages"]] == ["error"]
    notice.refresh_from_db()
    assert notice.calls == 0 and not NoticeCall.objects.exists()


def test_only_the_desk_records_calls(world, login):
    notice = post_notice(world)
    url = reverse("tickets:notice_call", args=[notice.pk])
    assert login(world["tech"]).post(url, {"room": world["room"].pk}).status_code == 403
    assert login(world["desk"]).get(url).status_code == 405
    assert NoticeCall.objects.count() == 0


def test_a_ticket_linked_to_the_notice_keeps_it_and_records_the_link(world, login):
    notice = post_notice(world, title="3栋停水")
    response = login(world["desk"]).post(reverse("tickets:fast_entry"), {
        "party": world["party"].pk, "room": world["room"].pk, "notice": notice.pk,
        "type": "repair", "source": "phone", "category": world["category"].pk,
        "description": "停水后水龙头一直不出水"})

    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.notice == notice
    event = ticket.events.get(kind="notice")
    assert event.data == {"notice": notice.pk} and event.note == "3栋停水"
    assert notices.notice_list().get(pk=notice.pk).ticket_count == 1


@pytest.mark.parametrize("case", ["other estate", "withdrawn", "other building"])
def test_a_ticket_cannot_be_linked_to_a_notice_not_in_force_here(world, login, case):
    if case == "other estate":
        notice = post_notice(world, estate=RoomFactory().estate)
    elif case == "other building":
        notice = post_notice(world, buildings=[BuildingFactory(estate=world["room"].estate)])
    else:
        notice = notices.notice_withdraw(notice=post_notice(world), by=world["desk"])
    response = login(world["desk"]).post(reverse("tickets:fast_entry"), {
        "party": world["party"].pk, "room": world["room"].pk, "notice": notice.pk,
        "type": "repair", "source": "phone", "category": world["category"].pk,
        "description": "保留这段描述"})
    assert response.status_code == 400 and not Ticket.objects.exists()
    assert "notice" in response.context["form"].errors
    assert "保留这段描述" in response.content.decode()


def test_the_service_refuses_a_notice_of_another_estate(world):
    notice = post_notice(world, estate=RoomFactory().estate)
    with pytest.raises(ValidationError):
        new_ticket(world, notice=notice)
    assert not Ticket.objects.exists()


def test_the_menu_offers_notices_to_those_who_may_see_them(world, login, no_role_user):
    url = reverse("tickets:notices")
    assert f'href="{url}"' in login(world["tech"]).get(reverse("portal:home")).content.decode()
    assert f'href="{url}"' not in login(no_role_user).get(reverse("portal:home")
                                                          ).content.decode()
