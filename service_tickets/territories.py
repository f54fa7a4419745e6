"""Re-drawing territories: a recorded change after which open tickets follow."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from .choices import OPEN_STATUSES, EventKind
from .models import Territory, TerritoryChange, Ticket, TicketEvent


def _territory_of(ticket_building_id, ticket_estate_id, by_building, by_estate):
    if ticket_building_id is not None and ticket_building_id in by_building:
        return by_building[ticket_building_id]
    return by_estate.get(ticket_estate_id)


@transaction.atomic
def territory_redraw(*, territory: Territory, by, estates, buildings, note: str = ""
                     ) -> TerritoryChange:
    """Give the territory exactly these estates and buildings, record what moved, and move
    each open ticket of the places concerned to the territory that now covers it."""
    if not by.has_perm("service_tickets.change_territory"):
        raise PermissionDenied(_("Only managers re-draw territories."))
    territory = Territory.objects.select_for_update().get(pk=territory.pk)
    old_estates = set(territory.estates.values_list("pk", flat=True))
    old_buildings = set(territory.buildings.values_list("pk", flat=True))
    new_estates = {e.pk for e in estates}
    new_buildings = {b.pk for b in buildings}
    territory.estates.set(new_estates)
    territory.buildings.set(new_buildings)
    touched_estates = old_estates ^ new_estates
    touched_buildings = old_buildings ^ new_buildings
    change = TerritoryChange(
        territory=territory, changed_by=by, note=note.strip(),
        added_estates=sorted(new_estates - old_estates),
        removed_estates=sorted(old_estates - new_estates),
        added_buildings=sorted(new_buildings - old_buildings),
        removed_buildings=sorted(old_buildings - new_buildings))
    # Who covers each building and estate now (the lowest id wins, as at ticket entry).
    by_building, by_estate = {}, {}
    for building_id, territory_id in (Territory.buildings.through.objects
                                      .order_by("-territory_id")
                                      .values_list("building_id", "territory_id")):
        by_building[building_id] = territory_id
    for estate_id, territory_id in (Territory.estates.through.objects
                                    .order_by("-territory_id")
                                    .values_list("estate_id", "territory_id")):
        by_estate[estate_id] = territory_id
    moved = 0
    affected = (Ticket.objects.filter(status__in=OPEN_STATUSES)
                .filter(Q(building_id__in=touched_buildings) | Q(estate_id__in=touched_estates)
                        | Q(territory=territory))
                .select_for_update(of=("self",)).only("pk", "building_id", "estate_id",
                                                      "territory_id", "version"))
    events = []
    for ticket in affected:
        now_territory = _territory_of(ticket.building_id, ticket.estate_id, by_building,
                                      by_estate)
        if now_territory == ticket.territory_id:
            continue
        Ticket.objects.filter(pk=ticket.pk).update(territory_id=now_territory,
                                                   version=ticket.version + 1)
        events.append(TicketEvent(ticket_id=ticket.pk, kind=EventKind.TERRITORY, actor=by,
                                  data={"from": ticket.territory_id, "to": now_territory},
                                  note=_("Territory re-drawn: %(name)s") % {
                                      "name": territory.name}))
        moved += 1
    TicketEvent.objects.bulk_create(events)
    change.tickets_moved = moved
    change.save()
    return change
