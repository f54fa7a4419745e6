"""Text the system writes for people to read later, kept as a message id and its arguments.

A ticket event, an inbox message or a timeline entry is read long after it was written,
by people who each chose their own language. So what the system says is stored as
``{"id": <English msgid>, "args": {...}, "context": <optional>}`` and rendered with gettext
in the reader's language each time it is shown::

    from django.utils.translation import gettext_noop

    from portal.stored_text import choice, message

    TicketEvent(..., message=message(gettext_noop("Level %(level)s: %(trigger)s"),
                                     level=2, trigger=choice(Trigger, rule.trigger)))

Arguments are plain values (names, numbers, what a person typed: shown as given), or
themselves translatable: ``choice(SomeChoices, value)`` (the label in the reader's
language), ``moment(datetime)`` (a date-time in the reader's format and the site's zone)
or another ``message(...)``. Rendering is pure Python over the stored JSON: a list of
hundreds of rows costs no query more.

Rows written before a message id was stored keep their old text, which the models show
when there is no id; ``recognise`` helps data migrations turn such text back into an id.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache
from importlib import import_module

from django.db.models import Choices
from django.utils import formats, timezone
from django.utils.translation import gettext, override, pgettext

Message = dict


def message(msgid: str, /, *, context: str = "", **args) -> Message:
    """A message to store; mark ``msgid`` with ``gettext_noop`` so it is extracted."""
    stored: Message = {"id": str(msgid), "args": {k: _arg(v) for k, v in args.items()}}
    if context:
        stored["context"] = context
    return stored


def choice(choices: type[Choices], value) -> dict:
    """An argument shown as the label of ``value`` in ``choices``, in the reader's language."""
    return {"choice": f"{choices.__module__}:{choices.__qualname__}", "value": value}


def moment(value: datetime | date, *, all_day: bool = False) -> dict:
    """An argument shown as a date-time (or, for ``all_day``, a date) in the reader's
    format, in the site's time zone."""
    if isinstance(value, datetime):
        return {"datetime": value.isoformat(), "all_day": all_day}
    return {"date": value.isoformat()}


def _arg(value):
    if isinstance(value, (datetime, date)):
        return moment(value)
    if isinstance(value, dict) or value is None or isinstance(value, (int, float, bool)):
        return value
    return str(value)  # a lazy string would not survive JSON: what it says now, as given


def _has_id(value) -> bool:
    return isinstance(value, dict) and isinstance(value.get("id"), str) and bool(value["id"])


def is_message(value) -> bool:
    """Whether ``value`` is something to store and render later: a ``message``, or a lone
    ``choice`` or ``moment`` (a label or a time with nothing around it)."""
    return _has_id(value) or (isinstance(value, dict)
                              and bool({"choice", "datetime", "date"} & value.keys()))


@lru_cache(maxsize=64)
def _choices(path: str) -> type[Choices] | None:
    """The choices class named ``module:Qualified.Name`` (only a Choices class is used)."""
    module, _sep, qualname = path.partition(":")
    try:
        found = import_module(module)
        for part in qualname.split("."):
            found = getattr(found, part)
    except (ImportError, AttributeError, ValueError):
        return None
    return found if isinstance(found, type) and issubclass(found, Choices) else None


def _render_arg(value):
    if not isinstance(value, dict):
        return "" if value is None else value
    if _has_id(value):
        return text(value)
    if "choice" in value:
        choices = _choices(str(value["choice"]))
        raw = value.get("value")
        if choices is not None:
            try:
                return str(choices(raw).label)
            except ValueError:
                pass
        return "" if raw is None else str(raw)
    if "datetime" in value:
        try:
            moment_ = timezone.localtime(datetime.fromisoformat(value["datetime"]))
        except (TypeError, ValueError):
            return str(value["datetime"])
        if value.get("all_day"):
            return formats.date_format(moment_.date(), "DATE_FORMAT")
        return formats.date_format(moment_, "SHORT_DATETIME_FORMAT")
    if "date" in value:
        try:
            return formats.date_format(date.fromisoformat(value["date"]), "DATE_FORMAT")
        except (TypeError, ValueError):
            return str(value["date"])
    return ""


def text(stored, fallback: str = "") -> str:
    """``stored`` rendered in the active language; ``fallback`` (the text kept by rows
    written before ids were stored) when there is no message."""
    if not is_message(stored):
        return fallback
    if not _has_id(stored):
        return str(_render_arg(stored))
    msgid = stored["id"]
    context = stored.get("context")
    template = pgettext(context, msgid) if context else gettext(msgid)
    args = stored.get("args") or {}
    if not args:
        return template
    values = {k: _render_arg(v) for k, v in args.items()}
    for candidate in (template, msgid):
        try:
            return candidate % values
        except (KeyError, ValueError, TypeError):
            continue  # a translation naming another placeholder: try the English
    return fallback or msgid


def text_in(language: str | None, stored, fallback: str = "") -> str:
    """``stored`` rendered in ``language`` (e.g. a recipient's, for an e-mail)."""
    with override(language or None):
        return text(stored, fallback)


# --- turning old text back into messages (for data migrations) -----------------------------

_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


@lru_cache(maxsize=256)
def _pattern_in(language: str, msgid: str) -> re.Pattern | None:
    with override(language):
        return _pattern(gettext(msgid))


@lru_cache(maxsize=256)
def _pattern_frozen(template: str) -> re.Pattern | None:
    return _pattern(template) if template else None


def _pattern(template: str) -> re.Pattern | None:
    parts, names, at = [], set(), 0
    for found in _PLACEHOLDER.finditer(template):
        name = found.group(1)
        parts.append(re.escape(template[at:found.start()]))
        parts.append(f"(?P={name})" if name in names else f"(?P<{name}>.+?)")
        names.add(name)
        at = found.end()
    parts.append(re.escape(template[at:]))
    try:
        return re.compile("".join(parts), re.DOTALL)
    except re.error:
        return None


def recognise(old: str, candidates: dict[str, dict], *, languages=("zh-hans", "en"),
              written: dict[str, str] | None = None) -> Message | None:
    """The message among ``candidates`` (msgid -> {argument: Choices class, for arguments
    that were choice labels}) whose rendering in one of ``languages`` reads ``old``, with
    the arguments read back from it; None when none does. ``written`` gives, per msgid, the
    translation the rows were written with, should the catalogue have been reworded since.
    Labels that match no choice stay plain text."""
    if not old:
        return None
    tries = [(lambda msgid: _pattern_frozen((written or {}).get(msgid, "")))]
    tries += [(lambda msgid, language=language: _pattern_in(language, msgid))
              for language in languages]
    for pattern_of in tries:
        for msgid, kinds in candidates.items():
            pattern = pattern_of(msgid)
            found = pattern.fullmatch(old) if pattern else None
            if found is None:
                continue
            args = {}
            for name, value in found.groupdict().items():
                choices = (kinds or {}).get(name)
                value_of = _labels(choices).get(value) if choices else None
                args[name] = choice(choices, value_of) if value_of is not None else value
            return message(msgid, **args)
    return None


@lru_cache(maxsize=64)
def _labels(choices: type[Choices]) -> dict[str, object]:
    """Label (in Chinese or English) -> value."""
    found = {}
    for language in ("en", "zh-hans"):
        with override(language):
            found.update({str(choices(value).label): value for value in choices.values})
    return found


def restore_messages(model, *, text_field: str, message_field: str, candidates: dict,
                     where=None, written: dict[str, str] | None = None,
                     batch: int = 2000) -> int:
    """For data migrations: give the rows of ``model`` (a migration's historical model)
    that have no message yet the one among ``candidates`` (as for ``recognise``) their
    ``text_field`` reads as, limited to the rows ``where`` (a Q) selects; rows read as none
    keep their text only. Returns how many rows got a message."""
    qs = model.objects.filter(**{f"{message_field}__isnull": True}).exclude(**{text_field: ""})
    if where is not None:
        qs = qs.filter(where)
    pending, done = [], 0
    for row in qs.only("pk", text_field).order_by("pk").iterator(chunk_size=batch):
        found = recognise(getattr(row, text_field), candidates, written=written)
        if found is None:
            continue
        setattr(row, message_field, found)
        pending.append(row)
        if len(pending) >= batch:
            model.objects.bulk_update(pending, [message_field])
            done, pending = done + len(pending), []
    if pending:
        model.objects.bulk_update(pending, [message_field])
    return done + len(pending)
