"""What the ticket area adds to the shell: navigation and dashboard figures."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import dashboard, navigation
from uploads.access import register_access_rule

from .choices import OPEN_STATUSES, Status
from .models import Ticket
from .selectors import ticket_list_for_user


def _card(user) -> dashboard.Card | None:
    if not user.has_perm("service_tickets.view_ticket"):
        return None
    now = timezone.now()
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    figures = ticket_list_for_user(user=user).order_by().aggregate(
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        waiting=Count("id", filter=Q(status=Status.NEW)),
        overdue=Count("id", filter=Q(status__in=OPEN_STATUSES, held_since__isnull=True,
                                     resolve_due__lt=now)),
        new_today=Count("id", filter=Q(created_at__gte=today)),
    )
    url = reverse("tickets:list")
    return dashboard.Card(title=_("Service tickets"), icon="tools", order=50, figures=[
        dashboard.Figure(label=_("Open"), value=figures["open"], url=url),
        dashboard.Figure(label=_("Waiting for dispatch"), value=figures["waiting"],
                         url=f"{url}?status=new"),
        dashboard.Figure(label=_("Overdue"), value=figures["overdue"],
                         tone="danger" if figures["overdue"] else ""),
        dashboard.Figure(label=_("Logged today"), value=figures["new_today"]),
    ])


navigation.register(navigation.NavItem(
    key="tickets-new", label=_("Log a ticket"), url_name="tickets:fast_entry",
    icon="plus-circle", order=5,
    visible=lambda user: user.has_perm("service_tickets.add_ticket")))
navigation.register(navigation.NavItem(
    key="tickets", label=_("Service tickets"), url_name="tickets:list", icon="tools", order=6,
    visible=lambda user: user.has_perm("service_tickets.view_ticket")))
dashboard.register("tickets", _card)


def _may_see_ticket_file(user, ticket) -> bool:
    return ticket_list_for_user(user=user).filter(pk=ticket.pk).exists()


register_access_rule(Ticket, _may_see_ticket_file)
