"""Re-drawing territories: a recorded change after which open tickets follow."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from portal.stored_text import message

from .choices import OPEN_STATUSES, EventKind
from .models import Territory, TerritoryChange, Ticket, TicketEvent


def _territory_of(ticket_building_id, ticket_estate_id, by_building, by_estate):
    if ticket_building_id is not None and ticket_building_id in by_building:
        return by_building[ticket_building_id]
    return by_estate.get(ticket_estate_id)


def _coverage() -> tuple[dict[int, int], dict[int, int]]:
    """Who covers each building and estate now (the lowest id wins, as at ticket entry)."""
    by_building, by_estate = {}, {}
    for building_id, territory_id in (Territory.buildings.through.objects
                                      .order_by("-territory_id")
                                      .values_list("building_id", "territory_id")):
        by_building[building_id] = territory_id
    for estate_id, territory_id in (Territory.estates.through.objects
                                    .order_by("-territory_id")
                                    .values_list("estate_id", "territory_id")):
        by_estate[estate_id] = territory_id
    return by_building, by_estate


@transaction.atomic
def territory_redraw(*, territory: Territory, by, estates: Iterable, buildings: Iterable,
                     note: str = "", take_from_others: bool = False) -> TerritoryChange:
    """Give the territory exactly these estates and buildings, record what moved, and move
    each open ticket of the places concerned to the territory that now covers it (closed
    tickets keep the territory they were worked in).

    ``take_from_others`` moves the estates and buildings added here out of the territories
    that had them, each of which gets its own recorded change: a building changes hands in
    one step, and its open tickets move once."""
    if not by.has_perm("service_tickets.change_territory"):
        raise PermissionDenied(_("Only managers re-draw territories."))
    new_estates = {e.pk for e in estates}
    new_buildings = {b.pk for b in buildings}
    others: dict[int, tuple[set, set]] = {}
    if take_from_others:
        for model, field, ids, slot in [
            (Territory.estates.through, "estate_id", new_estates, 0),
            (Territory.buildings.through, "building_id", new_buildings, 1),
        ]:
            for other_id, place_id in (model.objects.filter(**{f"{field}__in": ids})
                                       .exclude(territory_id=territory.pk)
                                       .values_list("territory_id", field)):
                others.setdefault(other_id, (set(), set()))[slot].add(place_id)
    # Locks in one order (by id), so two managers re-drawing at once cannot deadlock.
    locked = {t.pk: t for t in Territory.objects.select_for_update()
              .filter(pk__in=[territory.pk, *others]).order_by("pk")}
    territory = locked[territory.pk]
    now = timezone.now()
    changes = [_set_places(territory, by, new_estates, new_buildings, note, now)]
    for other_id, (estate_ids, building_ids) in sorted(others.items()):
        other = locked[other_id]
        changes.append(_set_places(
            other, by, set(other.estates.values_list("pk", flat=True)) - estate_ids,
            set(other.buildings.values_list("pk", flat=True)) - building_ids,
            _("Moved to %(name)s") % {"name": territory.name}, now))
    touched_estates, touched_buildings = set(), set()
    for change in changes:
        touched_estates |= {*change.added_estates, *change.removed_estates}
        touched_buildings |= {*change.added_buildings, *change.removed_buildings}
    moved = _follow(territory, by, touched_estates, touched_buildings, locked, now)
    changes[0].tickets_moved = moved
    for change in changes:
        change.save()
    return changes[0]


def _set_places(territory: Territory, by, new_estates: set, new_buildings: set, note: str,
                now) -> TerritoryChange:
    old_estates = set(territory.estates.values_list("pk", flat=True))
    old_buildings = set(territory.buildings.values_list("pk", flat=True))
    territory.estates.set(new_estates)
    territory.buildings.set(new_buildings)
    return TerritoryChange(
        territory=territory, changed_by=by, note=note.strip()[:200], created_at=now,
        added_estates=sorted(new_estates - old_estates),
        removed_estates=sorted(old_estates - new_estates),
        added_buildings=sorted(new_buildings - old_buildings),
        removed_buildings=sorted(old_buildings - new_buildings))


def _follow(territory: Territory, by, touched_estates: set, touched_buildings: set,
            locked: dict, now) -> int:
    """Move the open tickets of the touched places to whoever covers them now."""
    by_building, by_estate = _coverage()
    affected = (Ticket.objects.filter(status__in=OPEN_STATUSES)
                .filter(Q(building_id__in=touched_buildings) | Q(estate_id__in=touched_estates)
                        | Q(territory_id__in=list(locked)))
                .select_for_update(of=("self",))
                .only("pk", "building_id", "estate_id", "territory_id").order_by("pk"))
    names = dict(Territory.objects.values_list("pk", "name"))
    moves: dict[int | None, list[int]] = {}
    events = []
    for ticket in affected:
        now_territory = _territory_of(ticket.building_id, ticket.estate_id, by_building,
                                      by_estate)
        if now_territory == ticket.territory_id:
            continue
        moves.setdefault(now_territory, []).append(ticket.pk)
        events.append(TicketEvent(
            ticket_id=ticket.pk, kind=EventKind.TERRITORY, actor=by, created_at=now,
            data={"from": ticket.territory_id, "to": now_territory},
            message=message(gettext_noop("Territory re-drawn: %(old)s → %(new)s"),
                            old=names.get(ticket.territory_id, "—"),
                            new=names.get(now_territory, "—"))))
    for target, ids in moves.items():
        Ticket.objects.filter(pk__in=ids).update(territory_id=target,
                                                 version=F("version") + 1, updated_at=now)
    TicketEvent.objects.bulk_create(events, batch_size=1000)
    return len(events)
