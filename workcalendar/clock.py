"""Working time on the company's business calendar.

SLA clocks count only working hours: Monday to Friday within the working periods, except
public holidays, plus make-up workdays (调休) that fall on weekends. All arithmetic is done
in the company's time zone; arguments and results are aware datetimes.

A ``WorkCalendar`` reads the calendar once (three small queries) and then answers any number
of questions without touching the database, so a scanner can time thousands of tickets.

A date in a year nobody has confirmed (``CalendarYear``) counts as Monday to Friday plus
whatever a manager has entered so far, so a due time in such a year is *provisional*: the
clock knows the confirmed years, and a page tells provisional due times by their year alone
(``ConfirmedYears``, read once per page).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

DEFAULT_PERIODS = ((time(8, 30), time(12, 0)), (time(13, 30), time(17, 30)))
MAX_DAYS = 3 * 366  # no SLA runs for three years; stops a loop on a calendar with no workdays


@dataclass(frozen=True)
class ConfirmedYears:
    """The years whose calendar is confirmed: a due time elsewhere is provisional."""

    years: frozenset[int]
    zone: ZoneInfo

    @classmethod
    def load(cls) -> "ConfirmedYears":
        """One query; pages that show many due times read it once."""
        from .models import CalendarYear

        return cls(frozenset(CalendarYear.objects.order_by().values_list("year", flat=True)),
                   ZoneInfo(settings.TIME_ZONE))

    def __contains__(self, year: int) -> bool:
        return year in self.years

    def is_provisional(self, moment: datetime | None) -> bool:
        """Whether ``moment`` falls in a year whose calendar nobody has confirmed."""
        return moment is not None and moment.astimezone(self.zone).year not in self.years


@dataclass(frozen=True)
class WorkCalendar:
    holidays: frozenset[date]
    workdays: frozenset[date]
    periods: tuple[tuple[time, time], ...]
    zone: ZoneInfo
    confirmed_years: frozenset[int] = frozenset()

    @classmethod
    def load(cls) -> "WorkCalendar":
        from .models import CalendarDay, CalendarYear, WorkPeriod

        rows = list(CalendarDay.objects.values_list("date", "kind"))
        periods = tuple(WorkPeriod.objects.order_by("start").values_list("start", "end"))
        return cls.build(
            holidays=[d for d, k in rows if k == CalendarDay.Kind.HOLIDAY],
            workdays=[d for d, k in rows if k == CalendarDay.Kind.WORKDAY],
            periods=periods or DEFAULT_PERIODS,
            confirmed_years=CalendarYear.objects.order_by().values_list("year", flat=True),
        )

    @classmethod
    def build(cls, *, holidays: Iterable[date] = (), workdays: Iterable[date] = (),
              periods: Iterable[tuple[time, time]] = DEFAULT_PERIODS,
              zone: str | None = None, confirmed_years: Iterable[int] = ()
              ) -> "WorkCalendar":
        return cls(frozenset(holidays), frozenset(workdays), tuple(sorted(periods)),
                   ZoneInfo(zone or settings.TIME_ZONE), frozenset(confirmed_years))

    # --- confirmed years ------------------------------------------------------------

    @property
    def confirmed(self) -> ConfirmedYears:
        return ConfirmedYears(self.confirmed_years, self.zone)

    def is_provisional(self, moment: datetime | None) -> bool:
        """Whether a due time at ``moment`` rests on a year nobody has confirmed."""
        return self.confirmed.is_provisional(moment)

    # --- days -----------------------------------------------------------------------

    def is_workday(self, day: date) -> bool:
        if day in self.holidays:
            return False
        if day in self.workdays:
            return True
        return day.weekday() < 5

    def _spans(self, day: date) -> list[tuple[datetime, datetime]]:
        if not self.is_workday(day):
            return []
        return [(datetime.combine(day, start, self.zone), datetime.combine(day, end, self.zone))
                for start, end in self.periods]

    # --- durations ------------------------------------------------------------------

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Working time from ``start`` to ``end`` (zero if ``end`` is not later)."""
        if end <= start:
            return timedelta(0)
        start, end = start.astimezone(self.zone), end.astimezone(self.zone)
        total = timedelta(0)
        day = start.date()
        while day <= end.date():
            for span_start, span_end in self._spans(day):
                lo, hi = max(span_start, start), min(span_end, end)
                if hi > lo:
                    total += hi - lo
            day += timedelta(days=1)
        return total

    def add_working_time(self, start: datetime, duration: timedelta) -> datetime:
        """The moment when ``duration`` of working time has passed since ``start``."""
        remaining = duration
        moment = start.astimezone(self.zone)
        day = moment.date()
        for _ in range(MAX_DAYS):
            for span_start, span_end in self._spans(day):
                lo = max(span_start, moment)
                if lo >= span_end:
                    continue
                available = span_end - lo
                if remaining <= available:
                    return (lo + remaining).astimezone(start.tzinfo or self.zone)
                remaining -= available
            day += timedelta(days=1)
            moment = datetime.combine(day, time(0), self.zone)
        raise ValueError("the business calendar has no working time in the next three years")


def due_at(*, start: datetime, duration: timedelta, around_the_clock: bool,
           calendar: WorkCalendar | None = None) -> datetime:
    """When an SLA of ``duration`` started at ``start`` falls due (24×7 or working hours)."""
    if around_the_clock:
        return start + duration
    return (calendar or WorkCalendar.load()).add_working_time(start, duration)


def now_local() -> datetime:
    return timezone.localtime()
