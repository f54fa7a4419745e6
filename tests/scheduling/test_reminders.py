"""Reminders: lead times per person, the every-minute scanner, the e-mail, the page."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inbox.models import Notification
from scheduling import reminders
from scheduling.models import (
    Attendance,
    Event,
    EventException,
    ReminderSent,
    ReminderSetting,
    Task,
)
from scheduling.reminders import reminder_email_send, reminders_scan
from staff.choices import Role
from tests.staff.factories import UserFactory

SH = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


def make_event(organizer, start: str, *, minutes: int = 60, attendees=(), **fields) -> Event:
    begin = at(start)
    event = Event.objects.create(organizer=organizer, title=fields.pop("title", "物业例会"),
                                 start=begin, end=begin + dt.timedelta(minutes=minutes),
                                 **fields)
    for user, response in attendees:
        Attendance.objects.create(event=event, user=user, response=response)
    return event


def reminded() -> list[tuple[str, str]]:
    return sorted(ReminderSent.objects.values_list("user__username", "key"))


@pytest.fixture
def organiser(db):
    return UserFactory(username="organiser", email="organiser@example.com",
                       role=Role.FRONT_DESK)


@pytest.mark.django_db
def test_an_event_is_reminded_at_its_moment_and_never_twice(organiser):
    # given an event at 10:00 and the default lead time of 15 minutes
    event = make_event(organiser, "2026-11-27 10:00")
    with time_machine.travel(at("2026-11-27 09:44"), tick=False) as clock:
        # when the scanner runs before the moment, then nothing happens
        assert reminders_scan() == 0
        clock.move_to(at("2026-11-27 09:45"))
        assert reminders_scan() == 1
        assert reminders_scan() == 0  # running twice never reminds twice
        clock.move_to(at("2026-11-27 09:50"))
        assert reminders_scan() == 0
    event.refresh_from_db()
    key = f"event:{event.pk}:{event.start.isoformat()}:15"
    assert reminded() == [("organiser", key)]
    message = Notification.objects.get(recipient=organiser)
    assert message.source == key
    assert "物业例会" in message.title
    assert message.url == reverse("scheduling:event_detail", args=[event.pk])


@pytest.mark.django_db
def test_two_lead_times_give_two_reminders_each_at_its_time(organiser):
    ReminderSetting.objects.create(user=organiser, minutes_before=15)
    ReminderSetting.objects.create(user=organiser, minutes_before=1440)
    make_event(organiser, "2026-11-28 10:00")
    with time_machine.travel(at("2026-11-27 09:59"), tick=False) as clock:
        assert reminders_scan() == 0
        clock.move_to(at("2026-11-27 10:00"))
        assert reminders_scan() == 1
        assert [key.rsplit(":", 1)[1] for _user, key in reminded()] == ["1440"]
        clock.move_to(at("2026-11-28 09:30"))
        assert reminders_scan() == 0
        clock.move_to(at("2026-11-28 09:46"))
        assert reminders_scan() == 1
        assert reminders_scan() == 0
    assert sorted(key.rsplit(":", 1)[1] for _user, key in reminded()) == ["1440", "15"]
    assert Notification.objects.filter(recipient=organiser).count() == 2


@pytest.mark.django_db
def test_attendees_who_declined_are_not_reminded(organiser):
    accepted, pending, declined, tentative = (UserFactory(username=name) for name in
                                              ("accepted", "pending", "declined", "maybe"))
    make_event(organiser, "2026-11-27 10:00", attendees=[
        (accepted, "accepted"), (pending, "pending"), (declined, "declined"),
        (tentative, "tentative")])
    with time_machine.travel(at("2026-11-27 09:45"), tick=False):
        assert reminders_scan() == 4
    assert [user for user, _key in reminded()] == ["accepted", "maybe", "organiser",
                                                   "pending"]


@pytest.mark.django_db
def test_an_organiser_who_declined_their_own_event_is_not_reminded(organiser):
    guest = UserFactory(username="guest")
    make_event(organiser, "2026-11-27 10:00",
               attendees=[(organiser, "declined"), (guest, "accepted")])
    with time_machine.travel(at("2026-11-27 09:45"), tick=False):
        assert reminders_scan() == 1
    assert [user for user, _key in reminded()] == ["guest"]


@pytest.mark.django_db
def test_each_occurrence_of_a_repeating_event_is_reminded_except_cancelled_ones(organiser):
    event = make_event(organiser, "2026-11-27 10:00", rrule="FREQ=DAILY;COUNT=3")
    EventException.objects.create(event=event, original_start=at("2026-11-28 10:00"),
                                  cancelled=True)
    with time_machine.travel(at("2026-11-27 09:45"), tick=False) as clock:
        assert reminders_scan() == 1
        clock.move_to(at("2026-11-28 09:45"))
        assert reminders_scan() == 0  # cancelled that day
        clock.move_to(at("2026-11-29 09:45"))
        assert reminders_scan() == 1
    assert len(reminded()) == 2


@pytest.mark.django_db
def test_a_cancelled_event_is_not_reminded(organiser):
    make_event(organiser, "2026-11-27 10:00", cancelled_at=at("2026-11-26 10:00"))
    with time_machine.travel(at("2026-11-27 09:45"), tick=False):
        assert reminders_scan() == 0


@pytest.mark.django_db
def test_open_tasks_are_reminded_before_their_due_time_and_done_ones_are_not(organiser):
    boss = UserFactory(username="boss")
    open_task = Task.objects.create(title="抄水表", due_at=at("2026-11-27 17:00"),
                                    assignee=organiser, assigner=boss)
    Task.objects.create(title="已完成", due_at=at("2026-11-27 17:00"), assignee=organiser,
                        assigner=boss, status="done")
    Task.objects.create(title="已取消", due_at=at("2026-11-27 17:00"), assignee=organiser,
                        assigner=boss, status="cancelled")
    with time_machine.travel(at("2026-11-27 16:44"), tick=False) as clock:
        assert reminders_scan() == 0
        clock.move_to(at("2026-11-27 16:45"))
        assert reminders_scan() == 1
        assert reminders_scan() == 0
    open_task.refresh_from_db()
    assert reminded() == [("organiser",
                           f"task:{open_task.pk}:{open_task.due_at.isoformat()}:15")]
    assert "抄水表" in Notification.objects.get(recipient=organiser).title


@pytest.mark.django_db
def test_a_late_scan_still_reminds_before_the_start_but_only_the_nearest_lead(organiser):
    ReminderSetting.objects.create(user=organiser, minutes_before=15)
    ReminderSetting.objects.create(user=organiser, minutes_before=60)
    make_event(organiser, "2026-11-27 10:00")
    started = make_event(organiser, "2026-11-27 09:40", title="已开始")
    # the worker was down from 08:00 until 09:50
    with time_machine.travel(at("2026-11-27 09:50"), tick=False):
        assert reminders_scan() == 1
    [(_user, key)] = reminded()
    assert key.endswith(":15") and not key.startswith(f"event:{started.pk}:")


@pytest.mark.django_db
def test_a_reminder_the_other_scanner_just_gave_is_skipped(organiser, monkeypatch):
    make_event(organiser, "2026-11-27 10:00")
    with time_machine.travel(at("2026-11-27 09:45"), tick=False):
        # given both scanners found the reminder due, and the other one recorded it first
        due = reminders._due_reminders(reminders.timezone.now())
        for item in due:
            ReminderSent.objects.create(user=item.user, key=item.key)
        monkeypatch.setattr(reminders, "_due_reminders", lambda now: due)
        # when this one tries, then it skips it (no error, no second message)
        assert reminders_scan() == 0
    assert ReminderSent.objects.count() == 1
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_the_scan_reads_a_constant_number_of_rows_whatever_the_number_of_events(organiser):
    def queries() -> int:
        ReminderSent.objects.all().delete()
        with time_machine.travel(at("2026-11-27 09:45"), tick=False), \
                CaptureQueriesContext(connection) as captured:
            reminders._due_reminders(reminders.timezone.now())
        return len(captured)

    guest = UserFactory(username="guest")
    make_event(organiser, "2026-11-27 10:00", attendees=[(guest, "accepted")])
    few = queries()
    for hour in (10, 11, 12):
        make_event(organiser, f"2026-11-27 {hour}:00", attendees=[(guest, "pending")],
                   rrule="FREQ=DAILY;COUNT=5")
        Task.objects.create(title="任务", due_at=at(f"2026-11-27 {hour}:00"),
                            assignee=guest, assigner=organiser)
    assert queries() == few


@pytest.mark.django_db
def test_the_email_is_sent_in_the_persons_language(organiser, smtp_server, monkeypatch,
                                                   django_capture_on_commit_callbacks):
    from scheduling import tasks

    english = UserFactory(username="english", email="english@example.com", language="en")
    make_event(organiser, "2026-11-27 10:00", title="Board meeting", place="3F",
               attendees=[(english, "accepted")])
    queued = []
    monkeypatch.setattr(tasks.send_reminder_email, "apply_async",
                        lambda args, kwargs, **options: queued.append(args))
    with time_machine.travel(at("2026-11-27 09:45"), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert reminders_scan() == 2
        assert len(queued) == 2
        for args in queued:
            reminder_id, kind, object_id, start = args
            assert reminder_email_send(reminder_id=reminder_id, kind=kind,
                                       object_id=object_id, start=start)
            # a redelivered message sends nothing
            assert not reminder_email_send(reminder_id=reminder_id, kind=kind,
                                           object_id=object_id, start=start)
    by_address = {m["To"]: m for m in smtp_server.messages}
    assert set(by_address) == {"english@example.com", "organiser@example.com"}
    assert by_address["english@example.com"]["Subject"].startswith("Reminder: Board meeting")


# --- the settings page ---------------------------------------------------------------------

@pytest.mark.django_db
def test_reminder_page_needs_a_login_and_a_role(client, no_role_user, login):
    url = reverse("scheduling:reminders")
    assert client.get(url).status_code == 302
    assert login(no_role_user).get(url).status_code == 403


@pytest.mark.django_db
def test_a_person_adds_and_removes_their_own_lead_times(front_desk, login):
    browser = login(front_desk)
    url = reverse("scheduling:reminders")
    page = browser.get(url)
    assert page.status_code == 200 and b'data-testid="reminder-default"' in page.content
    assert browser.post(url, {"minutes_before": "1440"}).status_code == 302
    assert list(reminders.lead_times(user=front_desk)) == [1440]
    again = browser.post(url, {"minutes_before": "1440"})
    assert again.status_code == 400  # already there: the form is shown again with the error
    assert b'value="1440" selected' in again.content
    setting = ReminderSetting.objects.get(user=front_desk)
    assert browser.post(reverse("scheduling:reminder_delete", args=[setting.pk])).status_code \
        == 302
    assert reminders.lead_times(user=front_desk) == [15]


@pytest.mark.django_db
def test_nobody_removes_someone_elses_lead_time(front_desk, dispatcher, login):
    theirs = ReminderSetting.objects.create(user=dispatcher, minutes_before=30)
    login(front_desk).post(reverse("scheduling:reminder_delete", args=[theirs.pk]))
    assert ReminderSetting.objects.filter(pk=theirs.pk).exists()
    assert b"30" not in login(front_desk).get(reverse("scheduling:reminders")).content.split(
        b'data-testid="reminder-settings"')[1].split(b"</ul>")[0]


@pytest.mark.django_db
def test_the_scanner_is_scheduled_every_minute():
    from django_celery_beat.models import PeriodicTask

    job = PeriodicTask.objects.get(task="scheduling.scan_reminders")
    assert (job.interval.every, job.interval.period) == (60, "seconds")
    assert job.enabled


@pytest.mark.django_db
def test_a_reminder_reads_in_the_readers_language_with_the_time_in_their_format(organiser,
                                                                               login):
    # given: given while the organiser read Chinese
    make_event(organiser, "2026-11-27 10:00", title="业委会座谈")
    with time_machine.travel(at("2026-11-27 09:45"), tick=False):
        assert reminders_scan() == 1
    message = Notification.objects.get(recipient=organiser)
    assert message.title == "提醒：11月27日 10:00 业委会座谈"
    # when the organiser reads in English
    organiser.language = "en"
    organiser.save(update_fields=["language"])
    html = login(organiser).get(reverse("inbox:list")).content.decode()
    # then
    assert "Reminder: 业委会座谈 at Nov 27, 10:00" in html and "提醒：" not in html
