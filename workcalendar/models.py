from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    """A date that breaks the Monday–Friday rule: a public holiday, or a make-up workday
    (调休上班) falling on a weekend. Loaded from the official arrangement and editable by
    managers for years the official data does not cover yet."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Day off (public holiday)")
        WORKDAY = "workday", _("Workday (make-up day)")

    class Source(models.TextChoices):
        OFFICIAL = "official", _("Official arrangement")
        MANUAL = "manual", _("Entered by a manager")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=60, blank=True,
                            help_text=_("e.g. 国庆节"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices,
                              default=Source.MANUAL)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}".strip()


class WorkPeriod(models.Model):
    """A stretch of the working day (e.g. 08:30–12:00 and 13:30–17:30)."""

    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        ordering = ["start"]
        constraints = [models.CheckConstraint(condition=Q(end__gt=F("start")),
                                              name="workcalendar_period_in_order")]

    def __str__(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


class CalendarYear(models.Model):
    """A year whose holidays and make-up workdays are known for certain: loaded from the
    official arrangement, or entered by a manager and then confirmed. Due times that fall
    in a year without a row are provisional (the clock counts Monday to Friday there)."""

    Source = CalendarDay.Source

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=10, choices=CalendarDay.Source.choices)
    confirmed_at = models.DateTimeField(_("confirmed at"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
        help_text=_("Empty when the official arrangement was loaded by the system"))
    recomputed_at = models.DateTimeField(
        _("due times recomputed at"), null=True, blank=True,
        help_text=_("When the open tickets' due times were worked out again on this year"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("confirmed calendar year")
        verbose_name_plural = _("confirmed calendar years")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)
