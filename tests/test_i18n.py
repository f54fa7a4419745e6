"""Chinese is complete, the shipped catalogs are compiled, and dates read the Chinese way."""

import datetime
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import formats, timezone, translation

LOCALE = Path(settings.BASE_DIR) / "locale"


def _strings(block: str, keyword: str) -> str:
    """The concatenated string after ``keyword`` (e.g. ``msgid ``) in a catalog entry."""
    lines, taking = [], False
    for line in block.splitlines():
        if line.startswith(keyword):
            taking = True
            line = line[len(keyword):]
        elif not line.startswith('"'):
            taking = False
        if taking:
            lines.append(line)
    return "".join(re.findall(r'"(.*)"', "\n".join(lines)))


def _entries(po: Path) -> list[tuple[str, str, str, bool, str]]:
    """(msgid, msgid_plural, first msgstr, fuzzy, msgctxt) of each entry."""
    entries = []
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        plural = _strings(block, "msgid_plural ")
        msgstr = _strings(block, "msgstr[0] ") if plural else _strings(block, "msgstr ")
        entries.append((_strings(block, "msgid "), plural, msgstr, "#, fuzzy" in block,
                        _strings(block, "msgctxt ")))
    return entries


def test_every_chinese_message_is_translated_and_not_fuzzy():
    po = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"
    missing = [msgid for msgid, _plural, msgstr, fuzzy, _context in _entries(po)
               if msgid and (not msgstr or fuzzy)]
    assert missing == []


def test_compiled_catalog_matches_the_source():
    po = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"
    with open(LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.mo", "rb") as handle:
        catalog = gettext.GNUTranslations(handle)
    for msgid, plural, msgstr, _fuzzy, context in _entries(po):
        if not msgid or "\\" in msgid:
            continue
        if context:
            assert catalog.pgettext(context, msgid) == msgstr, msgid
        elif plural:
            assert catalog.ngettext(msgid, plural, 2) == msgstr, msgid
        else:
            assert catalog.gettext(msgid) == msgstr, msgid


def test_defaults_are_chinese_and_shanghai_time():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ


@pytest.mark.parametrize(("language", "expected"), [("zh-hans", "2026年11月27日"),
                                                    ("en", "Nov. 27, 2026")])
def test_dates_are_shown_as_each_language_reads_them(language, expected):
    moment = datetime.datetime(2026, 11, 26, 17, 30, tzinfo=datetime.UTC)
    with translation.override(language):
        local = timezone.localtime(moment)
        assert formats.date_format(local, "DATE_FORMAT") == expected
