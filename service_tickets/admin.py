from django.contrib import admin

from audit.admin import AuditedAdminMixin
from portal.pagination import CappedCountPaginator

from .models import Category, Escalation, EscalationRule, SlaTarget, Territory, Ticket, TicketEvent


class SlaTargetInline(admin.TabularInline):
    model = SlaTarget
    extra = 0


@admin.register(Category)
class CategoryAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "default_priority", "dispatch_mode", "around_the_clock",
                    "is_active"]
    list_filter = ["dispatch_mode", "around_the_clock", "is_active", "parent"]
    search_fields = ["name", "code"]
    list_select_related = ["parent"]
    prepopulated_fields = {"code": ["name"]}
    inlines = [SlaTargetInline]


@admin.register(Territory)
class TerritoryAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    list_filter = ["estates"]
    filter_horizontal = ["estates", "buildings", "members"]


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ["number", "type", "category", "priority", "status", "estate", "assignee",
                    "created_at"]
    list_filter = ["status", "type", "priority", "category"]
    search_fields = ["number"]
    list_select_related = ["category", "estate", "assignee"]
    paginator = CappedCountPaginator
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # State changes go through the ticket's actions, which check the transition table.
        return False


@admin.register(TicketEvent)
class TicketEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "ticket", "kind", "action", "from_status", "to_status",
                    "actor"]
    list_filter = ["kind", "action"]
    search_fields = ["ticket__number"]
    list_select_related = ["ticket", "actor"]
    paginator = CappedCountPaginator
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EscalationRule)
class EscalationRuleAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "trigger", "level", "delay_minutes", "category", "priority",
                    "is_active"]
    list_filter = ["trigger", "level", "is_active", "category"]
    search_fields = ["name"]
    filter_horizontal = ["recipients"]


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "ticket", "rule", "notified_at"]
    list_filter = ["rule"]
    search_fields = ["ticket__number"]
    list_select_related = ["ticket", "rule"]
    paginator = CappedCountPaginator
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
