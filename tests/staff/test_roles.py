import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from portal import dashboard, navigation, search
from staff.choices import ROLE_GROUP_NAMES, Role
from staff.roles import ROLE_PERMISSIONS, WITHOUT_RESIDENTS, sync_role_permissions
from tests.owners.factories import OwnershipFactory
from tests.staff.factories import UserFactory

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


# --- roles that have no business with owners' personal data --------------------------------

RESIDENT_AREAS = ("owners.", "service_tickets.")


@pytest.mark.parametrize("role", sorted(WITHOUT_RESIDENTS))
def test_security_and_safety_roles_hold_no_right_over_owners_rooms_or_tickets(role):
    user = UserFactory(role=role)
    assert not [entry for entry in ROLE_PERMISSIONS[role] if entry.startswith(RESIDENT_AREAS)]
    assert not [perm for perm in user.get_all_permissions()
                if perm.startswith(RESIDENT_AREAS)]


@pytest.mark.parametrize("role", sorted(WITHOUT_RESIDENTS))
@pytest.mark.parametrize("url", [
    "owners:party_list", "owners:room_list", "owners:committee_list", "owners:export_list",
    "owners:party_export", "owners:room_export", "tickets:events", "tickets:notices",
    "party-list", "room-list", "estate-list", "building-list",
    "occupancy-list", "ownership-list", "committee-list", "ticket-list"])
def test_security_and_safety_roles_may_not_list_owners_or_rooms(login, role, url):
    OwnershipFactory(party__name="欧阳娜娜")
    response = login(UserFactory(role=role)).get(reverse(url))
    assert response.status_code == 403
    assert "欧阳娜娜" not in response.content.decode()


@pytest.mark.parametrize("role", sorted(WITHOUT_RESIDENTS))
def test_security_and_safety_roles_are_offered_no_owners_anywhere(login, role):
    # given an owner and a member of the role
    ownership = OwnershipFactory(party__name="欧阳娜娜")
    user = UserFactory(role=role)
    # then the menu, the dashboard and the search box offer nothing of the owners area
    owner_urls = ("/owners/", "/tickets/")
    assert not [item for item in navigation.items_for(user)
                if reverse(item.url_name).startswith(owner_urls)]
    assert not [figure for card in dashboard.cards_for(user) for figure in card.figures
                if (figure.url or "").startswith(owner_urls)]
    assert search.search(user=user, query="欧阳娜娜") == []
    assert search.search(user=user, query=ownership.room.code) == []
    page = login(user).get(reverse("portal:home")).content.decode()
    assert 'href="/owners/' not in page
