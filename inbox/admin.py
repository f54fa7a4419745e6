from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.admin_mixins import ReadOnlyAdminMixin
from portal.pagination import CappedCountPaginator

from .models import Notification


class ReadFilter(admin.SimpleListFilter):
    title = _("read")
    parameter_name = "read"

    def lookups(self, request, model_admin):
        return [("no", _("Unread")), ("yes", _("Read"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(read_at__isnull=self.value() == "no")
        return queryset


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: messages are written by the areas that send them, never by hand."""

    list_display = ["created_at", "recipient", "title_text", "source", "read_at"]
    list_filter = [ReadFilter, "created_at"]
    search_fields = ["title", "source", "recipient__username", "recipient__full_name"]
    list_select_related = ["recipient"]
    show_full_result_count = False
    paginator = CappedCountPaginator
    readonly_fields = [f.name for f in Notification._meta.fields]

    @admin.display(description=_("title"), ordering="title")
    def title_text(self, obj: Notification) -> str:
        return obj.title_text
