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


def display_steps(outcomes: Outcomes) -> pd.DataFrame:
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


def base_layout(fig: go.Figure, **extra: Any) -> go.Figure:
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
    steps = display_steps(outcomes)
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
    base_layout(fig, height=460, legend={"orientation": "h", "yanchor": "bottom", "y": 1.02,
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


TIMELINE_COLOURS = {"overdue": OVERDUE_COLOUR, "due": DUE_COLOUR}
# Markers closer than this share of the time span would overlap: they are moved apart vertically.
OVERLAP_SHARE = 1 / 70
MAX_SPREAD = 0.8  # the most a row's markers spread (rows are 1 apart)


def timeline_offsets(items: Sequence[TimelineItem]) -> list[float]:
    """A vertical offset per item, so that markers of one row on (nearly) one date stay apart.

    Items of a row closer in time than OVERLAP_SHARE of the whole span form a cluster; a cluster
    of k markers is spread evenly around the row's line, at most MAX_SPREAD wide.
    """
    if not items:
        return []
    days = [i.when.toordinal() for i in items]
    gap = max(10.0, (max(days) - min(days)) * OVERLAP_SHARE)
    offsets = [0.0] * len(items)
    rows: dict[str, list[int]] = {}
    for index, item in enumerate(items):
        rows.setdefault(item.label, []).append(index)
    for indices in rows.values():
        indices.sort(key=lambda i: (days[i], list(TIMELINE_SYMBOLS).index(items[i].kind)
                                    if items[i].kind in TIMELINE_SYMBOLS else 99))
        clusters: list[list[int]] = [[indices[0]]]
        for i in indices[1:]:
            if days[i] - days[clusters[-1][-1]] < gap:
                clusters[-1].append(i)
            else:
                clusters.append([i])
        for cluster in clusters:
            k = len(cluster)
            step = min(0.3, MAX_SPREAD / (k - 1)) if k > 1 else 0.0
            for j, i in enumerate(cluster):
                offsets[i] = (j - (k - 1) / 2) * step
    return offsets


def timeline_figure(items: Sequence[TimelineItem], today: date, lang: str) -> go.Figure:
    """Review dates, milestones and other deadlines per introduction, today marked.

    The symbol says what kind of deadline it is (one trace per kind, in the order of
    TIMELINE_SYMBOLS); the colour says its state: overdue red, due (flagged) amber, the rest
    blue. Plotly's legend would show each kind in the colour of its first point, as if colour
    meant kind, so it is off: the page explains symbols and colours in its own legend
    (`dashboards.pages.overview.timeline_legend`). Markers of one row on one date are spread
    vertically so that none hides another.
    """
    fig = go.Figure()
    labels = sorted({i.label for i in items})
    rows = {label: len(labels) - 1 - n for n, label in enumerate(labels)}
    offsets = dict(zip(map(id, items), timeline_offsets(items), strict=True))
    date_format = "%Y-%m-%d" if lang == "en" else "%d.%m.%Y"
    for kind, symbol in TIMELINE_SYMBOLS.items():
        chosen = [i for i in items if i.kind == kind]
        if not chosen and kind not in ("review", "milestone"):
            continue
        trace = _scatter(len(chosen))
        fig.add_trace(
            trace(
                x=[i.when.isoformat() for i in chosen],
                y=[rows[i.label] + offsets[id(i)] for i in chosen],
                mode="markers",
                marker={
                    "symbol": symbol,
                    "size": 13 if kind == "review" else 10,
                    "color": [TIMELINE_COLOURS.get(i.state or "", KM_COLOUR) for i in chosen],
                    "line": {"width": 1, "color": "white"},
                },
                name=t(f"tl.{kind}", lang),
                meta=kind,
                customdata=[[i.label, t(f"tl.{kind}", lang),
                             t(f"flag.{i.state}", lang) if i.state else ""] for i in chosen],
                text=[i.detail for i in chosen],
                hovertemplate=(f"%{{customdata[0]}}<br>%{{customdata[1]}}: %{{x|{date_format}}}"
                               " %{customdata[2]}<br>%{text}<extra></extra>"),
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
    base_layout(fig, height=max(260, 90 + 34 * len(labels)), hovermode="closest",
                 showlegend=False)
    fig.update_yaxes(tickmode="array", tickvals=[rows[label] for label in labels],
                     ticktext=labels, range=[-0.7, len(labels) - 0.3], automargin=True,
                     showgrid=True, gridcolor="#eef2f5", zeroline=False)
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
    base_layout(fig, height=260, hovermode="closest", showlegend=False)
    # Lines are shapes, which autorange ignores: make room for the highest of them.
    top = max([count for _, count in per_year] + list(tiers) + [expected_per_year or 0] + [1])
    fig.update_xaxes(title_text=t("fig.year", lang), type="category")
    fig.update_yaxes(title_text=t("fig.patients", lang), range=[0, top * 1.15])
    return fig


def breakdown_groups(breakdown: Breakdown) -> list[Any]:
    """The groups a breakdown figure can draw: not suppressed, with a registry estimate."""
    return [g for g in breakdown.groups
            if not g.suppressed and any(x.km is not None for x in g.landmarks)]


SMALL_GROUP = 5  # the disclosure rule's smallest count shown to everyone (MIN_CELL)
SMALL_COLOUR = "#a3acb3"


def breakdown_figure(breakdown: Breakdown, lang: str) -> go.Figure:
    """Survival at the first landmark per group with its confidence interval, one row per group.

    Each row names its group with its number of patients. Groups of fewer than 5 patients (shown
    only to viewers who may see small counts) are drawn grey and say they are too few to read;
    suppressed groups are listed without a value. The height grows with the number of groups, so
    long names (hospital trusts) are never cut.
    """
    drawn = {g.group for g in breakdown_groups(breakdown)}
    rows: list[tuple[str, Any, Any]] = []  # (axis label, group, landmark)
    for g in breakdown.groups:
        lm = next((x for x in g.landmarks if x.km is not None), None)
        if g.suppressed:
            rows.append((f"{g.group} ({t('in.suppressed', lang)})", g, None))
        elif g.group in drawn:
            n = "<5" if g.n_patients is None else fmt_number(g.n_patients, lang)
            rows.append((f"{g.group} ({t('in.n', lang, n=n)})", g, lm))
    labels = [r[0] for r in rows][::-1]

    def trace_for(chosen: list[tuple[str, Any, Any]], colour: str, meta: str, name: str,
                  hover: str) -> go.Scatter:
        return go.Scatter(
            y=[r[0] for r in chosen], x=[r[2].km for r in chosen], mode="markers",
            marker={"size": 11, "color": colour},
            error_x={"type": "data", "color": colour,
                     "array": [(r[2].ci_upper if r[2].ci_upper is not None else r[2].km)
                               - r[2].km for r in chosen],
                     "arrayminus": [r[2].km - (r[2].ci_lower if r[2].ci_lower is not None
                                               else r[2].km) for r in chosen]},
            name=name, meta=meta, hovertemplate=f"%{{y}}: %{{x:.0%}}{hover}<extra></extra>",
        )

    def small(r: tuple[str, Any, Any]) -> bool:
        return r[1].n_patients is not None and r[1].n_patients < SMALL_GROUP

    shown = [r for r in rows if r[2] is not None and not small(r)]
    few = [r for r in rows if r[2] is not None and small(r)]
    fig = go.Figure(trace_for(shown, KM_COLOUR, "km", t("fig.km", lang), ""))
    if few:
        fig.add_trace(trace_for(few, SMALL_COLOUR, "km_small",
                                f"{t('fig.km', lang)}: {t('in.small_group', lang)}",
                                f" ({t('in.small_group', lang)})"))
    assumed = [(r[0], r[2].assumed) for r in rows if r[2] is not None and r[2].assumed is not None]
    if assumed:
        fig.add_trace(
            go.Scatter(
                y=[a[0] for a in assumed], x=[a[1] for a in assumed], mode="markers",
                name=t("fig.assumed", lang), meta="assumed",
                marker={"symbol": "line-ns-open", "size": 22, "color": ASSUMED_COLOUR,
                        "line": {"width": 3}},
                hovertemplate="%{y}: %{x:.0%}<extra></extra>",
            )
        )
    # Every row on the axis, suppressed ones too (a category axis shows only what is drawn).
    fig.add_trace(go.Scatter(y=labels, x=[0] * len(labels), mode="markers", meta="rows",
                             marker={"opacity": 0}, showlegend=False, hoverinfo="skip"))
    base_layout(fig, height=max(220, 110 + 34 * len(rows)), hovermode="closest",
                 margin={"l": 20, "r": 30, "t": 40, "b": 50})
    fig.update_xaxes(title_text=t("fig.survival", lang), range=[0, 1.02], tickformat=".0%")
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=labels,
                     automargin=True)
    return fig
