"""Reads of the owners area, already restricted to what the user may see and optimised."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from portal import scopes

from .models import (
    Activity,
    Building,
    Estate,
    Occupancy,
    Ownership,
    Party,
    Phone,
    Room,
    ServiceDocument,
)


def current_q(prefix: str = "") -> Q:
    today = timezone.localdate()
    return Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": today})


def _can_view(user) -> bool:
    return user.has_perm("owners.view_party")


EVERY_ESTATE = "owners.view_every_estate"


def room_limits(user) -> Q | None:
    """``None`` for users who see every estate's rooms; for the others (service staff) the
    rooms of their own patch (``portal.scopes``: their territories' estates and
    buildings)."""
    if user.has_perm(EVERY_ESTATE):
        return None
    return scopes.room_scope(user)


def party_limits(user) -> Q | None:
    """``None`` for users who see everybody; for the others the people who own or live in
    a room of their patch now."""
    rooms = room_limits(user)
    if rooms is None:
        return None
    within = Room.objects.filter(rooms).values("pk")
    return (Q(pk__in=Ownership.objects.filter(current_q(), room__in=within).values("party_id"))
            | Q(pk__in=Occupancy.objects.filter(current_q(), room__in=within)
                .values("party_id")))


def _limited(qs: QuerySet, limits: Q | None) -> QuerySet:
    return qs if limits is None else qs.filter(limits)


def estate_limits(user) -> Q | None:
    """``None`` for users who see every estate; for the others the estates their patch
    reaches into (a whole estate, or some of its buildings)."""
    rooms = room_limits(user)
    if rooms is None:
        return None
    return Q(pk__in=Room.objects.filter(rooms).values("estate_id"))


def building_limits(user) -> Q | None:
    """``None`` for users who see every estate; for the others the buildings of their
    patch."""
    rooms = room_limits(user)
    if rooms is None:
        return None
    return Q(pk__in=Room.objects.filter(rooms).exclude(building_id=None)
             .values("building_id"))


# The rooms-and-people models a user may be shown, with the permission and the limits
# that decide it: the detail pages, the lists and every filter or choice that takes one
# of their ids read through this table, so an id outside the user's patch is unknown
# everywhere alike.
_SCOPES = {
    Party: ("owners.view_party", party_limits),
    Room: ("owners.view_room", room_limits),
    Estate: ("owners.view_room", estate_limits),
    Building: ("owners.view_room", building_limits),
}


def in_scope(qs: QuerySet, *, user) -> QuerySet:
    """``qs`` (of parties, rooms, estates or buildings) cut to what ``user`` may see: the
    same rule as the detail pages. Querysets of other models are returned unchanged."""
    scope = _SCOPES.get(qs.model)
    if scope is None:
        return qs
    perm, limits = scope
    if not user.has_perm(perm):
        return qs.none()
    return _limited(qs, limits(user))


def scoped_get(model, *, user, pk):
    """The party, room, estate or building ``pk`` if ``user`` may see it, else 404 (also
    for an id that is not a number)."""
    try:
        return in_scope(model.objects.all(), user=user).get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def party_list_for_user(*, user, filters: dict | None = None) -> QuerySet[Party]:
    """Owners and occupants the user may see, filtered by estate, building, tag, role."""
    if not _can_view(user):
        return Party.objects.none()
    filters = filters or {}
    qs = Party.objects.prefetch_related(
        Prefetch("phones", queryset=Phone.objects.filter(is_primary=True), to_attr="primary"),
        "tags",
    )
    room_filter = Q()
    if filters.get("estate"):
        room_filter &= Q(room__estate_id=filters["estate"])
    if filters.get("building"):
        room_filter &= Q(room__building_id=filters["building"])
    role = filters.get("role")
    if room_filter or role:
        owns = Ownership.objects.filter(current_q(), room_filter, party=OuterRef("pk"))
        occupies = Occupancy.objects.filter(current_q(), room_filter, party=OuterRef("pk"))
        if role == "owner":
            qs = qs.filter(Exists(owns))
        elif role == "occupant":
            qs = qs.filter(Exists(occupies))
        else:
            qs = qs.filter(Exists(owns) | Exists(occupies))
    if filters.get("tag"):
        qs = qs.filter(tags=filters["tag"])
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    return _limited(qs, party_limits(user))


def party_get_for_user(*, user, pk) -> Party:
    if not _can_view(user):
        raise Http404
    try:
        return _limited(Party.objects, party_limits(user)).select_related(
            "primary_contact").prefetch_related(
            "phones", "vehicles", "pets", "tags", "committee_posts__committee__estate",
        ).get(pk=pk)
    except (Party.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def room_list_for_user(*, user, filters: dict | None = None) -> QuerySet[Room]:
    if not user.has_perm("owners.view_room"):
        return Room.objects.none()
    filters = filters or {}
    qs = Room.objects.select_related("estate", "building", "unit", "primary_contact")
    for key, lookup in [("estate", "estate_id"), ("building", "building_id"),
                        ("use", "use"), ("status", "status")]:
        if filters.get(key):
            qs = qs.filter(**{lookup: filters[key]})
    occupancy = filters.get("occupancy")
    if occupancy == "no_owner":
        qs = qs.exclude(Exists(Ownership.objects.filter(current_q(), room=OuterRef("pk"))))
    elif occupancy == "has_occupants":
        qs = qs.filter(Exists(Occupancy.objects.filter(current_q(), room=OuterRef("pk"))))
    return _limited(qs, room_limits(user))


def room_get_for_user(*, user, pk) -> Room:
    if not user.has_perm("owners.view_room"):
        raise Http404
    try:
        return _limited(Room.objects, room_limits(user)).select_related(
            "estate", "building", "unit", "primary_contact").get(pk=pk)
    except (Room.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


@dataclass
class RoomLink:
    """A room seen from a person: as owner or occupant, current or past."""

    room: Room
    role: str  # "owner" or an occupant relation
    tenure: Ownership | Occupancy
    household: list


def party_rooms(*, party: Party) -> tuple[list[RoomLink], list[RoomLink]]:
    """The party's current and past rooms, each with the people living there now.

    Four queries whatever the number of rooms and people.
    """
    room_related = ("room__estate", "room__building", "room__unit")
    ownerships = list(party.ownerships.select_related(*room_related))
    occupancies = list(party.occupancies.select_related(*room_related))
    room_ids = {t.room_id for t in ownerships + occupancies if t.is_current}
    people: dict[int, list] = {rid: [] for rid in room_ids}
    for tenure in Ownership.objects.filter(current_q(), room_id__in=room_ids).exclude(
            party=party).select_related("party"):
        people[tenure.room_id].append(("owner", tenure))
    for tenure in Occupancy.objects.filter(current_q(), room_id__in=room_ids).exclude(
            party=party).select_related("party"):
        people[tenure.room_id].append(("occupant", tenure))
    current, past = [], []
    for tenure in ownerships + occupancies:
        role = "owner" if isinstance(tenure, Ownership) else tenure.relation
        link = RoomLink(room=tenure.room, role=role, tenure=tenure,
                        household=people.get(tenure.room_id, []))
        (current if tenure.is_current else past).append(link)
    return current, past


def room_people(*, room: Room) -> tuple[list, list]:
    """Current and past owners and occupants of a room (two queries)."""
    tenures = [*room.ownerships.select_related("party"),
               *room.occupancies.select_related("party")]
    current = [t for t in tenures if t.is_current]
    past = [t for t in tenures if not t.is_current]
    return current, past


def timeline(*, user, party: Party | None = None, room: Room | None = None,
             limit: int = 30) -> list[Activity]:
    """The newest entries of a person's or room's timeline that ``user`` may see."""
    from .timeline import visible_q

    qs = Activity.objects.select_related("actor", "room").filter(visible_q(user))
    if party is not None:
        qs = qs.filter(party=party)
    if room is not None:
        qs = qs.filter(room=room)
    return list(qs.order_by("-occurred_at", "-id")[:limit])


def party_documents(*, party: Party, user) -> list[ServiceDocument]:
    """The party's proposals and contracts, newest first (one query)."""
    if not user.has_perm("owners.view_servicedocument"):
        return []
    return list(party.documents.select_related("room", "template", "file")[:50])


# --- Likely duplicates (one finder for the forms, the API and the roster import) --------

@dataclass(frozen=True)
class PersonProbe:
    """Someone about to be recorded: the name, the phones (E.164), the ID's lookup hash and,
    for a company, its unified social credit code (a company's ID number)."""

    name: str
    e164s: tuple[str, ...] = ()
    id_hash: str = ""
    uscc: str = ""


@dataclass
class Duplicate:
    """A person on record who is likely the one about to be recorded again."""

    party: Party
    same_id: bool  # the same ID number (or USCC); otherwise the same name and a same phone
    rooms: list[str]  # codes of the rooms they own or live in now


DUPLICATES_SHOWN = 5
_PROBE_CHUNK = 1000


def party_duplicates(*, user, probes: list[PersonProbe]) -> list[list[Duplicate]]:
    """For each probe, the people on record the user may see who are likely the same
    person: the same ID number (or USCC), or the same name and one of the same phones.

    Four queries per thousand probes (people, their phones, the rooms they own and live
    in now), so the import checks a whole roster by the rule the forms and the API apply
    to one person.
    """
    found: list[list[Duplicate]] = [[] for _probe in probes]
    limits = party_limits(user)
    for start in range(0, len(probes), _PROBE_CHUNK):
        chunk = probes[start:start + _PROBE_CHUNK]
        hashes = {p.id_hash for p in chunk if p.id_hash}
        codes = {p.uscc for p in chunk if p.uscc}
        names = {p.name.strip() for p in chunk if p.e164s and p.name.strip()}
        e164s = {e for p in chunk for e in p.e164s}
        wanted = Q(pk__in=[])
        if hashes:
            wanted |= Q(id_hash__in=hashes)
        if codes:
            wanted |= Q(uscc__in=codes)
        if names and e164s:
            wanted |= Q(name__in=names,
                        pk__in=Phone.objects.filter(e164__in=e164s).values("party_id"))
        if not hashes and not codes and not (names and e164s):
            continue
        people = list(_limited(Party.objects.filter(wanted), limits)
                      .prefetch_related("phones").order_by("id"))
        if not people:
            continue
        rooms: dict[int, list[str]] = {p.pk: [] for p in people}
        for model in (Ownership, Occupancy):
            for party_id, code in (model.objects.filter(current_q(), party_id__in=list(rooms))
                                   .order_by("room__sort_key", "room_id")
                                   .values_list("party_id", "room__code")):
                if code not in rooms[party_id]:
                    rooms[party_id].append(code)
        by_hash: dict[str, list[Party]] = {}
        by_code: dict[str, list[Party]] = {}
        by_contact: dict[tuple[str, str], list[Party]] = {}
        for person in people:
            if person.id_hash:
                by_hash.setdefault(person.id_hash, []).append(person)
            if person.uscc:
                by_code.setdefault(person.uscc, []).append(person)
            for phone in person.phones.all():
                by_contact.setdefault((person.name, phone.e164), []).append(person)
        for offset, probe in enumerate(chunk):
            same_id = [*(by_hash.get(probe.id_hash, []) if probe.id_hash else []),
                       *(by_code.get(probe.uscc, []) if probe.uscc else [])]
            same_contact = [person for e164 in probe.e164s
                            for person in by_contact.get((probe.name.strip(), e164), [])]
            seen: set[int] = set()
            for person in [*same_id, *same_contact]:
                if person.pk not in seen and len(seen) < DUPLICATES_SHOWN:
                    seen.add(person.pk)
                    found[start + offset].append(Duplicate(
                        party=person, same_id=person in same_id, rooms=rooms[person.pk]))
    return found
