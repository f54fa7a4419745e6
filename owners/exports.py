"""Excel exports of filtered lists, written row by row so memory stays flat."""

import tempfile
from collections import defaultdict

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from audit.services import audit_record
from background.enqueue import enqueue_on_commit

from . import identity
from .models import Occupancy, Ownership
from .selectors import current_q

CHUNK = 2000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell_text(value) -> str:
    """Text as a plain cell: what a user typed must never run as a spreadsheet formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _append_header(sheet, titles: list[str]) -> None:
    bold = Font(bold=True)
    cells = []
    for title in titles:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)


def _saved(book: Workbook) -> tempfile.SpooledTemporaryFile:
    """The workbook in a temporary file (in memory up to 8 MB), rewound for reading."""
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - the caller closes it
    book.save(out)
    out.seek(0)
    return out


def _headers() -> list[str]:
    return [_("Name"), _("Kind"), _("Gender"), _("Phones"), _("ID document"), _("ID number"),
            _("Rooms"), _("Tags"), _("Notes")]


def party_export(*, queryset, by, filters: dict) -> tuple[tempfile.SpooledTemporaryFile, int]:
    """Write ``queryset`` (already restricted to ``by``) to an .xlsx file and audit it.

    ID numbers are masked unless ``by`` may see them in full; a full export is audited
    as such. Queries per chunk of rows are fixed, so a large list costs rows/2000 rounds.
    """
    full_ids = by.has_perm("owners.view_full_id")
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Owners and occupants"))
    _append_header(sheet, _headers())
    count = 0
    qs = queryset.order_by("id").prefetch_related(None).prefetch_related("phones", "tags")
    last_id = 0
    while True:
        chunk = list(qs.filter(id__gt=last_id)[:CHUNK])
        if not chunk:
            break
        last_id = chunk[-1].pk
        rooms: dict[int, list[str]] = defaultdict(list)
        ids = [p.pk for p in chunk]
        for party_id, code in Ownership.objects.filter(current_q(), party_id__in=ids) \
                .values_list("party_id", "room__code"):
            rooms[party_id].append(f"{code}（{_('Owner')}）")
        for party_id, code, relation in Occupancy.objects.filter(
                current_q(), party_id__in=ids).values_list("party_id", "room__code",
                                                           "relation"):
            rooms[party_id].append(f"{code}（{relation_label(relation)}）")
        for party in chunk:
            id_text = party.id_masked
            if full_ids and party.id_encrypted:
                id_text = identity.decrypt(party.id_encrypted)
            sheet.append([cell_text(value) for value in [
                party.name, party.get_kind_display(), party.get_gender_display(),
                "、".join(p.display for p in party.phones.all()),
                party.get_id_type_display() if party.id_type else "", id_text,
                "；".join(rooms[party.pk]), "、".join(t.name for t in party.tags.all()),
                party.notes,
            ]])
            count += 1
    out = _saved(book)
    audit_record(actor=by, action="owners.parties_exported",
                 details={"rows": count, "full_ids": full_ids,
                          "filters": {k: str(v) for k, v in filters.items() if v}})
    return out, count


def relation_label(value: str) -> str:
    from .choices import OccupantRelation

    try:
        return str(OccupantRelation(value).label)
    except ValueError:
        return value




def _room_headers() -> list[str]:
    return [_("Room"), _("Estate"), _("Floor"), _("Gross area (m²)"), _("Internal area (m²)"),
            _("Use"), _("Status"), _("Owners"), _("Occupants")]


def room_export(*, queryset, by, filters: dict) -> tuple[tempfile.SpooledTemporaryFile, int]:
    """The filtered room list as .xlsx with current owners and occupants by name."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Rooms"))
    _append_header(sheet, _room_headers())
    count, last_id = 0, 0
    qs = queryset.order_by("id").select_related("estate")
    while True:
        chunk = list(qs.filter(id__gt=last_id)[:CHUNK])
        if not chunk:
            break
        last_id = chunk[-1].pk
        ids = [r.pk for r in chunk]
        owners: dict[int, list[str]] = defaultdict(list)
        occupants: dict[int, list[str]] = defaultdict(list)
        for room_id, name in Ownership.objects.filter(current_q(), room_id__in=ids) \
                .values_list("room_id", "party__name"):
            owners[room_id].append(name)
        for room_id, name in Occupancy.objects.filter(current_q(), room_id__in=ids) \
                .values_list("room_id", "party__name"):
            occupants[room_id].append(name)
        for room in chunk:
            sheet.append([cell_text(v) for v in [
                room.code, room.estate.name, room.floor, room.gross_area or "",
                room.inner_area or "", room.get_use_display(), room.get_status_display(),
                "、".join(owners[room.pk]), "、".join(occupants[room.pk])]])
            count += 1
    out = _saved(book)
    audit_record(actor=by, action="owners.rooms_exported",
                 details={"rows": count, "filters": {k: str(v) for k, v in filters.items() if v}})
    return out, count


# --- Exports written by the background worker -------------------------------------------

def list_export_request(*, user, kind: str, filters: dict):
    """Record an export for the worker; it never fails the request (see enqueue_on_commit)."""
    from django.db import transaction

    from .models import ListExport

    with transaction.atomic():
        export = ListExport.objects.create(
            user=user, kind=kind, filters={k: v for k, v in filters.items() if v})
        enqueue_on_commit("owners.run_list_export", export.pk)
    return export


def list_export_run(*, export_id: int) -> bool:
    """Write the export if this call claims it; running it twice does the work once."""
    from django.core.files import File
    from django.utils import timezone

    from uploads.choices import FileKind
    from uploads.services import stored_file_create

    from .models import ListExport
    from .selectors import party_list_for_user, room_list_for_user

    claimed = ListExport.objects.filter(pk=export_id, status=ListExport.Status.PENDING) \
        .update(status=ListExport.Status.RUNNING, updated_at=timezone.now())
    if not claimed:
        return False
    export = ListExport.objects.select_related("user").get(pk=export_id)
    user, filters = export.user, export.filters
    try:
        if export.kind == ListExport.Kind.PARTIES:
            qs = party_list_for_user(user=user, filters=filters)
            out, rows = party_export(queryset=qs, by=user, filters=filters)
            name = _("owners-%(date)s.xlsx")
        else:
            qs = room_list_for_user(user=user, filters=filters)
            out, rows = room_export(queryset=qs, by=user, filters=filters)
            name = _("rooms-%(date)s.xlsx")
        name = name % {"date": timezone.localdate().strftime("%Y%m%d")}
        with out:
            stored = stored_file_create(upload=File(out, name=name), kind=FileKind.EXPORT,
                                        by=user, attach_to=export)
    except Exception as exc:
        ListExport.objects.filter(pk=export_id).update(
            status=ListExport.Status.FAILED, error=str(exc)[:300], finished_at=timezone.now())
        raise
    ListExport.objects.filter(pk=export_id).update(
        status=ListExport.Status.DONE, file=stored, rows=rows, finished_at=timezone.now())
    return True
