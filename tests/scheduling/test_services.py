"""Event writes: creating with conflict policies, changing one/following/all occurrences,
cancelling, answering, the messages and e-mails they send."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEntry
from inbox.models import Notification
from owners.models import Activity
from scheduling import tasks
from scheduling.models import Attendance, Event, EventException
from scheduling.recurrence import occurrences
from scheduling.services import (
    ConflictError,
    StaleEventError,
    attendance_respond,
    event_cancel,
    event_create,
    event_update,
)
from scheduling.tasks import send_event_email
from staff.choices import Role
from tests.owners.factories import PartyFactory
from tests.scheduling.factories import ConflictPolicyFactory, EventFactory, at
from tests.staff.factories import UserFactory


@pytest.fixture
def organiser(db):
    return UserFactory(full_name="王经理", role=Role.FRONT_DESK, email="wang@example.com")


@pytest.fixture
def alice(db):
    return UserFactory(full_name="李芳", role=Role.DISPATCHER, email="li@example.com",
                       language="zh-hans")


@pytest.fixture
def bob(db):
    return UserFactory(full_name="Bob", role=Role.SERVICE_STAFF, email="bob@example.com",
                       language="en")


@pytest.fixture
def sent(monkeypatch):
    """The e-mail tasks that would reach the broker, as (kind, event id, user ids)."""
    calls = []
    monkeypatch.setattr(tasks.send_event_email, "apply_async",
                        lambda args=(), kwargs=None, **_: calls.append(tuple(args)))
    return calls


def create(by, **kw):
    values = {"kind": "meeting", "title": "物业例会", "start": at("2026-03-02 09:00"),
              "end": at("2026-03-02 10:00")}
    values.update(kw)
    return event_create(by=by, **values)


def all_starts(event):
    event.refresh_from_db()
    return [o.start for o in occurrences(event, at("2026-01-01 00:00"), at("2027-01-01 00:00"))]


# --- create -------------------------------------------------------------------------------

def test_create_invites_attendees(organiser, alice, bob, sent,
                                  django_capture_on_commit_callbacks):
    # when the organiser books a meeting with two colleagues
    with django_capture_on_commit_callbacks(execute=True):
        event = create(organiser, attendees=[alice, bob, organiser], place="三楼会议室")
    # then the organiser has accepted and the others are asked
    answers = dict(Attendance.objects.filter(event=event).values_list("user_id", "response"))
    assert answers == {organiser.pk: "accepted", alice.pk: "pending", bob.pk: "pending"}
    # and each invitee finds the invitation in their inbox, once
    note = Notification.objects.get(recipient=alice)
    assert note.source == f"event-invite:{event.pk}:{alice.pk}"
    assert "物业例会" in note.title and "王经理" in note.title
    assert not Notification.objects.filter(recipient=organiser).exists()
    # and one e-mail task is sent after the commit for both
    assert sent == [("invited", event.pk, sorted([alice.pk, bob.pk]))]
    assert AuditEntry.objects.filter(action="scheduling.event_created").count() == 1


def test_create_refuses_bad_times_and_rules(organiser):
    with pytest.raises(ValidationError):
        create(organiser, end=at("2026-03-02 09:00"))
    with pytest.raises(ValidationError):
        create(organiser, rrule="FREQ=HOURLY")
    with pytest.raises(ValidationError):
        create(organiser, title="  ")
    assert not Event.objects.exists()


def test_create_needs_the_permission(db):
    with pytest.raises(PermissionDenied):
        create(UserFactory())


def test_create_keeps_series_end(organiser):
    event = create(organiser, rrule="freq=weekly;count=3")
    assert event.rrule == "FREQ=WEEKLY;COUNT=3"
    assert event.series_end == at("2026-03-16 10:00")
    assert create(organiser, start=at("2026-04-01 09:00"), end=at("2026-04-01 10:00"),
                  rrule="FREQ=WEEKLY").series_end is None


def test_all_day_event_covers_whole_local_days(organiser):
    event = create(organiser, all_day=True, start=at("2026-03-05 10:00"),
                   end=at("2026-03-06 10:00"))
    assert (event.start, event.end) == (at("2026-03-05 00:00"), at("2026-03-07 00:00"))


def test_conflict_warns_then_confirmed_booking_is_made(organiser, alice):
    # given alice is busy at 09:30
    EventFactory(organizer=alice, start=at("2026-03-02 09:30"), end=at("2026-03-02 11:00"))
    # when a meeting with her is booked at 09:00
    with pytest.raises(ConflictError) as refused:
        create(organiser, attendees=[alice])
    # then the organiser is warned, nothing is booked
    assert refused.value.blocking is False
    assert [c.user for c in refused.value.conflicts] == [alice]
    assert Event.objects.count() == 1
    # and confirming books it
    event = create(organiser, attendees=[alice], confirm_conflicts=True)
    assert event.pk


def test_visits_are_blocked_even_when_confirmed(organiser):
    EventFactory(organizer=organiser, start=at("2026-03-02 09:30"),
                 end=at("2026-03-02 11:00"))
    with pytest.raises(ConflictError) as refused:
        create(organiser, kind="visit", confirm_conflicts=True)
    assert refused.value.blocking is True
    assert Event.objects.count() == 1


def test_policy_can_block_meetings(organiser):
    ConflictPolicyFactory(kind="meeting", action="block")
    EventFactory(organizer=organiser, start=at("2026-03-02 09:30"),
                 end=at("2026-03-02 11:00"))
    with pytest.raises(ConflictError) as refused:
        create(organiser, confirm_conflicts=True)
    assert refused.value.blocking


def test_conflict_on_a_later_occurrence_of_a_new_series(organiser):
    EventFactory(organizer=organiser, start=at("2026-03-16 09:00"),
                 end=at("2026-03-16 09:30"))
    with pytest.raises(ConflictError):
        create(organiser, rrule="FREQ=WEEKLY;BYDAY=MO")


def test_event_with_an_owner_goes_on_their_timeline(organiser):
    party = PartyFactory(name="刘旭")
    event = create(organiser, kind="visit", party=party, title="上门核查")
    activity = Activity.objects.get(source="scheduling.event", source_id=str(event.pk))
    assert activity.party == party and activity.kind == "event"
    assert "上门核查" in activity.title


def test_private_event_title_stays_off_the_timeline(organiser):
    party = PartyFactory()
    event = create(organiser, kind="visit", party=party, title="私人事务", private=True)
    activity = Activity.objects.get(source_id=str(event.pk))
    assert "私人事务" not in activity.title


# --- update -------------------------------------------------------------------------------

@pytest.fixture
def weekly(organiser, alice):
    return create(organiser, title="周会", rrule="FREQ=WEEKLY;COUNT=4", attendees=[alice])


def test_update_all_moves_the_whole_series(weekly, organiser, alice):
    event = event_update(event_id=weekly.pk, by=organiser, expected_version=1,
                         start=at("2026-03-03 14:00"), end=at("2026-03-03 15:00"))
    assert event.version == 2
    assert all_starts(event) == [at(f"2026-03-{d:02d} 14:00") for d in (3, 10, 17, 24)]
    # and the attendee is told
    assert Notification.objects.filter(recipient=alice,
                                       source=f"event-change:{event.pk}:2").exists()


def test_update_all_moves_changed_occurrences_along(weekly, organiser):
    event_update(event_id=weekly.pk, by=organiser, expected_version=1, scope="this",
                 occurrence_start=at("2026-03-09 09:00"), title="周会（特别）")
    event = event_update(event_id=weekly.pk, by=organiser, expected_version=2,
                         start=at("2026-03-02 10:00"), end=at("2026-03-02 11:00"))
    found = occurrences(event, at("2026-03-09 00:00"), at("2026-03-10 00:00"))
    assert [(o.start, o.title) for o in found] == [(at("2026-03-09 10:00"), "周会（特别）")]


def test_update_this_occurrence_only(weekly, organiser, alice):
    # when only the second meeting moves to Tuesday
    event = event_update(event_id=weekly.pk, by=organiser, expected_version=1, scope="this",
                         occurrence_start=at("2026-03-09 09:00"),
                         start=at("2026-03-10 15:00"), end=at("2026-03-10 16:00"))
    # then the series keeps its other meetings and the second is on Tuesday
    assert all_starts(event) == [at("2026-03-02 09:00"), at("2026-03-10 15:00"),
                                 at("2026-03-16 09:00"), at("2026-03-23 09:00")]
    exc = EventException.objects.get(event=event)
    assert exc.original_start == at("2026-03-09 09:00")
    assert event.version == 2
    assert Notification.objects.filter(recipient=alice, source__startswith="event-change")


def test_update_this_refuses_a_time_that_is_not_an_occurrence(weekly, organiser):
    with pytest.raises(ValidationError):
        event_update(event_id=weekly.pk, by=organiser, expected_version=1, scope="this",
                     occurrence_start=at("2026-03-10 09:00"), title="x")


def test_update_following_splits_the_series(weekly, organiser, alice):
    # when the meetings from the third on move to 14:00
    new = event_update(event_id=weekly.pk, by=organiser, expected_version=1,
                       scope="following", occurrence_start=at("2026-03-16 09:00"),
                       start=at("2026-03-16 14:00"), place="新会议室")
    # then the old series ends before the third and the new one carries on
    assert all_starts(Event.objects.get(pk=weekly.pk)) == [at("2026-03-02 09:00"),
                                                           at("2026-03-09 09:00")]
    assert new.pk != weekly.pk
    assert all_starts(new) == [at("2026-03-16 14:00"), at("2026-03-23 14:00")]
    assert (new.place, new.end - new.start) == ("新会议室", dt.timedelta(hours=1))
    # with the same people
    assert set(new.attendances.values_list("user_id", flat=True)) == {organiser.pk, alice.pk}
    assert Event.objects.get(pk=weekly.pk).version == 2


def test_update_following_of_an_endless_series(organiser):
    daily = create(organiser, title="晨会", rrule="FREQ=DAILY")
    new = event_update(event_id=daily.pk, by=organiser, expected_version=1,
                       scope="following", occurrence_start=at("2026-03-05 09:00"),
                       title="晨会（新）")
    old = Event.objects.get(pk=daily.pk)
    assert old.series_end == at("2026-03-04 10:00")
    assert new.series_end is None and new.title == "晨会（新）"
    assert occurrences(old, at("2026-03-05 00:00"), at("2026-03-06 00:00")) == []


def test_stale_version_is_refused(weekly, organiser):
    event_update(event_id=weekly.pk, by=organiser, expected_version=1, title="周会 A")
    with pytest.raises(StaleEventError) as refused:
        event_update(event_id=weekly.pk, by=organiser, expected_version=1, title="周会 B")
    assert isinstance(refused.value, ValidationError)
    assert refused.value.code == "stale" and refused.value.current == 2
    assert Event.objects.get(pk=weekly.pk).title == "周会 A"


def test_only_organiser_or_manager_may_edit(weekly, alice, manager):
    with pytest.raises(PermissionDenied):
        event_update(event_id=weekly.pk, by=alice, expected_version=1, title="改")
    event = event_update(event_id=weekly.pk, by=manager, expected_version=1, title="改")
    assert event.title == "改"


def test_update_checks_conflicts_on_the_new_time(weekly, organiser, alice):
    EventFactory(organizer=alice, start=at("2026-03-03 14:00"), end=at("2026-03-03 15:00"))
    with pytest.raises(ConflictError):
        event_update(event_id=weekly.pk, by=organiser, expected_version=1,
                     start=at("2026-03-03 14:00"), end=at("2026-03-03 15:00"))
    # an edit that keeps the times is not re-checked against the event itself
    event_update(event_id=weekly.pk, by=organiser, expected_version=1, title="周会 新")


def test_update_adds_and_removes_attendees(weekly, organiser, alice, bob):
    event_update(event_id=weekly.pk, by=organiser, expected_version=1, attendees=[bob])
    assert set(weekly.attendances.values_list("user_id", flat=True)) == {organiser.pk, bob.pk}
    assert Notification.objects.filter(recipient=bob, source__startswith="event-invite")
    assert Notification.objects.filter(recipient=alice, source__startswith="event-cancel")


# --- cancel -------------------------------------------------------------------------------

def test_cancel_all(weekly, organiser, alice, sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        event = event_cancel(event_id=weekly.pk, by=organiser)
    assert event.cancelled_at is not None
    assert all_starts(event) == []
    assert Notification.objects.filter(recipient=alice, source__startswith="event-cancel")
    assert sent == [("cancelled", event.pk, [alice.pk])]


def test_cancel_one_occurrence(weekly, organiser):
    event = event_cancel(event_id=weekly.pk, by=organiser, scope="this",
                         occurrence_start=at("2026-03-09 09:00"))
    assert all_starts(event) == [at("2026-03-02 09:00"), at("2026-03-16 09:00"),
                                 at("2026-03-23 09:00")]


def test_cancel_following(weekly, organiser):
    event = event_cancel(event_id=weekly.pk, by=organiser, scope="following",
                         occurrence_start=at("2026-03-16 09:00"))
    assert all_starts(event) == [at("2026-03-02 09:00"), at("2026-03-09 09:00")]
    assert event.series_end == at("2026-03-09 10:00")


def test_attendee_may_not_cancel(weekly, alice):
    with pytest.raises(PermissionDenied):
        event_cancel(event_id=weekly.pk, by=alice)


def test_cancelled_event_cannot_be_changed(weekly, organiser):
    event_cancel(event_id=weekly.pk, by=organiser)
    with pytest.raises(ValidationError):
        event_update(event_id=weekly.pk, by=organiser, expected_version=2, title="x")


# --- answers ------------------------------------------------------------------------------

def test_answer_is_kept_and_the_organiser_told(weekly, organiser, alice):
    attendance = attendance_respond(event_id=weekly.pk, user=alice, response="declined")
    assert attendance.response == "declined" and attendance.responded_at
    note = Notification.objects.get(recipient=organiser, source__startswith="event-answer")
    assert "李芳" in note.title and "周会" in note.title


def test_answer_from_someone_not_invited_is_refused(weekly, bob):
    with pytest.raises(PermissionDenied):
        attendance_respond(event_id=weekly.pk, user=bob, response="accepted")


def test_answer_must_be_yes_no_or_maybe(weekly, alice):
    with pytest.raises(ValidationError):
        attendance_respond(event_id=weekly.pk, user=alice, response="pending")


def test_declined_event_no_longer_conflicts(weekly, organiser, alice):
    attendance_respond(event_id=weekly.pk, user=alice, response="declined")
    event = create(alice, title="另一个会", kind="visit")
    assert event.pk


# --- e-mail -------------------------------------------------------------------------------

@pytest.fixture
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_invitation_email_in_each_persons_language(locmem, organiser, alice, bob):
    event = create(organiser, title="消防演练", attendees=[alice, bob], place="一号楼")
    assert send_event_email("invited", event.pk, [alice.pk, bob.pk]) == 2
    by_to = {m.to[0]: m for m in mail.outbox}
    chinese, english = by_to["li@example.com"], by_to["bob@example.com"]
    assert "消防演练" in chinese.subject and "消防演练" in english.subject
    assert "Invitation" in english.subject
    # dates follow each language's formats: 3月2日 09:00 and Mar 2, 09:00
    assert "3月2日 09:00" in chinese.body
    assert "Mar 2, 09:00" in english.body
    assert "一号楼" in english.alternatives[0][0]


def test_email_task_sends_once(locmem, organiser, alice):
    event = create(organiser, attendees=[alice])
    assert send_event_email("invited", event.pk, [alice.pk]) == 1
    assert send_event_email("invited", event.pk, [alice.pk]) == 0
    assert len(mail.outbox) == 1


def test_email_task_skips_people_without_address(locmem, organiser):
    nobody = UserFactory(email="", role=Role.FRONT_DESK)
    event = create(organiser, attendees=[nobody])
    assert send_event_email("cancelled", event.pk, [nobody.pk]) == 0
    assert send_event_email("changed", 999999, [nobody.pk]) == 0


@pytest.mark.django_db
def test_one_occurrence_lasts_at_most_a_month():
    organiser = UserFactory(role=Role.FRONT_DESK)
    start = at("2026-03-02 09:00")
    with pytest.raises(ValidationError, match="31"):
        event_create(by=organiser, kind="activity", title="长期活动", start=start,
                     end=start + dt.timedelta(days=32))


# --- the attendances' copies of the event's times -------------------------------------------

def _copies_match(event) -> bool:
    """Every attendance of ``event`` carries its current start, series end and rule."""
    event.refresh_from_db()
    return all((a.event_start, a.event_until, a.event_repeats)
               == (event.start, event.series_end, bool(event.rrule))
               for a in event.attendances.all()) and event.attendances.exists()


def test_every_change_of_times_reaches_the_attendances(organiser, alice, bob):
    """Calendars are searched through the attendances' copies of their event's times, so
    each service that changes times or people keeps them equal."""
    weekly = create(organiser, rrule="FREQ=WEEKLY;COUNT=6", attendees=[alice])
    single = create(organiser, start=at("2026-04-01 09:00"), end=at("2026-04-01 10:00"))
    assert _copies_match(weekly) and _copies_match(single)
    # moving the whole series and adding someone
    event_update(event_id=weekly.pk, by=organiser, expected_version=1, scope="all",
                 start=at("2026-03-02 14:00"), end=at("2026-03-02 15:30"),
                 attendees=[alice, bob])
    assert _copies_match(weekly)
    # splitting it: the old one ends earlier, the new one starts later
    new = event_update(event_id=weekly.pk, by=organiser, expected_version=2,
                       scope="following", occurrence_start=at("2026-03-16 14:00"),
                       start=at("2026-03-16 16:00"))
    assert _copies_match(weekly) and _copies_match(new)
    # ending the new one early, and making the single event repeat
    event_cancel(event_id=new.pk, by=organiser, scope="following",
                 occurrence_start=at("2026-03-30 16:00"))
    event_update(event_id=single.pk, by=organiser, expected_version=1, scope="all",
                 rrule="FREQ=DAILY;COUNT=3")
    assert _copies_match(new) and _copies_match(single)
    assert Attendance.objects.get(event=single, user=organiser).event_repeats
