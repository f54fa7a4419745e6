"""Keeping the business calendar: the official arrangement, and managers' own entries."""

from django.db import transaction

from .models import CalendarDay


class NoOfficialData(Exception):
    """The official arrangement for that year is not known yet: enter it by hand."""


@transaction.atomic
def official_year_load(*, year: int) -> tuple[int, int]:
    """Store the State Council's arrangement for ``year`` (from the chinesecalendar package).

    Days a manager entered by hand are kept. Returns (holidays, make-up workdays) stored.
    """
    import datetime

    import chinese_calendar

    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    try:
        chinese_calendar.is_workday(first)
        chinese_calendar.is_workday(last)
    except NotImplementedError as exc:
        raise NoOfficialData(str(year)) from exc
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
