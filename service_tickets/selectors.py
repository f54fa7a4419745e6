"""Reads of the service-ticket area, restricted to what the user may see."""

from django.db.models import Q, QuerySet

from .models import Territory, Ticket


def ticket_list_for_user(*, user) -> QuerySet[Ticket]:
    """All tickets for the desk, dispatchers and managers; service staff see the tickets of
    their territories and those assigned to them or that they help with."""
    if not user.has_perm("service_tickets.view_ticket"):
        return Ticket.objects.none()
    qs = Ticket.objects.select_related("category", "estate", "assignee")
    if user.has_perm("service_tickets.view_all_tickets"):
        return qs
    # Subqueries, not joins: an OR across two many-to-many joins multiplies the rows, needs a
    # DISTINCT over whole rows and made the database read every ticket (seconds at 1M).
    territories = Territory.members.through.objects.filter(user=user).values("territory_id")
    helped = Ticket.helpers.through.objects.filter(user=user).values("ticket_id")
    return qs.filter(Q(territory__in=territories) | Q(assignee=user) | Q(pk__in=helped))


def territory_list_for_user(*, user) -> QuerySet[Territory]:
    """Every territory for those who see every ticket; the others' own territories (a
    filter by a territory is then never about someone else's patch)."""
    qs = Territory.objects.all()
    if user.has_perm("service_tickets.view_all_tickets"):
        return qs
    return qs.filter(pk__in=Territory.members.through.objects.filter(user=user)
                     .values("territory_id"))
