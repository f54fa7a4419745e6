"""Charts: one declarative spec per chart, drawn in the browser by Apache ECharts.

A view builds a ``Chart`` from figures the database has aggregated; the template writes its
spec into a JSON script element (``includes/chart.html``) and ``static/js/charts.js`` draws
it. Every chart has a table or list beside it with the same figures, for reading and for
screen readers. Areas chart the same way: build a ``Chart``, include the template.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.utils.functional import Promise

KINDS = ("line", "bar", "barh")


@dataclass(frozen=True)
class Series:
    name: str | Promise
    data: list


@dataclass
class Chart:
    """``kind`` is "line", "bar" (vertical) or "barh" (horizontal bars, long labels)."""

    id: str
    title: str | Promise
    kind: str
    categories: list
    series: list[Series] = field(default_factory=list)
    unit: str | Promise = ""
    max: float | None = None
    integer: bool = False

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown chart kind {self.kind!r}")

    @property
    def empty(self) -> bool:
        return not any(value is not None and value != 0
                       for serie in self.series for value in serie.data)

    def spec(self) -> dict:
        return {
            "type": self.kind,
            "categories": [str(category) for category in self.categories],
            "series": [{"name": str(serie.name), "data": [plain(v) for v in serie.data]}
                       for serie in self.series],
            "unit": str(self.unit),
            "max": self.max,
            "integer": self.integer,
        }


def plain(value):
    """A figure as JSON reads it: Decimals and durations (in hours) as numbers."""
    if value is None:
        return None
    if isinstance(value, timedelta):
        return round(value.total_seconds() / 3600, 1)
    if isinstance(value, Decimal):
        return float(value)
    return value
