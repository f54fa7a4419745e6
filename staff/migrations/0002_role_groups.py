from django.db import migrations

# Frozen copy of staff.choices.ROLE_GROUP_NAMES at the time of this migration.
ROLES = ["客服", "派单员", "维修/服务人员", "经理", "保安主管", "安全员", "系统管理员"]


def create_role_groups(apps, schema_editor):
    # The groups exist from here on; their permissions are applied after every migrate
    # (staff.roles.sync_after_migrate), once all apps have created theirs.
    group_model = apps.get_model("auth", "Group")
    for name in ROLES:
        group_model.objects.using(schema_editor.connection.alias).get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_role_groups, migrations.RunPython.noop)]
