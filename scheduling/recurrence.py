"""Repeating events: checking RFC 5545 rules and expanding them into occurrences.

Rules are expanded in local time (``TIME_ZONE``, Asia/Shanghai) on naive datetimes and
made aware afterwards, so "every Monday 09:00" stays at 09:00 on the wall clock even in a
zone with daylight saving time. The event's own ``start``/``end`` is always the first
occurrence (RFC 5545 counts DTSTART as the first instance), whether or not it matches the
rule; ``EventException`` rows cancel, retitle or move single occurrences.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from dateutil.rrule import rrule as RRule
from dateutil.rrule import rrulestr
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

MAX_COUNT = 1000  # a rule may repeat at most this many times ...
MAX_YEARS = 10  # ... and end within this many years (else it should have no end)
ALLOWED_FREQ = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
ALLOWED_PARTS = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH",
                 "BYSETPOS", "BYYEARDAY", "BYWEEKNO", "WKST"}
MAX_INTERVAL = 999


@dataclass
class Occurrence:
    """One instance of an event: where it really is (``start``/``end``), which instance of
    the series it is (``original_start``) and whether an exception changed it."""

    event: object
    start: datetime
    end: datetime
    original_start: datetime
    title: str
    place: str
    changed: bool = False

    @property
    def key(self) -> str:
        """Names the instance for good (reminders, links), even after it is moved; in UTC,
        so the same instance has the same key whichever zone its datetime came in."""
        return f"{self.event.pk}:{self.original_start.astimezone(UTC).isoformat()}"

    @property
    def all_day(self) -> bool:
        return bool(getattr(self.event, "all_day", False))


def _local_naive(value: datetime) -> datetime:
    return value.astimezone(timezone.get_default_timezone()).replace(tzinfo=None)


def _aware(naive: datetime) -> datetime:
    return timezone.make_aware(naive, timezone.get_default_timezone())


def _parts(text: str) -> list[tuple[str, str]]:
    text = (text or "").strip().upper()
    if text.startswith("RRULE:"):
        text = text[len("RRULE:"):]
    parts = []
    for chunk in text.split(";"):
        chunk = chunk.strip()
        if not chunk:
            continue
        name, sep, value = chunk.partition("=")
        if not sep or not value.strip():
            raise ValidationError(_("The repeat rule is not valid."), code="rrule")
        parts.append((name.strip(), value.strip()))
    return parts


def _parse_until(value: str) -> datetime:
    """UNTIL as an aware datetime: a date means the end of that local day, a time with
    ``Z`` is UTC, a time without it is local."""
    try:
        if len(value) == 8:
            day = datetime.strptime(value + "+0000", "%Y%m%d%z").date()
            return _aware(datetime.combine(day, time(23, 59, 59)))
        if value.endswith("Z"):
            return datetime.strptime(value[:-1] + "+0000", "%Y%m%dT%H%M%S%z")
        moment = datetime.strptime(value + "+0000", "%Y%m%dT%H%M%S%z")
        return _aware(moment.replace(tzinfo=None))
    except ValueError:
        raise ValidationError(_("The end date of the repeat rule is not valid."),
                              code="rrule") from None


def format_until(value: datetime) -> str:
    """An aware datetime as an RFC 5545 UNTIL value (UTC)."""
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _rule(text: str, dtstart_local: datetime) -> RRule:
    """The dateutil rule for a normalised ``text`` starting at a naive local datetime."""
    pieces = []
    until = None
    for name, value in _parts(text):
        if name == "UNTIL":
            until = _local_naive(_parse_until(value))
            continue
        pieces.append(f"{name}={value}")
    rule = rrulestr(";".join(pieces), dtstart=dtstart_local)
    if until is not None:
        rule = rule.replace(until=until)
    return rule


def validate_rrule(text: str, *, start: datetime | None = None) -> str:
    """Check a repeat rule and return it normalised (upper case, UNTIL in UTC); ``""`` for
    none. Raises ``ValidationError`` for a rule that is not valid, repeats more often than
    daily, more than ``MAX_COUNT`` times or further than ``MAX_YEARS`` years ahead."""
    parts = _parts(text)
    if not parts:
        return ""
    names = [name for name, _value in parts]
    if len(set(names)) != len(names):
        raise ValidationError(_("The repeat rule names a part twice."), code="rrule")
    values = dict(parts)
    unknown = set(values) - ALLOWED_PARTS
    if unknown:
        raise ValidationError(_("The repeat rule has parts this calendar does not support: "
                                "%(parts)s.") % {"parts": ", ".join(sorted(unknown))},
                              code="rrule")
    if values.get("FREQ") not in ALLOWED_FREQ:
        raise ValidationError(_("An event may repeat daily, weekly, monthly or yearly."),
                              code="rrule")
    if "COUNT" in values and "UNTIL" in values:
        raise ValidationError(_("A repeat rule ends either after a number of times or on a "
                                "date, not both."), code="rrule")
    for name, low, high in (("COUNT", 1, MAX_COUNT), ("INTERVAL", 1, MAX_INTERVAL)):
        if name in values and (not values[name].isdigit()
                               or not low <= int(values[name]) <= high):
                raise ValidationError(
                    _("%(part)s must be a whole number from %(low)s to %(high)s.")
                    % {"part": name, "low": low, "high": high}, code="rrule")
    normalised = []
    for name, value in parts:
        if name == "UNTIL":
            value = format_until(_parse_until(value))
        normalised.append(f"{name}={value}")
    result = ";".join(normalised)
    probe = start or timezone.now()
    try:
        rule = _rule(result, _local_naive(probe))
    except (ValueError, TypeError, KeyError, IndexError):
        raise ValidationError(_("The repeat rule is not valid."), code="rrule") from None
    limit = probe + timedelta(days=366 * MAX_YEARS)
    if "UNTIL" in values:
        until = _parse_until(values["UNTIL"])
        if start is not None and until < start:
            raise ValidationError(_("The repeat rule ends before the event starts."),
                                  code="rrule")
        if until > limit:
            raise ValidationError(
                _("A repeating event may end at most %(years)s years ahead; leave the end "
                  "open instead.") % {"years": MAX_YEARS}, code="rrule")
    # Count the instances within the limit only, so a rule that (almost) never occurs
    # cannot keep dateutil searching until the year 9999.
    bounded = rule.replace(count=None, until=_local_naive(limit))
    wanted = int(values.get("COUNT", 1))
    seen = 0
    for _instance in bounded:
        seen += 1
        if seen >= wanted:
            break
    if seen == 0:
        raise ValidationError(_("The repeat rule never occurs."), code="rrule")
    if seen < wanted:
        raise ValidationError(
            _("A repeating event may end at most %(years)s years ahead; leave the end "
              "open instead.") % {"years": MAX_YEARS}, code="rrule")
    return result


# Rules whose instances repeat with a fixed period, so starting them whole periods later
# gives the same instances from there on (months and years differ in length: not these).
_FIXED_PERIODS = {"DAILY": timedelta(days=1), "WEEKLY": timedelta(weeks=1)}


def _skip_ahead(rule: RRule, text: str, dtstart: datetime, target: datetime,
                last_start: datetime | None) -> RRule:
    """``rule`` restarted whole periods later, at least one period before ``target`` (all
    naive local times), so finding instances near ``target`` does not walk every instance
    since ``dtstart``. A rule counting its instances needs its last start to become a rule
    ending then; without one, or for monthly and yearly rules, ``rule`` as it is."""
    parts = dict(_parts(text))
    unit = _FIXED_PERIODS.get(parts.get("FREQ", ""))
    if unit is None:
        return rule
    if "COUNT" in parts and last_start is None:
        return rule
    period = unit * int(parts.get("INTERVAL", "1"))
    periods = (target - dtstart) // period - 1
    if periods <= 0:
        return rule
    changes = {"dtstart": dtstart + periods * period}
    if "COUNT" in parts:
        changes.update(count=None, until=last_start)
    return rule.replace(**changes)


_WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_SIMPLE_PARTS = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "WKST"}
_SIMPLE_WINDOW = timedelta(days=62)


def _simple_instances(text: str, dtstart: datetime, after: datetime, before: datetime,
                      last_start: datetime | None) -> list[datetime] | None:
    """The instances in ``[after, before)`` of a daily or weekly rule on plain weekdays
    (naive local times), worked out day by day in the window instead of walking the rule
    from its start; ``None`` for any other rule (or a long window), which dateutil
    expands. The tests hold this to dateutil's answer for every such rule."""
    parts = dict(_parts(text))
    freq = parts.get("FREQ")
    if (freq not in _FIXED_PERIODS or not set(parts) <= _SIMPLE_PARTS
            or before - after > _SIMPLE_WINDOW):
        return None
    days = parts.get("BYDAY")
    if days is not None and any(day not in _WEEKDAY_CODES for day in days.split(",")):
        return None  # "1MO", "-1FR": positions within a month or year
    if "COUNT" in parts and last_start is None:
        return None
    last = last_start if "COUNT" in parts else (
        _local_naive(_parse_until(parts["UNTIL"])) if "UNTIL" in parts else None)
    interval = int(parts.get("INTERVAL", "1"))
    weekdays = ({_WEEKDAY_CODES.index(day) for day in days.split(",")} if days
                else (None if freq == "DAILY" else {dtstart.weekday()}))
    first_day = dtstart.date()
    wkst = _WEEKDAY_CODES.index(parts.get("WKST", "MO"))
    first_week = first_day - timedelta(days=(first_day.weekday() - wkst) % 7)
    found = []
    day = max(after.date(), first_day)
    while day <= before.date():
        moment = datetime.combine(day, dtstart.time())
        if after <= moment < before and moment >= dtstart and (last is None or moment <= last):
            if freq == "DAILY":
                due = (day - first_day).days % interval == 0
            else:
                week = day - timedelta(days=(day.weekday() - wkst) % 7)
                due = ((week - first_week).days // 7) % interval == 0
            if due and (weekdays is None or day.weekday() in weekdays):
                found.append(moment)
        day += timedelta(days=1)
    return found


def _instance_starts(*, start: datetime, rrule: str, after: datetime | None = None,
                     before: datetime | None = None, last_start: datetime | None = None,
                     skip_ahead: bool = True) -> Iterator[datetime]:
    """Aware starts of a series' instances (the first one always ``start``), optionally
    only those with ``after <= s < before``. ``last_start`` (the last instance's start,
    when known) lets a counted rule skip ahead to ``after`` too."""
    if (after is None or after <= start) and (before is None or start < before):
        yield start
    if not rrule:
        return
    dtstart = _local_naive(start)
    local_last = _local_naive(last_start) if last_start is not None else None
    if skip_ahead and after is not None and before is not None:
        simple = _simple_instances(rrule, dtstart, _local_naive(after), _local_naive(before),
                                   local_last)
        if simple is not None:
            yield from (_aware(naive) for naive in simple if naive != dtstart)
            return
    rule = _rule(rrule, dtstart)
    if after is not None and after > start:
        local_after = _local_naive(after)
        if skip_ahead:
            rule = _skip_ahead(rule, rrule, dtstart, local_after, local_last)
        candidates = rule.xafter(local_after, inc=True)
    else:
        candidates = iter(rule)
    local_before = _local_naive(before) if before is not None else None
    for naive in candidates:
        if local_before is not None and naive >= local_before:
            return
        if naive == dtstart:
            continue
        yield _aware(naive)


def _last_start(event) -> datetime | None:
    """The start of a series' last instance, from its stored end (``None``: unknown or
    never ending)."""
    series_end = getattr(event, "series_end", None)
    if series_end is None or not event.rrule:
        return None
    return series_end - (event.end - event.start)


def instance_starts(event, *, after: datetime | None = None,
                    before: datetime | None = None) -> Iterator[datetime]:
    """The original starts of ``event``'s instances between ``after`` and ``before``."""
    return _instance_starts(start=event.start, rrule=event.rrule, after=after, before=before,
                            last_start=_last_start(event))


def series_end_of(*, start: datetime, end: datetime, rrule: str) -> datetime | None:
    """The end of the last occurrence; ``None`` when the rule never ends. Without a rule,
    the event's own end."""
    if not rrule:
        return end
    parts = dict(_parts(rrule))
    if "COUNT" not in parts and "UNTIL" not in parts:
        return None
    rule = _rule(rrule, _local_naive(start))
    last = None
    for instance in rule:  # bounded: COUNT <= MAX_COUNT, UNTIL <= MAX_YEARS ahead
        last = instance
    last_start = max(start, _aware(last)) if last is not None else start
    return last_start + (end - start)


def _exceptions_of(event) -> list:
    if event.pk is None:
        return []
    known = getattr(event, "exception_list", None)  # read already (ranges.EventRow)
    if known is not None:
        return known
    return list(event.exceptions.all())


def occurrences(event, start: datetime, end: datetime) -> list:
    """The occurrences of ``event`` overlapping ``[start, end)`` (touching ends do not
    overlap), with cancelled ones left out and moved ones where they moved to."""
    if event.cancelled_at is not None:
        return []
    if not event.rrule and not _exceptions_of(event):  # most events: just the one
        if event.start < end and event.end > start:
            return [Occurrence(event=event, start=event.start, end=event.end,
                               original_start=event.start, title=event.title,
                               place=event.place)]
        return []
    duration = event.end - event.start
    exceptions = {exc.original_start: exc for exc in _exceptions_of(event)}
    found = []
    for original in _instance_starts(start=event.start, rrule=event.rrule,
                                     after=start - duration, before=end,
                                     last_start=_last_start(event)):
        occ_end = original + duration
        if not (original < end and occ_end > start):
            continue
        exc = exceptions.get(original)
        if exc is not None and (exc.cancelled or exc.start is not None):
            continue  # cancelled, or moved: a moved one is added below where it is now
        found.append(Occurrence(
            event=event, start=original, end=occ_end, original_start=original,
            title=(exc.title if exc and exc.title else event.title),
            place=(exc.place if exc and exc.place else event.place),
            changed=exc is not None))
    for exc in exceptions.values():
        if exc.cancelled or exc.start is None:
            continue
        exc_end = exc.end or exc.start + duration
        if exc.start < end and exc_end > start:
            found.append(Occurrence(
                event=event, start=exc.start, end=exc_end, original_start=exc.original_start,
                title=exc.title or event.title, place=exc.place or event.place, changed=True))
    found.sort(key=lambda occ: (occ.start, occ.end))
    return found


def is_instance(event, original_start: datetime) -> bool:
    """Whether the series has an instance originally starting at ``original_start``."""
    return any(s == original_start for s in instance_starts(
        event, after=original_start, before=original_start + timedelta(seconds=1)))


def occurrence_at(event, original_start: datetime):
    """The instance of ``event`` that originally started at ``original_start`` (moved or
    not), or ``None`` when the series has no such instance (or it is cancelled)."""
    if not is_instance(event, original_start):
        return None
    duration = event.end - event.start
    exc = next((e for e in _exceptions_of(event) if e.original_start == original_start), None)
    if exc is not None and exc.cancelled:
        return None
    if exc is not None and exc.start is not None:
        return Occurrence(event=event, start=exc.start, end=exc.end or exc.start + duration,
                          original_start=original_start, title=exc.title or event.title,
                          place=exc.place or event.place, changed=True)
    return Occurrence(event=event, start=original_start, end=original_start + duration,
                      original_start=original_start,
                      title=(exc.title if exc and exc.title else event.title),
                      place=(exc.place if exc and exc.place else event.place),
                      changed=exc is not None)


def busy_span(occ) -> tuple[datetime, datetime]:
    """The time an occurrence keeps someone busy: an all-day one the whole local day(s)."""
    if not occ.all_day:
        return occ.start, occ.end
    return whole_days(occ.start, occ.end)


def whole_days(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    """From local midnight of ``start``'s day to the local midnight ending ``end``'s day
    (``end`` already at midnight stays; a zero-length span is one day)."""
    first = timezone.localtime(start).date()
    local_end = timezone.localtime(end)
    last = local_end.date()
    if local_end.time() != time(0) or last <= first:
        last += timedelta(days=1)
    return (_aware(datetime.combine(first, time(0))), _aware(datetime.combine(last, time(0))))
