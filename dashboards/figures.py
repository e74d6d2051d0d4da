"""Pure figure builders: response models or plain data in, plotly figures out.

Nothing here touches the database, the request or the clock; `today` and the language are
arguments. Traces carry a stable `meta` tag (km, ci_upper, ci_lower, assumed, at_risk, ...) so
tests and the browser can find them whatever the language.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboards.i18n import fmt_number, t
from tracker.analytics.thinning import thin_curve
from tracker.outcomes.schemas import Breakdown, Outcomes

# Above this many points a curve is drawn with WebGL (Scattergl): SVG slows down past ~1,000.
WEBGL_THRESHOLD = 1000
# The browser never gets more than this many points per curve; the data stay whole server-side.
MAX_DISPLAY_POINTS = 2000

KM_COLOUR = "#1f4e79"
BAND_COLOUR = "rgba(31, 78, 121, 0.18)"
ASSUMED_COLOUR = "#c55a11"
OVERDUE_COLOUR = "#b00020"
DUE_COLOUR = "#d98c00"
NEUTRAL_COLOUR = "#5b6770"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"


def _scatter(n_points: int) -> type[go.Scatter] | type[go.Scattergl]:
    return go.Scattergl if n_points > WEBGL_THRESHOLD else go.Scatter


def _thin_steps(outcomes: Outcomes) -> pd.DataFrame:
    """The KM steps as columns, thinned for display if the service left too many."""
    frame = pd.DataFrame(
        [(s.time, s.survival, s.ci_lower, s.ci_upper) for s in outcomes.km.steps],
        columns=["time", "survival", "ci_lower", "ci_upper"],
    )
    if len(frame) > MAX_DISPLAY_POINTS:
        with warnings.catch_warnings():
            # A looser tolerance only affects the drawing, and the plot says it is thinned.
            warnings.simplefilter("ignore")
            frame = thin_curve(frame, max_points=MAX_DISPLAY_POINTS)
    return frame


def _base_layout(fig: go.Figure, **extra: Any) -> go.Figure:
    layout: dict[str, Any] = {
        "template": "simple_white",
        "font": {"family": FONT, "size": 13},
        "margin": {"l": 60, "r": 20, "t": 30, "b": 40},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        "hovermode": "x unified",
    }
    fig.update_layout(**{**layout, **extra})
    return fig


def km_figure(outcomes: Outcomes, lang: str) -> go.Figure:
    """Kaplan-Meier curve with its 95 % band against the assumed curve, at-risk numbers below."""
    steps = _thin_steps(outcomes)
    unit = t(outcomes.time_unit.value, lang)
    fig = make_subplots(
        rows=2, cols=1, shared_xaxes=True, row_heights=[0.88, 0.12], vertical_spacing=0.12
    )
    trace = _scatter(len(steps))
    band = steps.dropna(subset=["ci_lower", "ci_upper"])
    if not band.empty:
        fig.add_trace(
            trace(
                x=band["time"].tolist(),
                y=band["ci_upper"].tolist(),
                mode="lines",
                line={"width": 0, "shape": "hv", "color": BAND_COLOUR},
                name=t("fig.ci", lang),
                meta="ci_upper",
                showlegend=False,
                hoverinfo="skip",
            ),
            row=1,
            col=1,
        )
        fig.add_trace(
            trace(
                x=band["time"].tolist(),
                y=band["ci_lower"].tolist(),
                mode="lines",
                line={"width": 0, "shape": "hv", "color": BAND_COLOUR},
                fill="tonexty",
                fillcolor=BAND_COLOUR,
                name=t("fig.ci", lang),
                meta="ci_lower",
                legendrank=2,
                hoverinfo="skip",
            ),
            row=1,
            col=1,
        )
    fig.add_trace(
        trace(
            x=steps["time"].tolist(),
            y=steps["survival"].tolist(),
            mode="lines",
            line={"color": KM_COLOUR, "width": 2.5, "shape": "hv"},
            name=t("fig.km", lang),
            meta="km",
            legendrank=1,
            hovertemplate="%{y:.2f}<extra></extra>",
        ),
        row=1,
        col=1,
    )
    if outcomes.assumed is not None:
        fig.add_trace(
            go.Scatter(
                x=[p.time for p in outcomes.assumed.curve],
                y=[p.survival for p in outcomes.assumed.curve],
                mode="lines",
                line={"color": ASSUMED_COLOUR, "width": 2, "dash": "dash"},
                name=t("fig.assumed", lang),
                meta="assumed",
                legendrank=3,
                hovertemplate="%{y:.2f}<extra></extra>",
            ),
            row=1,
            col=1,
        )
    risk = outcomes.numbers_at_risk
    fig.add_trace(
        go.Scatter(
            x=[r.time for r in risk],
            y=[0] * len(risk),
            mode="text",
            text=["<5" if r.at_risk is None else fmt_number(r.at_risk, lang) for r in risk],
            textfont={"size": 12, "color": NEUTRAL_COLOUR},
            name=t("fig.at_risk", lang),
            meta="at_risk",
            showlegend=False,
            hoverinfo="skip",
        ),
        row=2,
        col=1,
    )
    _base_layout(fig, height=460, legend={"orientation": "h", "yanchor": "bottom", "y": 1.02,
                                           "x": 0, "traceorder": "normal"})
    # Ticks where the at-risk numbers are, so each number sits under its tick.
    times = [r.time for r in risk]
    dtick = times[1] - times[0] if len(times) > 1 else None
    fig.update_yaxes(title_text=t("fig.survival", lang), range=[0, 1.02], tickformat=".0%", row=1)
    fig.update_yaxes(visible=False, range=[-1, 1], row=2)
    fig.update_xaxes(title_text=f"{t('fig.time', lang)} ({unit})", dtick=dtick,
                     showticklabels=True, row=1)
    fig.update_xaxes(visible=False, row=2)
    fig.add_annotation(
        text=t("fig.at_risk", lang), xref="paper", yref="y2 domain", x=0, y=0.5,
        xanchor="right", showarrow=False, font={"size": 12, "color": NEUTRAL_COLOUR},
    )
    return fig


def landmark_rows(outcomes: Outcomes, lang: str) -> list[dict[str, str]]:
    """The landmark table as display strings, one dict per landmark."""
    rows = []
    for lm in outcomes.landmarks:
        inside = lm.assumed_inside_ci
        rows.append(
            {
                "time": fmt_number(lm.time, lang, 0),
                "km": "–" if lm.km is None else fmt_number(lm.km * 100, lang, 1) + " %",
                "ci": "–"
                if lm.ci_lower is None or lm.ci_upper is None
                else f"{fmt_number(lm.ci_lower * 100, lang, 1)}–"
                f"{fmt_number(lm.ci_upper * 100, lang, 1)} %",
                "assumed": "–"
                if lm.assumed is None
                else fmt_number(lm.assumed * 100, lang, 1) + " %",
                "inside": "–" if inside is None else t("yes" if inside else "no", lang),
                "at_risk": "<5" if lm.at_risk is None else fmt_number(lm.at_risk, lang),
            }
        )
    return rows


@dataclass(frozen=True)
class TimelineItem:
    """One dated event on the overview timeline."""

    label: str  # the method, e.g. "ID2023_041 pembrolizumab"
    when: date
    kind: str  # "review" or "milestone"
    state: str | None = None  # "overdue", "due" or None
    detail: str = ""


TIMELINE_SYMBOLS = {
    "review": "diamond",
    "milestone": "circle",
    "agreement_end": "square",
    "phaseout_step": "x",
    "renegotiation": "triangle-up",
}


def timeline_figure(items: Sequence[TimelineItem], today: date, lang: str) -> go.Figure:
    """Review dates, milestones and other deadlines per introduction, today marked, flags coloured.

    One trace per kind of deadline (in the order of TIMELINE_SYMBOLS), coloured per point:
    overdue red, due amber, the rest blue.
    """
    fig = go.Figure()
    labels = sorted({i.label for i in items})
    colours = {"overdue": OVERDUE_COLOUR, "due": DUE_COLOUR}
    for kind, symbol in TIMELINE_SYMBOLS.items():
        chosen = [i for i in items if i.kind == kind]
        if not chosen and kind not in ("review", "milestone"):
            continue
        trace = _scatter(len(chosen))
        fig.add_trace(
            trace(
                x=[i.when.isoformat() for i in chosen],
                y=[i.label for i in chosen],
                mode="markers",
                marker={
                    "symbol": symbol,
                    "size": 13 if kind == "review" else 10,
                    "color": [colours.get(i.state or "", KM_COLOUR) for i in chosen],
                    "line": {"width": 1, "color": "white"},
                },
                name=t(f"tl.{kind}", lang),
                meta=kind,
                text=[i.detail for i in chosen],
                hovertemplate="%{y}<br>%{x}<br>%{text}<extra></extra>",
            )
        )
    fig.add_shape(
        type="line", xref="x", yref="paper", x0=today.isoformat(), x1=today.isoformat(),
        y0=0, y1=1, line={"color": NEUTRAL_COLOUR, "dash": "dot", "width": 1},
    )
    fig.add_annotation(
        x=today.isoformat(), y=1, xref="x", yref="paper", text=t("tl.today", lang),
        showarrow=False, yanchor="bottom", font={"size": 11, "color": NEUTRAL_COLOUR},
    )
    _base_layout(fig, height=max(260, 90 + 24 * len(labels)), hovermode="closest")
    fig.update_yaxes(categoryorder="array", categoryarray=labels[::-1], automargin=True)
    fig.update_xaxes(type="date")
    return fig


def volume_figure(
    per_year: Sequence[tuple[int, int]],
    lang: str,
    tiers: Sequence[int] = (),
    expected_per_year: int | None = None,
) -> go.Figure:
    """Patients started per year as bars, with volume tiers and the expected count as lines.

    Pass `tiers` only when the viewer may see the agreement's terms.
    """
    fig = go.Figure(
        go.Bar(
            x=[str(year) for year, _ in per_year],
            y=[count for _, count in per_year],
            marker_color=KM_COLOUR,
            name=t("fig.patients", lang),
            meta="patients",
        )
    )
    for n in tiers:
        if n <= 0:
            continue
        fig.add_hline(y=n, line={"color": ASSUMED_COLOUR, "dash": "dash", "width": 1.5})
        fig.add_annotation(
            x=1, xref="paper", y=n, text=t("fig.tier", lang, n=n), showarrow=False,
            xanchor="right", yanchor="bottom", font={"size": 11, "color": ASSUMED_COLOUR},
        )
    if expected_per_year:
        fig.add_hline(y=expected_per_year, layer="above",
                      line={"color": NEUTRAL_COLOUR, "dash": "dot", "width": 2})
        fig.add_annotation(
            x=0, xref="paper", y=expected_per_year, text=t("fig.expected", lang),
            showarrow=False, xanchor="left", yanchor="bottom",
            font={"size": 11, "color": NEUTRAL_COLOUR},
        )
    _base_layout(fig, height=260, hovermode="closest", showlegend=False)
    # Lines are shapes, which autorange ignores: make room for the highest of them.
    top = max([count for _, count in per_year] + list(tiers) + [expected_per_year or 0] + [1])
    fig.update_xaxes(title_text=t("fig.year", lang), type="category")
    fig.update_yaxes(title_text=t("fig.patients", lang), range=[0, top * 1.15])
    return fig


def breakdown_figure(breakdown: Breakdown, lang: str) -> go.Figure:
    """Survival at the first landmark per group, with its confidence interval."""
    groups = [g for g in breakdown.groups if not g.suppressed and g.landmarks]
    xs, ys, lo, hi, assumed = [], [], [], [], []
    for g in groups:
        lm = next((x for x in g.landmarks if x.km is not None), None)
        if lm is None or lm.km is None:
            continue
        xs.append(g.group)
        ys.append(lm.km)
        lo.append(lm.km - (lm.ci_lower if lm.ci_lower is not None else lm.km))
        hi.append((lm.ci_upper if lm.ci_upper is not None else lm.km) - lm.km)
        assumed.append(lm.assumed)
    fig = go.Figure(
        go.Scatter(
            x=xs, y=ys, mode="markers", marker={"size": 11, "color": KM_COLOUR},
            error_y={"type": "data", "array": hi, "arrayminus": lo, "color": KM_COLOUR},
            name=t("fig.km", lang), meta="km",
        )
    )
    if any(a is not None for a in assumed):
        fig.add_trace(
            go.Scatter(
                x=xs, y=assumed, mode="markers", name=t("fig.assumed", lang), meta="assumed",
                marker={"symbol": "line-ew-open", "size": 26, "color": ASSUMED_COLOUR,
                        "line": {"width": 3}},
            )
        )
    _base_layout(fig, height=280, hovermode="closest")
    fig.update_yaxes(title_text=t("fig.survival", lang), range=[0, 1.02], tickformat=".0%")
    return fig
