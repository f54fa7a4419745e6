from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from audit.admin import AuditedAdminMixin

from .forms import CalendarYearConfirmForm
from .models import CalendarDay, CalendarYear, WorkPeriod
from .services import NoOfficialData, calendar_year_confirm, official_year_confirm


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
        self._remind_to_confirm_again(request, {obj.date.year})

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._remind_to_confirm_again(request, {obj.date.year})

    def delete_queryset(self, request, queryset):
        years = set(queryset.values_list("date__year", flat=True))
        super().delete_queryset(request, queryset)
        self._remind_to_confirm_again(request, years)

    def _remind_to_confirm_again(self, request, years: set[int]) -> None:
        """Due times already worked out on a confirmed year keep the days as they were
        until the year is confirmed again (which recomputes them)."""
        for year in sorted(CalendarYear.objects.filter(year__in=years)
                           .values_list("year", flat=True)):
            self.message_user(request, _(
                "%(year)s is already confirmed: confirm it again under Confirmed calendar "
                "years to recompute the open tickets' due times with this change.")
                % {"year": year}, messages.WARNING)


@admin.register(WorkPeriod)
class WorkPeriodAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "start", "end"]
    list_filter = ["start"]
    search_fields = ["start"]


def _confirm(request, year: int, source: str):
    if source == CalendarDay.Source.OFFICIAL:
        return official_year_confirm(year=year, by=request.user)
    return calendar_year_confirm(year=year, by=request.user, source=source)


@admin.register(CalendarYear)
class CalendarYearAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Adding a year confirms it (through the service, which has the open tickets' due
    times recomputed); deleting one makes its due times provisional again."""

    form = CalendarYearConfirmForm
    list_display = ["year", "source", "confirmed_at", "confirmed_by", "recomputed_at"]
    list_filter = ["source"]
    search_fields = ["year"]
    actions = ["confirm_again"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["year", "source", "confirmed_at", "confirmed_by", "recomputed_at"]

    def get_fields(self, request, obj=None):
        return self.get_readonly_fields(request, obj) or ["year", "source"]

    def save_model(self, request, obj, form, change):
        if change:
            return
        confirmed = _confirm(request, obj.year, obj.source)
        obj.pk, obj._state.adding = confirmed.pk, False
        obj.refresh_from_db()

    @admin.action(description=_("Confirm again and recompute the open tickets' due times"),
                  permissions=["add"])
    def confirm_again(self, request, queryset):
        done = 0
        for year in queryset:
            try:
                _confirm(request, year.year, year.source)
            except (NoOfficialData, ValidationError):
                self.message_user(request, _("%(year)s could not be confirmed: its holidays "
                                             "are missing.") % {"year": year.year},
                                  messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, _(
                "Years confirmed: %(count)d. The open tickets' due times are being worked "
                "out again.") % {"count": done}, messages.SUCCESS)
