from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ListExport(models.Model):
    """A filtered list written to Excel by the background worker for one user.

    Large lists take longer than a web request may: the request records what to export,
    a task claims the row and writes the file, the user downloads it when it is done.
    """

    class Kind(models.TextChoices):
        PARTIES = "parties", _("Owners and occupants")
        ROOMS = "rooms", _("Rooms")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Being written")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                             on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("list"), max_length=20, choices=Kind.choices)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    file = models.ForeignKey("uploads.StoredFile", verbose_name=_("file"),
                             on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    error = models.CharField(_("error"), max_length=300, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("list export")
        verbose_name_plural = _("list exports")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="owners_export_user_idx"),
            models.Index(fields=["status", "created_at"], name="owners_export_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"
