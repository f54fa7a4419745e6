"""The permission cache of ``staff.backends.StaffBackend``: fewer queries per page, never
rights that were taken away."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache

from staff.choices import Role
from tests.staff.factories import UserFactory

pytestmark = pytest.mark.django_db


def fresh(user):
    """The user as the next request loads them (no per-object permission cache)."""
    return type(user).objects.get(pk=user.pk)


@pytest.fixture(autouse=True)
def _cached(settings):
    settings.PERMISSIONS_CACHE_SECONDS = 300
    cache.clear()


def test_permissions_are_read_once_then_come_from_the_cache(django_assert_num_queries):
    user = UserFactory(role=Role.FRONT_DESK)
    assert fresh(user).has_perm("service_tickets.add_ticket")
    again = fresh(user)
    with django_assert_num_queries(0):
        assert again.has_perm("service_tickets.add_ticket")
        assert not again.has_perm("scheduling.change_conflictpolicy")


def test_a_role_taken_away_takes_its_rights_at_once():
    user = UserFactory(role=Role.MANAGER)
    assert fresh(user).has_perm("scheduling.change_conflictpolicy")
    user.groups.clear()
    assert not fresh(user).has_perm("scheduling.change_conflictpolicy")
    user.groups.add(Group.objects.create(name="临时组"))
    assert not fresh(user).has_perm("scheduling.change_conflictpolicy")


def test_rights_removed_from_a_group_leave_its_members_at_once():
    user = UserFactory()
    group = Group.objects.create(name="夜班")
    permission = Permission.objects.get(codename="add_ticket")
    group.permissions.add(permission)
    user.groups.add(group)
    assert fresh(user).has_perm("service_tickets.add_ticket")
    group.permissions.remove(permission)
    assert not fresh(user).has_perm("service_tickets.add_ticket")
    group.permissions.add(permission)
    assert fresh(user).has_perm("service_tickets.add_ticket")
    permission.group_set.clear()
    assert not fresh(user).has_perm("service_tickets.add_ticket")
    group.user_set.remove(user)
    group.permissions.add(permission)
    assert not fresh(user).has_perm("service_tickets.add_ticket")


def test_a_deleted_group_and_a_lost_superuser_flag_take_their_rights():
    user = UserFactory()
    group = Group.objects.create(name="临时")
    group.permissions.add(Permission.objects.get(codename="add_ticket"))
    user.groups.add(group)
    assert fresh(user).has_perm("service_tickets.add_ticket")
    group.delete()
    assert not fresh(user).has_perm("service_tickets.add_ticket")
    user.is_superuser = True
    user.save()
    assert fresh(user).has_perm("service_tickets.delete_ticket")
    user.is_superuser = False
    user.save()
    assert not fresh(user).has_perm("service_tickets.delete_ticket")


def test_the_signed_in_user_comes_with_their_department(login, django_assert_num_queries):
    from django.contrib.auth import get_user
    from django.test import RequestFactory

    from tests.staff.factories import DepartmentFactory

    desk = UserFactory(role=Role.FRONT_DESK, department=DepartmentFactory(name="客服中心",
                                                                         code="desk"))
    client = login(desk)
    request = RequestFactory().get("/")
    request.session = client.session
    request.session.load()
    with django_assert_num_queries(1):  # the user with the department (the session is cached)
        user = get_user(request)
        assert user.department.name == "客服中心"
