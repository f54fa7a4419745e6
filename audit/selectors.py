from django.db.models import QuerySet

from .models import AuditEntry


def audit_entries_for_user(*, user) -> QuerySet[AuditEntry]:
    """Audit entries the user may read: all of them with the permission, else none."""
    if not user.has_perm("audit.view_auditentry"):
        return AuditEntry.objects.none()
    return AuditEntry.objects.select_related("actor", "target_type")
