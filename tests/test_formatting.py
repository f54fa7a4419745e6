"""``portal.formatting.date_formatter`` writes exactly what Django's ``date_format`` does."""

from datetime import UTC, date, datetime

import pytest
from django.utils import formats, timezone, translation

from portal.formatting import _pieces, date_formatter

MOMENTS = [datetime(2026, 1, 5, 0, 7, tzinfo=UTC), datetime(2026, 11, 27, 15, 59, tzinfo=UTC),
           datetime(2026, 12, 31, 16, 0, tzinfo=UTC)]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("name", ["SHORT_DATETIME_FORMAT", "DATE_FORMAT", "MONTH_DAY_FORMAT",
                                  "DATETIME_FORMAT", "SHORT_DATE_FORMAT"])
def test_same_as_django(language, name):
    with translation.override(language):
        write = date_formatter(name)
        for moment in MOMENTS:
            assert write(moment) == formats.date_format(timezone.localtime(moment), name)
        if "DATETIME" not in name:
            assert write(date(2026, 3, 2)) == formats.date_format(date(2026, 3, 2), name)


def test_chinese_short_datetime_is_read_the_chinese_way():
    with translation.override("zh-hans"):
        assert date_formatter()(MOMENTS[1]) == "11月27日 23:59"  # Asia/Shanghai


def test_codes_it_does_not_write_are_left_to_django():
    assert _pieces("Y-m-d") is not None
    assert _pieces("N j, Y, P") is None  # "P" (1 p.m.) and "N" (Jan.) are Django's
    assert _pieces(r"\T\o\d\a\y H:i")[:5] == list("Today")
