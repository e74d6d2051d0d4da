"""The funnel plot: what is drawn, and that every word on it is the reader's language."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from dashboards.figures import DUE_COLOUR, KM_COLOUR, OVERDUE_COLOUR
from dashboards.figures_access import FunnelLabels, funnel_figure
from tracker.analytics.access_reference import table1_cases
from tracker.analytics.access_variation import funnel_data

NORWEGIAN = FunnelLabels(
    x_title="Avgjorte søknader", y_title="Andel innvilget", observed="Regioner",
    national="Landet", limits={0.95: "95 %-grenser", 0.998: "99,8 %-grenser"}, separators=", ",
)


def traces(fig) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {trace.meta: trace for trace in fig.data}


def test_the_funnel_draws_each_region_against_the_limits_of_table_1() -> None:
    funnel = funnel_data(table1_cases())
    fig = funnel_figure(funnel.points, funnel.limits, funnel.p0, NORWEGIAN)
    drawn = traces(fig)
    assert set(drawn) == {"observed", "national", "limit_95_lower", "limit_95_upper",
                          "limit_998_lower", "limit_998_upper"}
    observed = drawn["observed"]
    assert list(observed.text) == funnel.points["region"].tolist()
    assert list(observed.x) == funnel.points["n"].tolist()
    assert list(observed.y) == pytest.approx(funnel.points["rate"].tolist())
    assert list(drawn["national"].y) == pytest.approx([310 / 412] * 2)
    assert list(drawn["limit_998_upper"].y) == pytest.approx(funnel.limits["upper_998"].tolist())
    assert drawn["limit_95_upper"].line.shape == "hv"  # exact limits step with n
    # in Table 1 no region lies outside the limits: every point in the neutral colour
    assert set(observed.marker.color) == {KM_COLOUR}


def test_a_region_outside_the_outer_limits_is_marked() -> None:
    cases = pd.DataFrame({
        "region": ["Helse Sør-Øst"] * 200 + ["Helse Nord"] * 40,
        "outcome": ["granted"] * 160 + ["refused"] * 40 + ["granted"] * 12 + ["refused"] * 28,
    })
    funnel = funnel_data(cases)
    colours = traces(funnel_figure(funnel.points, funnel.limits, funnel.p0, NORWEGIAN))[
        "observed"].marker.color
    # Helse Nord (30 %) lies outside the 99.8 % limits; Helse Sør-Øst (80 %) outside the 95 %
    # limits only, around a national rate of 72 % that it pulls towards itself
    assert list(colours) == [DUE_COLOUR, OVERDUE_COLOUR]


def test_every_visible_text_comes_from_the_labels() -> None:
    funnel = funnel_data(table1_cases())
    fig = funnel_figure(funnel.points, funnel.limits, funnel.p0, NORWEGIAN)
    assert fig.layout.xaxis.title.text == "Avgjorte søknader"
    assert fig.layout.yaxis.title.text == "Andel innvilget"
    assert fig.layout.separators == ", "  # 75,2 %, not 75.2%
    names = {trace.name for trace in fig.data}
    assert names == {"Regioner", "Landet", "95 %-grenser", "99,8 %-grenser"}
    allowed = {"Avgjorte", "søknader", "Andel", "innvilget", "Landet", "b", "br", "extra"}
    for trace in fig.data:
        template = trace.hovertemplate or ""
        words = set(re.findall(r"[A-Za-zæøåÆØÅ]+", re.sub(r"%\{[^}]*\}", "", template)))
        assert words <= allowed, words


def test_a_level_not_computed_is_refused() -> None:
    funnel = funnel_data(table1_cases(), levels=(0.95,))
    with pytest.raises(ValueError, match="no columns for the level 0.998"):
        funnel_figure(funnel.points, funnel.limits, funnel.p0, NORWEGIAN)
