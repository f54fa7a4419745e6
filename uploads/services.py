"""Accepting uploaded files: the single door every photo, recording and document uses."""

import hashlib
import uuid
import warnings

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record

from .choices import ACCEPTED_TYPES, FileKind
from .models import StoredFile

_HEADER_BYTES = 8192


def detect_content_type(upload: UploadedFile) -> str | None:
    """The type told by the file's first bytes; the name and the browser's claim are ignored."""
    upload.seek(0)
    head = upload.read(_HEADER_BYTES)
    upload.seek(0)
    kind = filetype.guess(head)
    return kind.mime if kind else None


def validate_upload(*, upload: UploadedFile, kind: FileKind | str) -> str:
    """Check size and content; return the detected content type or raise ValidationError."""
    kind = FileKind(kind)
    limit = settings.UPLOAD_MAX_BYTES[kind]
    if upload.size is None or upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s; at most %(limit)s is accepted."),
            code="too_large",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
        )
    detected = detect_content_type(upload)
    accepted = ACCEPTED_TYPES[kind]
    if detected not in accepted:
        names = ", ".join(sorted({ext.upper() for ext in accepted.values()}))
        raise ValidationError(
            _("This file is not an accepted %(kind)s. Accepted types: %(types)s."),
            code="bad_type",
            params={"kind": kind.label, "types": names},
        )
    if detected.startswith("image/") and detected != "image/heic":
        _verify_image(upload)
    return detected


# A photo from a phone has up to ~50 million pixels; decoding is what costs (4 bytes a
# pixel), and a small file can claim 100,000 × 100,000 of them (a decompression bomb).
MAX_IMAGE_PIXELS = 80_000_000


def _verify_image(upload: UploadedFile) -> None:
    """Refuse an image that cannot be read or that claims more pixels than a photo has.

    Only the header is read for the size, so a bomb is refused before anything decodes it;
    Pillow's own bomb error and warning are refused the same way."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise _too_many_pixels(width, height)
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels(None, None) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(_("The image is damaged and cannot be read."),
                              code="bad_image") from exc
    finally:
        upload.seek(0)


def _too_many_pixels(width: int | None, height: int | None) -> ValidationError:
    if width is None:
        return ValidationError(_("The image is too large: at most %(megapixels)s million "
                                 "pixels are accepted."), code="too_many_pixels",
                               params={"megapixels": MAX_IMAGE_PIXELS // 1_000_000})
    return ValidationError(
        _("The image is %(width)s × %(height)s pixels: at most %(megapixels)s million pixels "
          "are accepted."), code="too_many_pixels",
        params={"width": width, "height": height,
                "megapixels": MAX_IMAGE_PIXELS // 1_000_000})


@transaction.atomic
def stored_file_create(
    *,
    upload: UploadedFile,
    kind: FileKind | str,
    by,
    attach_to: models.Model | None = None,
) -> StoredFile:
    """Validate ``upload`` and keep it under a server-generated name."""
    content_type = validate_upload(upload=upload, kind=kind)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    stored = StoredFile(
        id=uuid.uuid4(),
        kind=FileKind(kind),
        original_name=(upload.name or "")[-255:],
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=by,
        created_at=timezone.now(),
    )
    if attach_to is not None:
        stored.attached_to = attach_to
    extension = ACCEPTED_TYPES[stored.kind][content_type]
    stored.file.save(f"{stored.id.hex}.{extension}", upload, save=False)
    stored.save()
    audit_record(actor=by, action="file.uploaded", target=stored,
                 details={"kind": stored.kind, "size": stored.size})
    return stored
