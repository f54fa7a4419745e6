import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import FileKind


def _storage_path(instance: "StoredFile", filename: str) -> str:
    # The name on disk is ours, never the uploader's.
    return f"uploads/{instance.kind}/{instance.created_at:%Y/%m}/{filename}"


class StoredFile(models.Model):
    """A file someone uploaded, checked by its content and kept under a generated name.

    Served only through ``uploads:download``, which checks who may see it.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=FileKind.choices)
    file = models.FileField(_("file"), upload_to=_storage_path, max_length=255)
    original_name = models.CharField(_("original name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    attached_type = models.ForeignKey(
        ContentType,
        verbose_name=_("attached to (type)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    attached_id = models.CharField(_("attached to (id)"), max_length=64, blank=True)
    attached_to = GenericForeignKey("attached_type", "attached_id")
    created_at = models.DateTimeField(_("uploaded at"), db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["attached_type", "attached_id"], name="uploads_attached_idx"),
        ]

    def __str__(self) -> str:
        return self.original_name
