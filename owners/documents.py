"""Proposals and service contracts generated from managers' Word templates."""

import io
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from docxtpl import DocxTemplate

from audit.services import audit_record
from portal.stored_text import choice, message
from uploads.choices import FileKind
from uploads.services import stored_file_create

from .models import DocumentKind, DocumentTemplate, Party, Room, ServiceDocument
from .timeline import activity_record

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PLACEHOLDERS = [
    ("owner.name", gettext_lazy("name of the owner or occupant")),
    ("owner.phone", gettext_lazy("primary phone")),
    ("owner.id_masked", gettext_lazy("ID number, masked")),
    ("room.code", gettext_lazy("room, e.g. 3-2-1201")),
    ("room.estate", gettext_lazy("estate")),
    ("room.gross_area", gettext_lazy("gross floor area")),
    ("document.number", gettext_lazy("document number")),
    ("document.title", gettext_lazy("title")),
    ("document.amount", gettext_lazy("amount, e.g. 12,345.00")),
    ("document.amount_upper",
     gettext_lazy("amount in Chinese capitals, e.g. 壹万贰仟叁佰肆拾伍元整")),
    ("document.start_date", gettext_lazy("start date")),
    ("document.end_date", gettext_lazy("end date")),
    ("today", gettext_lazy("today's date")),
]

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL = ["", "拾", "佰", "仟"]
_BIG = ["", "万", "亿", "万亿"]


def _integer_upper(number: int) -> str:
    digits = str(number)
    result, zero_pending = "", False
    for index, ch in enumerate(digits):
        position = len(digits) - index - 1
        if ch == "0":
            zero_pending = True
        else:
            if zero_pending and result:
                result += "零"
            zero_pending = False
            result += _DIGITS[int(ch)] + _SMALL[position % 4]
        if position % 4 == 0 and position and int(digits[max(0, index - 3):index + 1]):
            result += _BIG[position // 4]
    return result


def rmb_upper(amount: Decimal) -> str:
    """An amount in Chinese financial capitals as written on contracts (大写金额).

    ``12345.67`` → 壹万贰仟叁佰肆拾伍元陆角柒分; whole yuan end with 整.
    """
    amount = Decimal(amount).quantize(Decimal("0.01"))
    if amount < 0:
        return "负" + rmb_upper(-amount)
    yuan, cents = divmod(int(amount * 100), 100)
    jiao, fen = divmod(cents, 10)
    text = _integer_upper(yuan) + "元" if yuan else ""
    if not cents:
        return (text or "零元") + "整"
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif text:
        text += "零"
    if fen:
        text += _DIGITS[fen] + "分"
    return text


def template_upload(*, kind: str, name: str, upload: UploadedFile, by,
                    notes: str = "") -> DocumentTemplate:
    """Add a template, or a new version of one with the same name."""
    stored = stored_file_create(upload=upload, kind=FileKind.DOCUMENT, by=by)
    if stored.content_type != DOCX:
        raise ValidationError(_("A template must be a Word document (.docx)."))
    try:
        with stored.file.open("rb") as handle:
            DocxTemplate(io.BytesIO(handle.read())).get_undeclared_template_variables()
    except Exception as exc:  # docxtpl raises Jinja and zip errors alike
        raise ValidationError(_("The placeholders of this template cannot be read: %(error)s")
                              % {"error": exc}) from exc
    with transaction.atomic():
        latest = DocumentTemplate.objects.select_for_update().filter(
            kind=kind, name=name).aggregate(v=Max("version"))["v"] or 0
        template = DocumentTemplate.objects.create(kind=kind, name=name, version=latest + 1,
                                                   file=stored, uploaded_by=by, notes=notes)
        audit_record(actor=by, action="owners.template_uploaded", target=template)
    return template


def _next_number(kind: str) -> str:
    prefix = ("HT" if kind == DocumentKind.CONTRACT else "JY") + timezone.localdate().strftime(
        "%Y%m%d")
    taken = ServiceDocument.objects.filter(number__startswith=prefix).count()
    return f"{prefix}-{taken + 1:04d}"


def document_generate(*, template: DocumentTemplate, party: Party, by, title: str,
                      room: Room | None = None, amount: Decimal | None = None,
                      start_date: date | None = None,
                      end_date: date | None = None) -> ServiceDocument:
    """Fill the template for ``party`` (and ``room``) and keep the file on their record."""
    if start_date and end_date and end_date < start_date:
        raise ValidationError(_("The end date is before the start date."))
    phone = party.phones.filter(is_primary=True).first()
    context = {
        "owner": {"name": party.name, "phone": phone.display if phone else "",
                  "id_masked": party.id_masked},
        "room": {"code": room.code if room else "", "estate": room.estate.name if room else "",
                 "gross_area": room.gross_area if room else ""},
        "today": timezone.localdate().strftime("%Y年%-m月%-d日"),
    }
    for _attempt in range(5):
        number = _next_number(template.kind)
        context["document"] = {
            "number": number, "title": title,
            "amount": f"{amount:,.2f}" if amount is not None else "",
            "amount_upper": rmb_upper(amount) if amount is not None else "",
            "start_date": start_date.strftime("%Y年%-m月%-d日") if start_date else "",
            "end_date": end_date.strftime("%Y年%-m月%-d日") if end_date else "",
        }
        with template.file.file.open("rb") as handle:
            doc = DocxTemplate(io.BytesIO(handle.read()))
        doc.render(context)
        out = io.BytesIO()
        doc.save(out)
        upload = SimpleUploadedFile(f"{number} {title}.docx", out.getvalue(), content_type=DOCX)
        try:
            with transaction.atomic():
                stored = stored_file_create(upload=upload, kind=FileKind.DOCUMENT, by=by)
                document = ServiceDocument.objects.create(
                    kind=template.kind, number=number, title=title, party=party, room=room,
                    template=template, file=stored, amount=amount, start_date=start_date,
                    end_date=end_date, created_by=by)
                stored.attached_to = document
                stored.save(update_fields=["attached_type", "attached_id", "updated_at"])
                activity_record(party=party, room=room, kind="document", actor=by,
                                title=message(gettext_noop("%(kind)s %(number)s: %(title)s"),
                                              kind=choice(DocumentKind, document.kind),
                                              number=number, title=title),
                                source="owners.document", source_id=str(document.pk))
                audit_record(actor=by, action="owners.document_generated", target=document)
                return document
        except IntegrityError:
            continue  # another desk took this number at the same moment: take the next
    raise ValidationError(_("Could not number the document; please try again."))


@transaction.atomic
def document_set_status(*, document: ServiceDocument, status: str, by) -> None:
    document.status = status
    document.save(update_fields=["status", "updated_at"])
    audit_record(actor=by, action="owners.document_status", target=document,
                 details={"status": status})
