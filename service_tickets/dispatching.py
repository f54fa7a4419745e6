"""Whom to dispatch a ticket to: ranked suggestions and the automatic modes.

A candidate is a member of the ticket's territory (or anyone authorised everywhere when the
ticket has no territory). The ranking puts staff skilled in the ticket's category (or its
parent) first, then the least open load, then the name — all computed in one SQL query.
"""

from django.contrib.auth import get_user_model
from django.db.models import BooleanField, Count, Exists, OuterRef, Q, QuerySet, Value

from .choices import OPEN_STATUSES, DispatchMode
from .models import Category, Territory, Ticket


def _skilled_q(category: Category) -> Q:
    ids = [category.pk] + ([category.parent_id] if category.parent_id else [])
    return Q(skilled_categories__in=ids)


def dispatch_candidates(ticket: Ticket) -> QuerySet:
    """Users who may take the ticket, best first, each with ``open_load`` and ``skilled``."""
    User = get_user_model()
    if ticket.territory_id is None:
        return User.objects.none()
    users = User.objects.filter(is_active=True, territories=ticket.territory_id)
    skilled = Category.skilled_staff.through.objects.filter(
        user_id=OuterRef("pk"),
        category_id__in=[ticket.category_id] + ([ticket.category.parent_id]
                                                 if ticket.category.parent_id else []))
    return (users.annotate(
        open_load=Count("assigned_tickets",
                        filter=Q(assigned_tickets__status__in=OPEN_STATUSES), distinct=True),
        skilled=Exists(skilled) if ticket.category_id else Value(False,
                                                                 output_field=BooleanField()),
    ).order_by("-skilled", "open_load", "full_name", "pk"))


def automatic_assignee(ticket: Ticket):
    """The member an automatic category gives the ticket to, or None (then a dispatcher
    does it by hand). Round robin remembers its place on the territory row, which is
    locked so two tickets logged at once go to different people."""
    mode = ticket.category.dispatch_mode
    if mode not in (DispatchMode.ROUND_ROBIN, DispatchMode.LEAST_LOADED):
        return None
    if ticket.territory_id is None:
        return None
    if mode == DispatchMode.LEAST_LOADED:
        return dispatch_candidates(ticket).first()
    territory = Territory.objects.select_for_update().get(pk=ticket.territory_id)
    members = list(get_user_model().objects.filter(is_active=True, territories=territory)
                   .order_by("pk"))
    if not members:
        return None
    after = territory.last_assigned_id or 0
    chosen = next((m for m in members if m.pk > after), members[0])
    territory.last_assigned = chosen
    territory.save(update_fields=["last_assigned"])
    return chosen
