"""What the event form's search pickers offer: the people, owners, rooms and tickets a user
may invite or link, each one's label, and the prefix searches behind the pickers' JSON
endpoints (``views_pickers``).

The form's fields and the endpoints read through the same selectors (the owners and ticket
areas' own), so a choice the search would never offer is refused by the form as well.
"""

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.text import Truncator

from owners import search as owner_search
from owners.models import Party, Phone, Room
from owners.selectors import party_limits, party_list_for_user, room_list_for_user
from portal.search import prefix_range
from service_tickets.models import Ticket
from service_tickets.selectors import ticket_list_for_user
from staff.selectors import staff_prefix_search

MAX_RESULTS = 10


# --- labels ---------------------------------------------------------------------------------

def staff_label(user) -> str:
    """“王丽娜 · 客户服务中心” (needs ``department`` selected with the user)."""
    return user.name_with_department


def party_label(party: Party) -> str:
    """The name and the primary phone (annotated by ``party_choices``), to tell namesakes
    apart."""
    return " · ".join(filter(None, [party.name, getattr(party, "primary_phone", "")]))


def room_label(room: Room) -> str:
    """“阳光花园 3-2-1201” (needs ``estate`` selected with the room)."""
    return str(room)


def ticket_label(ticket: Ticket) -> str:
    """The number, the category and the start of the description (needs ``category``)."""
    return " · ".join([ticket.number, ticket.category.name,
                       Truncator(ticket.description).chars(20)])


# --- what may be chosen ---------------------------------------------------------------------

def staff_choices() -> QuerySet:
    """Every active colleague may be invited (seeing their calendar is another matter)."""
    return (get_user_model().objects.filter(is_active=True)
            .select_related("department").order_by("full_name", "pk"))


def party_choices(*, user) -> QuerySet[Party]:
    """The owners and occupants the user may see, labelled in one query (the primary phone
    as a column instead of the list selector's prefetches)."""
    primary = (Phone.objects.filter(party=OuterRef("pk"), is_primary=True)
               .order_by("id").values("display")[:1])
    return (party_list_for_user(user=user).prefetch_related(None)
            .annotate(primary_phone=Subquery(primary)))


def room_choices(*, user) -> QuerySet[Room]:
    return room_list_for_user(user=user)


def ticket_choices(*, user, keep: int | None = None) -> QuerySet[Ticket]:
    """The tickets the user may see (the ticket area's rule), and ``keep``: the ticket an
    event already links to, so that editing the event does not drop a link to a ticket of
    another territory."""
    qs = ticket_list_for_user(user=user)
    if keep is not None:
        qs = qs | Ticket.objects.filter(pk=keep)
    return qs


# --- searches -------------------------------------------------------------------------------

def staff_search(*, query: str, limit: int = MAX_RESULTS) -> list:
    """Active colleagues by name or username prefix, or by phone (its tail)."""
    return list(staff_prefix_search(query=query, limit=limit))


def party_search(*, user, query: str, limit: int = MAX_RESULTS) -> list[Party]:
    """Owners and occupants by the owners area's own search (name, pinyin, phone or its
    tail, plate, ID number), kept to those the user may see, most specific first."""
    found = owner_search.search_parties(owner_search.parse(query), limit=limit,
                                        within=party_limits(user))
    if not found:
        return []
    allowed = {p.pk: p for p in party_choices(user=user).filter(pk__in=[p.pk for p in found])}
    return [allowed[p.pk] for p in found if p.pk in allowed]


def room_search(*, user, query: str, limit: int = MAX_RESULTS) -> list[Room]:
    """Rooms whose code starts with what was typed (``3-2-12``, or ``3栋2单元1201`` read
    as ``3-2-1201``), or whose number it is (four digits: ``1201``)."""
    parsed = owner_search.parse(query)
    code = parsed.room_code or "".join(query.split()).upper()
    if not code:
        return []
    condition = Q(**prefix_range("code", code))
    if parsed.room_number:
        condition |= Q(number=parsed.room_number)
    return list(room_choices(user=user).filter(condition).order_by("code", "id")[:limit])


def ticket_search(*, user, query: str, limit: int = MAX_RESULTS) -> list[Ticket]:
    """Tickets whose number starts with what was typed (``GD2025…``; the ``GD`` may be left
    out), newest first."""
    number = "".join(query.split()).upper()
    if not number:
        return []
    if number[:1].isdigit():
        number = "GD" + number
    return list(ticket_list_for_user(user=user).filter(**prefix_range("number", number))
                .order_by("-number")[:limit])
