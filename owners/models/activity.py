from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.stored_text import text


class Activity(models.Model):
    """One entry of an owner's or room's timeline (业主 360°).

    Written by this app (visits, calls, notes, household changes) and by other areas
    through ``owners.timeline.activity_record``, which names the source and links to it.
    """

    party = models.ForeignKey("owners.Party", verbose_name=_("owner or occupant"),
                              on_delete=models.CASCADE, related_name="activities", null=True,
                              blank=True)
    room = models.ForeignKey("owners.Room", verbose_name=_("room"), on_delete=models.CASCADE,
                             related_name="activities", null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=30)
    occurred_at = models.DateTimeField(_("time"))
    title = models.CharField(_("title"), max_length=200)
    # What the system wrote, shown in the reader's language (portal.stored_text); the
    # title keeps it in the site's language, and is what people typed for their notes.
    message = models.JSONField(_("title (message id)"), null=True, blank=True)
    body = models.TextField(_("details"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"),
                              on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    source = models.CharField(_("source"), max_length=40, blank=True,
                              help_text=_("the app that recorded it"))
    source_id = models.CharField(_("source id"), max_length=64, blank=True)
    url = models.CharField(_("link"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["party", "-occurred_at", "-id"], name="owners_act_party_idx"),
            models.Index(fields=["room", "-occurred_at", "-id"], name="owners_act_room_idx"),
            models.Index(fields=["source", "source_id"], name="owners_act_source_idx"),
        ]

    def __str__(self) -> str:
        return self.title_text

    @property
    def title_text(self) -> str:
        return text(self.message, self.title)
