"""Boxes other areas add to the owner page (open tickets, calls, contracts, ...).

``register(key, provider)``; a provider takes ``(party, user)`` and returns a ``Panel`` or
``None``. It must cost a fixed number of queries whatever the party's history.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise


@dataclass
class PanelRow:
    label: str
    detail: str = ""
    url: str = ""
    tone: str = ""


@dataclass
class PanelAction:
    """A button in the panel's header (e.g. "log a ticket for this person")."""

    label: str | Promise
    url: str
    icon: str = ""


@dataclass
class Panel:
    title: str | Promise
    icon: str
    rows: list[PanelRow] = field(default_factory=list)
    actions: list[PanelAction] = field(default_factory=list)
    empty_text: str | Promise = ""
    order: int = 100


PanelProvider = Callable[[object, object], Panel | None]
_providers: dict[str, PanelProvider] = {}


def register(key: str, provider: PanelProvider) -> None:
    _providers[key] = provider


def panels_for(party, user) -> list[Panel]:
    return sorted((p for f in _providers.values() if (p := f(party, user))),
                  key=lambda p: p.order)
