import pytest
from django.core.exceptions import ValidationError

from owners.choices import IdType, PhoneKind
from owners.pinyin import name_keys
from owners.validators import (
    mask_id_number,
    normalise_id_number,
    normalise_phone,
    normalise_plate,
    normalise_resident_id,
    normalise_uscc,
    resident_id_check_char,
)

VALID_ID = "11010519491231002X"


def test_a_valid_18_digit_id_passes_and_is_upper_cased():
    assert normalise_resident_id("11010519491231002x") == VALID_ID


def test_a_wrong_check_digit_is_named_as_a_typo():
    with pytest.raises(ValidationError, match="最后一位"):
        normalise_resident_id("110105194912310021")


@pytest.mark.parametrize("value", ["110105194913310025", "110105209912310020"])
def test_impossible_birth_dates_are_refused(value):
    first17 = value[:17]
    with pytest.raises(ValidationError, match="出生日期"):
        normalise_resident_id(first17 + resident_id_check_char(first17))


def test_an_unknown_region_is_refused():
    first17 = "99010519491231002"
    with pytest.raises(ValidationError, match="地区"):
        normalise_resident_id(first17 + resident_id_check_char(first17))


def test_an_old_15_digit_id_is_upgraded_to_18():
    upgraded = normalise_resident_id("110105491231002")
    assert upgraded == "11010519491231002X"


def test_wrong_lengths_are_refused():
    with pytest.raises(ValidationError, match="18"):
        normalise_resident_id("1101051949")


def test_hmt_residence_permits_start_with_81_to_83():
    first17 = "81000019900101001"
    assert normalise_id_number(IdType.HMT_RESIDENCE, first17 + resident_id_check_char(first17))
    with pytest.raises(ValidationError):
        normalise_id_number(IdType.HMT_RESIDENCE, VALID_ID)


def test_other_documents_have_their_own_formats():
    assert normalise_id_number(IdType.PASSPORT, "e 1234 5678") == "E12345678"
    assert normalise_id_number(IdType.HK_MACAO_PERMIT, "h12345678") == "H12345678"
    with pytest.raises(ValidationError):
        normalise_id_number(IdType.HK_MACAO_PERMIT, "X12345678")


def test_masking_keeps_region_and_last_four():
    assert mask_id_number(VALID_ID) == "110105********002X"
    assert mask_id_number("E12345678") == "E1*****78"


def test_unified_social_credit_code_check_character():
    assert normalise_uscc("91350100m000100y43") == "91350100M000100Y43"
    with pytest.raises(ValidationError, match="校验"):
        normalise_uscc("91350100M000100Y44")
    with pytest.raises(ValidationError, match="18"):
        normalise_uscc("9135010")


@pytest.mark.parametrize(("raw", "kind", "display"), [
    ("138 1234 5678", PhoneKind.MOBILE, "13812345678"),
    ("+86 192-1234-5678", PhoneKind.MOBILE, "19212345678"),
    ("166 1234 5678", PhoneKind.MOBILE, "16612345678"),
    ("0571-88001234", PhoneKind.LANDLINE, "0571-88001234"),
    ("010 6512 3456 转 808", PhoneKind.LANDLINE, "010-65123456 转 808"),
    ("400-812-3123", PhoneKind.SERVICE, "400-812-3123"),
])
def test_mainland_numbers_are_normalised(raw, kind, display):
    phone = normalise_phone(raw)
    assert phone.kind == kind
    assert phone.display == display


def test_the_tail_is_the_last_four_digits_before_any_extension():
    assert normalise_phone("0571-88001234 转 5").tail == "1234"


@pytest.mark.parametrize("raw", ["12345", "138123", "88001234", "电话"])
def test_invalid_numbers_are_refused_in_chinese(raw):
    with pytest.raises(ValidationError, match="电话"):
        normalise_phone(raw)


@pytest.mark.parametrize(("raw", "plate"), [("浙A·12345", "浙A12345"), ("沪ad 12345", "沪AD12345"),
                                            ("粤B1234学", "粤B1234学")])
def test_plates_are_normalised(raw, plate):
    assert normalise_plate(raw) == plate


def test_a_non_plate_is_refused():
    with pytest.raises(ValidationError, match="车牌"):
        normalise_plate("ABC123")


@pytest.mark.parametrize(("name", "full", "initials"), [
    ("张三", "zhangsan", "zs"), ("单田芳", "shantianfang", "stf"),
    ("欧阳娜娜", "ouyangnana", "oynn"), ("ABC物业", "abcwuye", "awy")])
def test_pinyin_keys(name, full, initials):
    assert name_keys(name) == (full, initials)


def _with_check(first17: str) -> str:
    return first17 + resident_id_check_char(first17)


@pytest.mark.parametrize("born", ["18000101", "18950615", "18991231"])
def test_a_resident_id_of_someone_born_before_1900_is_accepted(born):
    # given a number with a birth date from the 1800s and the right check character
    value = _with_check(f"110105{born}002")
    # when it is checked, then it passes as it is (GB 11643 writes the full year)
    assert normalise_resident_id(value) == value


def test_a_birth_date_before_1800_or_after_today_is_still_refused():
    with pytest.raises(ValidationError, match="出生日期无效"):
        normalise_resident_id(_with_check("11010517991231002"))
    with pytest.raises(ValidationError, match="出生日期无效"):
        normalise_resident_id(_with_check("11010521000101002"))


def test_an_1800s_id_with_a_wrong_check_character_is_refused_as_a_typo():
    value = _with_check("11010518950615002")
    wrong = value[:17] + ("1" if value[17] != "1" else "2")
    with pytest.raises(ValidationError, match="最后一位"):
        normalise_resident_id(wrong)


@pytest.mark.parametrize("raw", [
    "0755-88888888-123", "0755-88888888 - 123", "0755-88888888 转 123", "0755-88888888转123",
    "0755 8888 8888 分机 123", "0755-88888888 ext. 123", "0755-88888888 EXT 123",
    "0755-88888888 ext:123", "0755-88888888#123", "0755-88888888 ＃123", "0755-88888888 x123",
])
def test_every_common_way_of_writing_an_extension_gives_the_same_number(raw):
    # when a landline with extension 123 is written in any of the usual ways
    phone = normalise_phone(raw)
    # then it is stored as one number and one extension, shown the same way
    assert (phone.e164, phone.extension, phone.kind) == ("+8675588888888", "123",
                                                          PhoneKind.LANDLINE)
    assert phone.display == "0755-88888888 转 123"
    assert phone.tail == "8888"


@pytest.mark.parametrize(("raw", "display"), [
    ("400-812-3123", "400-812-3123"), ("0571-8800-1234", "0571-88001234"),
    ("138-1234-5678", "13812345678")])
def test_numbers_written_in_dashed_groups_are_not_read_as_extensions(raw, display):
    phone = normalise_phone(raw)
    assert phone.extension == "" and phone.display == display


def test_a_mobile_with_a_dashed_suffix_is_refused():
    with pytest.raises(ValidationError, match="不是有效的电话号码"):
        normalise_phone("138-1234-5678-12")


def test_party_clean_keys_every_problem_by_the_callers_field():
    from owners.validators import party_clean

    # given a person with a mistyped USCC, a bad ID, a bad phone and a bad plate
    with pytest.raises(ValidationError) as caught:
        party_clean(kind="person", id_number="110105194912310021", uscc="91350100M000100Y44",
                    phones={"mobile": ["12345"], "other": ["0571-88001234"]},
                    plates={"cars": ["ABC"]})
    # then each error is under the field it belongs to, all at once
    errors = caught.value.message_dict
    assert set(errors) == {"id_number", "uscc", "mobile", "cars"}
    assert "校验" in errors["uscc"][0]


def test_party_clean_normalises_and_requires_a_companys_uscc():
    from owners.validators import party_clean

    values = party_clean(id_number="11010519491231002x", uscc="91350100m000100y43",
                         phones={"mobile": ["0755-88888888-123"]})
    assert (values.id_type, values.id_number) == ("resident_id", VALID_ID)
    assert values.uscc == "91350100M000100Y43"
    assert values.phones["mobile"][0].extension == "123"
    with pytest.raises(ValidationError) as caught:
        party_clean(kind="company")
    assert list(caught.value.message_dict) == ["uscc"]


@pytest.mark.parametrize("raw", ["+55 11 91234-5678", "+1 800 555 0199", "+44 20 7946 0958",
                                 "0755-88888888-123", "400-812-3123 转 5"])
def test_the_display_of_a_number_reads_back_as_the_same_number(raw):
    # The forms and the API hand the shown text back to the service: it must not change.
    phone = normalise_phone(raw)
    assert normalise_phone(phone.display) == phone
