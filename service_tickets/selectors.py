"""Reads of the service-ticket area, restricted to what the user may see."""

from django.db.models import Q, QuerySet

from .models import Ticket


def ticket_list_for_user(*, user) -> QuerySet[Ticket]:
    """All tickets for the desk, dispatchers and managers; service staff see the tickets of
    their territories and those assigned to them or that they help with."""
    if not user.has_perm("service_tickets.view_ticket"):
        return Ticket.objects.none()
    qs = Ticket.objects.select_related("category", "estate", "room", "party", "assignee")
    if user.has_perm("service_tickets.view_all_tickets"):
        return qs
    return qs.filter(Q(territory__members=user) | Q(assignee=user) | Q(helpers=user)).distinct()
