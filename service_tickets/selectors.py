"""Reads of the service-ticket area, restricted to what the user may see."""

from django.db.models import Q, QuerySet
from django.http import Http404

from .models import Territory, Ticket
from .transitions import Actor, actions_from, refusal


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


def ticket_get_for_user(*, user, pk) -> Ticket:
    """The ticket if the user may see it, for pages and the API alike; Http404 otherwise
    (the same answer as for a ticket that does not exist). What the user may do with it
    is asked of ``ticket_actions_for`` and of each service."""
    try:
        return ticket_list_for_user(user=user).select_related("territory").get(pk=pk)
    except (Ticket.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def ticket_actions_for(*, ticket: Ticket, user, helper_ids: set[int] | None = None
                       ) -> list[str]:
    """The actions ``user`` may take on ``ticket`` now, in the table's order: those
    ``transitions.refusal`` (the rule ``services.ticket_act`` enforces) does not refuse.
    The ticket page shows exactly these and the API answers them as ``actions``.
    ``helper_ids``, when the caller already holds the helpers, saves their query."""
    actor = Actor(user, ticket, helper_ids=helper_ids)
    return [action for action in actions_from(ticket.status)
            if refusal(action, ticket, actor) is None]


def territory_list_for_user(*, user) -> QuerySet[Territory]:
    """Every territory for those who see every ticket; the others' own territories (a
    filter by a territory is then never about someone else's patch)."""
    qs = Territory.objects.all()
    if user.has_perm("service_tickets.view_all_tickets"):
        return qs
    return qs.filter(pk__in=Territory.members.through.objects.filter(user=user)
                     .values("territory_id"))
