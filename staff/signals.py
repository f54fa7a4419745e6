"""Sign-in events go to the audit trail; Django reports them only through these signals.
Changes of roles and permissions drop the cached permissions of the people concerned."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, pre_delete
from django.dispatch import receiver

from audit.services import audit_record

from .backends import forget_permissions


@receiver(user_logged_in, dispatch_uid="staff.audit_login")
def _audit_login(sender, request, user, **kwargs):
    audit_record(actor=user, action="auth.login", target=user)


@receiver(user_logged_out, dispatch_uid="staff.audit_logout")
def _audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, action="auth.logout", target=user)


@receiver(user_login_failed, dispatch_uid="staff.audit_login_failed")
def _audit_login_failed(sender, credentials, request=None, **kwargs):
    audit_record(action="auth.login_failed",
                 actor_repr=str(credentials.get("username", ""))[:150])


def _members(groups) -> list[int]:
    return list(get_user_model().objects.filter(groups__in=groups).values_list("pk", flat=True))


@receiver(m2m_changed, sender=get_user_model().groups.through,
          dispatch_uid="staff.permissions_user_groups")
@receiver(m2m_changed, sender=get_user_model().user_permissions.through,
          dispatch_uid="staff.permissions_user_permissions")
def _user_rights_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_") and action != "pre_clear":
        return
    if not reverse:  # user.groups.add(...): the user changed
        forget_permissions([instance.pk])
    elif isinstance(instance, Group):  # group.user_set.add(...): those users changed
        forget_permissions(list(pk_set or ()) + _members([instance]))
    else:  # permission.user_set...: those users changed
        forget_permissions(list(pk_set or ()))


@receiver(m2m_changed, sender=Group.permissions.through,
          dispatch_uid="staff.permissions_group_permissions")
def _group_rights_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_") and action != "pre_clear":
        return
    groups = [instance] if not reverse else list(Group.objects.filter(pk__in=pk_set or ()))
    if reverse and action == "pre_clear":  # permission.group_set.clear()
        groups = list(instance.group_set.all())
    forget_permissions(_members(groups))


@receiver(pre_delete, sender=Group, dispatch_uid="staff.permissions_group_deleted")
def _group_deleted(sender, instance, **kwargs):
    forget_permissions(_members([instance]))


@receiver(pre_delete, sender=Permission, dispatch_uid="staff.permissions_deleted")
def _permission_deleted(sender, instance, **kwargs):
    people = set(instance.user_set.values_list("pk", flat=True))
    people.update(_members(list(instance.group_set.all())))
    forget_permissions(people)
