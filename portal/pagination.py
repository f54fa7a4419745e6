"""Keyset ("seek") pagination for lists that reach millions of rows.

Pages are found by the last row's sort key, served by an index; there is no COUNT and no
OFFSET, so page 10,000 costs what page 1 costs.
"""

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.utils.functional import cached_property

from .inputs import has_control_characters


@dataclass
class KeysetPage:
    items: list
    next_cursor: str | None
    previous_cursor: str | None

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_cursor or self.previous_cursor)


def _encode(values: list[Any], direction: str) -> str:
    raw = json.dumps({"d": direction, "v": values}, ensure_ascii=False, default=str)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str) -> tuple[str, list[Any]] | None:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        direction, values = data["d"], data["v"]
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        return None
    if direction not in ("n", "p") or not isinstance(values, list):
        return None
    return direction, values


def _readable(queryset: QuerySet, fields: list[str], values: list[Any]) -> bool:
    """Whether a decoded cursor's values fit the sort fields: a forged one (a nested object,
    text for a number, a NUL, a date past 9999) would fail in the database."""
    if len(values) != len(fields):
        return False
    for name, value in zip(fields, values, strict=True):
        if value is not None and not isinstance(value, str | int | float | bool):
            return False
        if isinstance(value, str) and has_control_characters(value):
            return False
        field = model_field(queryset.model, name.lstrip("-"))
        if field is None:
            continue
        try:
            field.run_validators(field.to_python(value))
        except (ValidationError, ValueError, TypeError, OverflowError):
            return False
    return True


def model_field(model, path: str):
    """The model field at ``path`` (``a__b`` follows relations; a relation gives its key), or
    None for an annotation."""
    field = None
    for part in path.split("__"):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        if field.is_relation:
            model = field.related_model
            field = field.target_field if hasattr(field, "target_field") else None
            if field is None:
                return None
    return field


def _after(fields: list[str], values: list[Any], forward: bool) -> Q:
    """Rows strictly after (or before) ``values`` in the order of ``fields``.

    A field written ``-name`` sorts descending. The leading bound on the first field lets
    the database start an index range scan at the cursor instead of filtering the whole
    index with the OR that follows.
    """
    names = [f.lstrip("-") for f in fields]
    ops = []
    for f in fields:
        ascending = not f.startswith("-")
        ops.append("gt" if ascending == forward else "lt")
    condition = Q()
    for i, name in enumerate(names):
        step = Q(**{f"{name}__{ops[i]}": values[i]})
        for prev, value in zip(names[:i], values[:i], strict=True):
            step &= Q(**{prev: value})
        condition |= step
    return Q(**{f"{names[0]}__{ops[0]}e": values[0]}) & condition


def _reverse(fields: list[str]) -> list[str]:
    return [f[1:] if f.startswith("-") else f"-{f}" for f in fields]


def keyset_page(
    queryset: QuerySet, *, fields: list[str], cursor: str | None, size: int = 50
) -> KeysetPage:
    """One page of ``queryset`` ordered by ``fields`` (``-name`` for descending); the last
    field must be unique."""
    # A cursor that cannot be read (forged, or from before a change of order) gives the
    # first page, as a bare link would.
    decoded = _decode(cursor) if cursor else None
    if decoded and not _readable(queryset, fields, decoded[1]):
        decoded = None
    forward = decoded is None or decoded[0] == "n"
    qs = queryset
    if decoded:
        qs = qs.filter(_after(fields, decoded[1], forward))
    order = fields if forward else _reverse(fields)
    rows = list(qs.order_by(*order)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if not forward:
        rows.reverse()

    def key(row) -> list[Any]:
        return [_attr(row, name.lstrip("-")) for name in fields]

    next_cursor = previous_cursor = None
    if rows:
        if more or not forward:
            next_cursor = _encode(key(rows[-1]), "n")
        if decoded and (forward or more):
            previous_cursor = _encode(key(rows[0]), "p")
    return KeysetPage(items=rows, next_cursor=next_cursor, previous_cursor=previous_cursor)


def _attr(row, path: str):
    if isinstance(row, dict):  # a queryset of values
        return row[path]
    value = row
    for part in path.split("__"):
        value = getattr(value, part)
    if hasattr(value, "pk"):
        value = value.pk
    return value


class CappedCountPaginator(Paginator):
    """A paginator for admin lists of huge tables: it counts at most ``cap`` rows.

    Admin pages need a count for their page links; counting millions of rows on every
    request does not scale, so the count stops at ``cap`` and filters narrow the rest.
    """

    cap = 10_000

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by()[: self.cap].count()
