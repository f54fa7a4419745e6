"""The ticket list exported to Excel by the worker, for the requester only."""

import datetime as dt
import io
from datetime import timedelta
from urllib.parse import urlencode

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from audit.models import AuditEntry
from inbox.models import Notification
from owners.models import Phone
from service_tickets import exports
from service_tickets.models import TicketExport
from service_tickets.tasks import run_ticket_export
from tests.owners.factories import OwnershipFactory, RoomFactory
from tests.service_tickets.test_board import make
from uploads.models import StoredFile

pytestmark = pytest.mark.django_db

NUMBER, TYPE, CATEGORY, PRIORITY, STATUS, ESTATE, ROOM, PERSON, PHONE, ASSIGNEE = range(10)
CREATED, ACCEPTED, DONE, CLOSED, DUE, PROVISIONAL, OVERDUE, SATISFACTION = range(10, 18)


@pytest.fixture
def worker():
    """Tasks sent on commit run here, in this process, as a worker would run them."""
    from config.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


def export(client, user, capture, **params) -> list[tuple]:
    """Ask for the export as the list page does, let the worker write it, download it from
    the link in the inbox and return its rows (the header first)."""
    with capture(execute=True) as sent:
        response = client.post(reverse("tickets:export"), {"query": urlencode(params)})
    assert response.status_code == 302
    assert len(sent) == 1
    message = Notification.objects.filter(recipient=user).latest("id")
    assert message.source.startswith("service_tickets.export:")
    download = client.get(message.url)
    assert download.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    return list(book.worksheets[0].values)


def test_export_holds_the_filtered_tickets_with_their_times_and_people(
        world, login, worker, django_capture_on_commit_callbacks):
    now = timezone.now()
    Phone.objects.create(party=world["party"], e164="+8613812345678", kind="mobile",
                         display="138 1234 5678", tail="5678", is_primary=True)
    late = make(world, status="in_progress", assignee=world["tech"], priority="urgent",
                accepted_at=now - timedelta(hours=3), resolve_due=now - timedelta(hours=1))
    closed = make(world, status="closed", assignee=world["tech"], satisfaction=5,
                  resolved_at=now - timedelta(hours=2), closed_at=now - timedelta(hours=1),
                  resolve_due=now - timedelta(hours=3))
    make(world, status="new", priority="low")
    rows = export(login(world["dispatcher"]), world["dispatcher"],
                  django_capture_on_commit_callbacks, status="all", assignee=world["tech"].pk)
    header, body = rows[0], rows[1:]
    assert len(header) == 18 and header[NUMBER] == "编号"
    by_number = {row[NUMBER]: row for row in body}
    assert set(by_number) == {late.number, closed.number}
    row = by_number[late.number]
    with translation.override("zh-hans"):
        assert row[TYPE] == "报修" and row[STATUS] == str(late.get_status_display())
        assert row[PRIORITY] == str(late.get_priority_display())
    assert row[CATEGORY] == "漏水" and row[ROOM] == world["room"].code
    assert row[ESTATE] == world["room"].estate.name
    assert row[PERSON] == world["party"].name and row[PHONE] == "138 1234 5678"
    assert row[ASSIGNEE] == world["tech"].display_name
    local = timezone.localtime(late.accepted_at).replace(tzinfo=None, microsecond=0)
    assert abs(row[ACCEPTED] - local) < timedelta(seconds=1)
    assert row[DONE] is None and row[DUE] is not None
    done = by_number[closed.number]
    assert done[CLOSED] is not None and done[SATISFACTION] == 5
    with translation.override("zh-hans"):
        yes = translation.gettext("Yes")
    # Both late: one is past its time now, the other was done after it.
    assert row[OVERDUE] == done[OVERDUE] == yes


def test_overdue_column_says_no_for_tickets_on_time_or_held(world):
    now = timezone.now()
    on_time = make(world, status="closed", resolve_due=now, resolved_at=now - timedelta(hours=1))
    held = make(world, status="on_hold", held_since=now, resolve_due=now - timedelta(hours=1))
    late = make(world, status="accepted", resolve_due=now - timedelta(minutes=1))
    assert not exports._late(on_time, now) and not exports._late(held, now)
    assert exports._late(late, now)
    no_due = make(world, resolve_due=None)
    assert not exports._late(no_due, now)


def test_cells_typed_by_people_never_run_as_formulas(world, login, worker,
                                                     django_capture_on_commit_callbacks):
    party = OwnershipFactory(party__name="=HYPERLINK(\"http://x\",\"点我\")").party
    make(world, party=party)
    rows = export(login(world["dispatcher"]), world["dispatcher"],
                  django_capture_on_commit_callbacks)
    assert rows[1][PERSON] == "'=HYPERLINK(\"http://x\",\"点我\")"


def test_service_staff_export_only_the_tickets_of_their_territories(
        world, login, worker, django_capture_on_commit_callbacks):
    mine = make(world, status="dispatched", assignee=world["tech"])
    elsewhere = make(world, room=RoomFactory(), status="closed")
    tech_rows = export(login(world["tech"]), world["tech"],
                       django_capture_on_commit_callbacks, status="all")
    assert [r[NUMBER] for r in tech_rows[1:]] == [mine.number]
    outsider_rows = export(login(world["outsider"]), world["outsider"],
                           django_capture_on_commit_callbacks, status="all")
    assert outsider_rows[1:] == []
    desk_rows = export(login(world["desk"]), world["desk"],
                       django_capture_on_commit_callbacks, status="all")
    assert {r[NUMBER] for r in desk_rows[1:]} == {mine.number, elsewhere.number}


def test_only_the_requester_downloads_the_file(world, login, worker,
                                               django_capture_on_commit_callbacks):
    make(world)
    export(login(world["tech"]), world["tech"], django_capture_on_commit_callbacks)
    stored = StoredFile.objects.get()
    assert stored.kind == "export" and stored.uploaded_by == world["tech"]
    url = reverse("uploads:download", args=[stored.pk])
    assert login(world["outsider"]).get(url).status_code == 404
    assert login(world["dispatcher"]).get(url).status_code == 404


def requested(user, query: str = "") -> str:
    return TicketExport.objects.create(requested_by=user, query=query).pk.hex


def test_the_task_writes_once_however_often_it_runs(world, login):
    make(world)
    user = world["dispatcher"]
    token = requested(user, "status=all")
    assert run_ticket_export(user.pk, "status=all", token) is True
    assert run_ticket_export(user.pk, "status=all", token) is False
    assert run_ticket_export(user.pk, "status=all", "not-a-request") is False
    export = TicketExport.objects.get()
    assert (export.state, export.rows) == ("done", 1)
    assert StoredFile.objects.count() == 1
    message = Notification.objects.get(recipient=user)
    assert message.url == reverse("uploads:download", args=[StoredFile.objects.get().pk])
    entry = AuditEntry.objects.get(action="service_tickets.tickets_exported")
    assert entry.details["rows"] == 1 and entry.details["filters"] == "status=all"


def test_large_exports_are_written_in_chunks_at_a_fixed_cost(world, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK", 4)
    user = world["dispatcher"]
    for _ in range(3):
        make(world)
    with CaptureQueriesContext(connection) as few:
        assert run_ticket_export(user.pk, "", requested(user)) is True
    for _ in range(6):
        make(world, party=OwnershipFactory().party)
    with CaptureQueriesContext(connection) as many:
        assert run_ticket_export(user.pk, "", requested(user)) is True
    # One more chunk (ticket rows, then the parties' phones) for each CHUNK more tickets.
    assert len(many.captured_queries) == len(few.captured_queries) + 2 * 2
    newest = StoredFile.objects.order_by("-created_at").first()
    with newest.file.open("rb") as handle:
        rows = list(load_workbook(handle).worksheets[0].values)[1:]
    assert len(rows) == 9 and len({r[NUMBER] for r in rows}) == 9


def test_bad_filters_are_not_exported(world, login, worker,
                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as sent:
        response = login(world["dispatcher"]).post(
            reverse("tickets:export"), {"query": "created_from=2025-02-30"}, follow=True)
    assert sent == [] and not StoredFile.objects.exists()
    assert response.status_code == 200
    assert response.context["filters"].errors


def test_export_needs_the_list_permission(no_role_user, login):
    assert login(no_role_user).post(reverse("tickets:export")).status_code == 403
    assert Client().post(reverse("tickets:export")).status_code == 302
    assert login(no_role_user).get(reverse("tickets:export")).status_code == 405


def test_the_file_speaks_the_requesters_language(world):
    make(world)
    user = world["dispatcher"]
    user.language = "en"
    user.save(update_fields=["language"])
    assert run_ticket_export(user.pk, "", requested(user)) is True
    stored = StoredFile.objects.get()
    with stored.file.open("rb") as handle:
        rows = list(load_workbook(handle).worksheets[0].values)
    assert rows[0][NUMBER] == "Number" and rows[1][TYPE] == "Repair"
    assert stored.original_name.startswith("tickets-")


def test_a_request_lost_with_the_broker_is_run_by_the_scan(world, worker,
                                                        django_capture_on_commit_callbacks):
    make(world)
    user = world["dispatcher"]
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        token = requested(user)  # …whose message never reached a worker
        with django_capture_on_commit_callbacks() as early:
            assert exports.exports_resume() == 0
        clock.move_to(start + dt.timedelta(minutes=11))
        with django_capture_on_commit_callbacks(execute=True) as queued:
            assert exports.exports_resume() == 1
        assert early == [] and len(queued) == 1
    export = TicketExport.objects.get(pk=token)
    assert export.state == "done" and export.file is not None
    assert exports.exports_resume() == 0
