import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TicketMaterial(models.Model):
    """Material used on a ticket (a tap, 2 m of pipe), with its price when charged."""

    ticket = models.ForeignKey("service_tickets.Ticket", verbose_name=_("ticket"),
                               on_delete=models.CASCADE, related_name="materials")
    name = models.CharField(_("material"), max_length=80)
    quantity = models.DecimalField(_("quantity"), max_digits=9, decimal_places=2,
                                   validators=[MinValueValidator(Decimal("0.01"))])
    unit = models.CharField(_("unit"), max_length=10, default="个")
    unit_price = models.DecimalField(_("unit price (yuan)"), max_digits=10, decimal_places=2,
                                     default=Decimal("0"),
                                     validators=[MinValueValidator(Decimal("0"))])
    charged = models.BooleanField(_("charged to the owner"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("material used")
        verbose_name_plural = _("materials used")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.name} × {self.quantity}{self.unit}"

    @property
    def amount(self) -> Decimal:
        return (self.quantity * self.unit_price).quantize(Decimal("0.01"))


class SavedFilter(models.Model):
    """A ticket list or board filter a user saved under a name."""

    class Page(models.TextChoices):
        LIST = "list", _("Ticket list")
        BOARD = "board", _("Dispatcher board")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"),
                              on_delete=models.CASCADE, related_name="ticket_filters")
    page = models.CharField(_("page"), max_length=8, choices=Page.choices)
    name = models.CharField(_("name"), max_length=40)
    query = models.CharField(_("filter"), max_length=500)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["owner", "page", "name"],
                                               name="tickets_filter_unique_name")]

    def __str__(self) -> str:
        return self.name


class TicketExport(models.Model):
    """A ticket list export someone asked for: kept until the worker has written it, so a
    message lost with the broker is found and run again by the periodic scan."""

    class State(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                     on_delete=models.CASCADE, related_name="+")
    query = models.CharField(_("filter"), max_length=1000, blank=True)
    state = models.CharField(_("state"), max_length=8, choices=State.choices,
                             default=State.PENDING)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    file = models.ForeignKey("uploads.StoredFile", verbose_name=_("file"),
                             on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("ticket export")
        verbose_name_plural = _("ticket exports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_at"], name="tickets_export_pending_idx",
                                condition=models.Q(state="pending"))]

    def __str__(self) -> str:
        return f"{self.requested_by} {self.created_at:%Y-%m-%d %H:%M}"
