from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from audit.admin import AuditedAdminMixin

from .forms import DepartmentForm, StaffChangeForm, StaffCreationForm
from .models import Department, User


@admin.register(Department)
class DepartmentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = DepartmentForm
    list_display = ["name", "code", "parent", "head", "phone", "is_active"]
    list_filter = ["is_active", "parent"]
    search_fields = ["name", "code", "head__full_name", "head__username"]
    list_select_related = ["parent", "head"]
    autocomplete_fields = ["head", "parent"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    form = StaffChangeForm
    add_form = StaffCreationForm
    list_display = ["username", "full_name", "department", "job_title", "mobile",
                    "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser", "groups", "department",
                   "language"]
    search_fields = ["username", "full_name", "mobile", "email", "department__name"]
    list_select_related = ["department"]
    autocomplete_fields = ["department"]
    ordering = ["username"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("full_name", "email", "mobile", "language")}),
        (_("Organisation"), {"fields": ("department", "job_title")}),
        (_("Roles and permissions"), {
            "fields": ("is_active", "is_staff", "is_superuser", "groups",
                       "user_permissions"),
        }),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {
            "classes": ("wide",),
            "fields": ("username", "full_name", "department", "mobile", "password1",
                       "password2"),
        }),
    )
