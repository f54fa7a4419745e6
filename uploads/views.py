import re
import unicodedata
from pathlib import PurePosixPath
from urllib.parse import quote

from django.http import FileResponse, HttpRequest
from django.views.decorators.http import require_GET

from audit.services import audit_record

from .choices import ACCEPTED_TYPES
from .selectors import stored_file_get_for_user

# Types a browser shows without running anything in them. Everything else (HTML, SVG,
# XML, office files…) is always a download, whatever the address asks.
INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"}

# A downloaded file is no page of ours: it runs no script, loads nothing, has no origin.
DOWNLOAD_CSP = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"

_EXTENSIONS = {content_type: extension for types in ACCEPTED_TYPES.values()
               for content_type, extension in types.items()}
_SAME_EXTENSION = {"jpeg": "jpg"}
# Control characters (CR and LF among them), quotes, path separators and the characters
# a header parameter or a file system treats specially.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\'\\/:*?<>|;%]+')


def download_name(original: str, content_type: str) -> str:
    """The name a download is offered under: the last part of what was uploaded, without
    characters that could break the header or a file system, ending in the extension of
    the type the bytes really are (``evil.html`` stored as a PNG downloads as
    ``evil.png``)."""
    name = unicodedata.normalize("NFC", original).replace("\\", "/")
    name = _UNSAFE.sub("_", PurePosixPath(name).name).strip(" ._")[:150]
    extension = _EXTENSIONS.get(content_type)
    stem, dot, given = name.rpartition(".")
    if not dot:
        stem, given = name, ""
    if extension and _SAME_EXTENSION.get(given.lower(), given.lower()) != extension:
        stem, given = name if not dot else stem, extension
    stem = stem.strip(" ._") or "download"
    return f"{stem}.{given}" if given else stem


def content_disposition(disposition: str, name: str) -> str:
    """RFC 6266: an ASCII ``filename`` for old clients, the real name in ``filename*``."""
    fallback = name.encode("ascii", "replace").decode("ascii").replace("?", "_")
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


@require_GET
def download(request: HttpRequest, pk) -> FileResponse:
    stored = stored_file_get_for_user(user=request.user, pk=pk)
    audit_record(actor=request.user, action="file.downloaded", target=stored)
    inline = request.GET.get("inline") == "1" and stored.content_type in INLINE_TYPES
    response = FileResponse(stored.file.open("rb"), content_type=stored.content_type)
    response["Content-Disposition"] = content_disposition(
        "inline" if inline else "attachment",
        download_name(stored.original_name, stored.content_type))
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    return response
