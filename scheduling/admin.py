"""Scheduling in Django admin, for managers and administrators.

Only the conflict policies are edited here. Events are changed in the calendar, whose
services check conflicts, versions and tell the attendees; memos are personal and are not
shown here at all; the rest is listed read only.
"""

from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from audit.admin import AuditedAdminMixin
from portal.admin_mixins import ReadOnlyAdminMixin
from portal.pagination import CappedCountPaginator

from .models import (
    Attendance,
    CalendarFeed,
    ConflictPolicy,
    Event,
    ReminderSent,
    ReminderSetting,
    Task,
)

PRIVATE_TITLE = _("Busy (private)")


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    paginator = CappedCountPaginator
    show_full_result_count = False


@admin.register(ConflictPolicy)
class ConflictPolicyAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Managers choose, per kind of event, whether an overlap warns or refuses the booking;
    a kind without a row keeps the default (on-site visits block, the rest warn)."""

    list_display = ["kind", "action", "updated_at"]
    list_editable = ["action"]
    list_filter = ["action"]
    fields = ["kind", "action"]

    def get_readonly_fields(self, request, obj=None):
        return ["kind"] if obj is not None else []


class AttendanceFormSet(BaseInlineFormSet):
    def get_queryset(self):
        rows = super().get_queryset()
        for row in rows:
            # Each row is shown as "person → event": the event shown above, whose private
            # title is masked, and no query per row.
            row.event = self.instance
        return rows


class AttendanceInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Attendance
    formset = AttendanceFormSet
    fields = ["user", "response", "responded_at", "created_at"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    """Read only: events are added, moved and cancelled in the calendar, where conflicts,
    stale versions and the attendees' messages are taken care of. A private event shows
    only that its people are busy."""

    list_display = ["shown_title", "kind", "organizer", "start", "end", "rrule", "private",
                    "cancelled_at"]
    list_filter = ["kind", "private"]
    search_fields = ["title"]
    list_select_related = ["organizer"]
    raw_id_fields = ["organizer", "party", "room", "ticket"]
    inlines = [AttendanceInline]
    PUBLIC_FIELDS = ["kind", "organizer", "start", "end", "all_day", "rrule", "series_end",
                     "private", "cancelled_at", "version", "created_at", "updated_at"]
    DETAIL_FIELDS = ["title", "place", "notes", "party", "room", "ticket"]

    @admin.display(description=_("title"), ordering="title")
    def shown_title(self, obj):
        return PRIVATE_TITLE if obj.private else obj.title

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and obj.private:
            # Never saved (read only): masks the title in the page title and breadcrumbs.
            obj.title = str(PRIVATE_TITLE)
        return obj

    def get_fields(self, request, obj=None):
        if obj is not None and obj.private:
            return ["shown_title", *self.PUBLIC_FIELDS]
        return [*self.DETAIL_FIELDS, *self.PUBLIC_FIELDS]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset,
                                                                   search_term)
        if search_term:
            # Searching titles would tell that a private event has one.
            queryset = queryset.filter(private=False)
        return queryset, may_have_duplicates


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    """Read only: tasks are given and done on the task pages."""

    list_display = ["title", "assignee", "assigner", "priority", "status", "due_at",
                    "completed_at"]
    list_filter = ["status", "priority"]
    search_fields = ["title"]
    list_select_related = ["assignee", "assigner"]
    raw_id_fields = ["assignee", "assigner", "party", "room", "ticket"]
    fields = ["title", "notes", "assignee", "assigner", "priority", "status", "due_at",
              "completed_at", "party", "room", "ticket", "version", "created_at",
              "updated_at"]
    readonly_fields = fields


@admin.register(ReminderSetting)
class ReminderSettingAdmin(ReadOnlyAdmin):
    """Read only: each person sets their reminders on their own calendar page."""

    list_display = ["user", "minutes_before"]
    search_fields = ["user__username", "user__full_name"]
    list_select_related = ["user"]
    fields = ["user", "minutes_before"]
    readonly_fields = fields


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ReadOnlyAdmin):
    """Who has a calendar address, and since when; the secret token is never shown."""

    list_display = ["user", "created_at"]
    search_fields = ["user__username", "user__full_name"]
    list_select_related = ["user"]
    fields = ["user", "created_at"]
    readonly_fields = fields


@admin.register(ReminderSent)
class ReminderSentAdmin(ReadOnlyAdmin):
    """The record of reminders and e-mails given, which keeps them from going out twice."""

    list_display = ["created_at", "user", "key"]
    search_fields = ["key", "user__username", "user__full_name"]
    list_select_related = ["user"]
    fields = ["created_at", "user", "key"]
    readonly_fields = fields
