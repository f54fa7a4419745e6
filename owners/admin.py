from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from audit.admin import AuditedAdminMixin
from portal.pagination import CappedCountPaginator

from . import models


class HistoryAdmin(AuditedAdminMixin, SimpleHistoryAdmin):
    """Change history (who changed what, when) is shown to those who may view the model."""

    paginator = CappedCountPaginator
    show_full_result_count = False


@admin.register(models.Estate)
class EstateAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "address", "phone"]
    list_filter = ["kind"]
    search_fields = ["name", "address"]


class UnitInline(admin.TabularInline):
    model = models.Unit
    extra = 0


@admin.register(models.Building)
class BuildingAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "estate", "number", "phase", "floors"]
    list_filter = ["estate"]
    search_fields = ["number", "name", "estate__name"]
    list_select_related = ["estate"]
    inlines = [UnitInline]


@admin.register(models.Unit)
class UnitAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "building", "number"]
    list_filter = ["building__estate"]
    search_fields = ["number", "building__number", "building__estate__name"]
    list_select_related = ["building__estate"]


@admin.register(models.Room)
class RoomAdmin(HistoryAdmin):
    list_display = ["code", "estate", "floor", "gross_area", "inner_area", "use", "status"]
    list_filter = ["estate", "use", "status"]
    search_fields = ["code", "number"]
    list_select_related = ["estate"]
    raw_id_fields = ["building", "unit", "primary_contact"]
    readonly_fields = ["code"]

    def save_model(self, request, obj, form, change):
        from .services import room_prepare

        room_prepare(obj)
        super().save_model(request, obj, form, change)


class PhoneInline(admin.TabularInline):
    model = models.Phone
    extra = 0
    fields = ["display", "kind", "is_primary", "label"]
    readonly_fields = ["display", "kind"]

    def has_add_permission(self, request, obj=None):
        # Numbers are normalised by the owners service; add them on the owner page.
        return False


@admin.register(models.Party)
class PartyAdmin(HistoryAdmin):
    list_display = ["name", "kind", "gender", "id_masked", "created_at"]
    list_filter = ["kind", "gender", "tags", "preferred_channel"]
    search_fields = ["name", "name_initials", "name_pinyin", "phones__tail", "uscc"]
    readonly_fields = ["id_type", "id_masked"]
    exclude = ["id_encrypted", "id_hash"]
    filter_horizontal = ["tags"]
    raw_id_fields = ["primary_contact", "created_by"]
    inlines = [PhoneInline]

    def has_add_permission(self, request):
        # People are created through the owner pages, which check IDs and phones.
        return False


@admin.register(models.Ownership)
class OwnershipAdmin(HistoryAdmin):
    list_display = ["party", "room", "share", "start_date", "end_date", "move_in_state"]
    list_filter = ["move_in_state", "room__estate"]
    search_fields = ["party__name", "room__code"]
    raw_id_fields = ["party", "room"]
    list_select_related = ["party", "room__estate"]


@admin.register(models.Occupancy)
class OccupancyAdmin(HistoryAdmin):
    list_display = ["party", "room", "relation", "start_date", "end_date", "move_in_state"]
    list_filter = ["relation", "move_in_state", "room__estate"]
    search_fields = ["party__name", "room__code"]
    raw_id_fields = ["party", "room"]
    list_select_related = ["party", "room__estate"]


@admin.register(models.Tag)
class TagAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    list_filter = ["created_at"]


@admin.register(models.Vehicle)
class VehicleAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["plate", "party", "description", "parking_space"]
    search_fields = ["plate", "party__name"]
    list_filter = ["created_at"]
    raw_id_fields = ["party"]
    paginator = CappedCountPaginator
    show_full_result_count = False


@admin.register(models.Pet)
class PetAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "party", "breed", "vaccinated_on"]
    search_fields = ["name", "species", "party__name"]
    list_filter = ["species"]
    raw_id_fields = ["party"]


class CommitteeMemberInline(admin.TabularInline):
    model = models.CommitteeMember
    raw_id_fields = ["party"]
    extra = 0


class CommitteeMeetingInline(admin.StackedInline):
    model = models.CommitteeMeeting
    extra = 0


@admin.register(models.Committee)
class CommitteeAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "estate", "term_start", "term_end"]
    list_filter = ["estate"]
    search_fields = ["term", "estate__name"]
    inlines = [CommitteeMemberInline, CommitteeMeetingInline]


@admin.register(models.Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "kind", "title", "party", "room", "actor", "source"]
    list_filter = ["kind", "source"]
    search_fields = ["title", "party__name", "room__code"]
    raw_id_fields = ["party", "room", "actor"]
    list_select_related = ["party", "room", "actor"]
    paginator = CappedCountPaginator
    show_full_result_count = False


admin.site.register(models.Phone, list_display=["display", "party", "kind", "tail"],
                    search_fields=["tail", "e164"], list_filter=["kind"],
                    raw_id_fields=["party"])


@admin.register(models.DocumentTemplate)
class DocumentTemplateAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "version", "is_active", "uploaded_by", "created_at"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    readonly_fields = ["kind", "name", "version", "file", "uploaded_by"]

    def has_add_permission(self, request):
        # Templates are uploaded on the templates page, which checks the file.
        return False


@admin.register(models.ServiceDocument)
class ServiceDocumentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["number", "kind", "title", "party", "room", "status", "amount",
                    "start_date", "end_date"]
    list_filter = ["kind", "status"]
    search_fields = ["number", "title", "party__name"]
    list_select_related = ["party", "room"]
    raw_id_fields = ["party", "room", "template", "file", "created_by"]
    paginator = CappedCountPaginator
    show_full_result_count = False


@admin.register(models.ListExport)
class ListExportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "kind", "status", "rows", "finished_at"]
    list_filter = ["kind", "status"]
    search_fields = ["user__username", "user__full_name"]
    readonly_fields = ["user", "kind", "filters", "status", "rows", "file", "error",
                       "finished_at"]
    paginator = CappedCountPaginator
    show_full_result_count = False

    def has_add_permission(self, request):
        return False
