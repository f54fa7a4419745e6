from django.contrib import admin

from .models import WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["worker", "beat_at"]
    search_fields = ["worker"]
    list_filter = ["beat_at"]
    readonly_fields = ["worker", "beat_at"]

    def has_add_permission(self, request):
        return False
