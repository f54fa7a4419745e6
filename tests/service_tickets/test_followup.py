"""Follow-ups (回访), the owner's own rating, complaint handling and the follow-ups page."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from portal import navigation
from service_tickets import followups
from service_tickets.choices import QUALITY_DIMENSIONS, Action, EventKind, FollowUpPolicy, Status
from service_tickets.models import Escalation, FollowUp, Ticket, TicketEvent
from service_tickets.services import TransitionError, ticket_act, ticket_create
from tests.owners.factories import RoomFactory
from tests.service_tickets.conftest import new_ticket
from tests.service_tickets.factories import CategoryFactory
from tests.staff.factories import DepartmentFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


def work_done(world, ticket: Ticket) -> Ticket:
    """Dispatch the ticket to the territory's technician, who accepts, starts, completes."""
    ticket_act(ticket_id=ticket.pk, action=Action.DISPATCH, by=world["dispatcher"],
               to=world["tech"])
    for action in (Action.ACCEPT, Action.START, Action.COMPLETE):
        ticket_act(ticket_id=ticket.pk, action=action, by=world["tech"])
    return Ticket.objects.get(pk=ticket.pk)


def done_ticket(world, **kw) -> Ticket:
    return work_done(world, new_ticket(world, **kw))


def complaint(world, room=None, **kw) -> Ticket:
    room = room or world["room"]
    return ticket_create(by=world["desk"], type="complaint", source="phone",
                         category=world["category"], description="维修师傅态度差",
                         room=room, party=world["party"] if room == world["room"] else None,
                         complaint={"severity": "moderate"}, **kw)


def record(world, ticket, outcome, **kw):
    kw.setdefault("overall", None if outcome == "not_reached" else
                  (5 if outcome == "satisfied" else 2))
    if outcome == "unsatisfied":
        kw.setdefault("comments", "水管还在滴水")
    return followups.follow_up_record(ticket_id=ticket.pk, by=world["desk"], method="call",
                                      outcome=outcome, **kw)


# --- The service ---------------------------------------------------------------------------

def test_a_satisfied_follow_up_closes_the_ticket(world):
    ticket = done_ticket(world)
    follow_up = record(world, ticket, "satisfied", overall=5,
                       scores={"courtesy": 5, "reliability": 4, "tangibles": None})
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED and ticket.closed_at is not None
    assert ticket.followed_up_at is not None and ticket.satisfaction == 5
    assert (follow_up.courtesy, follow_up.reliability, follow_up.tangibles) == (5, 4, None)
    kinds = list(ticket.events.values_list("kind", "action").order_by("created_at", "id"))
    assert kinds[-2:] == [(EventKind.FOLLOW_UP, ""), (EventKind.TRANSITION, Action.CLOSE)]


def test_an_unsatisfied_follow_up_reopens_the_ticket_for_rework(world):
    ticket = done_ticket(world)
    record(world, ticket, "unsatisfied", overall=2, comments="水管还在滴水")
    ticket.refresh_from_db()
    assert ticket.status == Status.REOPENED and ticket.reopen_count == 1
    assert ticket.resolved_at is None and ticket.satisfaction == 2
    event = ticket.events.get(kind=EventKind.FOLLOW_UP)
    assert event.actor == world["desk"] and "水管还在滴水" in event.note
    assert event.data["outcome"] == "unsatisfied" and event.data["overall"] == 2
    assert ticket.events.filter(action=Action.REOPEN, note__contains="水管还在滴水").exists()
    assert not Escalation.objects.exists()


def test_a_second_unsatisfied_follow_up_after_rework_escalates(world):
    ticket = done_ticket(world)
    record(world, ticket, "unsatisfied")
    ticket = work_done(world, ticket)  # rework, done again
    assert ticket.status == Status.DONE and ticket.followed_up_at is None
    record(world, ticket, "unsatisfied", comments="还是漏")
    ticket.refresh_from_db()
    assert ticket.status == Status.REOPENED and ticket.reopen_count == 2
    escalation = Escalation.objects.get(ticket=ticket)
    assert escalation.raised_by is None and escalation.level == 1 and escalation.rule is None
    assert "2" in escalation.reason
    assert ticket.events.filter(kind=EventKind.ESCALATED).count() == 1


def test_an_owner_not_reached_leaves_the_ticket_done_and_due(world):
    ticket = done_ticket(world)
    follow_up = record(world, ticket, "not_reached", overall=4, scores={"courtesy": 5})
    ticket.refresh_from_db()
    assert ticket.status == Status.DONE and ticket.followed_up_at is None
    assert follow_up.overall is None and follow_up.courtesy is None  # nothing was said
    assert ticket.events.filter(kind=EventKind.FOLLOW_UP).count() == 1
    later = ticket.follow_up_due + dt.timedelta(minutes=1)
    assert list(followups.not_followed_up(Ticket.objects.all(), now=later)) == [ticket]


@pytest.mark.parametrize(("outcome", "kw"), [
    ("satisfied", {"overall": None}),
    ("unsatisfied", {"overall": None, "comments": "差"}),
    ("unsatisfied", {"overall": 2, "comments": "  "}),
    ("satisfied", {"overall": 6}),
    ("satisfied", {"overall": 0}),
    ("satisfied", {"overall": 5, "scores": {"courtesy": 6}}),
    ("satisfied", {"overall": 5, "scores": {"friendliness": 5}}),
    ("maybe", {"overall": 5}),
])
def test_follow_ups_are_validated_and_nothing_is_kept_when_refused(world, outcome, kw):
    ticket = done_ticket(world)
    with pytest.raises(ValidationError):
        record(world, ticket, outcome, **kw)
    ticket.refresh_from_db()
    assert ticket.status == Status.DONE and not FollowUp.objects.exists()
    assert not ticket.events.filter(kind=EventKind.FOLLOW_UP).exists()


@pytest.mark.parametrize("status", [Status.NEW, Status.IN_PROGRESS, Status.CLOSED,
                                    Status.REOPENED])
def test_only_done_tickets_are_followed_up(world, status):
    ticket = new_ticket(world)
    Ticket.objects.filter(pk=ticket.pk).update(status=status)
    with pytest.raises(TransitionError):
        record(world, ticket, "satisfied")
    assert not FollowUp.objects.exists()


def test_a_stale_follow_up_is_refused(world):
    ticket = done_ticket(world)
    with pytest.raises(TransitionError):
        record(world, ticket, "satisfied", expected_version=ticket.version - 1)
    assert not FollowUp.objects.exists()


def test_service_staff_cannot_record_follow_ups(world):
    ticket = done_ticket(world)
    with pytest.raises(PermissionDenied):
        followups.follow_up_record(ticket_id=ticket.pk, by=world["tech"], method="call",
                                   outcome="satisfied", overall=5)


# --- Closing needs a follow-up, as the category says ---------------------------------------

def _close(world, ticket):
    return ticket_act(ticket_id=ticket.pk, action=Action.CLOSE, by=world["dispatcher"])


def test_a_complaint_is_not_closed_without_a_follow_up(world):
    world["category"].follow_up_policy = FollowUpPolicy.NEVER
    world["category"].save()
    ticket = work_done(world, complaint(world))
    assert ticket.follow_up_due is not None
    with pytest.raises(TransitionError):
        _close(world, ticket)
    record(world, ticket, "satisfied")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CLOSED


def test_an_always_category_is_not_closed_without_a_follow_up(world):
    ticket = done_ticket(world)
    assert world["category"].follow_up_policy == FollowUpPolicy.ALWAYS
    with pytest.raises(TransitionError):
        _close(world, ticket)
    assert Ticket.objects.get(pk=ticket.pk).status == Status.DONE


def test_a_never_category_closes_without_a_follow_up(world):
    world["category"].follow_up_policy = FollowUpPolicy.NEVER
    world["category"].save()
    ticket = done_ticket(world)
    assert ticket.follow_up_due is None
    assert _close(world, ticket).status == Status.CLOSED


def test_unless_rated_needs_a_follow_up_only_without_the_owners_rating(world):
    world["category"].follow_up_policy = FollowUpPolicy.UNLESS_RATED
    world["category"].save()
    unrated = done_ticket(world)
    with pytest.raises(TransitionError):
        _close(world, unrated)
    rated = done_ticket(world)
    assert rated.follow_up_due is not None
    rated = followups.owner_rating_record(ticket_id=rated.pk, by=world["tech"], rating=5,
                                          expected_version=rated.version)
    assert rated.follow_up_due is None  # leaves the list of follow-ups due
    assert _close(world, rated).status == Status.CLOSED


# --- The owner's own rating ----------------------------------------------------------------

def test_the_assignee_records_the_owners_rating_with_an_event_and_a_new_version(world):
    ticket = new_ticket(world)
    ticket_act(ticket_id=ticket.pk, action=Action.DISPATCH, by=world["dispatcher"],
               to=world["tech"])
    for action in (Action.ACCEPT, Action.START):
        ticket = ticket_act(ticket_id=ticket.pk, action=action, by=world["tech"])
    rated = followups.owner_rating_record(ticket_id=ticket.pk, by=world["tech"], rating=4,
                                          expected_version=ticket.version)
    assert rated.owner_rating == 4 and rated.version == ticket.version + 1
    event = rated.events.get(kind=EventKind.FOLLOW_UP)
    assert event.actor == world["tech"] and event.data["owner_rating"] == 4
    with pytest.raises(TransitionError):  # the form the assignee saw is stale now
        followups.owner_rating_record(ticket_id=ticket.pk, by=world["tech"], rating=5,
                                      expected_version=ticket.version)


def test_the_owners_rating_is_checked(world, front_desk):
    ticket = done_ticket(world)
    for rating in (0, 6, None, "5", True):
        with pytest.raises(ValidationError):
            followups.owner_rating_record(ticket_id=ticket.pk, by=world["tech"],
                                          rating=rating)
    with pytest.raises(PermissionDenied):
        followups.owner_rating_record(ticket_id=ticket.pk, by=world["outsider"], rating=5)
    fresh = new_ticket(world)
    with pytest.raises(TransitionError):
        followups.owner_rating_record(ticket_id=fresh.pk, by=world["dispatcher"], rating=5)
    assert Ticket.objects.get(pk=ticket.pk).owner_rating is None


# --- Pages ---------------------------------------------------------------------------------

def _form(version, **over):
    data = {"method": "call", "outcome": "satisfied", "overall": "5", "comments": "",
            "version": str(version)}
    data.update(over)
    return data


def test_the_follow_up_pages_need_login_and_the_right_role(world, login):
    ticket = done_ticket(world)
    urls = [reverse("tickets:follow_up_record", args=[ticket.pk]),
            reverse("tickets:owner_rating", args=[ticket.pk]),
            reverse("tickets:follow_ups"), reverse("tickets:reports")]
    for url in urls:
        assert Client().get(url).status_code == 302
    tech = login(world["tech"])  # sees the ticket, may not follow it up
    url = reverse("tickets:follow_up_record", args=[ticket.pk])
    assert tech.get(url).status_code == 403
    assert tech.post(url, _form(ticket.version)).status_code == 403
    assert login(world["outsider"]).post(url, _form(ticket.version)).status_code == 404
    assert Ticket.objects.get(pk=ticket.pk).status == Status.DONE
    assert not FollowUp.objects.exists()


def test_the_desk_records_a_follow_up_from_the_ticket_page(world, login):
    ticket = done_ticket(world)
    client = login(world["desk"])
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert 'data-testid="follow-up-form"' in page and 'data-testid="quality-scores"' in page
    assert 'name="courtesy"' in page and 'class="btn-check"' in page
    response = client.post(reverse("tickets:follow_up_record", args=[ticket.pk]),
                           _form(ticket.version, courtesy="5", communication="4"))
    assert response.status_code == 302
    assert response["Location"] == reverse("tickets:detail", args=[ticket.pk])
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    follow_up = FollowUp.objects.get()
    assert (follow_up.overall, follow_up.courtesy, follow_up.communication,
            follow_up.tangibles) == (5, 5, 4, None)
    assert follow_up.recorded_by == world["desk"]
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    history = page.split('data-testid="follow-ups"')[1]
    with translation.override("zh-hans"):
        courtesy = str(dict(QUALITY_DIMENSIONS)["courtesy"])
    assert "5/5" in history and f"{courtesy} 5" in history
    assert 'data-testid="follow-up-form"' not in page  # closed: nothing more to record


@pytest.mark.parametrize(("over", "field"), [
    ({"overall": ""}, "overall"),
    ({"outcome": "unsatisfied", "overall": "2", "comments": ""}, "comments"),
    ({"overall": "7"}, "overall"),
    ({"courtesy": "9"}, "courtesy"),
    ({"method": "fax"}, "method"),
])
def test_a_bad_follow_up_form_shows_errors_and_keeps_what_was_typed(world, login, over, field):
    ticket = done_ticket(world)
    data = _form(ticket.version, reliability="3", **over)
    if field != "comments":
        data["comments"] = "师傅很准时"
    response = login(world["desk"]).post(
        reverse("tickets:follow_up_record", args=[ticket.pk]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'data-testid="error-{field}"' in html
    assert _checked(html, "reliability", "3") and not _checked(html, "reliability", "")
    if field != "comments":
        assert "师傅很准时" in html
    assert Ticket.objects.get(pk=ticket.pk).status == Status.DONE
    assert not FollowUp.objects.exists()


def _checked(html: str, name: str, value: str) -> bool:
    import re

    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag and f'value="{value}"' in tag:
            return "checked" in tag
    return False


def test_not_reached_needs_no_rating_from_the_page(world, login):
    ticket = done_ticket(world)
    response = login(world["desk"]).post(
        reverse("tickets:follow_up_record", args=[ticket.pk]),
        _form(ticket.version, outcome="not_reached", overall="", method="message"))
    assert response.status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).status == Status.DONE
    assert FollowUp.objects.get().outcome == "not_reached"


def test_a_refused_follow_up_keeps_the_input_and_says_why(world, login):
    ticket = done_ticket(world)
    client = login(world["desk"])
    url = reverse("tickets:follow_up_record", args=[ticket.pk])
    stale = client.post(url, _form(ticket.version - 1, outcome="unsatisfied", overall="1",
                                   comments="门还是关不上"))
    assert stale.status_code == 400
    html = stale.content.decode()
    assert 'data-testid="form-errors"' in html and "门还是关不上" in html
    assert _checked(html, "outcome", "unsatisfied") and _checked(html, "overall", "1")
    # Having seen the message, the same input sent again carries the current version.
    assert f'name="version" value="{ticket.version}"' in html
    assert Ticket.objects.get(pk=ticket.pk).status == Status.DONE
    in_progress = new_ticket(world)
    refused = client.post(reverse("tickets:follow_up_record", args=[in_progress.pk]),
                          _form(in_progress.version))
    assert refused.status_code == 400 and 'data-testid="form-errors"' in \
        refused.content.decode()
    assert client.get(reverse("tickets:follow_up_record", args=[in_progress.pk])
                      ).content.decode().count('data-testid="not-done"') == 1


def test_the_follow_up_form_shows_only_on_done_tickets_for_those_who_record(world, login):
    ticket = new_ticket(world)
    url = reverse("tickets:detail", args=[ticket.pk])
    assert 'data-testid="follow-up-form"' not in login(world["desk"]).get(url).content.decode()
    ticket = work_done(world, ticket)
    assert 'data-testid="follow-up-form"' in login(world["desk"]).get(url).content.decode()
    assert 'data-testid="follow-up-form"' not in login(world["tech"]).get(url).content.decode()


def test_the_owners_rating_from_the_page(world, login):
    ticket = new_ticket(world)
    ticket_act(ticket_id=ticket.pk, action=Action.DISPATCH, by=world["dispatcher"],
               to=world["tech"])
    ticket_act(ticket_id=ticket.pk, action=Action.ACCEPT, by=world["tech"])
    ticket = ticket_act(ticket_id=ticket.pk, action=Action.START, by=world["tech"])
    tech = login(world["tech"])
    page = tech.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert 'data-testid="owner-rating-form"' in page
    url = reverse("tickets:owner_rating", args=[ticket.pk])
    bad = tech.post(url, {"rating": "8", "version": ticket.version})
    assert bad.status_code == 400 and 'data-testid="error-rating"' in bad.content.decode()
    assert tech.post(url, {"rating": "4", "version": ticket.version}).status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).owner_rating == 4
    stale = tech.post(url, {"rating": "5", "version": ticket.version})
    assert stale.status_code == 400 and 'data-testid="form-errors"' in stale.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).owner_rating == 4
    assert login(world["outsider"]).post(url, {"rating": "5", "version": 99}
                                         ).status_code == 404
    helper_less = RoomFactory()  # a ticket elsewhere, someone the tech does not work on
    other = ticket_create(by=world["desk"], type="repair", source="phone",
                          category=world["category"], description="x", room=helper_less)
    assert login(world["tech"]).get(reverse("tickets:owner_rating", args=[other.pk])
                                    ).status_code == 404


# --- Complaints ----------------------------------------------------------------------------

def test_a_complaint_shows_its_handling_and_a_late_reply_in_red(world, login):
    with time_machine.travel(at("2026-11-02 09:00"), tick=False):
        ticket = complaint(world)
    assert ticket.reply_due == at("2026-11-04 09:00")
    url = reverse("tickets:detail", args=[ticket.pk])
    with time_machine.travel(at("2026-11-03 09:00"), tick=False):
        html = login(world["desk"]).get(url).content.decode()
    panel = html.split('data-testid="complaint-panel"')[1]
    assert "11月4日 09:00" in panel and "text-danger" not in panel.split("</dl>")[0]
    assert 'data-testid="complaint-form"' in html
    with time_machine.travel(at("2026-11-05 09:00"), tick=False):
        html = login(world["desk"]).get(url).content.decode()
        tech_html = login(world["tech"]).get(url).content.decode()
    reply_due = html.split('data-testid="reply-due"')[0].rsplit("<dd", 1)[1]
    assert "text-danger" in reply_due
    assert 'data-testid="complaint-panel"' in tech_html
    assert 'data-testid="complaint-form"' not in tech_html


def test_the_desk_updates_a_complaint_and_marks_the_reply_given(world, login):
    ticket = complaint(world)
    department = DepartmentFactory(name="工程部", code="engineering")
    client = login(world["desk"])
    response = client.post(reverse("tickets:complaint_update", args=[ticket.pk]), {
        "complained_department": department.pk, "complained_staff": world["tech"].pk,
        "complained_other": "", "severity": "serious", "responsibility": "staff",
        "remedy": "上门道歉，免收维修费", "replied": "on", "version": ticket.version})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.complained_department == department and ticket.complained_staff == \
        world["tech"]
    assert (ticket.severity, ticket.responsibility) == ("serious", "staff")
    assert ticket.remedy == "上门道歉，免收维修费" and ticket.replied_at is not None
    event = ticket.events.get(kind=EventKind.COMPLAINT)
    assert event.actor == world["desk"] and event.data["complained_staff"] == world["tech"].pk
    html = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert "上门道歉" in html and 'name="replied"' not in html  # the reply is given


def test_a_stale_complaint_update_is_refused_and_keeps_the_input(world, login):
    ticket = complaint(world)
    seen = ticket.version
    client = login(world["desk"])
    url = reverse("tickets:complaint_update", args=[ticket.pk])
    assert client.post(url, {"severity": "minor", "responsibility": "", "remedy": "电话致歉",
                             "version": seen}).status_code == 302
    stale = client.post(url, {"severity": "serious", "responsibility": "company",
                              "remedy": "赔偿损失", "version": seen})
    assert stale.status_code == 400
    html = stale.content.decode()
    assert 'data-testid="form-errors"' in html and "赔偿损失" in html
    ticket.refresh_from_db()
    assert ticket.severity == "minor" and ticket.remedy == "电话致歉"
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.COMPLAINT).count() == 1


def test_complaint_handling_is_for_the_desk_and_for_complaints_only(world, login):
    ticket = complaint(world)
    url = reverse("tickets:complaint_update", args=[ticket.pk])
    assert login(world["tech"]).post(url, {"severity": "minor", "version": ticket.version}
                                     ).status_code == 403
    assert login(world["outsider"]).get(url).status_code == 404
    repair = new_ticket(world)
    assert login(world["desk"]).get(reverse("tickets:complaint_update", args=[repair.pk])
                                    ).status_code == 404
    assert Ticket.objects.get(pk=ticket.pk).severity == "moderate"


# --- The follow-ups page -------------------------------------------------------------------

def test_the_follow_ups_page_lists_everything_awaiting_one_soonest_first(world, login):
    never = CategoryFactory(name="咨询", code="enquiry", follow_up_policy=FollowUpPolicy.NEVER)
    with time_machine.travel(at("2026-11-02 10:00"), tick=False):
        oldest = done_ticket(world)  # due 11-05 10:00
        followed = done_ticket(world)
        record(world, followed, "satisfied")
        not_needed = work_done(world, ticket_create(
            by=world["desk"], type="enquiry", source="phone", category=never,
            description="x", room=world["room"]))
        tried = done_ticket(world)  # not reached: still due
        record(world, tried, "not_reached")
    with time_machine.travel(at("2026-11-03 10:00"), tick=False):
        newer = done_ticket(world)  # due 11-06 10:00
        late_reply = complaint(world)  # reply due 11-05 10:00
        replied = complaint(world)
    ticket_for_reply = Ticket.objects.get(pk=replied.pk)
    from service_tickets.services import complaint_update

    complaint_update(ticket_id=replied.pk, by=world["desk"],
                     expected_version=ticket_for_reply.version, replied=True)
    with time_machine.travel(at("2026-11-04 10:00"), tick=False):
        not_yet = done_ticket(world)  # due 11-07 10:00: beyond tomorrow, listed all the same
    with time_machine.travel(at("2026-11-05 12:00"), tick=False):
        response = login(world["desk"]).get(reverse("tickets:follow_ups"))
    assert response.status_code == 200
    listed = [t.pk for t in response.context["due"].items]
    assert listed == [oldest.pk, tried.pk, newer.pk, not_yet.pk]  # same due time: by id
    assert followed.pk not in listed and not_needed.pk not in listed
    assert [t.pk for t in response.context["replies"].items] == [late_reply.pk]
    html = response.content.decode()

    def row(ticket):
        return html.split(f'data-testid="due-{ticket.pk}"')[1].split("</a>")[0]

    assert "text-danger" in row(oldest)  # overdue
    assert "text-warning-emphasis" in row(newer) and "text-danger" not in row(newer)  # soon
    assert "text-muted" in row(not_yet) and "text-warning" not in row(not_yet)


def test_done_tickets_owed_a_follow_up_but_given_no_time_are_listed_as_due_since_done(
        world, login):
    # given tickets done while their category needed no follow-up, before the category
    # (or, for a complaint, the rule) asked for one, and one whose owner has rated it
    with time_machine.travel(at("2026-11-02 10:00"), tick=False):
        world["category"].follow_up_policy = FollowUpPolicy.NEVER
        world["category"].save()
        repair = done_ticket(world)
        rated_policy = CategoryFactory(name="门锁", code="lock",
                                       follow_up_policy=FollowUpPolicy.NEVER)
        rated = work_done(world, ticket_create(
            by=world["desk"], type="repair", source="phone", category=rated_policy,
            description="门锁坏了", room=world["room"]))
    with time_machine.travel(at("2026-11-03 10:00"), tick=False):
        grumble = work_done(world, complaint(world))
    assert repair.follow_up_due is None and rated.follow_up_due is None
    Ticket.objects.filter(pk=grumble.pk).update(follow_up_due=None)  # an older row
    Ticket.objects.filter(pk=rated.pk).update(owner_rating=5)
    world["category"].follow_up_policy = FollowUpPolicy.ALWAYS
    world["category"].save()
    rated_policy.follow_up_policy = FollowUpPolicy.UNLESS_RATED
    rated_policy.save()
    # when the desk opens the follow-ups due
    with time_machine.travel(at("2026-11-04 10:00"), tick=False):
        response = login(world["desk"]).get(reverse("tickets:follow_ups"))
    # then the repair and the complaint are listed, due since they were done; the rated
    # ticket needs none
    items = response.context["due"].items
    assert [t.pk for t in items] == [repair.pk, grumble.pk]
    assert [t.awaiting_due for t in items] == [at("2026-11-02 10:00"), at("2026-11-03 10:00")]


def test_service_staff_see_follow_ups_of_their_territories_only(world, login, service_staff):
    with time_machine.travel(at("2026-11-02 10:00"), tick=False):
        mine = done_ticket(world)
        elsewhere = ticket_create(by=world["desk"], type="repair", source="phone",
                                  category=world["category"], description="别处",
                                  room=RoomFactory())
    Ticket.objects.filter(pk=elsewhere.pk).update(  # done by a team of another territory
        status=Status.DONE, resolved_at=mine.resolved_at, follow_up_due=mine.follow_up_due)
    with time_machine.travel(at("2026-11-09 10:00"), tick=False):
        desk = login(world["desk"]).get(reverse("tickets:follow_ups"))
        tech = login(world["tech"]).get(reverse("tickets:follow_ups"))
        outsider = login(world["outsider"]).get(reverse("tickets:follow_ups"))
        other_staff = login(service_staff).get(reverse("tickets:follow_ups"))
    assert {t.pk for t in desk.context["due"].items} == {mine.pk, elsewhere.pk}
    assert [t.pk for t in tech.context["due"].items] == [mine.pk]  # assigned and territory
    assert elsewhere.number not in tech.content.decode()
    assert outsider.context["due"].items == [] and other_staff.context["due"].items == []
    assert mine.number not in outsider.content.decode()


def test_the_follow_ups_page_needs_a_ticket_role(world, no_role_user, login):
    assert login(no_role_user).get(reverse("tickets:follow_ups")).status_code == 403


def _clone(ticket: Ticket, count: int, **fields) -> None:
    """Copies of a ticket as rows (quicker than running each through its life)."""
    rows = []
    for n in range(count):
        copy = Ticket.objects.get(pk=ticket.pk)
        copy.pk = None
        copy.number = f"{ticket.number}-{n}"
        for name, value in fields.items():
            setattr(copy, name, value(n) if callable(value) else value)
        rows.append(copy)
    Ticket.objects.bulk_create(rows)


def test_the_follow_ups_page_costs_the_same_with_more_tickets_and_pages_by_key(world, login):
    with time_machine.travel(at("2026-11-02 10:00"), tick=False):
        first = done_ticket(world)
        reply = complaint(world)
    with time_machine.travel(at("2026-11-09 10:00"), tick=False):
        client = login(world["tech"])
        with CaptureQueriesContext(connection) as few:
            client.get(reverse("tickets:follow_ups"))
        base = first.follow_up_due
        kitchen = CategoryFactory(name="厨房", code="kitchen", parent=world["category"])
        _clone(first, 60, follow_up_due=lambda n: base + dt.timedelta(minutes=n + 1),
               category=kitchen)
        _clone(reply, 55, reply_due=lambda n: reply.reply_due + dt.timedelta(minutes=n + 1))
        with CaptureQueriesContext(connection) as many:
            page = client.get(reverse("tickets:follow_ups"))
        assert len(many.captured_queries) == len(few.captured_queries)
        assert len(page.context["due"].items) == 50 and page.context["due"].items[0] == first
        second = client.get(reverse("tickets:follow_ups"),
                            {"cursor": page.context["due"].next_cursor})
    assert len(second.context["due"].items) == 11
    assert second.context["due"].items[-1].follow_up_due == base + dt.timedelta(minutes=60)
    assert len(second.context["replies"].items) == 50  # the other list stays on its page
    assert len(page.context["replies"].items) == 50


def test_navigation_shows_follow_ups_and_reports_to_the_right_roles(world, manager):
    def keys(user):
        return {item.key for item in navigation.items_for(user)}

    assert {"tickets-follow-ups", "tickets-reports"} <= keys(world["desk"])
    assert {"tickets-follow-ups", "tickets-reports"} <= keys(manager)
    assert not {"tickets-follow-ups", "tickets-reports"} & keys(world["tech"])
