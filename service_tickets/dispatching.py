"""Whom to dispatch a ticket to: ranked suggestions and the automatic modes.

A candidate is a member of the ticket's territory (or anyone authorised everywhere when the
ticket has no territory). The ranking puts staff skilled in the ticket's category (or its
parent) first, then the least open load, then the name — all computed in one SQL query.
"""

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from .choices import OPEN_STATUSES, DispatchMode
from .models import Category, Territory, Ticket


def authorised_everywhere() -> QuerySet:
    """Ids of the users who may work on tickets of every territory (a subquery)."""
    codename = {"codename": "view_all_tickets", "content_type__app_label": "service_tickets"}
    perms = {f"groups__permissions__{k}": v for k, v in codename.items()}
    direct = {f"user_permissions__{k}": v for k, v in codename.items()}
    return (get_user_model().objects.filter(Q(is_superuser=True) | Q(**perms) | Q(**direct))
            .values("pk"))


def people_who_may_see(ticket: Ticket) -> QuerySet:
    """Active staff who may see the ticket: its territory's members and those who see every
    territory (whom a watcher may be, so their inbox links do not lead to a 404)."""
    condition = Q(pk__in=authorised_everywhere())
    if ticket.territory_id:
        condition |= Q(pk__in=Territory.members.through.objects.filter(
            territory_id=ticket.territory_id).values("user_id"))
    if ticket.assignee_id:
        condition |= Q(pk=ticket.assignee_id)
    return get_user_model().objects.filter(condition, is_active=True).order_by("full_name", "pk")


def dispatch_candidates(ticket: Ticket) -> QuerySet:
    """Users who may take the ticket, best first, each with ``open_load`` and ``skilled``."""
    User = get_user_model()
    if ticket.territory_id is None:
        users = User.objects.filter(is_active=True, pk__in=authorised_everywhere())
    else:
        users = User.objects.filter(is_active=True, territories=ticket.territory_id)
    parent = Category.objects.filter(pk=ticket.category_id).values("parent_id")
    skilled = Category.skilled_staff.through.objects.filter(
        Q(category_id=ticket.category_id) | Q(category_id=Subquery(parent)),
        user_id=OuterRef("pk"))
    # A correlated count on (assignee, status): only open tickets are read, not the years
    # of closed ones a member has.
    load = (Ticket.objects.filter(assignee_id=OuterRef("pk"), status__in=OPEN_STATUSES)
            .order_by().values("assignee_id").annotate(n=Count("*")).values("n"))
    return (users.annotate(
        open_load=Coalesce(Subquery(load, output_field=IntegerField()), 0),
        skilled=Exists(skilled),
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

