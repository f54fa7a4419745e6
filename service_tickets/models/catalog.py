from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import DispatchMode, FollowUpPolicy, Priority, TicketType


class Category(models.Model):
    """A node of the category tree managers maintain (水电维修 › 漏水)."""

    parent = models.ForeignKey("self", verbose_name=_("parent category"),
                               on_delete=models.PROTECT, null=True, blank=True,
                               related_name="children")
    name = models.CharField(_("name"), max_length=60)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    ticket_type = models.CharField(
        _("type of its tickets"), max_length=12, choices=TicketType.choices, blank=True,
        help_text=_("Tickets of this category (and of its sub-categories) are of this type, "
                    "e.g. Complaint for 投诉; empty for any type"))
    default_priority = models.CharField(_("default priority"), max_length=10,
                                        choices=Priority.choices, default=Priority.NORMAL)
    around_the_clock = models.BooleanField(
        _("24×7"), default=False,
        help_text=_("SLA clocks run day and night (emergencies), not in working hours. A "
                    "subcategory without targets of its own follows its parent's targets "
                    "and this setting with them."))
    dispatch_mode = models.CharField(_("dispatch mode"), max_length=20,
                                     choices=DispatchMode.choices, default=DispatchMode.MANUAL)
    follow_up_policy = models.CharField(_("follow-up"), max_length=16,
                                        choices=FollowUpPolicy.choices,
                                        default=FollowUpPolicy.ALWAYS,
                                        help_text=_("Complaints are always followed up"))
    follow_up_days = models.PositiveSmallIntegerField(
        _("follow up within (days)"), default=3,
        help_text=_("Done tickets not followed up by then are listed as overdue"))
    skilled_staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("skilled staff"), blank=True,
        related_name="skilled_categories",
        help_text=_("Ranked first when a ticket of this category is dispatched"))
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["parent_id", "name"]
        constraints = [models.UniqueConstraint(fields=["parent", "name"],
                                               name="tickets_category_unique_name")]

    def __str__(self) -> str:
        return f"{self.parent} › {self.name}" if self.parent_id else self.name


class SlaTarget(models.Model):
    """How long a category's tickets of one priority may take, in minutes."""

    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.CASCADE,
                                 related_name="sla_targets")
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices)
    accept_minutes = models.PositiveIntegerField(_("accept within (minutes)"))
    respond_minutes = models.PositiveIntegerField(_("arrive/respond within (minutes)"))
    resolve_minutes = models.PositiveIntegerField(_("resolve within (minutes)"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        ordering = ["category", "priority"]
        constraints = [models.UniqueConstraint(fields=["category", "priority"],
                                               name="tickets_sla_once_per_priority")]

    def __str__(self) -> str:
        return f"{self.category} {self.get_priority_display()}"
