"""What the ticket area adds to the shell: navigation and dashboard figures."""

from django.core.cache import cache
from django.db.models import Avg, CharField, Count, Q
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from owners import timeline
from portal import dashboard, navigation, scopes
from uploads.access import register_access_rule

from .choices import OPEN_STATUSES, FollowUpOutcome, Status
from .followups import ACCEPT_TIME, RESOLVE_TIME, duration_text, one_decimal, share
from .models import FollowUp, Ticket
from .selectors import ticket_list_for_user

CARD_CACHE_SECONDS = 60


def _card_figures(user) -> tuple[dict, dict]:
    """Two aggregate queries within the user's territories."""
    now = timezone.now()
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    month = today.replace(day=1)
    scoped = ticket_list_for_user(user=user).order_by()
    this_month = Q(created_at__gte=month)
    figures = scoped.filter(
        # Only rows a figure counts, so the database reads them through its indexes.
        Q(status__in=OPEN_STATUSES) | this_month | Q(closed_at__gte=today)
    ).aggregate(
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        **{status: Count("id", filter=Q(status=status)) for status in OPEN_STATUSES},
        overdue=Count("id", filter=Q(status__in=OPEN_STATUSES, held_since__isnull=True,
                                     resolve_due__lt=now)),
        new_today=Count("id", filter=Q(created_at__gte=today)),
        closed_today=Count("id", filter=Q(status=Status.CLOSED, closed_at__gte=today)),
        accept=Avg(ACCEPT_TIME, filter=this_month),
        resolve=Avg(RESOLVE_TIME, filter=this_month),
    )
    rated = FollowUp.objects.filter(created_at__gte=month, ticket__in=scoped.values("pk"))
    satisfaction = rated.order_by().aggregate(
        overall=Avg("overall"),
        reached=Count("id", filter=~Q(outcome=FollowUpOutcome.NOT_REACHED)),
        satisfied=Count("id", filter=Q(outcome=FollowUpOutcome.SATISFIED)))
    return figures, satisfaction


def _card(user) -> dashboard.Card | None:
    """Open tickets by state, overdue, today's new and closed, this month's times to accept
    and resolve and its satisfaction. The figures are kept for a minute (per territory
    scope): the dashboard is every user's home page."""
    if not user.has_perm("service_tickets.view_ticket"):
        return None
    scope = "all" if user.has_perm("service_tickets.view_all_tickets") else f"user:{user.pk}"
    key = f"tickets:card:{scope}"
    cached = cache.get(key)
    if cached is None:
        cached = _card_figures(user)
        cache.set(key, cached, CARD_CACHE_SECONDS)
    figures, satisfaction = cached
    url = reverse("tickets:list")
    reports = (reverse("tickets:reports")
               if user.has_perm("service_tickets.view_followup")
               and user.has_perm("service_tickets.view_all_tickets") else "")
    satisfied = share(satisfaction["satisfied"], satisfaction["reached"])
    overall = one_decimal(satisfaction["overall"])
    return dashboard.Card(title=_("Service tickets"), icon="tools", order=50, figures=[
        dashboard.Figure(label=pgettext_lazy("tickets", "Open"), value=figures["open"], url=url),
        *[dashboard.Figure(label=Status(status).label, value=figures[status],
                           url=f"{url}?status={status}") for status in OPEN_STATUSES],
        dashboard.Figure(label=_("Overdue"), value=figures["overdue"],
                         tone="danger" if figures["overdue"] else ""),
        dashboard.Figure(label=_("Logged today"), value=figures["new_today"]),
        dashboard.Figure(label=_("Closed today"), value=figures["closed_today"]),
        dashboard.Figure(label=_("Average time to accept this month"),
                         value=duration_text(figures["accept"]), url=reports),
        dashboard.Figure(label=_("Average time to resolve this month"),
                         value=duration_text(figures["resolve"]), url=reports),
        dashboard.Figure(label=_("Satisfaction this month"),
                         value="—" if overall is None else f"{overall} / 5", url=reports),
        dashboard.Figure(label=_("Satisfied this month"),
                         value="—" if satisfied is None else f"{satisfied}%", url=reports),
    ])


navigation.register(navigation.NavItem(
    key="tickets-new", label=_("Log a ticket"), url_name="tickets:fast_entry",
    icon="plus-circle", order=5,
    visible=lambda user: user.has_perm("service_tickets.add_ticket")))
navigation.register(navigation.NavItem(
    key="tickets", label=_("Service tickets"), url_name="tickets:list", icon="tools", order=6,
    visible=lambda user: user.has_perm("service_tickets.view_ticket")))
navigation.register(navigation.NavItem(
    key="tickets-notices", label=_("Notices"), url_name="tickets:notices", icon="megaphone",
    order=6, visible=lambda user: user.has_perm("service_tickets.view_notice")))
navigation.register(navigation.NavItem(
    key="tickets-board", label=_("Dispatcher board"), url_name="tickets:board",
    icon="kanban", order=6,
    visible=lambda user: user.has_perm("service_tickets.change_ticket")))
navigation.register(navigation.NavItem(
    key="tickets-my", label=_("My tickets"), url_name="tickets:my", icon="person-workspace",
    order=4, visible=lambda user: user.has_perm("service_tickets.view_ticket")
    and not user.has_perm("service_tickets.change_ticket")))
navigation.register(navigation.NavItem(
    key="tickets-follow-ups", label=_("Follow-ups due"), url_name="tickets:follow_ups",
    icon="telephone-outbound", order=7,
    visible=lambda user: user.has_perm("service_tickets.add_followup")))
navigation.register(navigation.NavItem(
    key="tickets-reports", label=_("Service reports"), url_name="tickets:reports",
    icon="bar-chart-line", order=8,
    visible=lambda user: (user.has_perm("service_tickets.view_followup")
                          and user.has_perm("service_tickets.view_all_tickets"))))
navigation.register(navigation.NavItem(
    key="tickets-events", label=_("Ticket events"), url_name="tickets:events",
    icon="clock-history", order=9,
    visible=lambda user: user.has_perm("service_tickets.view_ticketevent")))
dashboard.register("tickets", _card)


def _visible_ticket_entries(user) -> Q | None:
    """Ticket entries on owners' timelines: those of tickets the user may see."""
    if user.has_perm("service_tickets.view_all_tickets"):
        return None
    ids = (ticket_list_for_user(user=user).order_by()
           .annotate(key=Cast("pk", output_field=CharField())).values("key"))
    return Q(source_id__in=ids)


timeline.register_visibility("service_tickets.ticket", _visible_ticket_entries)


def _may_see_ticket_file(user, ticket) -> bool:
    return ticket_list_for_user(user=user).filter(pk=ticket.pk).exists()


register_access_rule(Ticket, _may_see_ticket_file)


def _territory_rooms(user):
    """The rooms of the user's territories: in their whole estates or their buildings."""
    from .models import Territory

    mine = Territory.objects.filter(members=user)
    return (Q(estate_id__in=Territory.estates.through.objects.filter(territory__in=mine)
              .values("estate_id"))
            | Q(building_id__in=Territory.buildings.through.objects.filter(territory__in=mine)
                .values("building_id")))


scopes.register_room_scope(_territory_rooms)
