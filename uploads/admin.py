from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.pagination import CappedCountPaginator

from .models import StoredFile


@admin.register(StoredFile)
class StoredFileAdmin(admin.ModelAdmin):
    list_display = ["original_name", "kind", "content_type", "size", "uploaded_by",
                    "created_at", "download_link"]
    list_filter = ["kind", "content_type", "created_at"]
    search_fields = ["original_name", "sha256"]
    list_select_related = ["uploaded_by"]
    show_full_result_count = False
    paginator = CappedCountPaginator
    readonly_fields = ["id", "kind", "original_name", "content_type", "size", "sha256",
                       "uploaded_by", "attached_type", "attached_id", "created_at"]
    exclude = ["file"]

    def has_add_permission(self, request):
        # Files enter through the checked upload service only.
        return False

    @admin.display(description=_("download"))
    def download_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("uploads:download", args=[obj.pk]),
                           _("download"))
