from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Territory(models.Model):
    """A territory (片区): estates and buildings that service staff are authorised for."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    estates = models.ManyToManyField("owners.Estate", verbose_name=_("whole estates"),
                                     blank=True, related_name="territories")
    buildings = models.ManyToManyField("owners.Building", verbose_name=_("buildings"),
                                       blank=True, related_name="territories")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("staff"),
                                     blank=True, related_name="territories")
    # Round-robin dispatch: the member who was given the last automatic ticket.
    last_assigned = models.ForeignKey(settings.AUTH_USER_MODEL,
                                      verbose_name=_("last automatic assignee"),
                                      on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="+", editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TerritoryChange(models.Model):
    """A re-drawing of a territory: what moved in or out, by whom, and how many open tickets
    followed."""

    territory = models.ForeignKey(Territory, verbose_name=_("territory"),
                                  on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("changed by"),
                                   on_delete=models.PROTECT, related_name="+")
    added_estates = models.JSONField(_("estates added"), default=list, blank=True)
    removed_estates = models.JSONField(_("estates removed"), default=list, blank=True)
    added_buildings = models.JSONField(_("buildings added"), default=list, blank=True)
    removed_buildings = models.JSONField(_("buildings removed"), default=list, blank=True)
    tickets_moved = models.PositiveIntegerField(_("open tickets moved"), default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("territory change")
        verbose_name_plural = _("territory changes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.territory} {self.created_at:%Y-%m-%d}"
