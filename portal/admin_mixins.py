"""Shared behaviour of admin pages."""


class ReadOnlyAdminMixin:
    """An admin (or inline) that lists and shows rows but never adds, changes or deletes
    them: histories, logs, and records only their own area's services may write."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
