from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import QUALITY_DIMENSIONS, FollowUpMethod, FollowUpOutcome


def _score(label):
    return models.PositiveSmallIntegerField(
        label, null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)])


class FollowUp(models.Model):
    """A follow-up (回访) after a ticket was done: how it went, in the owner's words, scored on
    the ten service-quality dimensions (1–5, empty when not asked)."""

    ticket = models.ForeignKey("service_tickets.Ticket", verbose_name=_("ticket"),
                               on_delete=models.PROTECT, related_name="follow_ups")
    method = models.CharField(_("method"), max_length=10, choices=FollowUpMethod.choices)
    outcome = models.CharField(_("outcome"), max_length=12, choices=FollowUpOutcome.choices)
    overall = models.PositiveSmallIntegerField(
        _("overall rating"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)])
    tangibles = _score(QUALITY_DIMENSIONS[0][1])
    reliability = _score(QUALITY_DIMENSIONS[1][1])
    responsiveness = _score(QUALITY_DIMENSIONS[2][1])
    competence = _score(QUALITY_DIMENSIONS[3][1])
    courtesy = _score(QUALITY_DIMENSIONS[4][1])
    credibility = _score(QUALITY_DIMENSIONS[5][1])
    security = _score(QUALITY_DIMENSIONS[6][1])
    access = _score(QUALITY_DIMENSIONS[7][1])
    communication = _score(QUALITY_DIMENSIONS[8][1])
    understanding = _score(QUALITY_DIMENSIONS[9][1])
    comments = models.TextField(_("comments"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["ticket", "-created_at"], name="tickets_followup_idx")]

    def __str__(self) -> str:
        return f"{self.ticket} {self.get_outcome_display()}"

    def scores(self) -> list[tuple[str, int | None]]:
        return [(label, getattr(self, name)) for name, label in QUALITY_DIMENSIONS]
