"""Import owners, rooms and occupancy from an Excel roster, the way company data arrives.

The roster is checked row by row first (``roster_check``), with a reason in the user's
language for each rejected row; nothing is written until the user confirms. Applying it
(``roster_apply``) is one transaction: all rows or none, unless the user chose to skip the
rejected ones. Re-importing the same roster changes nothing: rooms are matched by estate,
building, unit and number; people by ID number, else by phone or name within the room.
"""

import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from audit.services import audit_record

from . import identity
from .choices import Gender, IdType, MoveInState, OccupantRelation, RoomUse
from .models import Building, Estate, Occupancy, Ownership, Party, Phone, Room, Unit
from .selectors import current_q
from .services import occupancy_add, ownership_add, party_save
from .validators import normalise_id_number, normalise_phone

# (key, header as printed in the template, required?)
COLUMNS = [
    ("estate", gettext_lazy("Estate"), True),
    ("building", gettext_lazy("Building"), True),
    ("unit", gettext_lazy("Unit"), False),
    ("room", gettext_lazy("Room number"), True),
    ("floor", gettext_lazy("Floor"), False),
    ("gross_area", gettext_lazy("Gross area (m²)"), False),
    ("inner_area", gettext_lazy("Internal area (m²)"), False),
    ("use", gettext_lazy("Use"), False),
    ("name", gettext_lazy("Name"), True),
    ("role", gettext_lazy("Role"), True),
    ("relation_detail", gettext_lazy("Relation detail"), False),
    ("gender", gettext_lazy("Gender"), False),
    ("mobile", gettext_lazy("Mobile"), False),
    ("id_type", gettext_lazy("ID document"), False),
    ("id_number", gettext_lazy("ID number"), False),
    ("move_in_state", gettext_lazy("Move-in state"), False),
    ("notes", gettext_lazy("Notes"), False),
]
MAX_ROWS = 20_000
OWNER = "owner"


def _choices_by_label(choices) -> dict[str, str]:
    table = {}
    for value, label in choices:
        table[str(label)] = value
        table[value] = value
    return table


def _roles() -> dict[str, str]:
    return {str(_("Owner")): OWNER, OWNER: OWNER,
            **_choices_by_label(OccupantRelation.choices)}


@dataclass
class RosterRow:
    number: int
    data: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class RosterCheck:
    rows: list[RosterRow]
    problem: str = ""  # a reason the whole file cannot be read

    @property
    def good(self) -> list[RosterRow]:
        return [r for r in self.rows if r.ok]

    @property
    def bad(self) -> list[RosterRow]:
        return [r for r in self.rows if not r.ok]


def template_workbook() -> bytes:
    """The roster template with instructions in the user's language."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Roster")
    sheet.append([str(header) + (" *" if required else "") for _, header, required in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    sheet.append(["翠苑花园", "3", "2", "1201", 12, 89.5, 72.3, str(RoomUse.HOME.label), "张三",
                  str(_("Owner")), "", str(Gender.MALE.label), "13812345678",
                  str(IdType.RESIDENT_ID.label), "11010519491231002X",
                  str(MoveInState.MOVED_IN.label), ""])
    sheet.append(["翠苑花园", "3", "2", "1201", 12, "", "", "", "李四",
                  str(OccupantRelation.FAMILY.label), "配偶", str(Gender.FEMALE.label),
                  "13912345678", "", "", str(MoveInState.MOVED_IN.label), ""])
    roles = ",".join([str(_("Owner")), *[str(label) for _, label in OccupantRelation.choices]])
    validation = DataValidation(type="list", formula1=f'"{roles}"', allow_blank=False)
    sheet.add_data_validation(validation)
    validation.add("J2:J20000")
    for column, width in zip("ABCDEFGHIJKLMNOPQ", [14, 8, 8, 10, 6, 12, 12, 8, 10, 10, 10, 6,
                                                   16, 16, 22, 10, 20], strict=True):
        sheet.column_dimensions[column].width = width
    notes = book.create_sheet(_("Instructions"))
    for line in [
        _("How to fill in the roster"),
        _("One row per person and room. Columns marked * are required."),
        _("Room: estate, building, unit (leave empty if none) and room number, e.g. 3 / 2 / "
          "1201 for 3-2-1201. Rooms that do not exist yet are created."),
        _("Role: Owner, or one of: %(roles)s.") % {"roles": roles},
        _("Mobile: 11 digits; landlines with area code, e.g. 0571-88001234."),
        _("ID number: checked (18 digits with check character, or the old 15 digits). It is "
          "stored encrypted."),
        _("Importing the same roster again changes nothing: people are matched by ID number, "
          "or by phone or name within the same room."),
        _("Rows with a problem are listed with the reason before anything is imported."),
    ]:
        notes.append([line])
    notes.column_dimensions["A"].width = 110
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def roster_check(content: bytes) -> RosterCheck:
    """Read and validate every row; write nothing."""
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        return RosterCheck(rows=[], problem=_("This file is not an Excel workbook (.xlsx)."))
    sheet = book.worksheets[0]
    rows_iter = sheet.iter_rows(values_only=True)
    header = [_text(v).rstrip(" *") for v in next(rows_iter, [])]
    positions = {}
    for key, title, _required in COLUMNS:
        if str(title) in header:
            positions[key] = header.index(str(title))
    missing = [str(t) for k, t, required in COLUMNS if required and k not in positions]
    if missing:
        return RosterCheck(rows=[], problem=_(
            "The first row must hold the column titles of the template; missing: %(cols)s.")
            % {"cols": "、".join(missing)})
    roles = _roles()
    genders = _choices_by_label(Gender.choices)
    id_types = _choices_by_label(IdType.choices)
    states = _choices_by_label(MoveInState.choices)
    uses = _choices_by_label(RoomUse.choices)
    rows: list[RosterRow] = []
    for number, values in enumerate(rows_iter, start=2):
        if number - 1 > MAX_ROWS:
            return RosterCheck(rows=[], problem=_("At most %(n)s rows can be imported at once.")
                               % {"n": MAX_ROWS})
        values = list(values)
        raw = {k: _text(values[i]) if i < len(values) else "" for k, i in positions.items()}
        if not any(raw.values()):
            continue
        row = RosterRow(number=number, data=raw)
        for key, title, required in COLUMNS:
            if required and not raw.get(key):
                row.errors.append(_("%(column)s is empty.") % {"column": title})
        if raw.get("role") and raw["role"] not in roles:
            row.errors.append(_("Unknown role “%(value)s”.") % {"value": raw["role"]})
        else:
            raw["role"] = roles.get(raw.get("role"), "")
        for key, table, label in [("gender", genders, _("gender")),
                                  ("id_type", id_types, _("ID document")),
                                  ("move_in_state", states, _("move-in state")),
                                  ("use", uses, _("use"))]:
            value = raw.get(key, "")
            if value and value not in table:
                row.errors.append(_("Unknown %(what)s “%(value)s”.") % {"what": label,
                                                                      "value": value})
            raw[key] = table.get(value, "")
        for key in ("floor",):
            if raw.get(key):
                try:
                    raw[key] = int(raw[key])
                except ValueError:
                    row.errors.append(_("The floor must be a whole number."))
        for key in ("gross_area", "inner_area"):
            if raw.get(key):
                try:
                    raw[key] = Decimal(raw[key])
                    if raw[key] < 0:
                        raise InvalidOperation
                except InvalidOperation:
                    row.errors.append(_("An area must be a number of square metres."))
        if raw.get("mobile"):
            try:
                raw["mobile"] = normalise_phone(raw["mobile"]).display
            except ValidationError as exc:
                row.errors.extend(exc.messages)
        if raw.get("id_number"):
            try:
                raw["id_number"] = normalise_id_number(raw["id_type"] or IdType.RESIDENT_ID,
                                                       raw["id_number"])
                raw["id_type"] = raw["id_type"] or IdType.RESIDENT_ID
            except ValidationError as exc:
                row.errors.extend(exc.messages)
        rows.append(row)
    if not rows:
        return RosterCheck(rows=[], problem=_("The roster has no rows below the titles."))
    return RosterCheck(rows=rows)


def _room_for(data: dict, cache: dict) -> Room:
    key = (data["estate"], data["building"], data["unit"], data["room"])
    if key in cache:
        return cache[key]
    estate, _ = Estate.objects.get_or_create(name=data["estate"])
    building, _ = Building.objects.get_or_create(estate=estate, number=data["building"])
    unit = (Unit.objects.get_or_create(building=building, number=data["unit"])[0]
            if data["unit"] else None)
    code = Room.make_code(building.number, unit.number if unit else None, data["room"])
    room = Room.objects.filter(estate=estate, code=code).first()
    if room is None:
        floor = data.get("floor") or _floor_from_number(data["room"])
        room = Room.objects.create(estate=estate, building=building, unit=unit,
                                   number=data["room"].upper(), code=code, floor=floor,
                                   gross_area=data.get("gross_area") or None,
                                   inner_area=data.get("inner_area") or None,
                                   use=data.get("use") or RoomUse.HOME)
    cache[key] = room
    return room


def _floor_from_number(number: str) -> int:
    digits = "".join(ch for ch in number if ch.isdigit())
    return int(digits[:-2]) if len(digits) > 2 else 1


def _party_for(data: dict, room: Room) -> Party | None:
    if data.get("id_number"):
        found = Party.objects.filter(id_hash=identity.lookup_hash(data["id_number"])).first()
        if found:
            return found
    linked = Q(ownerships__room=room) | Q(occupancies__room=room)
    if data.get("mobile"):
        phone = normalise_phone(data["mobile"])
        found = Party.objects.filter(linked, pk__in=Phone.objects.filter(
            e164=phone.e164).values("party_id")).first()
        if found:
            return found
    return Party.objects.filter(linked, name=data["name"]).first()


@transaction.atomic
def roster_apply(*, check: RosterCheck, by, skip_bad_rows: bool) -> dict:
    """Write the checked roster: all rows or none, unless bad rows are skipped."""
    if check.problem:
        raise ValidationError(check.problem)
    if check.bad and not skip_bad_rows:
        raise ValidationError(_("%(n)s rows have problems: correct them, or choose to skip "
                                "them.") % {"n": len(check.bad)})
    counts = {"rooms": Room.objects.count(), "people": 0, "links": 0, "unchanged": 0}
    cache: dict = {}
    for row in check.good:
        data = row.data
        room = _room_for(data, cache)
        party = _party_for(data, room)
        if party is None:
            party = party_save(
                party=Party(name=data["name"], gender=data.get("gender") or "",
                            notes=data.get("notes", "")),
                by=by, phones=[data["mobile"]] if data.get("mobile") else [],
                id_number=data.get("id_number") or None, id_type=data.get("id_type"))
            counts["people"] += 1
        state = data.get("move_in_state") or MoveInState.MOVED_IN
        if data["role"] == OWNER:
            if Ownership.objects.filter(current_q(), room=room, party=party).exists():
                counts["unchanged"] += 1
                continue
            ownership_add(room=room, party=party, by=by, move_in_state=state)
        else:
            if Occupancy.objects.filter(current_q(), room=room, party=party).exists():
                counts["unchanged"] += 1
                continue
            occupancy_add(room=room, party=party, relation=data["role"], by=by,
                          relation_detail=data.get("relation_detail", ""),
                          move_in_state=state)
        counts["links"] += 1
    counts["rooms"] = Room.objects.count() - counts["rooms"]
    counts["skipped"] = len(check.bad) if skip_bad_rows else 0
    audit_record(actor=by, action="owners.roster_imported", details=counts)
    return counts
