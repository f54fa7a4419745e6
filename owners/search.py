"""Finding owners, occupants and rooms from whatever the caller typed.

One query string may be a name, pinyin or its initials, a phone number or its last four
digits (尾号), a room (``3-2-1201``, ``3栋2单元1201``), a licence plate or an ID number.
Each reading is one indexed query:

| typed | query | index |
| --- | --- | --- |
| Chinese name | ``name LIKE '张%'`` | btree ``varchar_pattern_ops`` (PostgreSQL) |
| 3+ characters | ``name LIKE '%物业%'`` | GIN trigram (PostgreSQL, UTF-8 ctype) |
| latin letters | ``name_initials`` / ``name_pinyin`` range | btree (key, id) |
| 4 digits | ``phone.tail = '5678'`` and the room number | btree |
| a phone number | ``phone.e164 = '+86…'`` | btree |
| a room | ``room.code = '3-2-1201'`` | btree |
| a plate | ``vehicle.plate LIKE '浙A1%'`` | btree pattern ops |
| an ID number | ``id_hash = hmac(number)`` | btree |
"""

import contextlib
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet

from portal.search import prefix_range

from . import identity
from .models import Party, Phone, Room, Vehicle
from .validators import normalise_id_number, normalise_phone

_ROOM_PATTERNS = [
    # 3-2-1201, 3-1201, 3/2/1201
    re.compile(r"^(?P<b>[A-Za-z0-9]+)[-/](?:(?P<u>[A-Za-z0-9]+)[-/])?(?P<r>[A-Za-z0-9]+)$"),
    # 3栋2单元1201, 3号楼2单元1201室, 3幢1201
    re.compile(r"^(?P<b>[A-Za-z0-9]+)(?:栋|幢|号楼|座)(?:(?P<u>[A-Za-z0-9]+)单元)?"
               r"(?P<r>[A-Za-z0-9]+)(?:室|号)?$"),
]
_PLATE_START = re.compile(
    r"^[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Za-z]")
_HAN = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class SearchQuery:
    """The readings of one search string."""

    text: str
    name_prefix: str = ""
    name_contains: str = ""
    pinyin: str = ""
    phone_tail: str = ""
    phone_e164: str = ""
    room_code: str = ""
    room_number: str = ""
    plate_prefix: str = ""
    id_hash: str = ""


def parse(text: str) -> SearchQuery:
    text = text.strip()
    query = SearchQuery(text=text)
    if not text:
        return query
    compact = re.sub(r"\s", "", text)
    for pattern in _ROOM_PATTERNS:
        match = pattern.match(compact)
        if match:
            query.room_code = Room.make_code(match["b"], match["u"], match["r"]).upper()
            break
    if _PLATE_START.match(compact):
        query.plate_prefix = re.sub(r"[·.\-]", "", compact).upper()
    digits = re.sub(r"[\s\-]", "", compact)
    if re.fullmatch(r"\d{4}", digits):
        query.phone_tail = digits
        query.room_number = digits
    elif re.fullmatch(r"\+?\d{7,14}(转\d+)?", digits):
        with contextlib.suppress(ValidationError):
            query.phone_e164 = normalise_phone(text).e164
    if re.fullmatch(r"\d{17}[\dXx]|\d{15}", compact):
        with contextlib.suppress(ValidationError):
            query.id_hash = identity.lookup_hash(normalise_id_number("resident_id", compact))
    elif re.fullmatch(r"[A-Za-z]{1,2}\d{6,10}", compact):
        query.id_hash = identity.lookup_hash(compact.upper())
    if _HAN.search(compact) and not query.room_code and not query.plate_prefix:
        query.name_prefix = compact
        if len(compact) >= 3:
            query.name_contains = compact
    elif re.fullmatch(r"[A-Za-z]+", compact):
        query.pinyin = compact.lower()
    return query


def _party_base() -> QuerySet[Party]:
    return Party.objects.prefetch_related(
        Prefetch("phones", queryset=Phone.objects.filter(is_primary=True), to_attr="primary"))


def search_parties(query: SearchQuery, *, limit: int = 10,
                   within: Q | None = None) -> list[Party]:
    """Parties matching any reading, most specific readings first, without duplicates;
    only those ``within`` limits where given (``selectors.party_limits``)."""
    found: dict[int, Party] = {}

    def take(qs: QuerySet[Party]) -> None:
        if len(found) >= limit:
            return
        for party in qs[: limit - len(found)]:
            found.setdefault(party.pk, party)

    base = _party_base() if within is None else _party_base().filter(within)
    if query.id_hash:
        take(base.filter(id_hash=query.id_hash))
    if query.phone_e164:
        take(base.filter(pk__in=Phone.objects.filter(e164=query.phone_e164)
                         .values("party_id")).order_by("name", "id"))
    if query.phone_tail:
        take(base.filter(pk__in=Phone.objects.filter(tail=query.phone_tail)
                         .values("party_id")).order_by("name", "id"))
    if query.plate_prefix:
        take(base.filter(pk__in=Vehicle.objects.filter(plate__startswith=query.plate_prefix)
                         .values("party_id")).order_by("name", "id"))
    if query.name_prefix:
        # A range, not LIKE: served by the (name, id) index in order (see prefix_range).
        take(base.filter(**prefix_range("name", query.name_prefix)).order_by("name", "id"))
    if query.name_contains and len(found) < limit:
        take(base.filter(name__contains=query.name_contains).order_by("name", "id"))
    if query.pinyin:
        take(base.filter(**prefix_range("name_initials", query.pinyin))
             .order_by("name_initials", "id"))
        if len(query.pinyin) >= 3:
            take(base.filter(**prefix_range("name_pinyin", query.pinyin))
                 .order_by("name_pinyin", "id"))
    return list(found.values())


def search_rooms(query: SearchQuery, *, limit: int = 10,
                 within: Q | None = None) -> list[Room]:
    """Rooms by code or number; only those ``within`` limits where given
    (``selectors.room_limits``)."""
    base = Room.objects.select_related("estate")
    if within is not None:
        base = base.filter(within)
    condition = Q()
    if query.room_code:
        condition |= Q(code=query.room_code)
    if query.room_number:
        condition |= Q(number=query.room_number)
    if not condition:
        return []
    return list(base.filter(condition).order_by("sort_key", "id")[:limit])
