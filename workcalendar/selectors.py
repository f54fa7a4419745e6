"""Reads of the business calendar."""

from datetime import date, timedelta

from django.utils import timezone

from .models import CalendarYear

WARN_FROM_MONTH = 11  # from 1 November managers are asked to confirm next year
RECOMPUTE_RETRY_AFTER = timedelta(minutes=10)


def years_awaiting_confirmation(*, today: date | None = None) -> list[int]:
    """The years managers must confirm now: this year if nobody has, and from 1 November
    next year too (one query)."""
    today = today or timezone.localdate()
    needed = [today.year] + ([today.year + 1] if today.month >= WARN_FROM_MONTH else [])
    confirmed = set(CalendarYear.objects.filter(year__in=needed)
                    .values_list("year", flat=True))
    return [year for year in needed if year not in confirmed]


def years_awaiting_recompute(*, now=None) -> list[int]:
    """Confirmed years whose due-time recomputation has not been recorded for a while
    (its message was lost with the broker, or its worker died)."""
    now = now or timezone.now()
    return list(CalendarYear.objects.filter(
        recomputed_at__isnull=True, confirmed_at__lte=now - RECOMPUTE_RETRY_AFTER)
        .order_by("year").values_list("year", flat=True))
