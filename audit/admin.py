from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor_repr", "action", "target_type", "target_repr",
                    "ip_address", "request_id"]
    list_filter = ["action", "target_type", "created_at"]
    search_fields = ["actor_repr", "action", "target_repr", "target_id", "request_id",
                     "ip_address"]
    date_hierarchy = "created_at"
    list_select_related = ["target_type"]
    show_full_result_count = False
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedAdminMixin:
    """Writes every add, change and delete made in admin to the audit trail."""

    def log_addition(self, request, obj, message):
        from .services import audit_record

        audit_record(actor=request.user, action="admin.added", target=obj,
                     details={"change": _plain(message)})
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        from .services import audit_record

        audit_record(actor=request.user, action="admin.changed", target=obj,
                     details={"change": _plain(message)})
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        from .services import audit_record

        for obj in queryset:
            audit_record(actor=request.user, action="admin.deleted", target=obj)
        return super().log_deletions(request, queryset)


def _plain(message):
    return message if isinstance(message, list | str) else str(message)
