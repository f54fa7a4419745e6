"""The entry point through which any area adds to an owner's or room's timeline.

Other apps call ``activity_record`` (they may import ``owners``; ``owners`` imports none of
them). Give the source app's label and the id of its object, so that recording the same
thing twice is harmless and the entry links back to where it came from::

    from owners.timeline import activity_record

    activity_record(party=ticket.party, room=ticket.room, kind="ticket",
                    title=message(gettext_noop("Ticket %(number)s"), number=ticket.number),
                    source="service_tickets", source_id=str(ticket.pk),
                    url=ticket.get_absolute_url(), actor=user)

A title the system writes is a ``portal.stored_text.message``, shown in each reader's
language; a title a person typed is given as text and shown as typed.
"""

from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from portal.stored_text import is_message, text_in

from .models import Activity, Party, Room

# source -> a function of the user giving the Q of that source's entries they may see
_visibility: dict[str, Callable[[object], Q | None]] = {}


def register_visibility(source: str, rule: Callable[[object], Q | None]) -> None:
    """Entries of ``source`` on timelines are shown only where ``rule(user)`` matches (an
    area whose records are scoped, e.g. tickets by territory, registers one); the rule
    returns None when the user may see them all."""
    _visibility[source] = rule


def visible_q(user) -> Q:
    """The timeline entries ``user`` may see."""
    allowed = Q()
    for source, rule in _visibility.items():
        condition = rule(user)
        if condition is not None:
            allowed &= ~Q(source=source) | condition
    return allowed


@transaction.atomic
def activity_record(
    *,
    kind: str,
    title: str | dict,
    party: Party | None = None,
    room: Room | None = None,
    body: str = "",
    actor=None,
    occurred_at: datetime | None = None,
    source: str = "",
    source_id: str = "",
    url: str = "",
) -> Activity:
    """Add (or, for a known ``source``/``source_id``, update) one timeline entry."""
    if party is None and room is None:
        raise ValueError("an activity belongs to a party, a room or both")
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    stored = title if is_message(title) else None
    if stored is not None:  # the text column keeps it in the site's language
        title = text_in(settings.LANGUAGE_CODE, stored)
    values = {
        "party": party, "room": room, "kind": kind, "title": title[:200], "message": stored,
        "body": body,
        "actor": actor, "occurred_at": occurred_at or timezone.now(), "url": url[:200],
    }
    if source and source_id:
        activity, _ = Activity.objects.update_or_create(source=source, source_id=source_id,
                                                        kind=kind, defaults=values)
        return activity
    return Activity.objects.create(source=source, source_id=source_id, **values)
