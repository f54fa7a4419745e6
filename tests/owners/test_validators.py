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
