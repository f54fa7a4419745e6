import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from audit.models import AuditEntry
from staff.models import Department
from uploads import access
from uploads.choices import FileKind
from uploads.forms import CheckedFileField
from uploads.services import stored_file_create

pytestmark = pytest.mark.django_db


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_a_real_photo_is_kept_under_a_generated_name(front_desk):
    stored = stored_file_create(upload=upload("../../etc/漏水.jpg", png_bytes()),
                                kind=FileKind.PHOTO, by=front_desk)
    assert stored.content_type == "image/png"
    assert stored.file.name.endswith(f"{stored.id.hex}.png")
    assert "漏水" not in stored.file.name and ".." not in stored.file.name
    assert stored.original_name == "漏水.jpg"
    assert len(stored.sha256) == 64
    assert AuditEntry.objects.filter(action="file.uploaded", target_id=str(stored.pk)).exists()


def test_a_program_renamed_to_jpg_is_refused_with_a_chinese_reason(front_desk):
    fake = upload("photo.jpg", b"MZ\x90\x00" + b"\x00" * 200)
    with pytest.raises(ValidationError) as error:
        stored_file_create(upload=fake, kind=FileKind.PHOTO, by=front_desk)
    assert "不是允许的照片格式" in error.value.messages[0]


def test_a_damaged_image_is_refused(front_desk):
    broken = png_bytes()[:40]
    with pytest.raises(ValidationError, match="损坏"):
        stored_file_create(upload=upload("a.png", broken), kind=FileKind.PHOTO, by=front_desk)


def test_files_over_the_limit_are_refused(front_desk, settings):
    settings.UPLOAD_MAX_BYTES = {**settings.UPLOAD_MAX_BYTES, "photo": 50}
    with pytest.raises(ValidationError, match="最大允许"):
        stored_file_create(upload=upload("a.png", png_bytes()), kind=FileKind.PHOTO,
                           by=front_desk)


def test_empty_files_are_refused(front_desk):
    with pytest.raises(ValidationError, match="空"):
        stored_file_create(upload=upload("a.png", b""), kind=FileKind.PHOTO, by=front_desk)


def test_a_pdf_is_accepted_as_a_document_but_not_as_a_photo(front_desk):
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    stored = stored_file_create(upload=upload("合同.pdf", pdf, "application/pdf"),
                                kind=FileKind.DOCUMENT, by=front_desk)
    assert stored.content_type == "application/pdf"
    with pytest.raises(ValidationError):
        stored_file_create(upload=upload("合同.pdf", pdf), kind=FileKind.PHOTO, by=front_desk)


def test_form_field_runs_the_same_checks():
    field = CheckedFileField(kind=FileKind.PHOTO)
    with pytest.raises(ValidationError):
        field.clean(upload("x.jpg", b"not an image at all, just text"))
    assert field.clean(upload("x.png", png_bytes()))


def test_uploader_downloads_the_file_with_safe_headers(front_desk, login):
    stored = stored_file_create(upload=upload("漏水.png", png_bytes()), kind=FileKind.PHOTO,
                                by=front_desk)
    response = login(front_desk).get(reverse("uploads:download", args=[stored.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png_bytes()
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]
    assert AuditEntry.objects.filter(action="file.downloaded").count() == 1


def test_another_colleague_gets_404(front_desk, dispatcher, login):
    stored = stored_file_create(upload=upload("a.png", png_bytes()), kind=FileKind.PHOTO,
                                by=front_desk)
    assert login(dispatcher).get(reverse("uploads:download", args=[stored.pk])).status_code == 404


def test_anonymous_is_sent_to_login(front_desk):
    stored = stored_file_create(upload=upload("a.png", png_bytes()), kind=FileKind.PHOTO,
                                by=front_desk)
    response = Client().get(reverse("uploads:download", args=[stored.pk]))
    assert response.status_code == 302


def test_manager_may_open_every_file(front_desk, manager, login):
    stored = stored_file_create(upload=upload("a.png", png_bytes()), kind=FileKind.PHOTO,
                                by=front_desk)
    assert login(manager).get(reverse("uploads:download", args=[stored.pk])).status_code == 200


@pytest.fixture
def department_rule():
    access.register_access_rule(Department, lambda user, dept: user.department_id == dept.pk)
    yield
    access._rules.pop(Department, None)


def test_an_attached_objects_rule_decides_for_others(front_desk, dispatcher, service_staff,
                                                     department, login, department_rule):
    stored = stored_file_create(upload=upload("a.png", png_bytes()), kind=FileKind.PHOTO,
                                by=front_desk, attach_to=department)
    url = reverse("uploads:download", args=[stored.pk])
    assert login(dispatcher).get(url).status_code == 200  # same department
    assert login(service_staff).get(url).status_code == 404


def test_files_are_not_reachable_under_the_media_url(front_desk, login):
    stored = stored_file_create(upload=upload("a.png", png_bytes()), kind=FileKind.PHOTO,
                                by=front_desk)
    assert login(front_desk).get(f"/files/{stored.file.name}").status_code == 404
