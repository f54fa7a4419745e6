from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import NoticeKind


class NoticeQuerySet(models.QuerySet):
    def in_force(self, now=None):
        now = now or timezone.now()
        return self.filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now), starts_at__lte=now,
                           withdrawn_at__isnull=True)

    def concerning(self, *, estate_id, building_id=None):
        """Notices for the whole estate, or naming the building."""
        qs = self.filter(estate_id=estate_id)
        if building_id is None:
            return qs
        return qs.filter(Q(buildings__isnull=True) | Q(buildings=building_id)).distinct()


class Notice(models.Model):
    """A notice in force for an estate or some of its buildings (停水通知, lift maintenance),
    shown at ticket entry so the desk answers the caller instead of logging a duplicate."""

    kind = models.CharField(_("kind"), max_length=10, choices=NoticeKind.choices)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("details"), blank=True)
    estate = models.ForeignKey("owners.Estate", verbose_name=_("estate"),
                               on_delete=models.PROTECT, related_name="notices")
    buildings = models.ManyToManyField("owners.Building", verbose_name=_("buildings"),
                                       blank=True, related_name="notices",
                                       help_text=_("Empty: the whole estate"))
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("posted by"),
                                   on_delete=models.PROTECT, related_name="+")
    calls = models.PositiveIntegerField(_("calls about it"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["estate", "starts_at"], name="tickets_notice_idx")]

    def __str__(self) -> str:
        return self.title


class NoticeCall(models.Model):
    """A caller the desk answered from a notice instead of logging a ticket."""

    notice = models.ForeignKey(Notice, verbose_name=_("notice"), on_delete=models.CASCADE,
                               related_name="call_records")
    party = models.ForeignKey("owners.Party", verbose_name=_("caller"),
                              on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    room = models.ForeignKey("owners.Room", verbose_name=_("room"), on_delete=models.PROTECT,
                             null=True, blank=True, related_name="+")
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("answered by"),
                                    on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("call about a notice")
        verbose_name_plural = _("calls about notices")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.notice} {self.created_at:%Y-%m-%d %H:%M}"
