from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from versioning.models import VersionedModel

from ..choices import ContactChannel, Gender, IdType, PartyKind, PhoneKind


class Tag(models.Model):
    """A label the front desk puts on people (e.g. 独居老人, VIP, 欠费)."""

    name = models.CharField(_("name"), max_length=30, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Party(VersionedModel):
    """An owner or occupant: a person, or a company with a unified social credit code.

    The ID number is never stored in clear: ``id_encrypted`` holds it encrypted,
    ``id_hash`` a keyed hash for exact lookup and ``id_masked`` what most users see.
    """

    kind = models.CharField(_("kind"), max_length=10, choices=PartyKind.choices,
                            default=PartyKind.PERSON)
    name = models.CharField(_("name"), max_length=100)
    name_pinyin = models.CharField(_("name in pinyin"), max_length=400, editable=False)
    name_initials = models.CharField(_("pinyin initials"), max_length=100, editable=False)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    id_type = models.CharField(_("ID document"), max_length=30, choices=IdType.choices,
                               blank=True)
    id_encrypted = models.TextField(_("ID number (encrypted)"), blank=True, editable=False)
    id_hash = models.CharField(_("ID number lookup hash"), max_length=64, blank=True,
                               editable=False, db_index=True)
    id_masked = models.CharField(_("ID number"), max_length=40, blank=True, editable=False)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True,
                            db_index=True)
    email = models.EmailField(_("e-mail"), blank=True)
    workplace = models.CharField(_("workplace"), max_length=100, blank=True)
    emergency_name = models.CharField(_("emergency contact"), max_length=60, blank=True)
    emergency_phone = models.CharField(_("emergency contact phone"), max_length=40,
                                       blank=True)
    emergency_relation = models.CharField(_("relation of the emergency contact"),
                                          max_length=30, blank=True)
    preferred_channel = models.CharField(_("preferred contact channel"), max_length=10,
                                         choices=ContactChannel.choices, blank=True)
    preferred_time = models.CharField(_("preferred contact time"), max_length=60, blank=True,
                                      help_text=_("e.g. 工作日晚上 7 点后"))
    primary_contact = models.ForeignKey(
        "self", verbose_name=_("primary contact"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+",
        help_text=_("Whom to call about this owner's matters, if not the owner"))
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True,
                                  related_name="parties")
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at", "name_pinyin",
                                                 "name_initials"])

    class Meta:
        verbose_name = _("owner or occupant")
        verbose_name_plural = _("owners and occupants")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["name", "id"], name="owners_party_name_idx"),
            models.Index(fields=["name_initials", "id"], name="owners_party_initials_idx"),
            models.Index(fields=["name_pinyin", "id"], name="owners_party_pinyin_idx"),
        ]
        permissions = [
            ("view_full_id", _("Can see full ID numbers")),
            ("export_party", _("Can export owners and occupants")),
            ("view_every_estate", _("Can see the owners and rooms of every estate (without "
                                    "it, only those of one's own territories)")),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_company(self) -> bool:
        return self.kind == PartyKind.COMPANY


class Phone(models.Model):
    """A phone number of a party, normalised, with its last four digits for 尾号 lookup."""

    party = models.ForeignKey(Party, verbose_name=_("owner or occupant"),
                              on_delete=models.CASCADE, related_name="phones")
    e164 = models.CharField(_("number"), max_length=20, db_index=True)
    extension = models.CharField(_("extension"), max_length=10, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=PhoneKind.choices)
    display = models.CharField(_("phone"), max_length=40)
    tail = models.CharField(_("last four digits"), max_length=4, db_index=True)
    is_primary = models.BooleanField(_("primary"), default=False)
    label = models.CharField(_("label"), max_length=30, blank=True,
                             help_text=_("e.g. 工作, 家里"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("phone")
        verbose_name_plural = _("phones")
        ordering = ["-is_primary", "id"]
        constraints = [models.UniqueConstraint(fields=["party", "e164", "extension"],
                                               name="owners_phone_unique_per_party")]

    def __str__(self) -> str:
        return self.display


class Vehicle(models.Model):
    """A vehicle of a party, by its normalised plate (浙A12345)."""

    party = models.ForeignKey(Party, verbose_name=_("owner or occupant"),
                              on_delete=models.CASCADE, related_name="vehicles")
    plate = models.CharField(_("licence plate"), max_length=12, db_index=True)
    description = models.CharField(_("make and colour"), max_length=60, blank=True)
    parking_space = models.CharField(_("parking space"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        ordering = ["plate"]

    def __str__(self) -> str:
        return self.plate


class Pet(models.Model):
    """A pet kept in a household (dog registration, vaccination)."""

    party = models.ForeignKey(Party, verbose_name=_("owner or occupant"),
                              on_delete=models.CASCADE, related_name="pets")
    species = models.CharField(_("species"), max_length=30)
    name = models.CharField(_("name"), max_length=30, blank=True)
    breed = models.CharField(_("breed"), max_length=30, blank=True)
    vaccinated_on = models.DateField(_("last vaccination"), null=True, blank=True)
    notes = models.CharField(_("notes"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("pet")
        verbose_name_plural = _("pets")
        ordering = ["species", "name"]

    def __str__(self) -> str:
        return f"{self.species} {self.name}".strip()
