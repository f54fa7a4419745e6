"""Signing in and permissions, with fewer queries on every page.

``StaffBackend`` is Django's ``ModelBackend`` that loads the signed-in user together with
their department (the menu shows it on every page) and keeps each user's permissions in
the cache between requests. The entry is dropped when the user's roles or permissions
change (``staff.signals``), and expires after ``PERMISSIONS_CACHE_SECONDS`` whatever
happens (0: no cache).
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache


def permissions_key(user_id: int) -> str:
    return f"staff:permissions:{user_id}"


def forget_permissions(user_ids) -> None:
    """Drop the cached permissions of these users (their roles or rights changed)."""
    cache.delete_many([f"{permissions_key(pk)}:{flag}" for pk in user_ids for flag in (0, 1)])


class StaffBackend(ModelBackend):
    def get_user(self, user_id):
        User = get_user_model()
        try:
            user = User._default_manager.select_related("department").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        seconds = settings.PERMISSIONS_CACHE_SECONDS
        if hasattr(user_obj, "_perm_cache") or not seconds:
            return super().get_all_permissions(user_obj, obj)
        # A superuser's entry would outlive the flag being taken away: key by it too.
        key = f"{permissions_key(user_obj.pk)}:{int(user_obj.is_superuser)}"
        cached = cache.get(key)
        if cached is not None:
            user_obj._perm_cache = cached
            return cached
        perms = super().get_all_permissions(user_obj, obj)
        cache.set(key, perms, seconds)
        return perms
