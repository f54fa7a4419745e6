"""The ticket list as an Excel file, written by the worker for the user who asked.

A request is a ``TicketExport`` row holding the user and the list's query string; the task
applies the same filters and the same territory scope as the list, writes the workbook row
by row in chunks, keeps it as an export file only its requester may download, and sends the
link to the requester's inbox. The periodic scan runs again any request whose message was
lost with the broker or whose worker died (``exports_resume``).
"""

import tempfile
import uuid
from datetime import timedelta

from django.db.models import Prefetch, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from audit.services import audit_record
from background.enqueue import enqueue_on_commit
from owners.exports import cell_text
from portal.stored_text import message
from workcalendar.clock import ConfirmedYears

CHUNK = 2000
EXPORT_SOURCE = "service_tickets.export:%s"


def _headers() -> list[str]:
    return [_("Number"), _("Type"), _("Category"), _("Priority"), _("Status"), _("Estate"),
            _("Room"), _("Owner or occupant"), _("Phone"), _("Assignee"), _("Logged at"),
            _("Accepted at"), _("Done at"), _("Closed at"), _("Resolve by"),
            _("Resolve by is provisional"), _("Overdue"), _("Satisfaction")]


def _local(value):
    """A naive local time for Excel (which has no time zones), or an empty cell."""
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _late(ticket, now) -> bool:
    """The resolution time was missed (or is being missed now, unless the ticket is held)."""
    if ticket.resolve_due is None:
        return False
    if ticket.resolved_at is not None:
        return ticket.resolved_at > ticket.resolve_due
    return ticket.held_since is None and now > ticket.resolve_due


def ticket_export(*, queryset, by, query: str) -> tuple[tempfile.SpooledTemporaryFile, int]:
    """Write ``queryset`` (already filtered and restricted to ``by``) to an .xlsx file.

    Names and phones of owners appear only for users who may see owners (no ID numbers
    are exported). Queries per chunk of 2,000 rows are fixed.
    """
    from owners.models import Phone

    show_people = by.has_perm("owners.view_party")
    now = timezone.now()
    confirmed = ConfirmedYears.load()
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Service tickets"))
    bold = Font(bold=True)
    header = []
    for title in _headers():
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    qs = queryset.order_by("id").select_related(
        "category__parent", "estate", "room", "party", "assignee")
    if show_people:
        qs = qs.prefetch_related(Prefetch("party__phones", to_attr="primary_phones",
                                          queryset=Phone.objects.filter(is_primary=True)))
    count, last_id = 0, 0
    yes, no = _("Yes"), _("No")
    while True:
        chunk = list(qs.filter(id__gt=last_id)[:CHUNK])
        if not chunk:
            break
        last_id = chunk[-1].pk
        for t in chunk:
            person = phone = ""
            if show_people and t.party_id:
                person = t.party.name
                phones = getattr(t.party, "primary_phones", [])
                phone = phones[0].display if phones else ""
            sheet.append([
                cell_text(t.number), cell_text(t.get_type_display()), cell_text(t.category),
                cell_text(t.get_priority_display()), cell_text(t.get_status_display()),
                cell_text(t.estate.name), cell_text(t.room.code if t.room_id else ""),
                cell_text(person), cell_text(phone),
                cell_text(t.assignee.display_name if t.assignee_id else ""),
                _local(t.created_at), _local(t.accepted_at), _local(t.resolved_at),
                _local(t.closed_at), _local(t.resolve_due),
                yes if t.resolved_at is None and confirmed.is_provisional(t.resolve_due)
                else "",
                yes if _late(t, now) else no,
                t.satisfaction,
            ])
            count += 1
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - the caller closes it
    book.save(out)
    out.seek(0)
    audit_record(actor=by, action="service_tickets.tickets_exported",
                 details={"rows": count, "filters": query, "people": show_people})
    return out, count


def ticket_export_request(*, user, query: str) -> str:
    """Have the worker export the list filtered by ``query``; returns the export's token.
    Never fails the request (see ``enqueue_on_commit``)."""
    from .models import TicketExport

    export = TicketExport.objects.create(requested_by=user, query=query[:1000])
    token = export.pk.hex
    enqueue_on_commit("service_tickets.run_ticket_export", user.pk, export.query, token)
    return token


RETRY_AFTER = timedelta(minutes=10)  # a request not started by then was lost: queue it again
STALLED_AFTER = timedelta(minutes=30)  # a started one not done by then: its worker died


def exports_resume(now=None) -> int:
    """Queue again the requests still pending that no worker is on; returns how many."""
    from .models import TicketExport

    now = now or timezone.now()
    lost = (TicketExport.objects.filter(state=TicketExport.State.PENDING,
                                        created_at__lt=now - RETRY_AFTER)
            .filter(Q(started_at__isnull=True) | Q(started_at__lt=now - STALLED_AFTER))
            .order_by("created_at")[:100])
    count = 0
    for export in lost:
        enqueue_on_commit("service_tickets.run_ticket_export", export.requested_by_id,
                          export.query, export.pk.hex)
        count += 1
    return count


def ticket_export_run(*, user_id: int, query: str, token: str) -> bool:
    """Write the export and send its link to the requester's inbox; an export already
    delivered (a message redelivered to the worker) or being written is not written again."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.files import File
    from django.db import transaction
    from django.http import QueryDict
    from django.urls import reverse

    from inbox.models import Notification
    from inbox.services import notify
    from uploads.choices import FileKind
    from uploads.services import stored_file_create

    from .forms import TicketFilterForm
    from .models import TicketExport
    from .selectors import ticket_list_for_user

    try:
        token = uuid.UUID(token).hex
    except ValueError:
        return False
    source = EXPORT_SOURCE % token
    now = timezone.now()
    # Claim the request: pending, and not being written by a live worker.
    claimed = (TicketExport.objects.filter(pk=token, requested_by_id=user_id,
                                           state=TicketExport.State.PENDING)
               .filter(Q(started_at__isnull=True) | Q(started_at__lt=now - STALLED_AFTER))
               .update(started_at=now))
    if not claimed:
        return False
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or Notification.objects.filter(recipient=user, source=source).exists():
        TicketExport.objects.filter(pk=token).update(state=TicketExport.State.FAILED,
                                                     finished_at=now)
        return False
    filters = TicketFilterForm(QueryDict(query), user=user)
    if not filters.is_valid():
        TicketExport.objects.filter(pk=token).update(state=TicketExport.State.FAILED,
                                                     finished_at=now)
        return False
    qs = filters.apply(ticket_list_for_user(user=user), user=user, now=timezone.now())
    with translation.override(getattr(user, "language", "") or settings.LANGUAGE_CODE):
        out, rows = ticket_export(queryset=qs, by=user, query=query)
        name = _("tickets-%(date)s-%(token)s.xlsx") % {
            "date": timezone.localdate().strftime("%Y%m%d"), "token": token[:6]}
    with out, transaction.atomic():
        stored = stored_file_create(upload=File(out, name=name), kind=FileKind.EXPORT, by=user)
        TicketExport.objects.filter(pk=token).update(
            state=TicketExport.State.DONE, rows=rows, file=stored,
            finished_at=timezone.now())
        notify(recipients=[user], source=source,
               url=reverse("uploads:download", args=[stored.pk]),
               title=message(gettext_noop("Your ticket export is ready")),
               body=message(gettext_noop("%(rows)s tickets; the link downloads the Excel "
                                         "file."), rows=rows))
    return True
