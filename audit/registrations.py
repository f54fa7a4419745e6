from datetime import timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import dashboard

from .models import AuditEntry


def _security_card(user) -> dashboard.Card | None:
    if not user.has_perm("audit.view_auditentry"):
        return None
    since = timezone.now() - timedelta(hours=24)
    figures = AuditEntry.objects.filter(created_at__gte=since).aggregate(
        logins=Count("id", filter=Q(action="auth.login")),
        failures=Count("id", filter=Q(action="auth.login_failed")),
        total=Count("id"),
    )
    changelist = reverse("admin:audit_auditentry_changelist")
    return dashboard.Card(
        title=_("Last 24 hours"),
        icon="shield-check",
        order=900,
        figures=[
            dashboard.Figure(label=_("Sign-ins"), value=figures["logins"]),
            dashboard.Figure(label=_("Failed sign-ins"), value=figures["failures"],
                             tone="danger" if figures["failures"] else "",
                             url=f"{changelist}?action=auth.login_failed"),
            dashboard.Figure(label=_("Audited actions"), value=figures["total"],
                             url=changelist),
        ],
    )


dashboard.register("audit", _security_card)
