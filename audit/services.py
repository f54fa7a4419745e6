"""The one way the app writes to the audit trail."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .context import client_ip_var, request_id_var
from .models import AuditEntry


def audit_record(
    *,
    actor=None,
    action: str,
    target: models.Model | None = None,
    details: dict[str, Any] | None = None,
    actor_repr: str = "",
) -> AuditEntry:
    """Append an audit entry; IP and request id come from the current request, if any."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    entry = AuditEntry(
        actor=actor,
        actor_repr=(actor_repr or (str(actor.get_username()) if actor else ""))[:150],
        action=action,
        details=details or {},
        ip_address=client_ip_var.get(),
        request_id=request_id_var.get() if request_id_var.get() != "-" else "",
    )
    if target is not None:
        entry.target_type = ContentType.objects.get_for_model(target, for_concrete_model=False)
        entry.target_id = str(target.pk)
        entry.target_repr = str(target)[:200]
    entry.save()
    return entry
