import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from audit.models import AuditEntry
from owners.imports import COLUMNS, roster_apply, roster_check, template_workbook
from owners.models import Occupancy, Ownership, Party, Room
from tests.owners.factories import OwnershipFactory, PartyFactory

pytestmark = pytest.mark.django_db

ID = "11010519491231002X"


def roster(*rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append([str(title) + (" *" if required else "") for _, title, required in COLUMNS])
    keys = [key for key, _, _ in COLUMNS]
    for row in rows:
        sheet.append([row.get(key, "") for key in keys])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD = [
    {"estate": "翠苑花园", "building": "3", "unit": "2", "room": "1201", "floor": 12,
     "gross_area": 89.5, "name": "张三", "role": "业主", "mobile": "13812345678",
     "id_type": "居民身份证", "id_number": ID, "move_in_state": "已入住"},
    {"estate": "翠苑花园", "building": "3", "unit": "2", "room": "1201", "name": "李四",
     "role": "家属", "relation_detail": "配偶", "gender": "女", "mobile": "13912345678"},
    {"estate": "翠苑花园", "building": "5", "room": "101", "name": "王五", "role": "租户"},
]


def test_template_has_the_columns_and_chinese_instructions():
    book = load_workbook(io.BytesIO(template_workbook()))
    titles = [c.value for c in book.worksheets[0][1]][:4]
    assert titles == ["项目 *", "楼栋 *", "单元", "房号 *"]
    assert "如何填写" in book.worksheets[1]["A1"].value


def test_a_good_roster_imports_rooms_people_and_links(front_desk):
    check = roster_check(roster(*GOOD), user=front_desk)
    assert check.problem == "" and not check.bad
    counts = roster_apply(check=check, by=front_desk, skip_bad_rows=False)
    assert counts == {"rooms": 2, "people": 3, "links": 3, "unchanged": 0, "skipped": 0}
    assert Room.objects.filter(code="3-2-1201", floor=12).exists()
    assert Room.objects.get(code="5-101").floor == 1
    zhang = Party.objects.get(name="张三")
    assert zhang.id_masked == "110105********002X"
    assert Ownership.objects.get(party=zhang).room.code == "3-2-1201"
    assert Occupancy.objects.get(party__name="李四").relation_detail == "配偶"


def test_reimporting_the_same_roster_changes_nothing(front_desk):
    roster_apply(check=roster_check(roster(*GOOD), user=front_desk), by=front_desk,
                 skip_bad_rows=False)
    counts = roster_apply(check=roster_check(roster(*GOOD), user=front_desk), by=front_desk,
                          skip_bad_rows=False)
    assert counts["people"] == 0 and counts["links"] == 0 and counts["unchanged"] == 3
    assert Party.objects.count() == 3


def test_bad_rows_are_named_with_reasons_and_block_the_import(front_desk):
    bad = [*GOOD, {"estate": "翠苑花园", "building": "3", "room": "1301", "name": "",
                   "role": "邻居", "mobile": "12345", "id_number": "110105194912310021"}]
    check = roster_check(roster(*bad), user=front_desk)
    [row] = check.bad
    assert row.number == 5
    text = " ".join(row.errors)
    assert "姓名为空" in text and "未知的身份" in text and "不是有效的电话号码" in text
    assert "校验码不符" in text
    with pytest.raises(Exception, match="1 行有问题"):
        roster_apply(check=check, by=front_desk, skip_bad_rows=False)
    assert not Party.objects.exists() and not Room.objects.exists()


def test_bad_rows_can_be_skipped_on_request(front_desk):
    check = roster_check(roster(*GOOD, {"estate": "x", "building": "1", "room": "1",
                                        "name": "坏行", "role": "?"}), user=front_desk)
    counts = roster_apply(check=check, by=front_desk, skip_bad_rows=True)
    assert counts["links"] == 3 and counts["skipped"] == 1
    assert not Party.objects.filter(name="坏行").exists()


def test_a_file_that_is_not_a_roster_is_explained(front_desk):
    assert "不是 Excel" in roster_check(b"hello", user=front_desk).problem
    book = Workbook()
    book.active.append(["foo", "bar"])
    out = io.BytesIO()
    book.save(out)
    assert "缺少" in roster_check(out.getvalue(), user=front_desk).problem


def test_import_page_checks_then_imports(manager, login):
    client = login(manager)
    upload = SimpleUploadedFile("名册.xlsx", roster(*GOOD))
    preview = client.post(reverse("owners:roster_import"), {"roster": upload})
    assert preview.status_code == 200
    assert "3 行可以导入" in preview.content.decode()
    assert not Party.objects.exists()
    stored = preview.context["stored"]
    done = client.post(reverse("owners:roster_import"), {"stored": stored.pk}, follow=True)
    assert "已导入" in done.content.decode()
    assert Party.objects.count() == 3


def test_import_refuses_a_file_that_is_not_a_spreadsheet(manager, login):
    response = login(manager).post(reverse("owners:roster_import"),
                                   {"roster": SimpleUploadedFile("a.xlsx", b"MZ\x00fake")})
    assert response.status_code == 400
    assert "允许的类型" in response.content.decode()


def test_front_desk_cannot_import(front_desk, login):
    assert login(front_desk).get(reverse("owners:roster_import")).status_code == 403


def _export(client, url, params=None, callbacks=None):
    """Request an export as the user would, let the worker's task run, return the rows."""
    from owners.models import ListExport
    from owners.tasks import run_list_export

    response = client.get(url, params or {})
    assert response.status_code == 302 and response["Location"] == reverse("owners:export_list")
    export = ListExport.objects.latest("id")
    assert export.status == "pending"
    assert run_list_export(export.pk) is True
    export.refresh_from_db()
    assert export.status == "done", export.error
    download = client.get(reverse("uploads:download", args=[export.file_id]))
    assert download.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    return export, book.worksheets[0]


def test_export_masks_ids_for_ordinary_users_and_is_audited(manager, front_desk, login):
    ownership = OwnershipFactory(party__name="张三")
    PartyFactory(name="李四", id_number=ID)
    assert login(front_desk).get(reverse("owners:party_export")).status_code == 403
    export, sheet = _export(login(manager), reverse("owners:party_export"))
    rows = list(sheet.values)
    assert rows[0][0] == "姓名"
    by_name = {r[0]: r for r in rows[1:]}
    assert ownership.room.code in by_name["张三"][6]
    assert by_name["李四"][5] == ID  # managers hold owners.view_full_id
    assert export.rows == 2
    entry = AuditEntry.objects.get(action="owners.parties_exported")
    assert entry.details["rows"] == 2 and entry.details["full_ids"] is True


def test_export_without_full_id_permission_masks(manager, login):
    from django.contrib.auth.models import Permission

    PartyFactory(name="李四", id_number=ID)
    manager.user_permissions.add(Permission.objects.get(codename="export_party"),
                                 Permission.objects.get(codename="view_party"),
                                 Permission.objects.get(codename="view_every_estate"))
    manager.groups.clear()
    manager = type(manager).objects.get(pk=manager.pk)
    _unused, sheet = _export(login(manager), reverse("owners:party_export"))
    assert list(sheet.values)[1][5] == "110105********002X"


def test_an_export_runs_once_and_only_its_owner_downloads_it(manager, login,
                                                             django_capture_on_commit_callbacks):
    from owners.models import ListExport
    from owners.tasks import run_list_export
    from staff.choices import Role
    from tests.staff.factories import UserFactory

    PartyFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        login(manager).get(reverse("owners:party_export"))
    assert len(callbacks) == 1
    export = ListExport.objects.get()
    assert run_list_export(export.pk) is True
    assert run_list_export(export.pk) is False
    other = UserFactory(role=Role.FRONT_DESK)
    export.refresh_from_db()
    assert login(other).get(reverse("uploads:download", args=[export.file_id])
                            ).status_code == 404
    page = login(manager).get(reverse("owners:export_list")).content.decode()
    assert "下载" in page


def test_the_scanner_runs_exports_whose_message_was_lost(manager):
    import datetime

    from django.utils import timezone

    from owners.models import ListExport
    from owners.tasks import run_pending_exports

    PartyFactory()
    export = ListExport.objects.create(user=manager, kind="parties")
    ListExport.objects.filter(pk=export.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=5))
    fresh = ListExport.objects.create(user=manager, kind="rooms")
    assert run_pending_exports() == 1
    export.refresh_from_db()
    fresh.refresh_from_db()
    assert export.status == "done" and fresh.status == "pending"


def test_exported_text_never_runs_as_a_formula(manager, login):
    PartyFactory(name="=HYPERLINK(\"http://evil\")", notes="+1 and -2")
    _unused, sheet = _export(login(manager), reverse("owners:party_export"))
    row = next(iter(sheet.iter_rows(min_row=2, max_row=2)))
    assert row[0].data_type == "s" and row[0].value.startswith("'=")
    assert row[8].value == "'+1 and -2"


def test_room_list_exports_with_owners_and_occupants(manager, front_desk, login):
    from tests.owners.factories import OccupancyFactory

    ownership = OwnershipFactory(party__name="张三")
    OccupancyFactory(room=ownership.room, party__name="李四")
    assert login(front_desk).get(reverse("owners:room_export")).status_code == 403
    _unused, sheet = _export(login(manager), reverse("owners:room_export"),
                              {"estate": ownership.room.estate_id})
    rows = list(sheet.values)
    assert rows[1][0] == ownership.room.code
    assert rows[1][7] == "张三" and rows[1][8] == "李四"
    assert AuditEntry.objects.filter(action="owners.rooms_exported").exists()


def test_household_form_never_redirects_off_site(front_desk, login):
    from tests.owners.factories import RoomFactory

    room = RoomFactory()
    response = login(front_desk).post(reverse("owners:household_add", args=[room.pk]), {
        "name": "某人", "relation": "family", "move_in_state": "moved_in",
        "back": "//evil.example/"})
    assert response["Location"] == reverse("owners:room_detail", args=[room.pk])
