from django.contrib import admin

from audit.admin import AuditedAdminMixin

from .models import CalendarDay, WorkPeriod


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["date", "kind", "name", "source"]
    list_filter = ["kind", "source", "date"]
    search_fields = ["name"]
    date_hierarchy = "date"
    readonly_fields = ["source"]

    def save_model(self, request, obj, form, change):
        obj.source = CalendarDay.Source.MANUAL
        super().save_model(request, obj, form, change)


@admin.register(WorkPeriod)
class WorkPeriodAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "start", "end"]
    list_filter = ["start"]
    search_fields = ["start"]
