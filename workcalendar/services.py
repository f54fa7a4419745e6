"""Keeping the business calendar: the official arrangement, managers' own entries, and
confirming a year once its arrangement is known for certain."""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record

from .models import CalendarDay, CalendarYear


class NoOfficialData(Exception):
    """The official arrangement for that year is not known yet: enter it by hand."""


# Called with the year inside the confirming transaction (the areas whose stored times
# depend on the calendar enqueue their recomputation on commit).
_confirmed_listeners: list[Callable[[int], None]] = []


def on_year_confirmed(listener: Callable[[int], None]) -> None:
    """Have ``listener(year)`` called whenever a year is confirmed (again)."""
    if listener not in _confirmed_listeners:
        _confirmed_listeners.append(listener)


@transaction.atomic
def calendar_year_confirm(*, year: int, by, source: str) -> CalendarYear:
    """Confirm ``year``'s holidays and make-up workdays as they now stand, so due times in
    it are no longer provisional, and have the open tickets' due times worked out again.

    A year confirmed by hand must have its public holidays entered first (China has some
    every year); confirming a year again (after a correction) recomputes again."""
    if source not in CalendarDay.Source.values:
        raise ValueError(source)
    days = CalendarDay.objects.filter(date__year=year)
    holidays = days.filter(kind=CalendarDay.Kind.HOLIDAY).count()
    if not holidays:
        raise ValidationError(_(
            "No public holidays are entered for %(year)s yet: enter the year's holidays and "
            "make-up workdays first, then confirm it.") % {"year": year})
    workdays = days.filter(kind=CalendarDay.Kind.WORKDAY).count()
    now = timezone.now()
    confirmed, created = CalendarYear.objects.update_or_create(
        year=year, defaults={"source": source, "confirmed_at": now, "confirmed_by": by,
                             "recomputed_at": None})
    audit_record(actor=by, action="workcalendar.year_confirmed", target=confirmed,
                 details={"year": year, "source": source, "holidays": holidays,
                          "workdays": workdays, "again": not created})
    for listener in _confirmed_listeners:
        listener(year)
    return confirmed


@transaction.atomic
def official_year_confirm(*, year: int, by=None) -> CalendarYear:
    """Load the official arrangement for ``year`` and confirm it (raises NoOfficialData)."""
    official_year_load(year=year)
    return calendar_year_confirm(year=year, by=by, source=CalendarDay.Source.OFFICIAL)


def calendar_year_recomputed(*, year: int, at=None) -> bool:
    """Record that the due times depending on ``year`` were worked out again; False when
    the year is not (or no longer) confirmed."""
    return bool(CalendarYear.objects.filter(year=year).update(
        recomputed_at=at or timezone.now()))


def official_year_available(*, year: int) -> None:
    """Raise NoOfficialData unless the chinesecalendar package knows the whole ``year``."""
    import datetime

    import chinese_calendar

    try:
        chinese_calendar.is_workday(datetime.date(year, 1, 1))
        chinese_calendar.is_workday(datetime.date(year, 12, 31))
    except NotImplementedError as exc:
        raise NoOfficialData(str(year)) from exc


@transaction.atomic
def official_year_load(*, year: int) -> tuple[int, int]:
    """Store the State Council's arrangement for ``year`` (from the chinesecalendar package).

    Days a manager entered by hand are kept. Returns (holidays, make-up workdays) stored.
    """
    import chinese_calendar

    official_year_available(year=year)
    holidays = {d: name for d, name in chinese_calendar.holidays.items()
                if d.year == year}
    workdays = {d: name for d, name in chinese_calendar.workdays.items()
                if d.year == year and d.weekday() >= 5}
    manual = set(CalendarDay.objects.filter(date__year=year, source=CalendarDay.Source.MANUAL)
                 .values_list("date", flat=True))
    counts = [0, 0]
    for index, (days, kind) in enumerate([(holidays, CalendarDay.Kind.HOLIDAY),
                                          (workdays, CalendarDay.Kind.WORKDAY)]):
        for day, name in days.items():
            if day in manual:
                continue
            CalendarDay.objects.update_or_create(
                date=day, defaults={"kind": kind, "name": _chinese_name(name),
                                    "source": CalendarDay.Source.OFFICIAL})
            counts[index] += 1
    return counts[0], counts[1]


_NAMES = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节", "Dragon Boat Festival": "端午节", "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节", "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


def _chinese_name(name: str) -> str:
    return _NAMES.get(name, name)
