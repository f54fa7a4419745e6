"""Sign-in events go to the audit trail; Django reports them only through these signals."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.services import audit_record


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
