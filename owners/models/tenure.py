from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..choices import MoveInState, OccupantRelation


class TenureBase(models.Model):
    start_date = models.DateField(_("from"), null=True, blank=True)
    end_date = models.DateField(_("until"), null=True, blank=True)
    move_in_state = models.CharField(_("move-in state"), max_length=20,
                                     choices=MoveInState.choices,
                                     default=MoveInState.MOVED_IN)
    notes = models.CharField(_("notes"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True

    @property
    def is_current(self) -> bool:
        return self.end_date is None or self.end_date >= timezone.localdate()


class Ownership(TenureBase):
    """A party owns (a share of) a room over a period; ended, not deleted, when sold."""

    tenure_kind = "ownership"

    room = models.ForeignKey("owners.Room", verbose_name=_("room"), on_delete=models.PROTECT,
                             related_name="ownerships")
    party = models.ForeignKey("owners.Party", verbose_name=_("owner"),
                              on_delete=models.PROTECT, related_name="ownerships")
    share = models.DecimalField(_("share (%)"), max_digits=5, decimal_places=2,
                                default=Decimal(100),
                                validators=[MinValueValidator(0), MaxValueValidator(100)])
    certificate_number = models.CharField(_("property certificate number"), max_length=60,
                                          blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("ownership")
        verbose_name_plural = _("ownerships")
        ordering = ["-start_date", "-id"]
        indexes = [
            models.Index(fields=["room", "end_date"], name="owners_ownership_room_idx"),
            models.Index(fields=["party", "end_date"], name="owners_ownership_party_idx"),
        ]
        constraints = [models.CheckConstraint(
            condition=Q(end_date__isnull=True) | Q(start_date__isnull=True)
            | Q(end_date__gte=models.F("start_date")),
            name="owners_ownership_dates_in_order")]

    def __str__(self) -> str:
        return f"{self.party} · {self.room}"


class Occupancy(TenureBase):
    """A non-owner lives in or uses a room: tenant, family member, company staff."""

    tenure_kind = "occupancy"

    room = models.ForeignKey("owners.Room", verbose_name=_("room"), on_delete=models.PROTECT,
                             related_name="occupancies")
    party = models.ForeignKey("owners.Party", verbose_name=_("occupant"),
                              on_delete=models.PROTECT, related_name="occupancies")
    relation = models.CharField(_("relation"), max_length=20, choices=OccupantRelation.choices)
    relation_detail = models.CharField(_("relation detail"), max_length=30, blank=True,
                                       help_text=_("e.g. 配偶, 子女, 父母"))

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("occupancy")
        verbose_name_plural = _("occupancies")
        ordering = ["-start_date", "-id"]
        indexes = [
            models.Index(fields=["room", "end_date"], name="owners_occupancy_room_idx"),
            models.Index(fields=["party", "end_date"], name="owners_occupancy_party_idx"),
        ]
        constraints = [models.CheckConstraint(
            condition=Q(end_date__isnull=True) | Q(start_date__isnull=True)
            | Q(end_date__gte=models.F("start_date")),
            name="owners_occupancy_dates_in_order")]

    def __str__(self) -> str:
        return f"{self.party} · {self.room}"
