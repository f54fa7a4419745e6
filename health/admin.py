from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_celery_beat.admin import PeriodicTaskAdmin as BeatPeriodicTaskAdmin
from django_celery_beat.models import PeriodicTask

from .jobs import job_label
from .models import WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["worker", "beat_at"]
    search_fields = ["worker"]
    list_filter = ["beat_at"]
    readonly_fields = ["worker", "beat_at"]

    def has_add_permission(self, request):
        return False


class TaskNameFilter(admin.AllValuesFieldListFilter):
    """django-celery-beat leaves the task field's label untranslated ("Task Name")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("task")


admin.site.unregister(PeriodicTask)


@admin.register(PeriodicTask)
class PeriodicTaskAdmin(BeatPeriodicTaskAdmin):
    """django-celery-beat's admin, with each job's name shown in the reader's language."""

    list_display = ("job_name", *BeatPeriodicTaskAdmin.list_display[1:])
    list_filter = [("task", TaskNameFilter) if name == "task" else name
                   for name in BeatPeriodicTaskAdmin.list_filter]

    @admin.display(description=_("name"), ordering="name")
    def job_name(self, obj: PeriodicTask) -> str:
        return job_label(obj.name)
