"""Each person's occurrences in a range, kept in the cache between requests.

A team's week asks for thirty people's calendars at once: thousands of events read and
repeating ones expanded. What a person's calendar holds does not depend on who looks at it
(what the viewer may read of it is decided afterwards, by ``selectors.calendar_for``), so
it is cached per person and range, under that person's *generation*: a value kept in the
cache and dropped whenever an event, answer or changed occurrence of theirs is saved or
deleted (after the transaction commits). The next reader then starts a new generation, so
an entry made before a change is never read again.

A reader takes the generation before it reads the database; a change committed while it
reads drops that generation, so what it stores is never found. ``CALENDAR_CACHE_SECONDS``
is how long an entry lives; 0 turns the cache off (used without Redis, where each process
would have a cache of its own that no other process could clear).
"""

import hashlib
import time
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from .ranges import calendar_rows
from .recurrence import occurrences

# The fields of one cached occurrence, in order (a tuple pickles small and fast).
FIELDS = ("start", "end", "event_id", "key", "original_start", "title", "place", "kind",
          "all_day", "private", "version", "recurring", "organizer_id", "response",
          "start_ts", "end_ts")  # the times again as POSIX seconds, cheap to compare
FORMAT = 2  # part of every key: a change of FIELDS leaves old entries unread
START_TS, END_TS = FIELDS.index("start_ts"), FIELDS.index("end_ts")
EVENT_ID, RESPONSE = FIELDS.index("event_id"), FIELDS.index("response")


def cache_seconds() -> int:
    """How long an entry lives (``CALENDAR_CACHE_SECONDS``); 0: nothing is cached."""
    return int(getattr(settings, "CALENDAR_CACHE_SECONDS", 0) or 0)


def _generation_key(user_id: int) -> str:
    return f"calendar:gen:{user_id}"


def _entry_key(user_id: int, generation, start: datetime, end: datetime) -> str:
    return (f"calendar:{FORMAT}:{user_id}:{generation}:{int(start.timestamp())}:"
            f"{int(end.timestamp())}")


def forget(user_ids: Iterable[int]) -> None:
    """The calendars of these people changed: once the transaction commits, drop their
    generations (a reader before the commit may still store what it read, under the
    generation that is dropped)."""
    if not cache_seconds():
        return
    keys = sorted({_generation_key(pk) for pk in user_ids if pk is not None})
    if keys:
        transaction.on_commit(lambda: cache.delete_many(keys))


def _generations(user_ids: list[int]) -> dict[int, object]:
    """Each person's current generation; a new one where there is none. ``None`` where
    another reader started one at the same moment (that reader's entry is used later)."""
    keys = {pk: _generation_key(pk) for pk in user_ids}
    found = cache.get_many(list(keys.values()))
    result = {}
    for pk, key in keys.items():
        if key in found:
            result[pk] = found[key]
            continue
        fresh = f"{time.time_ns():x}"
        result[pk] = fresh if cache.add(key, fresh, timeout=None) else None
    return result


def _expand(rows, user_ids: set[int], start: datetime, end: datetime) -> dict[int, list]:
    """The occurrences of ``rows`` (``ranges.EventRow``) in ``[start, end)`` for each of
    ``user_ids`` asked to them, with that person's answer."""
    result: dict[int, list] = {pk: [] for pk in user_ids}
    for event in rows:
        asked = [(pk, answer) for pk, answer in event.answers.items() if pk in user_ids]
        if not asked:
            continue
        found = occurrences(event, start, end)
        recurring = bool(event.rrule)
        for occ in found:
            shared = (occ.start, occ.end, event.pk, occ.key, occ.original_start, occ.title,
                      occ.place, event.kind, event.all_day, event.private, event.version,
                      recurring, event.organizer_id)
            stamps = (occ.start.timestamp(), occ.end.timestamp())
            for pk, answer in asked:
                result[pk].append((*shared, answer, *stamps))
    for found in result.values():
        found.sort(key=lambda entry: (entry[0], entry[1], entry[2]))
    return result


def generations(user_ids: Iterable[int]) -> dict[int, object] | None:
    """The current generation of each person's calendar (``None`` for one just being
    started by another reader); ``None`` when nothing is cached. Whatever is built from
    these calendars can be cached under them (``page_key``)."""
    if not cache_seconds():
        return None
    return _generations(list(dict.fromkeys(user_ids)))


def page_key(name: str, generations: dict | None, *parts) -> str | None:
    """The cache key of something built from the calendars of ``generations``'s people
    (and ``parts``: whatever else it depends on); ``None`` where it must not be cached."""
    if not generations or any(gen is None for gen in generations.values()):
        return None
    text = repr((sorted(generations.items()), parts))
    return f"calendar:{FORMAT}:{name}:{hashlib.sha256(text.encode()).hexdigest()}"


def occurrences_of(user_ids: Iterable[int], start: datetime, end: datetime, *,
                   known_generations: dict | None = None) -> dict[int, list]:
    """Each person's occurrences in ``[start, end)`` of the events they are asked to
    (declined ones included) as tuples of ``FIELDS``, sorted by time; from the cache
    where it holds them, the rest read in one go (``ranges.calendar_rows``)."""
    ids = list(dict.fromkeys(user_ids))
    seconds = cache_seconds()
    if not seconds:
        return _expand(calendar_rows(ids, start, end), set(ids), start, end)
    generations = {**(known_generations or {})}
    unknown = [pk for pk in ids if pk not in generations]
    if unknown:
        generations.update(_generations(unknown))
    generations = {pk: generations[pk] for pk in ids}
    keys = {pk: _entry_key(pk, gen, start, end) for pk, gen in generations.items()
            if gen is not None}
    cached = cache.get_many(list(keys.values()))
    result = {pk: cached[key] for pk, key in keys.items() if key in cached}
    missing = [pk for pk in ids if pk not in result]
    if missing:
        read = _expand(calendar_rows(missing, start, end), set(missing), start, end)
        result.update(read)
        cache.set_many({keys[pk]: read[pk] for pk in missing if pk in keys}, seconds)
    return result
