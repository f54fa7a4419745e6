from django.utils.translation import gettext_lazy as _

from portal import dashboard

from .services import check_broker, check_worker


def _system_card(user) -> dashboard.Card | None:
    if not user.has_perm("health.view_workerheartbeat"):
        return None
    broker = check_broker()
    worker = check_worker()
    return dashboard.Card(
        title=_("System status"),
        icon="activity",
        order=950,
        figures=[
            dashboard.Figure(label=_("Message broker"),
                             value=_("Up") if broker["ok"] else _("Down"),
                             tone="" if broker["ok"] else "danger"),
            dashboard.Figure(label=_("Background worker"),
                             value=_("Running") if worker["ok"] else (
                                 _("Not started yet") if worker["reason"] == "no_heartbeat"
                                 else _("No recent heartbeat")),
                             tone="" if worker["ok"] else "warning"),
        ],
    )


dashboard.register("health", _system_card)
