import re

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from versioning.models import VersionedModel

from ..choices import EstateKind, RoomStatus, RoomUse


class Estate(VersionedModel):
    """A managed property (小区/项目): residential estate, office, industrial or commercial."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=EstateKind.choices,
                            default=EstateKind.RESIDENTIAL)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("service phone"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("estate")
        verbose_name_plural = _("estates")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Building(VersionedModel):
    """A building (楼栋) of an estate, numbered as people say it ("3" for 3栋)."""

    estate = models.ForeignKey(Estate, verbose_name=_("estate"), on_delete=models.PROTECT,
                               related_name="buildings")
    number = models.CharField(_("building number"), max_length=20)
    name = models.CharField(_("name"), max_length=60, blank=True)
    phase = models.CharField(_("phase"), max_length=40, blank=True,
                             help_text=_("e.g. 一期; leave empty if the estate has no phases"))
    floors = models.SmallIntegerField(_("floors above ground"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["estate", "number"]
        constraints = [models.UniqueConstraint(fields=["estate", "number"],
                                               name="owners_building_unique_number")]

    def __str__(self) -> str:
        return f"{self.estate} {self.number}栋"


class Unit(models.Model):
    """An entrance (单元) of a building."""

    building = models.ForeignKey(Building, verbose_name=_("building"), on_delete=models.PROTECT,
                                 related_name="units")
    number = models.CharField(_("unit number"), max_length=20)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["building", "number"]
        constraints = [models.UniqueConstraint(fields=["building", "number"],
                                               name="owners_unit_unique_number")]

    def __str__(self) -> str:
        return f"{self.building} {self.number}单元"


class Room(VersionedModel):
    """A room (房屋), shop or parking space; its ``code`` reads ``3-2-1201``."""

    estate = models.ForeignKey(Estate, verbose_name=_("estate"), on_delete=models.PROTECT,
                               related_name="rooms")
    building = models.ForeignKey(Building, verbose_name=_("building"), on_delete=models.PROTECT,
                                 related_name="rooms")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="rooms", null=True, blank=True)
    number = models.CharField(_("room number"), max_length=20)
    code = models.CharField(_("room"), max_length=60, editable=False,
                            help_text=_("building-unit-room, e.g. 3-2-1201"))
    sort_key = models.CharField(max_length=120, editable=False, default="")
    floor = models.SmallIntegerField(_("floor"))
    gross_area = models.DecimalField(_("gross floor area (m²)"), max_digits=9,
                                     decimal_places=2, null=True, blank=True,
                                     validators=[MinValueValidator(0)])
    inner_area = models.DecimalField(_("internal floor area (m²)"), max_digits=9,
                                     decimal_places=2, null=True, blank=True,
                                     validators=[MinValueValidator(0)])
    use = models.CharField(_("use"), max_length=20, choices=RoomUse.choices,
                           default=RoomUse.HOME)
    status = models.CharField(_("status"), max_length=20, choices=RoomStatus.choices,
                              default=RoomStatus.VACANT)
    primary_contact = models.ForeignKey(
        "owners.Party", verbose_name=_("primary contact"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+")
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["estate", "code"]
        constraints = [models.UniqueConstraint(fields=["estate", "code"],
                                               name="owners_room_unique_code")]
        indexes = [
            models.Index(fields=["code", "id"], name="owners_room_code_idx"),
            models.Index(fields=["sort_key", "id"], name="owners_room_sort_idx"),
            models.Index(fields=["building", "code"], name="owners_room_building_idx"),
            models.Index(fields=["number"], name="owners_room_number_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.estate} {self.code}"

    def save(self, *args, **kwargs):
        # A derived column only (no rule lives here): 3-2-101 sorts before 3-2-1001.
        self.sort_key = self.natural_key_for(self.code)
        if kwargs.get("update_fields") is not None and "code" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "sort_key"}
        super().save(*args, **kwargs)

    @staticmethod
    def natural_key_for(code: str) -> str:
        """``3-2-1201`` → ``000003-000002-001201``: text that sorts as people count."""
        return re.sub(r"\d+", lambda m: m.group().zfill(6), code)

    @staticmethod
    def make_code(building_number: str, unit_number: str | None, room_number: str) -> str:
        parts = [building_number, unit_number, room_number]
        return "-".join(str(p).strip().upper() for p in parts if p)
