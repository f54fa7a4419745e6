"""Where in the estate a user's work lies, for areas that restrict what a user sees to
it (the owners area restricts its rooms and people for users without the right to see
every estate).

The area that draws the boundaries (service territories) registers a function of the
user returning a ``Q`` on ``owners.Room``; an area that restricts asks ``room_scope``.
Neither imports the other.
"""

from collections.abc import Callable

from django.db.models import Q

_room_scopes: list[Callable] = []


def register_room_scope(scope: Callable) -> None:
    """``scope(user)`` returns a ``Q`` on rooms: the rooms of the user's own patch."""
    if scope not in _room_scopes:
        _room_scopes.append(scope)


def room_scope(user) -> Q:
    """The rooms ``user`` works on: those any registered scope gives them; none when no
    area draws boundaries."""
    found = Q(pk__in=[])
    for scope in _room_scopes:
        found |= scope(user)
    return found
