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


def prefix_range(field: str, prefix: str) -> dict:
    """Lookups for "``field`` starts with ``prefix``" as a range of a plain btree index.

    PostgreSQL uses a default btree for ``LIKE 'x%'`` only under the "C" collation, but for
    a range under any; under the C.UTF-8 collation the database is created with (README,
    Production) the range holds exactly the values that start with ``prefix``. A range is
    also served in index order, so the first rows of a common prefix come without sorting
    them all.
    """
    if not prefix:
        return {}
    following = ord(prefix[-1]) + 1
    if 0xD800 <= following <= 0xDFFF or following > 0x10FFFF:
        return {f"{field}__startswith": prefix}
    return {f"{field}__gte": prefix, f"{field}__lt": prefix[:-1] + chr(following)}
