from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.admin_mixins import ReadOnlyAdminMixin
from portal.pagination import CappedCountPaginator

from .models import AuditEntry

KNOWN_ACTIONS = {
    "auth.login": _("Signed in"),
    "auth.login_failed": _("Failed sign-in"),
    "auth.logout": _("Signed out"),
    "auth.password_changed": _("Changed password"),
    "auth.password_reset": _("Reset password by e-mail"),
    "staff.language_changed": _("Changed language"),
    "admin.added": _("Added in admin"),
    "admin.changed": _("Changed in admin"),
    "admin.deleted": _("Deleted in admin"),
    "file.uploaded": _("Uploaded a file"),
    "file.downloaded": _("Downloaded a file"),
}


class ActionFilter(admin.SimpleListFilter):
    """Known actions as fixed choices: listing distinct values of millions of rows is slow."""

    title = _("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return list(KNOWN_ACTIONS.items())

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(action=value) if value else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "actor_repr", "action", "target_type", "target_repr",
                    "ip_address", "request_id"]
    list_filter = [ActionFilter, "target_type", "created_at"]
    search_fields = ["actor_repr", "action", "target_repr", "target_id", "request_id",
                     "ip_address"]
    list_select_related = ["target_type"]
    show_full_result_count = False
    paginator = CappedCountPaginator
    readonly_fields = [f.name for f in AuditEntry._meta.fields]


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
