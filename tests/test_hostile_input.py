"""Hostile values sent to every page and API route: none may answer a server error.

The routes come from the URL resolver, so a new page is probed the day it is added. Each
route is first read once while recording which query parameters it looks at (every read of
``request.GET`` goes through ``QueryDict``); each of those, and the parameter names the code
base uses for lists, searches, dates and cursors, then receives every value of ``HOSTILE``.
"""

import base64
import json
import struct
import zlib
from contextlib import contextmanager
from urllib.parse import quote

import pytest
from django.db import transaction
from django.http import QueryDict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from owners.models import Pet
from portal.inputs import has_control_characters
from scheduling.memos import memo_create
from scheduling.models import CalendarFeed, ReminderSetting
from scheduling.tasklists import task_create
from service_tickets.models import Notice, SavedFilter
from service_tickets.notices import notice_create
from service_tickets.services import ticket_create
from staff.choices import Role
from tests.inbox.factories import NotificationFactory
from tests.owners.factories import OccupancyFactory, OwnershipFactory
from tests.scheduling.factories import EventFactory, at
from tests.service_tickets.factories import CategoryFactory, SlaTargetFactory, TerritoryFactory
from tests.staff.factories import DepartmentFactory, UserFactory


def _b64(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _keyset(values) -> str:
    return _b64(json.dumps({"d": "n", "v": values})).rstrip("=")


HOSTILE = [
    # text PostgreSQL cannot store, too long, quoting, unicode oddities
    "\x00", "a\x1fb", "x" * 5000, "' OR 1=1 --", "\u202e𠀀\ufeff",
    # dates and months out of range or impossible, offsets beyond a day
    "0001-01-01", "9999-12-31", "2026-02-30", "0001-01", "9999-12", "2026-13",
    "1900-01-01", "2200-12-31",  # the first and last days accepted: they must work too
    "2026-01-01T00:00:00+99:00", "9999-12-31T23:59:59-23:59",
    # numbers and ids
    "-1", "99999999999999999999", "1e309", "abc",
    # forged keyset cursors (pages) and DRF cursors (API)
    _keyset([{"a": 1}]), _keyset(["\x00"]), _keyset(["abc", "abc"]), _keyset([1e308, 1]),
    _b64(json.dumps({"d": "n", "v": {"a": 1}})), _b64("p=abc"), _b64("p=\x00"),
    _b64("o=99999999999999999999&p=1"), "!!!!",
]

# Parameter names read by lists, searches, filters and pickers across the code base: they go
# with every hostile request, also where the first read did not look at them (a view may
# read one only on a branch).
SHARED_NAMES = [
    "q", "cursor", "start", "end", "date", "day", "week", "month", "year", "created_after",
    "created_before", "date_from", "date_to", "party", "room", "room_id", "estate", "building",
    "status", "priority", "category", "type", "page", "page_size", "kind", "assignee", "user",
    "view", "ticket", "selected", "limit",
]

# Readable values for parameters a route needs together (a range needs both ends): a hostile
# value sent alone goes with these for the others, so it is read and not refused unread.
PARTNERS = {"start": "2026-03-02", "end": "2026-03-09"}

# Routes not read with a GET by a signed-in user, and why.
SKIP = {
    "staff:logout": "signs the prober out",
    "staff:password_reset_confirm": "an anonymous flow keyed by a mailed token",
}

# Only the persona who may read a route sees its parameters parsed; the first persona not
# refused reads it.
PERSONAS = [Role.MANAGER, Role.ADMINISTRATOR, Role.DISPATCHER, Role.FRONT_DESK]


def _routes():
    def walk(patterns, prefix="", namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern) and p.name:
                yield prefix + str(p.pattern), f"{namespace}{p.name}", p

    seen = set()
    for route, name, pattern in walk(get_resolver().url_patterns):
        if route.startswith("admin/") or "format" in pattern.pattern.regex.groupindex:
            continue
        if "<drf_format_suffix" in route or name in seen:
            continue
        seen.add(name)
        yield pytest.param(name, pattern, id=name)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One set of real objects for the whole module (built once, rolled back at its end):
    building it per route would cost more than probing."""
    with django_db_blocker.unblock(), transaction.atomic():
        objects = _build_world()
        yield objects
        transaction.set_rollback(True)


def _build_world() -> dict:
    manager = UserFactory(username="h-manager", role=Role.MANAGER)
    ownership = OwnershipFactory()
    occupancy = OccupancyFactory(room=ownership.room, party=ownership.party)
    category = CategoryFactory(name="漏水", code="leak")
    SlaTargetFactory(category=category, priority="normal")
    ticket = ticket_create(by=manager, type="repair", source="phone", category=category,
                           description="厨房水管漏水", room=ownership.room,
                           party=ownership.party)
    notice = notice_create(by=manager, kind=Notice._meta.get_field("kind").choices[0][0],
                           title="停水通知", estate=ownership.room.estate,
                           starts_at=at("2026-03-02 09:00"))
    event = EventFactory(organizer=manager)
    task = task_create(by=manager, title="检查水泵", assignee=manager)
    return {
        "manager": manager,
        "department": DepartmentFactory(name="工程部", code="engineering"),
        "estate": ownership.room.estate,
        "building": ownership.room.building,
        "category": category,
        "territory": TerritoryFactory(name="一号片区"),
        "ticket_event": ticket.events.first(),
        "attendance": event.attendances.first(),
        "party": ownership.party,
        "room": ownership.room,
        "ownership": ownership,
        "occupancy": occupancy,
        "ticket": ticket,
        "notice": notice,
        "event": event,
        "task": task,
        "memo": memo_create(by=manager, text="周五交物业费报表"),
        "pet": Pet.objects.create(party=ownership.party, species="狗", name="旺财"),
        "notification": NotificationFactory(recipient=manager),
        "reminder": ReminderSetting.objects.create(user=manager, minutes_before=15),
        "feed": CalendarFeed.objects.create(user=manager, token="h" * 40),
        "filter": SavedFilter.objects.create(owner=manager, page="list", name="我的",
                                             query="status=new"),
        "personas": [manager] + [UserFactory(username=f"h-{role}", role=role)
                                 for role in PERSONAS[1:]],
    }


def _path_kwargs(name: str, pattern, w) -> dict | None:
    """Real objects for the route's path parameters, or None when none can be given."""
    params = set(pattern.pattern.regex.groupindex)
    if not params:
        return {}
    by_name = {
        "owners:pet_remove": {"pk": w["party"].pk, "pet_pk": w["pet"].pk},
        "owners:tenure_end": {"kind": "ownership", "pk": w["ownership"].pk},
        "owners:household_add": {"room_pk": w["room"].pk},
        "tickets:act": {"pk": w["ticket"].pk, "action": "accept"},
        "tickets:filter_delete": {"pk": w["filter"].pk},
        "scheduling:feed_ics": {"token": w["feed"].token},
        "scheduling:reminder_delete": {"pk": w["reminder"].pk},
    }
    if name in by_name:
        return by_name[name]
    if params != {"pk"}:
        return None
    owner_of = {
        "owners:party": "party", "owners:pet": "party", "owners:document_create": "party",
        "owners:room": "room", "tickets:notice": "notice",
        "tickets:": "ticket", "inbox:": "notification",
        "scheduling:event": "event", "scheduling:memo": "memo", "scheduling:task": "task",
    }
    for prefix, key in owner_of.items():
        if name.startswith(prefix):
            return {"pk": w[key].pk}
    model = getattr(getattr(pattern.callback, "cls", None), "queryset", None)
    model = getattr(model, "model", None)
    for obj in w.values():
        if model is not None and isinstance(obj, model):
            return {"pk": obj.pk}
    api_by_basename = {
        "ticket": "ticket", "party": "party", "room": "room", "notice": "notice",
        "event": "event", "memo": "memo", "task": "task", "notification": "notification",
        "occupancy": "occupancy", "ownership": "ownership", "staff": "manager",
        "department": "department", "estate": "estate", "building": "building",
        "ticket-event": "ticket_event", "ticket-category": "category",
        "territory": "territory", "attendance": "attendance",
    }
    base = name.rsplit("-", 1)[0]
    if base in api_by_basename:
        return {"pk": w[api_by_basename[base]].pk}
    return None


def _fill(pattern, kwargs: dict) -> str:
    """The route's path with its parameters replaced, from its regex."""
    import re

    path = pattern.pattern.regex.pattern
    for key, value in kwargs.items():
        path = re.sub(rf"\(\?P<{key}>[^)]*\)", str(value), path)
    return path.lstrip("^").rstrip("$").replace("\\.", ".").replace("\\Z", "")


@contextmanager
def _recording_reads():
    """Names of the query parameters read while inside."""
    names = set()
    originals = {attr: getattr(QueryDict, attr) for attr in
                 ("get", "getlist", "__getitem__", "__contains__")}

    def wrap(original):
        def reader(self, key, *args, **kwargs):
            if isinstance(key, str):
                names.add(key)
            return original(self, key, *args, **kwargs)
        return reader

    for attr, original in originals.items():
        setattr(QueryDict, attr, wrap(original))
    try:
        yield names
    finally:
        for attr, original in originals.items():
            setattr(QueryDict, attr, original)


def _client(user) -> Client:
    """A signed-in client that answers a server error with its response, as a browser sees it."""
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _query(params: dict[str, str]) -> str:
    return "&".join(f"{quote(k)}={quote(v, safe='')}" for k, v in params.items())


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "pattern"), list(_routes()))
def test_no_route_answers_a_server_error_to_hostile_query_values(name, pattern, world):
    # given a route, its path filled with real objects, and the first persona it admits
    if name in SKIP:
        pytest.skip(SKIP[name])
    kwargs = _path_kwargs(name, pattern, world)
    if kwargs is None:
        pytest.skip("no object can fill the path parameters "
                    f"{sorted(pattern.pattern.regex.groupindex)}")
    path = "/" + _prefix_of(name) + _fill(pattern, kwargs)
    for user in world["personas"]:
        client = _client(user)
        # A parameter of its own makes forms bound with ``request.GET or None`` read theirs.
        with _recording_reads() as names:
            first = client.get(path, {"_probe": "1"})
        if first.status_code not in (403, 404):
            break
    assert first.status_code < 500, f"{path} answered {first.status_code} to a plain read"
    if first.status_code == 405:
        return  # not read with a GET
    names = sorted(names - {"_probe"})
    every = sorted(set(names) | set(SHARED_NAMES))
    failures = []

    # when the parameters it reads receive each hostile value: all together, then one by one
    # where a refusal of one could hide what another does (control characters are refused
    # before any view runs, so they are not split)
    for value in HOSTILE:
        together = client.get(f"{path}?{_query(dict.fromkeys(every, value))}")
        if together.status_code >= 500:
            failures.append(f"all={value!r:.60} → {together.status_code}")
        if together.status_code != 400 or has_control_characters(value):
            continue
        for param in names:
            alone = {k: v for k, v in PARTNERS.items() if k in names and k != param}
            response = client.get(f"{path}?{_query({**alone, param: value})}")
            if response.status_code >= 500:
                failures.append(f"{param}={value!r:.60} → {response.status_code}")

    # then none of them is a server error
    assert not failures, f"{path}:\n" + "\n".join(failures)


def _prefix_of(name: str) -> str:
    """The path the route's URL resolver is mounted on (taken from ``reverse``)."""
    return _PREFIXES.get(name, "")


def _collect_prefixes() -> dict[str, str]:
    prefixes = {}

    def walk(patterns, prefix="", namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, prefix + _plain(p.pattern), ns)
            elif isinstance(p, URLPattern) and p.name:
                prefixes.setdefault(f"{namespace}{p.name}", prefix)

    walk(get_resolver().url_patterns)
    return prefixes


def _plain(pattern) -> str:
    return str(pattern).lstrip("^").rstrip("$")


_PREFIXES = _collect_prefixes()


@pytest.mark.parametrize("pk", ["abc", "-1", "99999999999999999999", "%00", "1%00", "%E2%80%AE"])
@pytest.mark.parametrize("resource", ["staff", "people", "rooms", "tickets", "ticket-events",
                                      "notices", "events", "memos", "tasks", "notifications",
                                      "attendances", "estates", "buildings", "committees"])
@pytest.mark.django_db
def test_api_detail_routes_refuse_forged_ids_without_a_server_error(resource, pk, world):
    # given a manager signed in
    client = _client(world["manager"])

    # when a detail route is asked for an id that is not one
    response = client.get(f"/api/v1/{resource}/{pk}/")

    # then it answers 404 (or 400), never a server error
    assert response.status_code in (400, 404), response.content[:200]



# --- the shared refusals, one by one --------------------------------------------------------

def _bomb_png(width: int = 100_000, height: int = 100_000) -> bytes:
    """A PNG of a few dozen bytes whose header claims ``width`` × ``height`` pixels."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/search/", "/staff/", "/staff/picker/",
                                  "/schedule/pickers/parties/", "/owners/people/"])
def test_a_nul_in_a_search_box_is_refused_with_a_page_in_chinese(path, world):
    # given a manager reading in the default language
    client = _client(world["manager"])

    # when a search holds a NUL byte
    response = client.get(f"{path}?q=%00")

    # then the page explains it, in Chinese, with 400
    assert response.status_code == 400
    assert "控制字符" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_a_nul_in_an_api_search_is_refused_as_json_in_the_readers_language(world):
    # given a colleague who reads English
    reader = UserFactory(username="h-english", role=Role.MANAGER, language="en")
    client = _client(reader)

    # when the API is searched with a NUL byte
    response = client.get("/api/v1/staff/?q=%00")

    # then the answer is JSON, in English, with 400
    assert response.status_code == 400
    assert "control characters" in response.json()["detail"]


@pytest.mark.django_db
def test_a_nul_in_a_form_field_or_json_body_is_refused_before_anything_is_saved(world):
    # given a manager
    client = _client(world["manager"])

    # when a memo is posted with a NUL, as a form and as JSON
    page = client.post("/schedule/memos/new/", {"text": "交费\x00报表"})
    api = client.post("/api/v1/memos/", data=json.dumps({"text": "交费\u0000报表"}),
                      content_type="application/json")

    # then both are refused and no memo holds it
    assert (page.status_code, api.status_code) == (400, 400)
    from scheduling.models import Memo
    assert not Memo.objects.filter(text__contains="交费").exclude(pk=world["memo"].pk)


@pytest.mark.django_db
@pytest.mark.parametrize("query", [
    "date=0001-01-01", "date=9999-12-31", "view=agenda&date=9999-12-31",
    "view=month&date=0001-01-01", "date=2026-02-30"])
@pytest.mark.parametrize("path", ["/schedule/calendar/", "/schedule/team/"])
def test_calendar_pages_refuse_a_date_out_of_range_with_400(path, query, world):
    # given a manager
    client = _client(world["manager"])

    # when the calendar is asked for a day it cannot show
    response = client.get(f"{path}?{query}")

    # then it says which dates it takes
    assert response.status_code == 400
    body = response.content.decode()
    assert "1900" in body or "2026-03-02" in body


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "field"), [
    ("start=0001-01-01&end=0001-01-05", "start"),
    ("start=2026-03-02&end=9999-12-31", "end"),
    ("start=2026-03-02T00:00:00%2B99:00&end=2026-03-03", "start"),
])
def test_the_events_api_refuses_dates_out_of_range_naming_the_field(query, field, world):
    # given a manager
    client = _client(world["manager"])

    # when the events are asked for an impossible range
    response = client.get(f"/api/v1/events/?{query}")

    # then the parameter at fault is named
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["created_after=0001-01-01", "created_before=9999-12-31",
                                   "created_after=2026-01-01T00:00:00%2B99:00"])
def test_the_ticket_events_api_refuses_dates_out_of_range(query, world):
    response = _client(world["manager"]).get(f"/api/v1/ticket-events/?{query}")
    assert response.status_code == 400
    assert "1900" in json.dumps(response.json(), ensure_ascii=False) or "2026" in str(
        response.json())


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "query"), [
    ("/tickets/events/", "date_from=0001-01-01"), ("/tickets/events/", "date_to=9999-12-31"),
    ("/tickets/reports/", "month=0001-01"), ("/tickets/reports/", "month=9999-12"),
])
def test_ticket_pages_explain_a_date_out_of_range_with_400(path, query, world):
    # given a manager
    client = _client(world["manager"])

    # when a filter names a date the product does not work with
    response = client.get(f"{path}?{query}")

    # then the page answers 400 and says so
    assert response.status_code == 400
    assert "alert" in response.content.decode() or "invalid-feedback" in (
        response.content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize("cursor", [_keyset([{"a": 1}, 1]), _keyset(["王", "abc"]),
                                    _keyset(["\x00", 1]), "%00", "!!!!"])
def test_a_forged_cursor_on_a_page_gives_the_first_page(cursor, world):
    # given a manager on the staff directory
    client = _client(world["manager"])
    first = client.get("/staff/")

    # when the cursor is forged
    response = client.get(f"/staff/?cursor={quote(cursor, safe='%')}")

    # then a control character is refused, anything else gives the first page
    if "%00" in cursor:
        assert response.status_code == 400
    else:
        assert response.status_code == 200
        assert ([m.pk for m in response.context["page"].items]
                == [m.pk for m in first.context["page"].items])


@pytest.mark.django_db
@pytest.mark.parametrize("cursor", [_b64("p=abc"), _b64("p=\x00"), _b64("o=abc"), _b64("r=x")])
def test_a_forged_cursor_in_the_api_is_refused_with_400(cursor, world):
    # given a manager
    client = _client(world["manager"])

    # when a list is read with a forged cursor
    response = client.get(f"/api/v1/staff/?cursor={quote(cursor, safe='')}")

    # then the cursor is named as the fault
    assert response.status_code == 400
    assert "cursor" in response.json()


def test_keyset_page_gives_the_first_page_for_a_cursor_of_the_wrong_type(db, world):
    from portal.pagination import keyset_page
    from staff.models import User

    page = keyset_page(User.objects.all(), fields=["full_name", "id"],
                       cursor=_keyset(["王", "not a number"]))
    assert page.items and page.previous_cursor is None


@pytest.mark.django_db
def test_an_image_claiming_100000_by_100000_pixels_is_refused_by_the_upload_checks(world):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from uploads.choices import FileKind
    from uploads.services import stored_file_create

    with pytest.raises(ValidationError) as refused:
        stored_file_create(upload=SimpleUploadedFile("bomb.png", _bomb_png(), "image/png"),
                           kind=FileKind.PHOTO, by=world["manager"])
    assert refused.value.code == "too_many_pixels"


@pytest.mark.django_db
def test_an_image_just_over_the_pixel_limit_is_refused_naming_its_size(world):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from uploads.choices import FileKind
    from uploads.services import stored_file_create

    # given an image of 81 million pixels (under Pillow's own warning, over ours)
    upload = SimpleUploadedFile("big.png", _bomb_png(9000, 9000), "image/png")

    # when it is uploaded, then it is refused with its size
    with pytest.raises(ValidationError) as refused:
        stored_file_create(upload=upload, kind=FileKind.PHOTO, by=world["manager"])
    assert "9000 × 9000" in refused.value.messages[0]


@pytest.mark.django_db
def test_an_image_bomb_is_a_form_error_on_the_page_and_400_in_the_api(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from uploads.models import StoredFile

    # given a manager and a ticket
    client = _client(world["manager"])
    ticket = world["ticket"]

    # when a 100,000 × 100,000 pixel PNG is attached on the page and through the API
    page = client.post(f"/tickets/{ticket.pk}/work/attach/",
                       {"file": SimpleUploadedFile("bomb.png", _bomb_png(), "image/png")})
    api = client.post(f"/api/v1/tickets/{ticket.pk}/attachments/",
                      {"file": SimpleUploadedFile("bomb.png", _bomb_png(), "image/png")})

    # then the page shows the form again with the reason (400, as every refused form of the
    # ticket's work pages), the API answers 400, and no file is kept
    assert page.status_code == 400 and "最多接受 80 百万像素" in page.content.decode()
    assert api.status_code == 400 and "最多接受 80 百万像素" in json.dumps(api.json(),
                                                                     ensure_ascii=False)
    assert not StoredFile.objects.filter(original_name="bomb.png").exists()
