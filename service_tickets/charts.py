"""The ticket area's charts: built from figures the database aggregated (see
``followups.daily_counts`` and ``followups.quality_report``), drawn by ``portal.charts``."""

from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

from portal.charts import Chart, Series
from portal.formatting import date_formatter

from .followups import QualityReport, one_decimal


def days_between(start: date, end: date) -> list[date]:
    """Every day of ``[start, end)``."""
    return [start + timedelta(days=n) for n in range((end - start).days)]


def daily_chart(*, chart_id: str, title, counts: dict[str, dict], days: list[date]) -> Chart:
    """Tickets logged and closed per day, a line each."""
    label = date_formatter("MONTH_DAY_FORMAT")
    return Chart(id=chart_id, title=title, kind="line", integer=True,
                 categories=[label(day) for day in days],
                 series=[Series(_("Logged"), [counts["logged"].get(day, 0) for day in days]),
                         Series(_("Closed"), [counts["closed"].get(day, 0) for day in days])])


def dimensions_chart(report: QualityReport) -> Chart:
    """Average score of each of the ten service-quality dimensions (out of 5)."""
    labels, values = zip(*report.dimensions, strict=True) if report.dimensions else ((), ())
    return Chart(id="chart-dimensions", title=_("Satisfaction by quality dimension"),
                 kind="barh", max=5, categories=list(labels),
                 series=[Series(_("Average score"), list(values))])


def times_chart(rows: list[dict]) -> Chart:
    """Average hours to accept and to resolve per category."""
    def name(row: dict) -> str:
        parent = row.get("category__parent__name")
        return f"{parent} › {row['category__name']}" if parent else row["category__name"]

    def hours(value):
        return None if value is None else one_decimal(value.total_seconds() / 3600)

    return Chart(id="chart-times", title=_("Times by category"), kind="barh", unit=_("h"),
                 categories=[name(row) for row in rows],
                 series=[Series(_("To accept"), [hours(row["accept"]) for row in rows]),
                         Series(_("To resolve"), [hours(row["resolve"]) for row in rows])])
