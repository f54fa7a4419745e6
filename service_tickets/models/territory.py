from django.conf import settings
from django.db import models
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
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
