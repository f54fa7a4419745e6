"""How a stored file is handed out: inline only for types a browser shows without running
anything, sandboxed, never sniffed, under a name that cannot break the header."""

from urllib.parse import unquote

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from tests.uploads.test_uploads import png_bytes, upload
from uploads.choices import FileKind
from uploads.models import StoredFile
from uploads.services import stored_file_create
from uploads.views import download_name

pytestmark = pytest.mark.django_db


def stored_as(user, *, name: str, content_type: str, content: bytes) -> StoredFile:
    """A stored row as an older version or an import might have left it (the upload
    checks of today would refuse most of these types)."""
    stored = StoredFile(kind=FileKind.DOCUMENT, original_name=name, content_type=content_type,
                        size=len(content), sha256="0" * 64, uploaded_by=user,
                        created_at=timezone.now())
    stored.file.save("stored.bin", ContentFile(content), save=False)
    stored.save()
    return stored


def disposition(response) -> tuple[str, dict]:
    """The disposition and its parameters (the names carry no ";": they are sanitised)."""
    kind, *parts = [part.strip() for part in response["Content-Disposition"].split(";")]
    params = dict(part.split("=", 1) for part in parts)
    params["filename"] = params["filename"].removeprefix('"').removesuffix('"')
    return kind, params


def fetch(client, stored, **query):
    return client.get(reverse("uploads:download", args=[stored.pk]), query)


@pytest.mark.parametrize("content_type", ["text/html", "image/svg+xml", "application/xml",
                                          "text/plain", "application/octet-stream"])
def test_a_type_that_could_run_script_is_always_a_download(front_desk, login, content_type):
    # given a stored file named and typed as a page
    stored = stored_as(front_desk, name="evil.html", content_type=content_type,
                       content=b"<script>alert(document.cookie)</script>")
    # when it is asked for inline
    response = fetch(login(front_desk), stored, inline="1")
    # then it is downloaded, in a sandbox, never sniffed
    assert disposition(response)[0] == "attachment"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(("content_type", "name"), [
    ("image/png", "漏水.png"), ("image/jpeg", "门.jpg"), ("image/gif", "a.gif"),
    ("image/webp", "a.webp"), ("application/pdf", "合同.pdf")])
def test_images_and_pdfs_are_shown_inline_when_asked(front_desk, login, content_type, name):
    stored = stored_as(front_desk, name=name, content_type=content_type, content=b"x")
    client = login(front_desk)
    shown = fetch(client, stored, inline="1")
    assert disposition(shown)[0] == "inline"
    assert shown["Content-Type"] == content_type
    assert shown["Content-Security-Policy"].startswith("sandbox")
    assert disposition(fetch(client, stored))[0] == "attachment"


def test_the_name_keeps_chinese_in_filename_star_with_an_ascii_fallback(front_desk, login):
    stored = stored_file_create(upload=upload("漏水 照片.png", png_bytes()),
                                kind=FileKind.PHOTO, by=front_desk)
    _kind, params = disposition(fetch(login(front_desk), stored))
    assert params["filename"].isascii() and params["filename"].endswith(".png")
    assert unquote(params["filename*"].removeprefix("UTF-8''")) == "漏水 照片.png"


def test_a_name_cannot_add_a_header_or_a_path(front_desk, login):
    stored = stored_as(front_desk, name='..\\..\\a"b\r\nSet-Cookie: x=1;.png',
                       content_type="image/png", content=png_bytes())
    response = fetch(login(front_desk), stored)
    assert "Set-Cookie" not in response
    header = response["Content-Disposition"]
    assert "\r" not in header and "\n" not in header
    _kind, params = disposition(response)
    assert not set('"\\/;') & set(params["filename"])
    assert not set('"\\/;') & set(unquote(params["filename*"].removeprefix("UTF-8''")))


@pytest.mark.parametrize(("original", "content_type", "offered"), [
    ("evil.html", "image/png", "evil.png"),
    ("../../etc/passwd", "application/pdf", "passwd.pdf"),
    ("C:\\Users\\me\\合同.PDF", "application/pdf", "合同.PDF"),
    ("照片.jpeg", "image/jpeg", "照片.jpeg"),
    ("", "image/png", "download.png"),
    ("..", "text/html", "download"),
    (".htaccess", "image/png", "htaccess.png"),
])
def test_the_offered_name_ends_in_the_type_the_bytes_are(original, content_type, offered):
    assert download_name(original, content_type) == offered
