"""What each role may do, as Django permissions on permission groups.

A group per role is created by a data migration; its permissions are (re)applied after
every ``migrate`` because later areas bring their own models and permissions. An area
extends a role by adding its codenames here in its own change.
"""

import logging

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS

from .choices import ROLE_GROUP_NAMES, Role

logger = logging.getLogger(__name__)

# Reading everything about rooms and people (IDs stay masked: owners.view_full_id is apart).
OWNERS_READ = [
    *(f"owners.view_{model}"
      for model in ["estate", "building", "unit", "room", "party", "phone", "vehicle", "pet",
                    "ownership", "occupancy", "activity", "tag", "committee",
                    "committeemember", "committeemeeting"]),
    "owners.view_every_estate",  # service staff see only their territories' owners
]

# The desk and dispatchers log, dispatch, close and reopen tickets of every territory.
TICKETS_DESK = [
    "service_tickets.view_ticket",
    "service_tickets.add_ticket",
    "service_tickets.change_ticket",
    "service_tickets.view_all_tickets",
    "service_tickets.view_category",
    "service_tickets.view_territory",
    "service_tickets.view_followup",
    "service_tickets.add_followup",
    "service_tickets.view_notice",
    "service_tickets.add_notice",
    "service_tickets.change_notice",
    "service_tickets.view_ticketevent",
    "service_tickets.view_ticketmaterial",
    "service_tickets.add_ticketmaterial",
    "service_tickets.view_savedfilter",
    "service_tickets.add_savedfilter",
    "service_tickets.delete_savedfilter",
]

# Everyone keeps a calendar, memos and tasks (selectors limit each to what is theirs).
SCHEDULING_OWN = [
    "scheduling.view_event",
    "scheduling.add_event",
    "scheduling.change_event",
    "scheduling.view_attendance",
    "scheduling.change_attendance",
    "scheduling.view_memo",
    "scheduling.add_memo",
    "scheduling.change_memo",
    "scheduling.delete_memo",
    "scheduling.view_task",
    "scheduling.add_task",
    "scheduling.change_task",
    "scheduling.view_remindersetting",
    "scheduling.add_remindersetting",
    "scheduling.delete_remindersetting",
]

# Roles whose work (guard training, safety agreements) involves no owner, occupant or
# room: they hold no right of the owners or tickets areas, so owners' personal data is
# not theirs to list, search or pick (tests/staff/test_roles.py keeps this true).
WITHOUT_RESIDENTS = {Role.SECURITY_SUPERVISOR, Role.SAFETY_OFFICER}

# "app_label.codename" entries; "app_label.*" grants every permission of an app.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.FRONT_DESK: [
        *SCHEDULING_OWN,
        "staff.view_department",
        "staff.view_user",
        *OWNERS_READ,
        "owners.add_party",
        "owners.change_party",
        "owners.add_phone",
        "owners.change_phone",
        "owners.delete_phone",
        "owners.add_vehicle",
        "owners.change_vehicle",
        "owners.delete_vehicle",
        "owners.add_pet",
        "owners.change_pet",
        "owners.delete_pet",
        "owners.add_ownership",
        "owners.change_ownership",
        "owners.add_occupancy",
        "owners.change_occupancy",
        "owners.add_activity",
        "owners.change_room",
        "owners.view_documenttemplate",
        "owners.view_servicedocument",
        "owners.add_servicedocument",
        "owners.change_servicedocument",
        *TICKETS_DESK,
    ],
    Role.DISPATCHER: [
        *SCHEDULING_OWN,
        "staff.view_department",
        "staff.view_user",
        *OWNERS_READ,
        "owners.add_activity",
        *TICKETS_DESK,
    ],
    Role.SERVICE_STAFF: [
        *SCHEDULING_OWN,
        "staff.view_department",
        "staff.view_user",
        "owners.view_room",
        "owners.view_party",
        "owners.view_activity",
        "service_tickets.view_ticket",
        "service_tickets.view_category",
        "service_tickets.view_ticketevent",
        "service_tickets.view_ticketmaterial",
        "service_tickets.add_ticketmaterial",
        "service_tickets.view_notice",
        "service_tickets.view_savedfilter",
        "service_tickets.add_savedfilter",
        "service_tickets.delete_savedfilter",
    ],
    Role.SECURITY_SUPERVISOR: [
        *SCHEDULING_OWN,
        "staff.view_department",
        "staff.view_user",
    ],
    Role.SAFETY_OFFICER: [
        *SCHEDULING_OWN,
        "staff.view_department",
        "staff.view_user",
    ],
    Role.MANAGER: [
        "scheduling.*",
        "owners.*",
        "service_tickets.*",
        "workcalendar.*",
        "staff.view_department",
        "staff.change_department",
        "staff.view_user",
        "audit.view_auditentry",
        "uploads.view_storedfile",
        "health.view_workerheartbeat",
        "axes.view_accessattempt",
        "axes.view_accessfailurelog",
        "django_celery_beat.view_periodictask",
        "django_celery_beat.change_periodictask",
        "django_celery_beat.view_crontabschedule",
        "django_celery_beat.add_crontabschedule",
        "django_celery_beat.view_intervalschedule",
        "django_celery_beat.add_intervalschedule",
    ],
    Role.ADMINISTRATOR: [
        "scheduling.*",
        "inbox.view_notification",
        "owners.*",
        "service_tickets.*",
        "workcalendar.*",
        "staff.*",
        "auth.view_group",
        "auth.view_permission",
        "audit.view_auditentry",
        "uploads.*",
        "health.view_workerheartbeat",
        "axes.*",
        "authtoken.*",
        "django_celery_beat.*",
    ],
}

# Roles whose members work in Django admin.
ADMIN_ROLES = {Role.MANAGER, Role.ADMINISTRATOR}


def sync_role_permissions(*, apps=global_apps, using: str = DEFAULT_DB_ALIAS) -> None:
    """Create the role groups and set their permissions to exactly ``ROLE_PERMISSIONS``."""
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role in Role:
        group, _ = group_model.objects.using(using).get_or_create(name=ROLE_GROUP_NAMES[role])
        wanted = []
        for entry in ROLE_PERMISSIONS.get(role, []):
            app_label, codename = entry.split(".", 1)
            perms = permission_model.objects.using(using).filter(
                content_type__app_label=app_label
            )
            if codename != "*":
                perms = perms.filter(codename=codename)
            wanted.extend(perms.values_list("pk", flat=True))
        group.permissions.set(wanted)


def sync_after_migrate(sender, *, using=DEFAULT_DB_ALIAS, apps=global_apps, **kwargs) -> None:
    # Run once per migrate, after the last app's permissions exist.
    if sender.label != "staff":
        return
    if not global_apps.is_installed("django.contrib.auth"):
        return
    from django.contrib.auth.management import create_permissions

    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    sync_role_permissions(using=using)


def role_group(role: Role):
    """The permission group of ``role``."""
    from django.contrib.auth.models import Group

    return Group.objects.get_or_create(name=ROLE_GROUP_NAMES[role])[0]
