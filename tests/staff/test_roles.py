import pytest
from django.contrib.auth.models import Group

from staff.choices import ROLE_GROUP_NAMES, Role
from staff.roles import ROLE_PERMISSIONS, sync_role_permissions

pytestmark = pytest.mark.django_db


def test_every_role_has_its_group_with_a_chinese_name():
    names = set(Group.objects.values_list("name", flat=True))
    assert {ROLE_GROUP_NAMES[role] for role in Role} <= names
    assert ROLE_GROUP_NAMES[Role.FRONT_DESK] == "客服"


def test_every_listed_permission_exists():
    from django.contrib.auth.models import Permission

    for role, entries in ROLE_PERMISSIONS.items():
        for entry in entries:
            app_label, codename = entry.split(".", 1)
            perms = Permission.objects.filter(content_type__app_label=app_label)
            if codename != "*":
                perms = perms.filter(codename=codename)
            assert perms.exists(), f"{role}: {entry}"


def test_roles_grant_what_they_should(front_desk, manager, administrator):
    assert front_desk.has_perm("staff.view_user")
    assert not front_desk.has_perm("audit.view_auditentry")
    assert not front_desk.has_perm("staff.change_department")
    assert manager.has_perm("audit.view_auditentry")
    assert manager.has_perm("staff.change_department")
    assert not manager.has_perm("staff.delete_user")
    assert administrator.has_perm("staff.delete_user")
    assert front_desk.has_role(Role.FRONT_DESK) and not front_desk.has_role(Role.MANAGER)


def test_sync_is_idempotent_and_restores_removed_permissions():
    group = Group.objects.get(name=ROLE_GROUP_NAMES[Role.MANAGER])
    before = set(group.permissions.values_list("pk", flat=True))
    group.permissions.clear()
    sync_role_permissions()
    sync_role_permissions()
    assert set(group.permissions.values_list("pk", flat=True)) == before


def test_manager_uses_admin_in_chinese_with_only_permitted_models(manager, login):
    client = login(manager)
    html = client.get("/admin/").content.decode()
    assert "物业 CRM 管理后台" in html
    assert "审计记录" in html
    assert "登录锁定" in html and "登录尝试" in html  # django-axes, translated here
    assert "Access attempts" not in html
    assert client.get("/admin/staff/user/").status_code == 200
    assert client.get("/admin/staff/user/add/").status_code == 403
    assert client.get("/admin/auth/group/").status_code == 403


def test_front_desk_cannot_enter_admin(front_desk, login):
    response = login(front_desk).get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
