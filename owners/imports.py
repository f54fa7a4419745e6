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
from .models import Building, Estate, Occupancy, Ownership, Party, Room, Unit
from .selectors import Duplicate, current_q, party_duplicates
from .services import occupancy_add, ownership_add, party_probe, party_save
from .validators import Phone as PhoneNumber
from .validators import mask_id_number, party_clean

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
    # People on record this row's new person likely is (``selectors.party_duplicates``).
    duplicates: list[Duplicate] = field(default_factory=list)
    phones: list[PhoneNumber] = field(default_factory=list)

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

    @property
    def duplicated(self) -> list[RosterRow]:
        """Rows that would record someone likely on record already: the import waits for
        the user to confirm they are other people, as the forms and the API do."""
        return [r for r in self.rows if r.ok and r.duplicates]


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
          "or by name within the same room. An ID number on record under another name is "
          "refused; a row that looks like someone on record (same name and phone) is shown "
          "for you to confirm."),
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


def roster_check(content: bytes, *, user) -> RosterCheck:
    """Read and validate every row by the rules of the forms and the API; write nothing.

    Beyond each row's own values: an ID number on record (or earlier in the file) under
    another name is an error, and a row that would record a new person who is likely one on
    record (``selectors.party_duplicates``) is listed for the user to confirm.
    """
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
        try:
            values = party_clean(id_type=raw["id_type"], id_number=raw.get("id_number", ""),
                                 phones={"mobile": [raw.get("mobile", "")]})
        except ValidationError as exc:
            row.errors.extend(exc.messages)
        else:
            raw["id_number"], raw["id_type"] = values.id_number, values.id_type
            mobile = values.phones["mobile"]
            raw["mobile"] = mobile[0].display if mobile else ""
            row.phones = mobile
        rows.append(row)
    if not rows:
        return RosterCheck(rows=[], problem=_("The roster has no rows below the titles."))
    _check_people(rows, user=user)
    return RosterCheck(rows=rows)


def _check_people(rows: list[RosterRow], *, user) -> None:
    """Match the rows' people against those on record, in bulk (a 20,000-row roster is a
    few queries per thousand rows, plus one for each row that looks like a duplicate)."""
    good = [row for row in rows if row.ok]
    found = party_duplicates(user=user, probes=[
        party_probe(name=row.data["name"], phones=row.phones,
                    id_number=row.data["id_number"]) for row in good])
    first_by_id: dict[str, RosterRow] = {}
    for row, duplicates in zip(good, found, strict=True):
        data = row.data
        if data["id_number"]:
            earlier = first_by_id.setdefault(data["id_number"], row)
            if earlier.data["name"] != data["name"]:
                row.errors.append(_(
                    "ID number %(id)s is also on row %(row)s, with the name %(name)s.") % {
                    "id": mask_id_number(data["id_number"]), "row": earlier.number,
                    "name": earlier.data["name"]})
                continue
            holder = next((d.party for d in duplicates if d.same_id), None)
            if holder is not None:
                if holder.name != data["name"]:
                    row.errors.append(_(
                        "ID number %(id)s is on record for %(name)s: correct the name in the "
                        "roster, or on that person's record first.") % {
                        "id": mask_id_number(data["id_number"]), "name": holder.name})
                continue  # the person on record: linked, not created
        if duplicates and not _named_in_room(data):
            row.duplicates = duplicates


def _named_in_room(data: dict) -> bool:
    """Whether the room of the row already has (or had) someone of the row's name: the row
    is then that person, as ``_party_for`` links it."""
    code = Room.make_code(data["building"], data["unit"] or None, data["room"])
    rooms = Room.objects.filter(estate__name=data["estate"], code=code)
    return Party.objects.filter(name=data["name"]).filter(
        Q(pk__in=Ownership.objects.filter(room__in=rooms).values("party_id"))
        | Q(pk__in=Occupancy.objects.filter(room__in=rooms).values("party_id"))).exists()


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
    """The person on record a row stands for: the same ID number (``roster_check`` made
    sure the names agree), else someone of the same name in the same room."""
    if data.get("id_number"):
        found = Party.objects.filter(id_hash=identity.lookup_hash(data["id_number"])).first()
        if found:
            return found
    linked = (Q(pk__in=Ownership.objects.filter(room=room).values("party_id"))
              | Q(pk__in=Occupancy.objects.filter(room=room).values("party_id")))
    return Party.objects.filter(linked, name=data["name"]).order_by("id").first()


@transaction.atomic
def roster_apply(*, check: RosterCheck, by, skip_bad_rows: bool,
                 confirm_duplicates: bool = False) -> dict:
    """Write the checked roster: all rows or none, unless bad rows are skipped. Rows that
    look like people on record are written only once the user confirmed they are not."""
    if check.problem:
        raise ValidationError(check.problem)
    if check.bad and not skip_bad_rows:
        raise ValidationError(_("%(n)s rows have problems: correct them, or choose to skip "
                                "them.") % {"n": len(check.bad)})
    if check.duplicated and not confirm_duplicates:
        raise ValidationError(_("%(n)s rows look like people already on record: check them, "
                                "then confirm that they are other people.")
                              % {"n": len(check.duplicated)})
    counts = {"rooms": Room.objects.count(), "people": 0, "links": 0, "unchanged": 0}
    cache: dict = {}
    # People this import created, by name and phone: the same person listed for two rooms
    # (without an ID number) is recorded once.
    created: dict[tuple[str, str], Party] = {}
    for row in check.good:
        data = row.data
        room = _room_for(data, cache)
        party = _party_for(data, room)
        if party is not None and party.name != data["name"]:
            # Only an ID number held by someone the importer may not see gets here: the
            # check step names the others. Refused all the same, without the name.
            raise ValidationError(_("Row %(row)s: the ID number is on record under another "
                                    "name.") % {"row": row.number})
        contact_keys = [] if data.get("id_number") else [
            (data["name"], phone.e164) for phone in row.phones]
        if party is None:
            party = next((created[key] for key in contact_keys if key in created), None)
        if party is None:
            # The check step applied the duplicate rule to the whole roster, in bulk, and
            # the user confirmed what it found.
            party = party_save(
                party=Party(name=data["name"], gender=data.get("gender") or "",
                            notes=data.get("notes", "")),
                by=by, phones=[data["mobile"]] if data.get("mobile") else [],
                id_number=data.get("id_number") or None, id_type=data.get("id_type"),
                confirm_duplicate=True)
            counts["people"] += 1
            created.update(dict.fromkeys(contact_keys, party))
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
