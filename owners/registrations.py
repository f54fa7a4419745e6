"""What the owners area adds to the shell: navigation, search, dashboard figures."""

from django.core.cache import cache
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal import dashboard, navigation, search
from uploads.access import register_access_rule

from . import search as owner_search
from .models import Occupancy, Ownership, Room, ServiceDocument
from .selectors import current_q, party_limits, room_limits


def _search(user, text: str, limit: int) -> list[search.SearchHit]:
    query = owner_search.parse(text)
    hits = []
    if user.has_perm("owners.view_party"):
        for party in owner_search.search_parties(
                query, limit=limit, within=party_limits(user)):
            phone = party.primary[0].display if party.primary else ""
            hits.append(search.SearchHit(
                kind=_("Owner or occupant"), label=party.name,
                detail=" · ".join(filter(None, [phone, party.id_masked])),
                url=reverse("owners:party_detail", args=[party.pk]), icon="person"))
    if user.has_perm("owners.view_room"):
        for room in owner_search.search_rooms(query, limit=limit,
                                               within=room_limits(user)):
            hits.append(search.SearchHit(
                kind=_("Room"), label=room.code, detail=room.estate.name,
                url=reverse("owners:room_detail", args=[room.pk]), icon="house-door"))
    return hits


CARD_CACHE_KEY = "owners:dashboard-figures"
# Counting distinct people over hundreds of thousands of tenures takes tens of
# milliseconds; the figures are the same for everyone with the same patch, so one count a
# minute per patch is enough.
CARD_CACHE_SECONDS = 60


def _card_figures(rooms_within: Q | None) -> dict:
    """Rooms, vacant rooms, owners and occupants now: the company's, or those of a patch."""
    rooms = Room.objects.all() if rooms_within is None else Room.objects.filter(rooms_within)
    ownerships = Ownership.objects.filter(current_q())
    occupancies = Occupancy.objects.filter(current_q())
    if rooms_within is not None:
        ownerships = ownerships.filter(room__in=rooms.values("pk"))
        occupancies = occupancies.filter(room__in=rooms.values("pk"))
    return {
        "rooms": rooms.aggregate(total=Count("id"),
                                 vacant=Count("id", filter=Q(status="vacant"))),
        "owners": ownerships.values("party").distinct().count(),
        "occupants": occupancies.values("party").distinct().count(),
    }


def _card(user) -> dashboard.Card | None:
    """The rooms and residents the user may see: the company's for the desk and managers,
    their own territories' for service staff."""
    if not user.has_perm("owners.view_room"):
        return None
    within = room_limits(user)
    key = CARD_CACHE_KEY if within is None else f"{CARD_CACHE_KEY}:user:{user.pk}"
    figures = cache.get(key)
    if figures is None:
        figures = _card_figures(within)
        cache.set(key, figures, CARD_CACHE_SECONDS)
    rooms, owners, occupants = figures["rooms"], figures["owners"], figures["occupants"]
    return dashboard.Card(title=_("Rooms and residents"), icon="buildings", order=100, figures=[
        dashboard.Figure(label=_("Rooms"), value=rooms["total"],
                         url=reverse("owners:room_list")),
        dashboard.Figure(label=_("Vacant rooms"), value=rooms["vacant"],
                         url=reverse("owners:room_list") + "?status=vacant"),
        dashboard.Figure(label=_("Owners"), value=owners,
                         url=reverse("owners:party_list") + "?role=owner"),
        dashboard.Figure(label=_("Non-owner occupants"), value=occupants,
                         url=reverse("owners:party_list") + "?role=occupant"),
    ])


navigation.register(navigation.NavItem(
    key="owners-people", label=_("Owners and occupants"), url_name="owners:party_list",
    icon="people", order=10, visible=lambda user: user.has_perm("owners.view_party")))
navigation.register(navigation.NavItem(
    key="owners-exports", label=_("My exports"), url_name="owners:export_list",
    icon="file-earmark-arrow-down", order=14,
    visible=lambda user: user.has_perm("owners.export_party")))
navigation.register(navigation.NavItem(
    key="owners-committees", label=_("Owners' committees"), url_name="owners:committee_list",
    icon="people-fill", order=13,
    visible=lambda user: user.has_perm("owners.view_committee")))
navigation.register(navigation.NavItem(
    key="owners-templates", label=_("Document templates"), url_name="owners:template_list",
    icon="file-earmark-word", order=12,
    visible=lambda user: user.has_perm("owners.add_documenttemplate")))
navigation.register(navigation.NavItem(
    key="owners-rooms", label=_("Rooms"), url_name="owners:room_list", icon="house-door",
    order=11, visible=lambda user: user.has_perm("owners.view_room")))
search.register("owners", _search)
register_access_rule(ServiceDocument,
                     lambda user, document: user.has_perm("owners.view_servicedocument"))
dashboard.register("owners", _card)
