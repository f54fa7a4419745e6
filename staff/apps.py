from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = _("Staff and roles")

    def ready(self) -> None:
        from . import registrations, roles, signals  # noqa: F401

        # Apps added later create their permissions after this app's migrations ran:
        # give each role what it is entitled to once every app has migrated.
        post_migrate.connect(roles.sync_after_migrate, dispatch_uid="staff.sync_roles")
