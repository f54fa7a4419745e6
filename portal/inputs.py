"""What a request may carry, checked once for every page and API route.

PostgreSQL cannot store NUL, and Python's dates stop at the years 1 and 9999 (a week view of
9999-12-31 overflows): text is refused when it holds control characters (by
``portal.middleware.BadInputMiddleware``) and dates outside ``FIRST_YEAR``–``LAST_YEAR`` by
the parsers and form fields below, which pages and the API share. ``BadInput`` raised
anywhere in a view answers 400 with its message, as a page or as JSON.
"""

import datetime
import re

from django import forms
from django.core.exceptions import BadRequest, ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

FIRST_YEAR = 1900
LAST_YEAR = 2200

# C0 controls and DEL, except tab, line feed and carriage return (text areas hold them).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

CONTROL_MESSAGE = _("The request holds control characters (such as NUL) that no field "
                    "accepts: remove them and try again.")
RANGE_MESSAGE = _("Choose a date between the years %(first)s and %(last)s.")
DATE_MESSAGE = _("Enter a date such as 2026-03-02.")
MOMENT_MESSAGE = _("Enter a date or a date-time such as 2026-03-02 09:00.")
MONTH_MESSAGE = _("Enter a month such as 2026-03.")


class BadInput(BadRequest):
    """A value in the request that cannot be read; answered with 400 and ``message``."""

    def __init__(self, message, *, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


def has_control_characters(text: str) -> bool:
    return bool(_CONTROL.search(text))


def _range_error() -> ValidationError:
    return ValidationError(RANGE_MESSAGE, code="out_of_range",
                           params={"first": FIRST_YEAR, "last": LAST_YEAR})


def check_year(value: datetime.date | datetime.datetime) -> None:
    """Refuse a date or date-time outside the years the product works with."""
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise _range_error()


def _bad(error: ValidationError, field: str | None) -> BadInput:
    message = error.messages[0] if error.messages else str(error)
    return BadInput(message, field=field)


def parse_day(value: str | None, *, field: str | None = None) -> datetime.date | None:
    """``YYYY-MM-DD`` from a query parameter: None when empty, ``BadInput`` when not a
    date or out of range."""
    if not value:
        return None
    try:
        day = parse_date(value.strip())
    except ValueError:
        day = None
    if day is None:
        raise BadInput(DATE_MESSAGE, field=field)
    try:
        check_year(day)
    except ValidationError as error:
        raise _bad(error, field) from None
    return day


def parse_moment(value: str | None, *, field: str | None = None,
                 allow_date: bool = False) -> datetime.datetime | None:
    """An ISO date-time (local time when it names no offset; a date alone is its midnight
    where ``allow_date``): None when empty, ``BadInput`` when unreadable or out of range."""
    if not value:
        return None
    text = value.strip()
    try:
        moment = parse_datetime(text)
    except ValueError:  # well formed but impossible, e.g. an offset of +99:00
        raise BadInput(MOMENT_MESSAGE, field=field) from None
    if moment is None and allow_date:
        try:
            day = parse_date(text)
        except ValueError:
            day = None
        moment = datetime.datetime.combine(day, datetime.time.min) if day else None
    if moment is None:
        raise BadInput(MOMENT_MESSAGE, field=field)
    try:
        check_year(moment)
    except ValidationError as error:
        raise _bad(error, field) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def parse_month(value: str | None, *, field: str | None = None) -> datetime.date | None:
    """``YYYY-MM`` as the first day of that month."""
    if not value:
        return None
    match = re.fullmatch(r"(\d{4})-(\d{2})", value.strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise BadInput(MONTH_MESSAGE, field=field)
    day = datetime.date(int(match[1]), int(match[2]), 1)
    try:
        check_year(day)
    except ValidationError as error:
        raise _bad(error, field) from None
    return day


# --- form fields ----------------------------------------------------------------------------

class _InRange:
    """Runs the year check after the field has read its value, before anyone computes with
    it (a week around 9999-12-31 overflows)."""

    def to_python(self, value):
        try:
            result = super().to_python(value)
        except (OverflowError, ValueError):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if result is not None:
            check_year(result)
        return result


class DateField(_InRange, forms.DateField):
    """A date between ``FIRST_YEAR`` and ``LAST_YEAR``."""


class DateTimeField(_InRange, forms.DateTimeField):
    """A date-time between ``FIRST_YEAR`` and ``LAST_YEAR``."""


class MonthField(forms.DateField):
    """``YYYY-MM``, cleaned to the first day of the month."""

    input_formats = ["%Y-%m"]
    default_error_messages = {"invalid": MONTH_MESSAGE}

    def to_python(self, value):
        result = super().to_python(value)
        if result is not None:
            check_year(result)
        return result


# --- API fields -----------------------------------------------------------------------------

class ApiDateTimeField(serializers.DateTimeField):
    """A date-time between ``FIRST_YEAR`` and ``LAST_YEAR`` (with ``allow_date``, a date
    alone is its midnight)."""

    def __init__(self, *args, allow_date: bool = False, **kwargs):
        self.allow_date = allow_date
        super().__init__(*args, **kwargs)

    def to_internal_value(self, value):
        if isinstance(value, str) and value.strip():
            try:
                return parse_moment(value, allow_date=self.allow_date)
            except BadInput as error:
                raise serializers.ValidationError(str(error.message)) from None
        result = super().to_internal_value(value)
        try:
            check_year(result)
        except ValidationError as error:
            raise serializers.ValidationError(error.messages) from None
        return result
