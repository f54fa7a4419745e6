from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.stored_text import text


class Notification(models.Model):
    """A message for one staff member in their in-app inbox (unread count in the top bar)."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"),
                                  on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    # What the system said, as message ids rendered in the reader's language
    # (portal.stored_text); title and body keep the text in the recipient's language at
    # the time, shown for messages written before ids were kept.
    title_message = models.JSONField(_("title (message id)"), null=True, blank=True)
    body_message = models.JSONField(_("message (message id)"), null=True, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    # What the message is about, so one event notifies a person once (e.g. "escalation:12").
    source = models.CharField(_("source"), max_length=80, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="inbox_recipient_idx"),
            models.Index(fields=["recipient"], condition=models.Q(read_at__isnull=True),
                         name="inbox_unread_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "source"],
                                    condition=~models.Q(source=""),
                                    name="inbox_once_per_source"),
        ]

    def __str__(self) -> str:
        return self.title_text

    @property
    def title_text(self) -> str:
        return text(self.title_message, self.title)

    @property
    def body_text(self) -> str:
        return text(self.body_message, self.body)
