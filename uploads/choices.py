from django.db import models
from django.utils.translation import gettext_lazy as _


class FileKind(models.TextChoices):
    """What a file is for; each kind has its own accepted types and size limit."""

    PHOTO = "photo", _("Photo")
    DOCUMENT = "document", _("Document")
    RECORDING = "recording", _("Call recording")
    SPREADSHEET = "spreadsheet", _("Spreadsheet")
    EXPORT = "export", _("Export")


# Content types accepted per kind, as detected from the file's bytes, with the extension
# the stored file gets.
ACCEPTED_TYPES: dict[str, dict[str, str]] = {
    FileKind.PHOTO: {
        "image/jpeg": "jpg",
        "image/png": "png",
        "image/webp": "webp",
        "image/heic": "heic",
    },
    FileKind.DOCUMENT: {
        "application/pdf": "pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
        "image/jpeg": "jpg",
        "image/png": "png",
    },
    FileKind.RECORDING: {
        "audio/mpeg": "mp3",
        "audio/x-wav": "wav",
        "audio/amr": "amr",
        "audio/mp4": "m4a",
        "audio/ogg": "ogg",
    },
    FileKind.SPREADSHEET: {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    },
    FileKind.EXPORT: {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    },
}
