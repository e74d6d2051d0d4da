"""Pure figure builders: what is drawn, how, and how much reaches the browser."""

from __future__ import annotations

import math
from datetime import date

import plotly.graph_objects as go

from dashboards.evidence_figures import (
    calendar_figure,
    extrapolation_figure,
    hazard_figure,
    log_cumulative_hazard_figure,
)
from dashboards.figures import (
    MAX_DISPLAY_POINTS,
    TimelineItem,
    breakdown_figure,
    km_figure,
    landmark_rows,
    timeline_figure,
    volume_figure,
)
from tracker.outcomes import schemas as s


def make_outcomes(n_steps: int = 40, rate: float = 0.05) -> s.Outcomes:
    """Registry outcomes whose KM follows exp(-rate t) in n_steps steps, assumed slightly better."""
    times = [36 * i / (n_steps - 1) for i in range(n_steps)]
    survival = [math.exp(-rate * t) for t in times]
    steps = [
        s.KmStep(time=t, survival=v, ci_lower=max(0.0, v - 0.05), ci_upper=min(1.0, v + 0.05),
                 at_risk=100, events=1, censored=0)
        for t, v in zip(times, survival, strict=True)
    ]
    landmarks = [
        s.Landmark(time=12.0, km=0.55, ci_lower=0.48, ci_upper=0.62, assumed=0.6,
                   assumed_inside_ci=True, at_risk=60),
        s.Landmark(time=36.0, km=None, ci_lower=None, ci_upper=None, assumed=0.3,
                   assumed_inside_ci=None, at_risk=None),
    ]
    return s.Outcomes(
        introduction_id=1,
        endpoint="OS",
        time_unit="months",
        delivery=s.DeliveryRef(id=1, source="INSPIRE", data_cut=date(2025, 12, 31), file_name="x"),
        filters={},
        n_patients=120,
        n_events=70,
        max_follow_up=36.0,
        km=s.KaplanMeier(steps=steps, thinned=False, original_steps=n_steps),
        numbers_at_risk=[s.AtRisk(time=0, at_risk=120), s.AtRisk(time=6, at_risk=None)],
        median=s.Median(value=13.9, ci_lower=11.0, ci_upper=17.0),
        assumed=s.Assumed(
            distribution="exponential", source="HTA",
            curve=[s.CurvePoint(time=t, survival=math.exp(-0.04 * t)) for t in range(0, 37, 3)],
            median=17.3,
        ),
        landmarks=landmarks,
        rmst=None,
        one_sample_logrank=None,
        verdict=s.Verdict(verdict="consistent", label="I tråd med antagelsene",
                          rule="Consistent with the assumption: …",
                          rule_nb="I tråd med antagelsene: …"),
        small_counts_suppressed=True,
    )


def _by_meta(fig: go.Figure) -> dict[str, object]:
    return {trace.meta: trace for trace in fig.data}


def test_km_figure_draws_step_curve_band_assumed_line_and_numbers_at_risk() -> None:
    fig = km_figure(make_outcomes(), "nb")
    traces = _by_meta(fig)
    assert set(traces) == {"ci_upper", "ci_lower", "km", "assumed", "at_risk"}
    km, assumed = traces["km"], traces["assumed"]
    assert km.line.shape == "hv" and km.name == "Register (Kaplan–Meier)"
    assert traces["ci_lower"].fill == "tonexty" and traces["ci_lower"].line.shape == "hv"
    assert assumed.line.dash == "dash" and assumed.name == "Antatt i modellen"
    # Suppressed counts (fewer than 5) show as "<5", never as a number.
    assert list(traces["at_risk"].text) == ["120", "<5"]
    assert traces["at_risk"].yaxis == "y2"  # the row under the plot


def test_km_figure_speaks_english_when_asked() -> None:
    fig = km_figure(make_outcomes(), "en")
    assert _by_meta(fig)["assumed"].name == "Assumed in the model"
    assert "months" in fig.layout.xaxis.title.text


def test_small_curves_use_svg_and_large_curves_use_webgl() -> None:
    small = _by_meta(km_figure(make_outcomes(n_steps=500), "nb"))["km"]
    large = _by_meta(km_figure(make_outcomes(n_steps=1500), "nb"))["km"]
    assert isinstance(small, go.Scatter)
    assert isinstance(large, go.Scattergl)


def test_a_huge_curve_is_thinned_for_display_only() -> None:
    outcomes = make_outcomes(n_steps=20_000, rate=0.08)
    km = _by_meta(km_figure(outcomes, "nb"))["km"]
    assert 2 <= len(km.x) <= MAX_DISPLAY_POINTS
    assert km.x[0] == 0 and km.x[-1] == 36  # first and last step are kept
    assert len(outcomes.km.steps) == 20_000  # the data are untouched


def test_landmark_rows_format_numbers_the_norwegian_way() -> None:
    first, beyond = landmark_rows(make_outcomes(), "nb")
    assert first == {"time": "12", "km": "55,0 %", "ci": "48,0–62,0 %", "assumed": "60,0 %",
                     "inside": "ja", "at_risk": "60"}
    assert beyond["km"] == "–" and beyond["at_risk"] == "<5"


def test_timeline_colours_overdue_and_due_deadlines() -> None:
    items = [
        TimelineItem("ID2021_901 sotorasib", date(2026, 8, 31), "review", "overdue"),
        TimelineItem("ID2022_906 pembrolizumab", date(2027, 3, 31), "review", "due"),
        TimelineItem("ID2022_906 pembrolizumab", date(2026, 11, 30), "milestone"),
    ]
    fig = timeline_figure(items, date(2026, 11, 23), "nb")
    review, milestone = fig.data
    assert review.meta == "review" and list(review.marker.color) == ["#b00020", "#d98c00"]
    assert milestone.meta == "milestone" and len(milestone.x) == 1
    assert fig.layout.shapes[0].x0 == "2026-11-23"  # today is marked


def test_volume_figure_draws_tiers_only_when_given() -> None:
    per_year = [(2023, 18), (2024, 31)]
    with_tiers = volume_figure(per_year, "nb", tiers=[0, 25, 40], expected_per_year=30)
    without = volume_figure(per_year, "nb")
    assert len(with_tiers.layout.shapes) == 3  # tiers 25 and 40 plus the expected count
    assert len(without.layout.shapes) == 0
    assert list(with_tiers.data[0].y) == [18, 31]


def _breakdown(*groups: s.GroupSummary) -> s.Breakdown:
    return s.Breakdown(
        introduction_id=1, endpoint="OS", time_unit="months", group_by="health_trust",
        delivery=s.DeliveryRef(id=1, source="INSPIRE", data_cut=date(2025, 12, 31), file_name="x"),
        groups=list(groups), small_counts_suppressed=True,
    )


def _group(name: str, n: int | None, km: float | None = 0.5) -> s.GroupSummary:
    if n is None:
        return s.GroupSummary(group=name, n_patients=None, n_events=None, median=None,
                              landmarks=[], suppressed=True)
    lm = s.Landmark(time=12, km=km, ci_lower=0.4, ci_upper=0.6, assumed=0.55,
                    assumed_inside_ci=True, at_risk=20)
    return s.GroupSummary(group=name, n_patients=n, n_events=n // 2, median=None,
                          landmarks=[lm], suppressed=False)


def test_breakdown_figure_draws_no_value_for_suppressed_groups_but_names_them() -> None:
    fig = breakdown_figure(_breakdown(_group("Helse Vest", 40), _group("Helse Nord", None)),
                           "nb")
    traces = _by_meta(fig)
    assert list(traces["km"].y) == ["Helse Vest (n = 40)"] and list(traces["km"].x) == [0.5]
    assert list(traces["assumed"].x) == [0.55]
    # The suppressed group is a row on the axis, without a value and marked hidden.
    assert "Helse Nord (skjult (< 5))" in list(traces["rows"].y)


def test_breakdown_figure_greys_groups_too_small_to_read_and_grows_with_the_groups() -> None:
    trusts = [_group(f"Helseforetak {i}", 30 + i) for i in range(18)]
    small = _group("Finnmarkssykehuset", 2, km=1.0)
    fig = breakdown_figure(_breakdown(*trusts, small), "nb")
    traces = _by_meta(fig)
    # Two patients at 100 % is drawn grey and said to be too few, not shown like the others.
    assert list(traces["km_small"].y) == ["Finnmarkssykehuset (n = 2)"]
    assert traces["km_small"].marker.color != traces["km"].marker.color
    assert "for få til å tolke" in traces["km_small"].name
    assert "Finnmarkssykehuset (n = 2)" not in list(traces["km"].y)
    # One row per trust, each high enough to read: no 80 px chart with cut labels.
    assert fig.layout.height >= 19 * 30
    assert fig.layout.yaxis.automargin


def test_timeline_spreads_markers_on_one_date_and_leaves_colour_to_state() -> None:
    same_day = date(2027, 1, 31)
    items = [
        TimelineItem("ID2020_913 larotrektinib", same_day, "review", "due"),
        TimelineItem("ID2020_913 larotrektinib", same_day, "agreement_end", "due"),
        TimelineItem("ID2020_913 larotrektinib", date(2027, 2, 2), "milestone"),
        TimelineItem("ID2022_906 pembrolizumab", same_day, "milestone"),
    ]
    fig = timeline_figure(items, date(2026, 12, 2), "nb")
    ys = [y for trace in fig.data for y in trace.y]
    row_913 = [y for trace in fig.data for y, text in zip(trace.y, trace.customdata,
                                                          strict=True)
               if text[0].startswith("ID2020_913")]
    assert len(set(row_913)) == 3  # three markers near one date: three heights, none hidden
    assert max(row_913) - min(row_913) <= 0.8  # and they stay within their row
    assert len(set(ys)) == 4
    # Plotly's legend would paint each kind in its first point's colour: the page has its own.
    assert fig.layout.showlegend is False
    assert list(fig.layout.yaxis.ticktext) == ["ID2020_913 larotrektinib",
                                               "ID2022_906 pembrolizumab"]


def test_the_verdict_box_explains_the_verdict_in_the_page_language() -> None:
    from dashboards.pages.outcomes_panel import verdict_box

    for lang, shown, hidden in (("nb", "I tråd med antagelsene: …", "Consistent"),
                                ("en", "Consistent with the assumption: …", "I tråd")):
        box = verdict_box(make_outcomes(), lang)
        rule = box.children[-1]
        assert rule.children == shown and rule.lang == lang
        assert hidden not in str(rule.children)


# --- the evidence: hazards, log-log, extrapolation -----------------------------------------------


def with_evidence(outcomes: s.Outcomes) -> s.Outcomes:
    """The outcomes with a hazard block, a log-log block and an extrapolation check."""
    intervals = [
        s.HazardInterval(start=a, end=a + 6, events=10, person_time=600.0, hazard=10 / 600,
                         ci_lower=0.008, ci_upper=0.03, assumed=0.04)
        for a in range(0, 36, 6)
    ]
    smoothed = [
        s.HazardPoint(time=float(x), hazard=0.05, ci_lower=0.03, ci_upper=0.07,
                      edge=x < 4 or x > 32, assumed=0.04)
        for x in range(0, 37, 2)
    ]
    observed = [s.LogPoint(time=x, log_time=math.log(x), log_cumulative_hazard=math.log(0.05 * x))
                for x in (1.0, 3.0, 10.0, 30.0)]
    assumed = [s.LogPoint(time=x, log_time=math.log(x), log_cumulative_hazard=math.log(0.04 * x))
               for x in (1.0, 3.0, 10.0, 30.0, 60.0)]
    curve = [s.CurvePoint(time=float(x), survival=math.exp(-0.04 * x), extrapolated=x > 36)
             for x in range(0, 121, 6)]
    return outcomes.model_copy(update={
        "hazards": s.Hazards(interval_length=6.0, intervals=intervals, bandwidth=4.5,
                             smoothed=smoothed),
        "log_cumulative_hazard": s.LogCumulativeHazard(observed=observed, assumed=assumed,
                                                       assumed_slope=1.0),
        "extrapolation": s.Extrapolation(
            rule="needs_constant_hazard", text="Model mean 25 months.",
            text_nb="Modellens gjennomsnitt 25 måneder.", tau=36.0, horizon=None,
            horizon_rule="lifetime", assumed_mean=25.0,
            observed_rmst=s.RmstValue(rmst=15.0, se=0.5, ci_lower=14.0, ci_upper=16.0),
            assumed_rmst=19.0, observed_survival=0.17, assumed_survival=0.24,
            assumed_tail=6.0, required_tail=10.0, share_beyond=0.24, required_hazard=0.017,
            assumed_hazard=0.04, assumed_hazard_at_tau=0.04, curve=curve),
    })


def test_the_hazard_figure_draws_observed_hazards_against_the_assumed_hazard() -> None:
    fig = hazard_figure(with_evidence(make_outcomes()), "nb")
    by_meta = {t.meta: t for t in fig.data}
    assert set(by_meta) == {"hazard_interval", "hazard_smoothed", "assumed"}
    interval = by_meta["hazard_interval"]
    # Per 100 patient-months, at each interval's middle, with its Poisson limits as error bars.
    assert interval.x[0] == 3 and math.isclose(interval.y[0], 100 * 10 / 600)
    assert math.isclose(interval.error_y.array[0], 100 * (0.03 - 10 / 600))
    assert by_meta["assumed"].line.dash == "dash" and by_meta["assumed"].name == \
        "Antatt hasard h(t)"
    assert fig.layout.yaxis.title.text == "Hendelser per 100 pasient-måneder"


def test_a_step_curve_is_drawn_as_its_average_hazard_per_interval() -> None:
    outcomes = with_evidence(make_outcomes())
    assert outcomes.hazards is not None
    no_h = [p.model_copy(update={"assumed": None}) for p in outcomes.hazards.smoothed]
    outcomes = outcomes.model_copy(update={"hazards": outcomes.hazards.model_copy(
        update={"smoothed": no_h})})
    assumed = {t.meta: t for t in hazard_figure(outcomes, "en").data}["assumed"]
    assert list(assumed.x[:4]) == [0, 6, 6, 12] and set(assumed.y) == {4.0}


def test_the_log_log_figure_has_a_log_time_axis_and_both_curves() -> None:
    fig = log_cumulative_hazard_figure(with_evidence(make_outcomes()), "en")
    assert {t.meta for t in fig.data} == {"observed", "assumed"}
    assert fig.layout.xaxis.type == "log"
    assert "log scale" in fig.layout.xaxis.title.text


def test_the_extrapolated_part_of_the_assumed_curve_is_drawn_apart() -> None:
    fig = extrapolation_figure(with_evidence(make_outcomes()), "nb")
    by_meta = {t.meta: t for t in fig.data}
    assert {"km", "assumed", "extrapolated"} <= set(by_meta)
    # The dotted part starts where the follow-up ends, joined to the solid part there.
    assert by_meta["extrapolated"].x[0] == max(by_meta["assumed"].x) == 36
    assert by_meta["extrapolated"].line.dash == "dot"
    assert max(by_meta["extrapolated"].x) == 120
    assert any(a.text == "Lengste oppfølging" for a in fig.layout.annotations)


def test_evidence_figures_without_evidence_are_empty_not_broken() -> None:
    outcomes = make_outcomes()
    assert len(hazard_figure(outcomes, "nb").data) == 0
    assert len(log_cumulative_hazard_figure(outcomes, "nb").data) == 0
    assert [t.meta for t in extrapolation_figure(outcomes, "nb").data] == ["km"]


def test_one_wide_late_interval_does_not_flatten_the_hazard_plot() -> None:
    outcomes = with_evidence(make_outcomes())
    assert outcomes.hazards is not None
    wide = outcomes.hazards.intervals[-1].model_copy(update={"ci_upper": 5.0})
    hazards = outcomes.hazards.model_copy(
        update={"intervals": [*outcomes.hazards.intervals[:-1], wide]})
    fig = hazard_figure(outcomes.model_copy(update={"hazards": hazards}), "nb")
    # The scale follows the estimates (at most 5 per 100), the error bar runs off the top.
    assert fig.layout.yaxis.range[1] < 10


def with_history(outcomes: s.Outcomes) -> s.Outcomes:
    """Two deliveries (the older superseded) and the current one's O/E by quarter."""
    def delivery(n: int, cut: date, ratio: float, current: bool) -> s.DeliveryEvidence:
        return s.DeliveryEvidence(
            delivery=s.DeliveryRef(id=n, source="INSPIRE", data_cut=cut, file_name=f"{n}.csv"),
            current=current, superseded_at=None, suppressed=False, n_patients=200, n_events=80,
            max_follow_up=30.0, landmarks=[], verdict=None,
            one_sample_logrank=s.OneSampleLogrank(observed=80, expected=80 / ratio, ratio=ratio,
                                                  ratio_ci=(ratio - 0.2, ratio + 0.25), chi2=1.0,
                                                  p_value=0.3))
    calendar = [
        s.CalendarPoint(date=date(2024, 3, 31), observed=10, expected=8.0, ratio=1.25,
                        ratio_ci=(0.6, 2.3)),
        s.CalendarPoint(date=date(2024, 6, 30), observed=None, expected=None, ratio=None,
                        ratio_ci=None),  # too few patients then: not drawn
        s.CalendarPoint(date=date(2024, 12, 31), observed=40, expected=30.0, ratio=4 / 3,
                        ratio_ci=(0.95, 1.8)),
    ]
    return outcomes.model_copy(update={"history": s.History(
        deliveries=[delivery(1, date(2024, 6, 30), 1.1, False),
                    delivery(2, date(2024, 12, 31), 4 / 3, True)],
        calendar=calendar)})


def test_the_calendar_figure_draws_oe_with_its_interval_by_data_cut_and_a_line_at_1() -> None:
    fig = calendar_figure(with_history(make_outcomes()), "nb")
    by_meta = {t.meta: t for t in fig.data}
    calendar = by_meta["calendar"]
    assert list(calendar.x) == ["2024-03-31", "2024-12-31"]  # the point without O/E left out
    assert math.isclose(calendar.y[0], 1.25)
    assert math.isclose(calendar.error_y.array[0], 2.3 - 1.25)
    assert math.isclose(calendar.error_y.arrayminus[0], 1.25 - 0.6)
    deliveries = by_meta["deliveries"]
    assert list(deliveries.x) == ["2024-06-30", "2024-12-31"]
    assert math.isclose(deliveries.y[0], 1.1)
    [line] = fig.layout.shapes
    assert line.y0 == line.y1 == 1.0 and line.line.dash == "dash"
    assert any(a.text == "O/E = 1: som antatt" for a in fig.layout.annotations)
    assert fig.layout.yaxis.title.text == "Observerte / forventede hendelser"
    # The scale follows the estimates, not the first quarter's wide interval; 1 is in view.
    assert fig.layout.yaxis.range[0] == 0 and 1.6 * 4 / 3 <= fig.layout.yaxis.range[1] < 2.3
    english = calendar_figure(with_history(make_outcomes()), "en")
    assert {t.name for t in english.data} == {
        "Cumulative O/E in the current delivery (95 % CI)", "O/E per delivery"}


def test_the_calendar_figure_without_history_has_only_the_reference_line() -> None:
    fig = calendar_figure(make_outcomes(), "nb")
    assert len(fig.data) == 0 and fig.layout.shapes[0].y0 == 1.0
