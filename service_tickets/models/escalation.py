from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.stored_text import text

from ..choices import Priority


class EscalationRule(models.Model):
    """When a ticket misses a time, who is told, level by level (班长 → 主管 → 经理)."""

    class Trigger(models.TextChoices):
        NOT_ACCEPTED = "not_accepted", _("Not accepted in time")
        NOT_RESPONDED = "not_responded", _("Not responded to in time")
        NOT_RESOLVED = "not_resolved", _("Not resolved in time")

    name = models.CharField(_("name"), max_length=60)
    category = models.ForeignKey("service_tickets.Category", verbose_name=_("category"),
                                 on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="escalation_rules",
                                 help_text=_("Empty: every category"))
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices,
                                blank=True, help_text=_("Empty: every priority"))
    trigger = models.CharField(_("trigger"), max_length=20, choices=Trigger.choices)
    level = models.PositiveSmallIntegerField(_("level"), default=1)
    delay_minutes = models.PositiveIntegerField(
        _("minutes after the missed time"), default=0,
        help_text=_("0 for level 1; e.g. 60 for level 2, 240 for level 3"))
    recipients = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("notify"),
                                        related_name="+")
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("escalation rule")
        verbose_name_plural = _("escalation rules")
        ordering = ["trigger", "level", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_trigger_display()} L{self.level})"


class Escalation(models.Model):
    """A rule fired for a ticket (unique, so a rule fires once per ticket however often the
    scanner runs), or an escalation someone raised by hand with a reason."""

    ticket = models.ForeignKey("service_tickets.Ticket", verbose_name=_("ticket"),
                               on_delete=models.CASCADE, related_name="escalations")
    rule = models.ForeignKey(EscalationRule, verbose_name=_("rule"), on_delete=models.CASCADE,
                             null=True, blank=True, related_name="escalations")
    level = models.PositiveSmallIntegerField(_("level"), default=1)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    # A reason the system gave (portal.stored_text), shown in the reader's language.
    reason_message = models.JSONField(_("reason (message id)"), null=True, blank=True)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("raised by"),
                                  on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    created_at = models.DateTimeField(_("escalated at"), auto_now_add=True)
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_at"], name="tickets_escalation_unsent_idx",
                                condition=models.Q(notified_at__isnull=True))]
        constraints = [models.UniqueConstraint(fields=["ticket", "rule"],
                                               condition=models.Q(rule__isnull=False),
                                               name="tickets_escalation_once")]

    def __str__(self) -> str:
        return f"{self.ticket} {self.rule or self.reason}"

    @property
    def why(self) -> str:
        if self.rule_id:
            return str(self.rule.get_trigger_display())
        return text(self.reason_message, self.reason)
