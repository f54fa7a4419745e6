"""The top bar's search box: each area answers with hits of its own.

A provider takes ``(user, query, limit)`` and returns ``SearchHit``s the user may see.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class SearchHit:
    kind: str | Promise
    label: str
    detail: str
    url: str
    icon: str = "search"


SearchProvider = Callable[[object, str, int], list[SearchHit]]
_providers: dict[str, SearchProvider] = {}


def register(key: str, provider: SearchProvider) -> None:
    _providers[key] = provider


def search(*, user, query: str, limit: int = 8) -> list[SearchHit]:
    query = query.strip()
    if not query:
        return []
    hits: list[SearchHit] = []
    for provider in _providers.values():
        hits.extend(provider(user, query, limit))
    return hits
