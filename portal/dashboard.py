"""The home page's cards: each area contributes real figures through a provider.

A provider takes the user and returns a ``Card`` (or ``None`` when the user may not see
it). Providers compute their figures with SQL aggregates, never by looping over rows.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise


@dataclass
class Figure:
    label: str | Promise
    value: int | str
    url: str = ""
    tone: str = ""  # a Bootstrap contextual colour, e.g. "danger"


@dataclass
class Card:
    """A box on the home page: figures, or a chart (``portal.charts.Chart``) across the
    page's width."""

    title: str | Promise
    icon: str
    figures: list[Figure] = field(default_factory=list)
    order: int = 100
    chart: object | None = None


CardProvider = Callable[[object], Card | None]
_providers: dict[str, CardProvider] = {}


def register(key: str, provider: CardProvider) -> None:
    _providers[key] = provider


def cards_for(user) -> list[Card]:
    cards = [card for provider in _providers.values() if (card := provider(user))]
    return sorted(cards, key=lambda c: c.order)
