"""Dates formatted the way the active language's format files say, fast enough for pages
that show hundreds of them (a board's due times, a calendar's chips).

``django.utils.formats.date_format`` looks the format up and parses it again for every
value; ``date_formatter(name)`` does both once and returns a function of the value. The
codes these pages' formats use are written directly; a format holding any other code is
handed to Django as it is, so the output is always Django's own.
"""

from datetime import date, datetime
from functools import lru_cache

from django.utils import dateformat, formats, timezone
from django.utils.dates import MONTHS_3
from django.utils.translation import get_language

_CODES = {
    "Y": lambda v: f"{v.year:04d}",
    "y": lambda v: f"{v.year % 100:02d}",
    "m": lambda v: f"{v.month:02d}",
    "n": lambda v: str(v.month),
    "d": lambda v: f"{v.day:02d}",
    "j": lambda v: str(v.day),
    "M": lambda v: MONTHS_3[v.month].title(),
    "H": lambda v: f"{v.hour:02d}",
    "G": lambda v: str(v.hour),
    "i": lambda v: f"{v.minute:02d}",
    "s": lambda v: f"{v.second:02d}",
}


def _pieces(text: str) -> list | None:
    """The format as literal strings and code functions; ``None`` when it holds a code
    not in ``_CODES`` (Django's own letters are many; only these are written here)."""
    pieces: list = []
    escaped = False
    for char in text:
        if escaped:
            pieces.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in _CODES:
            pieces.append(_CODES[char])
        elif char.isascii() and char.isalpha():
            return None
        else:
            pieces.append(char)
    return pieces


@lru_cache(maxsize=64)
def _compiled(name: str, language: str):
    text = formats.get_format(name, lang=language)
    return text, _pieces(text)


def date_formatter(name: str = "SHORT_DATETIME_FORMAT"):
    """A function writing a date or an aware datetime (in the current time zone) in the
    active language's ``name`` format, as ``date_format`` would."""
    text, pieces = _compiled(name, get_language() or "")
    zone = timezone.get_current_timezone()

    def write(value: date | datetime) -> str:
        if isinstance(value, datetime) and timezone.is_aware(value):
            value = value.astimezone(zone)
        if pieces is None:
            return dateformat.format(value, text)
        return "".join(piece if isinstance(piece, str) else piece(value) for piece in pieces)

    return write
