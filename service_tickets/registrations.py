"""What the ticket area adds to the shell and the owner page: navigation, dashboard
figures, the top search's ticket numbers and the owner console's open tickets."""

from datetime import datetime, time, timedelta

from django.core.cache import cache
from django.db.models import Avg, CharField, Count, Q, Window
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from owners import panels, timeline
from portal import dashboard, navigation, scopes, search
from uploads.access import register_access_rule
from workcalendar.services import on_year_confirmed

from . import charts, followups
from .choices import OPEN_STATUSES, FollowUpOutcome, Status
from .followups import ACCEPT_TIME, RESOLVE_TIME, duration_text, one_decimal, share
from .forms import ticket_number_filter, ticket_number_query
from .models import FollowUp, Ticket
from .selectors import ticket_list_for_user
from .sla import due_times_recompute_request

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

TREND_DAYS = 30


def _trend_card(user) -> dashboard.Card | None:
    """Tickets logged and closed on each of the last 30 days within the user's territories;
    the counts are kept for a minute per scope like the figures, the labels written in the
    reader's language."""
    if not user.has_perm("service_tickets.view_ticket"):
        return None
    today = timezone.localdate()
    start = today - timedelta(days=TREND_DAYS - 1)
    zone = timezone.get_current_timezone()
    scope = "all" if user.has_perm("service_tickets.view_all_tickets") else f"user:{user.pk}"
    key = f"tickets:trend:{scope}:{today:%Y%m%d}:{zone}"
    counts = cache.get(key)
    if counts is None:
        counts = followups.daily_counts(
            ticket_list_for_user(user=user),
            start=datetime.combine(start, time.min, tzinfo=zone),
            end=datetime.combine(today + timedelta(days=1), time.min, tzinfo=zone))
        cache.set(key, counts, CARD_CACHE_SECONDS)
    chart = charts.daily_chart(chart_id="chart-trend", title=_("Last 30 days"), counts=counts,
                               days=charts.days_between(start, today + timedelta(days=1)))
    return dashboard.Card(title=_("Tickets logged and closed, last 30 days"),
                          icon="graph-up", order=55, chart=chart)


dashboard.register("tickets-trend", _trend_card)


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


# Confirming a calendar year works the open tickets' due times out again.
on_year_confirmed(due_times_recompute_request)

def _search_tickets(user, query: str, limit: int) -> list[search.SearchHit]:
    """Tickets the user may see by their number: all of it, its beginning or the day's
    sequence alone (``0042``), newest first, through the number's indexes."""
    number = ticket_number_query(query)
    if not number or not user.has_perm("service_tickets.view_ticket"):
        return []
    found = ticket_number_filter(ticket_list_for_user(user=user), number)
    rows = (found.select_related(None).select_related("category", "estate", "room")
            .order_by("-created_at", "-id")[:limit])
    return [search.SearchHit(
        kind=_("Ticket"), label=ticket.number, icon="tools",
        detail=" · ".join(filter(None, [ticket.get_status_display(), str(ticket.category),
                                        ticket.estate.name,
                                        ticket.room.code if ticket.room_id else ""])),
        url=reverse("tickets:detail", args=[ticket.pk])) for ticket in rows]


search.register("tickets", _search_tickets)

OWNER_PANEL_ROWS = 10  # open tickets listed on the owner page; the rest behind a link


def _owner_tickets_panel(party, user) -> panels.Panel | None:
    """The person's open tickets the user may see (number, category, state, due), and a
    link to log a new one with the person (and their room, if they have one) filled in:
    one query for the tickets and one for the room, whatever their history."""
    may_view = user.has_perm("service_tickets.view_ticket")
    may_add = user.has_perm("service_tickets.add_ticket")
    if not (may_view or may_add):
        return None
    rows = []
    if may_view:
        tickets = list(ticket_list_for_user(user=user).select_related(None)
                       .select_related("category__parent", "room")
                       .filter(party=party, status__in=OPEN_STATUSES)
                       .annotate(open_total=Window(Count("id")))
                       .order_by("-created_at", "-id")[:OWNER_PANEL_ROWS])
        now = timezone.now()
        for ticket in tickets:
            due = ticket.resolve_due
            rows.append(panels.PanelRow(
                label=ticket.number, url=reverse("tickets:detail", args=[ticket.pk]),
                detail=" · ".join(filter(None, [
                    str(ticket.category), ticket.room.code if ticket.room_id else "",
                    ticket.get_status_display(),
                    (_("due %(time)s") % {"time": date_format(
                        timezone.localtime(due), "SHORT_DATETIME_FORMAT")}) if due else ""])),
                tone="danger" if ticket.is_breached(now) else ""))
        if tickets and tickets[0].open_total > len(tickets):
            rows.append(panels.PanelRow(
                label=_("%(total)s open in all; the %(shown)s newest are listed.") % {
                    "total": tickets[0].open_total, "shown": len(tickets)}))
    actions = []
    if may_add:
        actions.append(panels.PanelAction(
            label=_("Log a ticket"), icon="plus-circle",
            url=f"{reverse('tickets:fast_entry')}?{_entry_query(party)}"))
    return panels.Panel(title=_("Open tickets"), icon="tools", rows=rows, actions=actions,
                        empty_text=_("No open ticket.") if may_view else "", order=20)


def _entry_query(party) -> str:
    """The fast entry's query string for this person and their current room (the first one
    they own, else the first they live in), so the desk starts at the category."""
    from django.utils.http import urlencode

    from owners.models import Occupancy, Ownership
    from owners.selectors import current_q

    room_id = (Ownership.objects.filter(current_q(), party=party).order_by("room__code", "pk")
               .values_list("room_id", flat=True).first()
               or Occupancy.objects.filter(current_q(), party=party)
               .order_by("room__code", "pk").values_list("room_id", flat=True).first())
    return urlencode({"party": party.pk, **({"room": room_id} if room_id else {})})


panels.register("tickets", _owner_tickets_panel)
