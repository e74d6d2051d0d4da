"""Pure figure builders for the evidence for the reassessment: the hazard against the assumed
hazard, log(-log S) against log t, the extrapolation check, and O/E over calendar time.

Like `dashboards.figures` (whose colours and layout they share): response models in, plotly
figures out, every trace tagged with a stable `meta`.
"""

from __future__ import annotations

import plotly.graph_objects as go

from dashboards.figures import (
    ASSUMED_COLOUR,
    KM_COLOUR,
    NEUTRAL_COLOUR,
    base_layout,
    display_steps,
)
from dashboards.i18n import fmt_number, t
from tracker.outcomes.schemas import Outcomes

HAZARD_SCALE = 100  # hazards are shown per 100 patient-time units (events per 100 patient-months)


def hazard_figure(outcomes: Outcomes, lang: str) -> go.Figure:
    """The observed hazard against the assumed h(t), per 100 patient-time units.

    Piecewise-constant hazard per interval (events / person-time) as steps with their exact
    Poisson 95 % limits as error bars, the kernel-smoothed Nelson-Aalen hazard as a line (dotted
    within one bandwidth of the edges, where it is biased downwards), and the assumed curve's
    hazard h(t), or its average per interval for a step curve.
    """
    fig = go.Figure()
    hz = outcomes.hazards
    unit = t(outcomes.time_unit.value, lang)
    if hz is not None:
        shown = [i for i in hz.intervals if i.hazard is not None]
        fig.add_trace(
            go.Scatter(
                x=[(i.start + i.end) / 2 for i in shown],
                y=[i.hazard * HAZARD_SCALE for i in shown],  # type: ignore[operator]
                mode="markers",
                marker={"color": KM_COLOUR, "size": 8, "symbol": "square"},
                error_y={"type": "data", "color": KM_COLOUR, "thickness": 1.2,
                         "array": [((i.ci_upper or i.hazard or 0) - (i.hazard or 0))
                                   * HAZARD_SCALE for i in shown],
                         "arrayminus": [((i.hazard or 0) - (i.ci_lower or 0)) * HAZARD_SCALE
                                        for i in shown]},
                name=t("fig.hz.interval", lang, length=fmt_number(hz.interval_length, lang),
                       unit=unit),
                meta="hazard_interval",
                hovertemplate="%{y:.2f}<extra></extra>",
            )
        )
        smooth = [p for p in hz.smoothed if p.hazard is not None]
        fig.add_trace(
            go.Scatter(
                x=[p.time for p in smooth],
                y=[p.hazard * HAZARD_SCALE for p in smooth],  # type: ignore[operator]
                mode="lines",
                line={"color": KM_COLOUR, "width": 2},
                name=t("fig.hz.smoothed", lang),
                meta="hazard_smoothed",
                hovertemplate="%{y:.2f}<extra></extra>",
            )
        )
        assumed = [p for p in hz.smoothed if p.assumed is not None]
        if assumed:
            x = [p.time for p in assumed]
            y = [p.assumed * HAZARD_SCALE for p in assumed]  # type: ignore[operator]
        else:  # a step curve: its average hazard per interval
            steps = [i for i in hz.intervals if i.assumed is not None]
            x = [v for i in steps for v in (i.start, i.end)]
            y = [i.assumed * HAZARD_SCALE for i in steps for _ in (0, 1)]  # type: ignore[operator]
        if x:
            fig.add_trace(
                go.Scatter(
                    x=x, y=y, mode="lines",
                    line={"color": ASSUMED_COLOUR, "width": 2, "dash": "dash"},
                    name=t("fig.hz.assumed", lang), meta="assumed",
                    hovertemplate="%{y:.2f}<extra></extra>",
                )
            )
    base_layout(fig, height=360, hovermode="closest",
                 legend={"orientation": "v", "yanchor": "top", "y": 1, "x": 1.0,
                         "xanchor": "right", "bgcolor": "rgba(255,255,255,0.7)"})
    # The estimates set the scale: a wide interval late in follow-up (few at risk) would
    # otherwise flatten everything else; its error bar runs off the top instead.
    tops = [v for trace in fig.data for v in (trace.y or ()) if v is not None]
    fig.update_xaxes(title_text=f"{t('fig.time', lang)} ({unit})", rangemode="tozero")
    fig.update_yaxes(title_text=t("fig.hz.axis", lang, unit=unit),
                     range=[0, 1.6 * max(tops)] if tops else None, rangemode="tozero")
    return fig


def log_cumulative_hazard_figure(outcomes: Outcomes, lang: str) -> go.Figure:
    """log(-log S(t)) against log t, observed and assumed: a Weibull is a straight line."""
    fig = go.Figure()
    lch = outcomes.log_cumulative_hazard
    unit = t(outcomes.time_unit.value, lang)
    if lch is not None:
        fig.add_trace(
            go.Scatter(
                x=[p.time for p in lch.observed],
                y=[p.log_cumulative_hazard for p in lch.observed],
                mode="lines", line={"color": KM_COLOUR, "width": 2, "shape": "hv"},
                name=t("fig.km", lang), meta="observed",
                hovertemplate="%{y:.2f}<extra></extra>",
            )
        )
        if lch.assumed:
            fig.add_trace(
                go.Scatter(
                    x=[p.time for p in lch.assumed],
                    y=[p.log_cumulative_hazard for p in lch.assumed],
                    mode="lines", line={"color": ASSUMED_COLOUR, "width": 2, "dash": "dash"},
                    name=t("fig.assumed", lang), meta="assumed",
                    hovertemplate="%{y:.2f}<extra></extra>",
                )
            )
    base_layout(fig, height=340, hovermode="closest")
    fig.update_xaxes(type="log", title_text=f"{t('fig.time', lang)} ({unit}, "
                     f"{t('fig.log_scale', lang)})")
    fig.update_yaxes(title_text="log(−log S(t))")
    return fig


def extrapolation_figure(outcomes: Outcomes, lang: str) -> go.Figure:
    """The registry curve and the assumed curve to the model's horizon, the part past the
    longest follow-up drawn dotted and marked as extrapolated."""
    fig = go.Figure()
    ex = outcomes.extrapolation
    unit = t(outcomes.time_unit.value, lang)
    steps = display_steps(outcomes)
    fig.add_trace(
        go.Scatter(x=steps["time"].tolist(), y=steps["survival"].tolist(), mode="lines",
                   line={"color": KM_COLOUR, "width": 2, "shape": "hv"},
                   name=t("fig.km", lang), meta="km", hovertemplate="%{y:.2f}<extra></extra>")
    )
    if ex is not None:
        inside = [p for p in ex.curve if not p.extrapolated]
        beyond = [p for p in ex.curve if p.extrapolated]
        if inside and beyond:  # join the two parts at the last follow-up
            beyond = [inside[-1], *beyond]
        for points, meta, dash, name in (
            (inside, "assumed", "dash", t("fig.assumed", lang)),
            (beyond, "extrapolated", "dot", t("fig.extrapolated", lang)),
        ):
            if points:
                fig.add_trace(
                    go.Scatter(x=[p.time for p in points], y=[p.survival for p in points],
                               mode="lines", meta=meta, name=name,
                               line={"color": ASSUMED_COLOUR, "width": 2, "dash": dash},
                               hovertemplate="%{y:.2f}<extra></extra>")
                )
        fig.add_vline(x=ex.tau, line={"color": NEUTRAL_COLOUR, "dash": "dot", "width": 1})
        fig.add_annotation(x=ex.tau, y=1, yref="paper", text=t("fig.last_follow_up", lang),
                           showarrow=False, xanchor="left", yanchor="top",
                           font={"size": 11, "color": NEUTRAL_COLOUR})
    base_layout(fig, height=320, hovermode="closest")
    fig.update_xaxes(title_text=f"{t('fig.time', lang)} ({unit})", rangemode="tozero")
    fig.update_yaxes(title_text=t("fig.survival", lang), range=[0, 1.02], tickformat=".0%")
    return fig


def calendar_figure(outcomes: Outcomes, lang: str) -> go.Figure:
    """Observed/expected events over calendar time, with the reference line at 1 (as assumed).

    The current delivery's cumulative O/E at every quarter's end, as if the data had been cut
    then, with its exact Poisson 95 % limits; and each delivery's O/E at its own data cut,
    superseded ones included. Above 1: more events than the assumed curve gives.
    """
    fig = go.Figure()
    h = outcomes.history
    # (date, O/E, lower, upper) of every calendar point with a ratio
    points = [(c.date, c.ratio, *(c.ratio_ci or (c.ratio, c.ratio)))
              for c in (h.calendar if h is not None else []) if c.ratio is not None]
    if points:
        fig.add_trace(
            go.Scatter(
                x=[p[0].isoformat() for p in points], y=[p[1] for p in points],
                mode="lines+markers", line={"color": KM_COLOUR, "width": 2},
                marker={"color": KM_COLOUR, "size": 7},
                error_y={"type": "data", "color": KM_COLOUR, "thickness": 1.2,
                         "array": [p[3] - p[1] for p in points],
                         "arrayminus": [p[1] - p[2] for p in points]},
                name=t("fig.oe.calendar", lang), meta="calendar",
                hovertemplate="%{x}: O/E %{y:.2f}<extra></extra>",
            )
        )
    cuts = [(d.delivery.data_cut, d.one_sample_logrank.ratio)
            for d in (h.deliveries if h is not None else [])
            if d.one_sample_logrank is not None and d.one_sample_logrank.ratio is not None]
    if cuts:
        fig.add_trace(
            go.Scatter(
                x=[cut.isoformat() for cut, _ in cuts], y=[ratio for _, ratio in cuts],
                mode="markers", marker={"color": ASSUMED_COLOUR, "size": 11, "symbol": "diamond"},
                name=t("fig.oe.deliveries", lang), meta="deliveries",
                hovertemplate="%{x}: O/E %{y:.2f}<extra></extra>",
            )
        )
    fig.add_hline(y=1.0, line={"color": NEUTRAL_COLOUR, "dash": "dash", "width": 1},
                  annotation_text=t("fig.oe.reference", lang), annotation_position="top left",
                  annotation_font={"size": 11, "color": NEUTRAL_COLOUR})
    base_layout(fig, height=300, hovermode="closest")
    # The estimates set the scale, 1 always in view: the first quarters' intervals are wide (a
    # handful of expected events) and would flatten the rest; their bars run off the top.
    ratios = [p[1] for p in points] + [ratio for _, ratio in cuts]
    fig.update_xaxes(title_text=t("ev.data_cut", lang), type="date")
    fig.update_yaxes(title_text=t("fig.oe.axis", lang),
                     range=[0, max(2.0, 1.6 * max(ratios, default=0.0))])
    return fig
