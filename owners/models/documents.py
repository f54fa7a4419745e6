from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from versioning.models import VersionedModel


class DocumentKind(models.TextChoices):
    PROPOSAL = "proposal", _("Proposal")
    CONTRACT = "contract", _("Service contract")


class DocumentTemplate(models.Model):
    """A Word template (.docx with ``{{ placeholders }}``) uploaded by a manager.

    Uploading a new file under the same name adds a version; documents keep the version
    they were made from.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    name = models.CharField(_("name"), max_length=100)
    version = models.PositiveIntegerField(_("version"), default=1)
    file = models.ForeignKey("uploads.StoredFile", verbose_name=_("file"),
                             on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField(_("in use"), default=True)
    notes = models.CharField(_("notes"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"),
                                    on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("document template")
        verbose_name_plural = _("document templates")
        ordering = ["kind", "name", "-version"]
        constraints = [models.UniqueConstraint(fields=["kind", "name", "version"],
                                               name="owners_template_unique_version")]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class ServiceDocument(VersionedModel):
    """A proposal (建议书) or service contract (服务合同) made for an owner or room."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        SIGNED = "signed", _("Signed")
        EXPIRED = "expired", _("Expired")

    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    number = models.CharField(_("number"), max_length=30, unique=True)
    title = models.CharField(_("title"), max_length=200)
    party = models.ForeignKey("owners.Party", verbose_name=_("owner or occupant"),
                              on_delete=models.PROTECT, related_name="documents")
    room = models.ForeignKey("owners.Room", verbose_name=_("room"), on_delete=models.PROTECT,
                             related_name="documents", null=True, blank=True)
    template = models.ForeignKey(DocumentTemplate, verbose_name=_("template"),
                                 on_delete=models.PROTECT, related_name="documents")
    file = models.ForeignKey("uploads.StoredFile", verbose_name=_("file"),
                             on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT)
    start_date = models.DateField(_("starts"), null=True, blank=True)
    end_date = models.DateField(_("ends"), null=True, blank=True)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2,
                                 null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("proposal or contract")
        verbose_name_plural = _("proposals and contracts")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["party", "-created_at"], name="owners_doc_party_idx")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"
