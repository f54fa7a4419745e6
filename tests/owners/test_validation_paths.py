"""One rule set for a person's identifiers, whichever way they arrive: the owner form, the
household form, the API and the roster import accept and refuse the same values, with
the same reasons, and store them the same way."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from owners.imports import COLUMNS, roster_apply, roster_check
from owners.models import Party
from owners.validators import resident_id_check_char
from tests.owners.factories import PartyFactory, RoomFactory

pytestmark = pytest.mark.django_db

OLD_ID = "11010518950615002" + resident_id_check_char("11010518950615002")
BAD_CHECK_ID = "110105194912310021"


DUPLICATE = "likely_duplicate"


def _form_outcome(response):
    if response.status_code == 302:
        return True, ""
    errors = response.context["form"].errors
    text = " ".join(e for errs in errors.values() for e in errs)
    if 'data-testid="duplicate-warning"' in response.content.decode():
        text += DUPLICATE
    return False, text


def via_owner_form(client, *, name, mobile="", id_number="", uscc=""):
    response = client.post(reverse("owners:party_create"), {
        "kind": "person", "name": name, "mobile": mobile, "id_type": "resident_id",
        "id_number": id_number, "uscc": uscc})
    return _form_outcome(response)


def via_household_form(client, *, name, mobile="", id_number="", uscc=""):
    assert not uscc, "the household form has no USCC"
    response = client.post(reverse("owners:household_add", args=[RoomFactory().pk]), {
        "name": name, "relation": "family", "move_in_state": "moved_in", "mobile": mobile,
        "id_type": "resident_id", "id_number": id_number})
    return _form_outcome(response)


def via_api(client, *, name, mobile="", id_number="", uscc=""):
    body = {"name": name, "phone_numbers": [mobile] if mobile else [],
            "id_type": "resident_id", "id_number": id_number, "uscc": uscc}
    response = client.post(reverse("party-list"), body, content_type="application/json")
    if response.status_code == 201:
        return True, ""
    if response.status_code == 409:
        return False, response.json()["code"]
    assert response.status_code == 400, response.content
    errors = response.json()
    assert isinstance(errors, dict)  # keyed by field, never a bare list
    return False, " ".join(e for errs in errors.values() for e in errs)


def via_import(client, *, name, mobile="", id_number="", uscc=""):
    assert not uscc, "the roster has no USCC column"
    book = Workbook()
    sheet = book.active
    sheet.append([str(title) for _, title, _ in COLUMNS])
    values = {"estate": "翠苑花园", "building": "3", "room": "101", "name": name, "role": "租户",
              "mobile": mobile, "id_number": id_number}
    sheet.append([values.get(key, "") for key, _, _ in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    user = client.user
    check = roster_check(out.getvalue(), user=user)
    if check.bad:
        return False, " ".join(check.bad[0].errors)
    if check.duplicated:
        return False, DUPLICATE
    roster_apply(check=check, by=user, skip_bad_rows=False)
    return True, ""


PATHS = [via_owner_form, via_household_form, via_api, via_import]


@pytest.fixture
def client(front_desk, manager, login, request):
    # The import is the managers'; the forms and the API are the desk's.
    user = manager if request.node.callspec.params["path"] is via_import else front_desk
    client = login(user)
    client.user = user
    return client


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(("values", "accepted", "reason"), [
    ({"id_number": OLD_ID}, True, ""),
    ({"id_number": BAD_CHECK_ID}, False, "校验码不符"),
    ({"id_number": "11010517991231002" + resident_id_check_char("11010517991231002")},
     False, "出生日期无效"),
    ({"mobile": "0755-88888888-123"}, True, ""),
    ({"mobile": "0755-88888888 ext. 123"}, True, ""),
    ({"mobile": "12345"}, False, "不是有效的电话号码"),
])
def test_every_path_applies_the_same_rules(client, path, values, accepted, reason):
    # when the same values arrive by each path
    ok, errors = path(client, name="张三", **values)
    # then each path accepts or refuses them alike, for the same reason
    assert ok is accepted, errors
    assert reason in errors
    if accepted:
        party = Party.objects.get(name="张三")
        if "mobile" in values:
            phone = party.phones.get()
            assert (phone.e164, phone.extension, phone.display) == (
                "+8675588888888", "123", "0755-88888888 转 123")
        if "id_number" in values:
            assert party.id_masked == OLD_ID[:6] + "********" + OLD_ID[-4:]
            assert party.birthday.year == 1895


@pytest.mark.parametrize("path", [via_owner_form, via_api])
@pytest.mark.parametrize(("uscc", "accepted"), [
    ("91350100M000100Y43", True), ("91350100M000100Y44", False), ("9135", False)])
def test_a_persons_uscc_is_checked_on_the_form_and_the_api_alike(client, path, uscc,
                                                                  accepted):
    ok, errors = path(client, name="张三", uscc=uscc)
    assert ok is accepted, errors
    if not accepted:
        assert "统一社会信用代码" in errors
        assert not Party.objects.exists()


@pytest.mark.parametrize("path", PATHS)
def test_every_path_warns_of_the_same_likely_duplicate(client, path):
    # given 张三 on record with the mobile 13812345678
    PartyFactory(name="张三", mobile="13812345678")
    # when 张三 with that mobile arrives by each path
    ok, errors = path(client, name="张三", mobile="138 1234 5678")
    # then each path holds them back as a likely duplicate, and nothing is recorded
    assert not ok and errors == DUPLICATE
    assert Party.objects.filter(name="张三").count() == 1
