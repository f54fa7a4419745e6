"""Chart specs: what static/js/charts.js receives."""

import datetime as dt
from decimal import Decimal

import pytest

from portal.charts import Chart, Series


def test_figures_become_plain_json_numbers():
    chart = Chart(id="c", title="t", kind="bar", categories=["a", "b", "c"],
                  series=[Series("s", [Decimal("4.5"), dt.timedelta(minutes=90), None])])

    spec = chart.spec()

    assert spec["series"] == [{"name": "s", "data": [4.5, 1.5, None]}]
    assert spec["categories"] == ["a", "b", "c"]
    assert spec["type"] == "bar"


def test_a_chart_of_zeros_and_gaps_is_empty():
    assert Chart(id="c", title="t", kind="line", categories=["a", "b"],
                 series=[Series("s", [0, None])]).empty
    assert not Chart(id="c", title="t", kind="line", categories=["a"],
                     series=[Series("s", [1])]).empty


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="pie3d"):
        Chart(id="c", title="t", kind="pie3d", categories=[])
