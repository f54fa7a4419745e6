from django import forms
from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.admin import AuditedAdminMixin
from owners.models import Building, Estate
from portal.admin_mixins import ReadOnlyAdminMixin
from portal.pagination import CappedCountPaginator

from .models import (
    Category,
    Escalation,
    EscalationRule,
    SlaTarget,
    Territory,
    TerritoryChange,
    Ticket,
    TicketEvent,
)
from .territories import territory_redraw


class SlaTargetInline(admin.TabularInline):
    model = SlaTarget
    extra = 0


@admin.register(Category)
class CategoryAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "ticket_type", "default_priority", "dispatch_mode",
                    "around_the_clock", "is_active"]
    list_filter = ["ticket_type", "dispatch_mode", "around_the_clock", "is_active", "parent"]
    search_fields = ["name", "code"]
    list_select_related = ["parent"]
    prepopulated_fields = {"code": ["name"]}
    filter_horizontal = ["skilled_staff"]
    inlines = [SlaTargetInline]


class TerritoryAdminForm(forms.ModelForm):
    take_from_others = forms.BooleanField(
        label=_("Move from other territories"), required=False, initial=True,
        help_text=_("Estates and buildings added here leave the territories that have them "
                    "now, with their open tickets"))
    change_note = forms.CharField(label=_("Why (recorded with the change)"), required=False,
                                  max_length=200)

    class Meta:
        model = Territory
        fields = ["name", "estates", "buildings", "members"]


class TerritoryChangeInline(admin.TabularInline):
    model = TerritoryChange
    fields = ["created_at", "changed_by", "tickets_moved", "note"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    ordering = ["-created_at", "-id"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")


@admin.register(Territory)
class TerritoryAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Re-drawing a territory here goes through ``territory_redraw``: the change is recorded
    and the open tickets of the places concerned follow."""

    form = TerritoryAdminForm
    list_display = ["name"]
    search_fields = ["name"]
    list_filter = ["estates"]

    def has_delete_permission(self, request, obj=None):
        # Deleting would leave its open tickets in no territory, unrecorded: re-draw instead.
        return False
    filter_horizontal = ["estates", "buildings", "members"]
    inlines = [TerritoryChangeInline]

    def save_related(self, request, form, formsets, change):
        redrawn = not change or {"estates", "buildings"} & set(form.changed_data)
        # The places are set by the re-drawing below, not directly by the form.
        estates = form.cleaned_data.pop("estates")
        buildings = form.cleaned_data.pop("buildings")
        super().save_related(request, form, formsets, change)
        if not redrawn:
            return
        done = territory_redraw(territory=form.instance, by=request.user, estates=estates,
                                buildings=buildings, note=form.cleaned_data["change_note"],
                                take_from_others=form.cleaned_data["take_from_others"])
        self.message_user(request, gettext("Territory re-drawn: %(count)s open tickets moved.")
                          % {"count": done.tickets_moved})


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ["number", "type", "category", "priority", "status", "estate", "assignee",
                    "created_at"]
    list_filter = ["status", "type", "priority", "category"]
    search_fields = ["number"]
    list_select_related = ["category__parent", "estate", "assignee"]
    paginator = CappedCountPaginator
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # State changes go through the ticket's actions, which check the transition table.
        return False


@admin.register(TicketEvent)
class TicketEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "ticket", "kind", "action", "from_status", "to_status",
                    "actor"]
    list_filter = ["kind", "action"]
    search_fields = ["ticket__number"]
    list_select_related = ["ticket", "actor"]
    paginator = CappedCountPaginator
    show_full_result_count = False


@admin.register(EscalationRule)
class EscalationRuleAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "trigger", "level", "delay_minutes", "category", "priority",
                    "is_active"]
    list_filter = ["trigger", "level", "is_active", "category"]
    search_fields = ["name"]
    filter_horizontal = ["recipients"]


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The history of escalations, read only: a deleted one would fire again."""

    list_display = ["created_at", "ticket", "rule", "notified_at"]
    list_filter = ["rule"]
    search_fields = ["ticket__number"]
    list_select_related = ["ticket", "rule"]
    paginator = CappedCountPaginator
    show_full_result_count = False


@admin.register(TerritoryChange)
class TerritoryChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The record of re-drawings: read only."""

    list_display = ["created_at", "territory", "changed_by", "tickets_moved", "note"]
    list_filter = ["territory"]
    list_select_related = ["territory", "changed_by"]
    fields = ["territory", "changed_by", "created_at", "estates_added", "estates_removed",
              "buildings_added", "buildings_removed", "tickets_moved", "note"]
    readonly_fields = fields

    @staticmethod
    def _names(queryset, ids) -> str:
        return "、".join(str(o) for o in queryset.filter(pk__in=ids or [])) or "—"

    @admin.display(description=_("estates added"))
    def estates_added(self, obj):
        return self._names(Estate.objects.all(), obj.added_estates)

    @admin.display(description=_("estates removed"))
    def estates_removed(self, obj):
        return self._names(Estate.objects.all(), obj.removed_estates)

    @admin.display(description=_("buildings added"))
    def buildings_added(self, obj):
        return self._names(Building.objects.select_related("estate"), obj.added_buildings)

    @admin.display(description=_("buildings removed"))
    def buildings_removed(self, obj):
        return self._names(Building.objects.select_related("estate"), obj.removed_buildings)
