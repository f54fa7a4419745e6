"""Validators and normalisers for the identifiers Chinese property records carry."""

import datetime
import re
from dataclasses import dataclass

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import IdType, PartyKind, PhoneKind

# GB 11643-1999: weights of the first 17 digits, and the check character for sum mod 11.
_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_ID_CHECK = "10X98765432"
# First two digits of a valid region code (provinces, plus 81-83 for HK, Macao, Taiwan
# residence permits).
# GB 11643 writes the full year, so people born in the 1800s hold valid numbers; what is
# refused is a date before any living holder or after today.
EARLIEST_BIRTH = datetime.date(1800, 1, 1)
_PROVINCES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82", "83",
}


def resident_id_check_char(first17: str) -> str:
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def normalise_resident_id(raw: str) -> str:
    """A valid 18-character ID number (15-digit ones upgraded), or ValidationError."""
    value = re.sub(r"\s", "", raw or "").upper()
    if re.fullmatch(r"\d{15}", value):
        # Pre-1999 numbers: century "19" inserted and a check digit added (GB 11643-1999).
        value = value[:6] + "19" + value[6:]
        value += resident_id_check_char(value)
    if not re.fullmatch(r"\d{17}[\dX]", value):
        raise ValidationError(_("An ID card number has 18 characters (or 15 digits)."),
                              code="id_length")
    if value[:2] not in _PROVINCES:
        raise ValidationError(_("The ID number starts with an unknown region code."),
                              code="id_region")
    try:
        born = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError as exc:
        raise ValidationError(_("The birth date in the ID number is not a real date."),
                              code="id_birth") from exc
    if not EARLIEST_BIRTH <= born <= timezone.localdate():
        raise ValidationError(_("The birth date in the ID number is not a real date."),
                              code="id_birth")
    if value[17] != resident_id_check_char(value[:17]):
        raise ValidationError(
            _("The last character of the ID number does not match: please check for a typo."),
            code="id_check")
    return value


def birth_date_from_resident_id(value: str) -> datetime.date:
    return datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


_DOCUMENT_PATTERNS = {
    IdType.PASSPORT: r"[A-Z0-9]{5,17}",
    IdType.HK_MACAO_PERMIT: r"[HM]\d{8}(\d{2})?",
    IdType.TAIWAN_PERMIT: r"\d{8}(\d{2})?",
    IdType.FOREIGN_PERMANENT: r"[A-Z]{3}\d{12}|9\d{17}",
    IdType.OTHER: r"[A-Z0-9\-]{3,30}",
}


def normalise_id_number(id_type: str, raw: str) -> str:
    """Validate and normalise a document number of ``id_type``."""
    if id_type in (IdType.RESIDENT_ID, IdType.HMT_RESIDENCE):
        value = normalise_resident_id(raw)
        if id_type == IdType.HMT_RESIDENCE and value[:2] not in {"81", "82", "83"}:
            raise ValidationError(
                _("A residence permit number for Hong Kong, Macao or Taiwan residents starts "
                  "with 81, 82 or 83."), code="id_region")
        return value
    value = re.sub(r"[\s()（）]", "", raw or "").upper()
    if not re.fullmatch(_DOCUMENT_PATTERNS[IdType(id_type)], value):
        raise ValidationError(_("This is not a valid number for a %(type)s."),
                              params={"type": IdType(id_type).label}, code="id_format")
    return value


def mask_id_number(value: str) -> str:
    """``110105********1234`` for 18-character IDs; the ends only for other documents."""
    if len(value) == 18:
        return value[:6] + "*" * 8 + value[-4:]
    if len(value) <= 4:
        return "*" * len(value)
    keep = 2 if len(value) < 10 else 3
    return value[:keep] + "*" * (len(value) - keep - 2) + value[-2:]


# GB 32100-2015 unified social credit code.
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def normalise_uscc(raw: str) -> str:
    value = re.sub(r"\s", "", raw or "").upper()
    if len(value) != 18 or any(c not in _USCC_CHARS for c in value):
        raise ValidationError(
            _("A unified social credit code has 18 characters (digits and capital letters "
              "except I, O, Z, S, V)."), code="uscc_format")
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(value[:17], _USCC_WEIGHTS,
                                                          strict=True))
    if _USCC_CHARS[(31 - total % 31) % 31] != value[17]:
        raise ValidationError(
            _("The check character of the unified social credit code does not match: please "
              "check for a typo."), code="uscc_check")
    return value


@dataclass(frozen=True)
class Phone:
    e164: str
    extension: str
    kind: str
    national: str  # digits as dialled in the mainland, without the extension

    @property
    def tail(self) -> str:
        return self.national[-4:]

    @property
    def display(self) -> str:
        # Mainland numbers as dialled here; others in full, so that the text shown (and
        # handed back to ``normalise_phone`` by the forms and the API) is the same number.
        if not self.e164.startswith("+86"):
            text = self.e164
        elif self.kind == PhoneKind.MOBILE and len(self.national) == 11:
            text = self.national
        elif self.kind == PhoneKind.SERVICE:
            text = f"{self.national[:3]}-{self.national[3:6]}-{self.national[6:]}"
        elif self.national.startswith("0"):
            area = 3 if self.national[1] in "12" else 4
            text = f"{self.national[:area]}-{self.national[area:]}"
        else:
            text = self.e164
        return f"{text} 转 {self.extension}" if self.extension else text


_KIND_BY_TYPE = {
    phonenumbers.PhoneNumberType.MOBILE: PhoneKind.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE: PhoneKind.LANDLINE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE: PhoneKind.MOBILE,
    phonenumbers.PhoneNumberType.SHARED_COST: PhoneKind.SERVICE,
    phonenumbers.PhoneNumberType.TOLL_FREE: PhoneKind.SERVICE,
}


# An extension after a marker: 转 123, 分机 123, ext. 123, x123, #123 (also full-width ＃).
_EXTENSION = re.compile(r"\s*(?:转|分机号?|ext(?:ension)?\.?|x|#|＃)\s*[:：]?\s*(\d{1,8})\s*$",
                        re.I)
# ``0755-88888888-123``: read as an extension only when the whole is not a number itself
# (``400-812-3123`` and ``0571-8800-1234`` are numbers written in groups).
_DASH_EXTENSION = re.compile(r"(.*\d)\s*[-－—–]\s*(\d{1,6})\s*")


def _parsed(text: str):
    """The parsed number if it is a valid one, else ``None``; raises for what is no number."""
    number = phonenumbers.parse(text, "CN")
    return number if phonenumbers.is_valid_number(number) else None


def normalise_phone(raw: str) -> Phone:
    """Parse a mainland (or international, with +) number; ValidationError if invalid.

    Extensions are kept apart however they are written (``转 123``, ``-123``, ``ext. 123``,
    ``#123``), so each form of the same number gives the same record.
    """
    text = (raw or "").strip()
    marked = _EXTENSION.search(text)
    if marked:
        text = f"{text[:marked.start()]} ext. {marked.group(1)}"
    try:
        number = _parsed(text)
        dashed = None if number or marked else _DASH_EXTENSION.fullmatch(text)
        if dashed:
            head = _parsed(dashed.group(1))
            if head is not None and phonenumbers.number_type(head) != \
                    phonenumbers.PhoneNumberType.MOBILE:
                head.extension = dashed.group(2)
                number = head
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(_("“%(value)s” is not a phone number."), params={"value": raw},
                              code="phone") from exc
    if number is None:
        raise ValidationError(
            _("“%(value)s” is not a valid phone number: mobiles have 11 digits, landlines "
              "need their area code (e.g. 0571-88001234)."),
            params={"value": raw}, code="phone")
    kind = _KIND_BY_TYPE.get(phonenumbers.number_type(number), PhoneKind.OTHER)
    national = phonenumbers.national_significant_number(number)
    if number.country_code == 86 and kind == PhoneKind.LANDLINE:
        national = "0" + national
    return Phone(
        e164=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        extension=number.extension or "",
        kind=kind,
        national=national,
    )


_PLATE = re.compile(
    r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领][A-Z]"
    r"([A-HJ-NP-Z0-9]{5}|[DF][A-HJ-NP-Z0-9]{5}|[A-HJ-NP-Z0-9]{5}[DF]|[A-HJ-NP-Z0-9]{4}[挂学警港澳])")


def normalise_plate(raw: str) -> str:
    """``浙A·12345`` → ``浙A12345``; ValidationError for what is not a mainland plate."""
    value = re.sub(r"[\s·.\-•]", "", raw or "").upper()
    if not _PLATE.fullmatch(value):
        raise ValidationError(
            _("“%(value)s” is not a licence plate (e.g. 浙A12345, or 浙AD12345 for new "
              "energy vehicles)."), params={"value": raw}, code="plate")
    return value


@dataclass(frozen=True)
class PartyValues:
    """What ``party_clean`` hands back: every identifier in its one stored form."""

    id_type: str
    id_number: str
    uscc: str
    phones: dict[str, list[Phone]]
    plates: dict[str, list[str]]


def party_clean(
    *,
    kind: str = PartyKind.PERSON,
    id_type: str = "",
    id_number: str = "",
    uscc: str = "",
    phones: dict[str, list[str]] | None = None,
    plates: dict[str, list[str]] | None = None,
) -> PartyValues:
    """Check a person's or company's identifiers: the one rule set behind the forms, the API,
    the roster import and ``services.party_save``.

    ``phones`` and ``plates`` map the caller's field names to the values typed there, so
    each caller gets its errors on its own fields. Raises ``ValidationError`` keyed by field
    (``{"uscc": [...], "mobile": [...]}``) with every problem found, not only the first.
    """
    errors: dict[str, list[ValidationError]] = {}
    id_type = id_type or (IdType.RESIDENT_ID if (id_number or "").strip() else "")
    if (id_number or "").strip():
        try:
            id_number = normalise_id_number(id_type, id_number)
        except ValidationError as exc:
            errors.setdefault("id_number", []).append(exc)
    else:
        id_number = ""
    uscc = re.sub(r"\s", "", uscc or "")
    if uscc:
        # Checked for people too: a sole trader (个体工商户) has one, and a code that does
        # not pass its check is a typo whoever it belongs to.
        try:
            uscc = normalise_uscc(uscc)
        except ValidationError as exc:
            errors.setdefault("uscc", []).append(exc)
    elif kind == PartyKind.COMPANY:
        errors.setdefault("uscc", []).append(ValidationError(
            _("A company needs its unified social credit code."), code="uscc_required"))
    clean_phones: dict[str, list[Phone]] = {}
    for field_name, values in (phones or {}).items():
        clean_phones[field_name] = []
        for value in values:
            if value and value.strip():
                try:
                    clean_phones[field_name].append(normalise_phone(value))
                except ValidationError as exc:
                    errors.setdefault(field_name, []).append(exc)
    clean_plates: dict[str, list[str]] = {}
    for field_name, values in (plates or {}).items():
        clean_plates[field_name] = []
        for value in values:
            if value and value.strip():
                try:
                    clean_plates[field_name].append(normalise_plate(value))
                except ValidationError as exc:
                    errors.setdefault(field_name, []).append(exc)
    if errors:
        raise ValidationError(errors)
    return PartyValues(id_type=id_type if id_number else "", id_number=id_number, uscc=uscc,
                       phones=clean_phones, plates=clean_plates)
