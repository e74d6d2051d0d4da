"""Pure figure builders for the statistics of individual access: tidy results in, plotly out.

Nothing here touches the database or the request, and no text is written here: every word on
a figure comes in through its labels, so the page chooses Norwegian or English. Traces carry a
stable ``meta`` tag (observed, national, limit_95_lower, ...) so tests and the browser can find
them whatever the language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from dashboards.figures import DUE_COLOUR, FONT, KM_COLOUR, NEUTRAL_COLOUR, OVERDUE_COLOUR
from tracker.analytics.access_variation import level_suffix

__all__ = ["FunnelLabels", "funnel_figure"]

# Dash styles by level, innermost first: the 95 % limits dashed, the 99.8 % limits dotted.
LIMIT_DASHES = ("dash", "dot", "dashdot")


@dataclass(frozen=True)
class FunnelLabels:
    """Every text a funnel plot shows, in the reader's language.

    ``limits`` names each level's pair of limits, e.g. ``{0.95: "95 %-grenser"}``;
    ``separators`` is plotly's decimal and thousands mark (``", "`` in Norwegian, so that a
    rate reads 75,2 %).
    """

    x_title: str
    y_title: str
    observed: str
    national: str
    limits: Mapping[float, str] = field(default_factory=dict)
    separators: str = ".,"


def _point_colours(points: pd.DataFrame, levels: list[float]) -> list[str]:
    """Outside the outermost limits red, outside the inner ones amber, otherwise blue."""
    colours = []
    for _, row in points.iterrows():
        outside = [row.get(f"outside_{level_suffix(level)}", False) for level in levels]
        if len(outside) > 1 and outside[-1]:
            colours.append(OVERDUE_COLOUR)
        elif any(outside):
            colours.append(DUE_COLOUR)
        else:
            colours.append(KM_COLOUR)
    return colours


def funnel_figure(
    points: pd.DataFrame,
    limits: pd.DataFrame,
    p0: float,
    labels: FunnelLabels,
    *,
    group: str = "region",
) -> go.Figure:
    """Grant rate against the number of decided cases, with exact limits around the national rate.

    Parameters
    ----------
    points, limits, p0
        The three parts of ``tracker.analytics.access_variation.funnel_data(...)``.
    labels : FunnelLabels
        The texts, in the reader's language; a level without a name in ``labels.limits`` is
        not drawn.
    group : str, default "region"
        The column of ``points`` that names each point.
    """
    levels = sorted(labels.limits)
    fig = go.Figure()
    x = limits["n"].tolist()
    for index, level in enumerate(levels):
        suffix = level_suffix(level)
        if f"lower_{suffix}" not in limits.columns:
            raise ValueError(
                f"limits has no columns for the level {level}; compute funnel_data with it or "
                "leave it out of labels.limits."
            )
        line = {"color": NEUTRAL_COLOUR, "width": 1.2, "dash": LIMIT_DASHES[index % 3],
                "shape": "hv"}
        for side in ("lower", "upper"):
            fig.add_trace(go.Scatter(
                x=x, y=limits[f"{side}_{suffix}"].tolist(), mode="lines", line=line,
                name=labels.limits[level], legendgroup=suffix, showlegend=side == "upper",
                meta=f"limit_{suffix}_{side}", hoverinfo="skip",
            ))
    fig.add_trace(go.Scatter(
        x=[x[0], x[-1]], y=[p0, p0], mode="lines", name=labels.national, meta="national",
        line={"color": NEUTRAL_COLOUR, "width": 1.5},
        hovertemplate=f"{labels.national}: %{{y:.1%}}<extra></extra>",
    ))
    fig.add_trace(go.Scatter(
        x=points["n"].tolist(), y=points["rate"].tolist(), mode="markers+text",
        text=[str(name) for name in points[group]], textposition="top center",
        marker={"size": 11, "color": _point_colours(points, levels),
                "line": {"width": 1, "color": "white"}},
        name=labels.observed, meta="observed",
        hovertemplate=(f"<b>%{{text}}</b><br>{labels.x_title}: %{{x}}<br>"
                       f"{labels.y_title}: %{{y:.1%}}<extra></extra>"),
    ))
    # Show the funnel from half the smallest group on: below it the limits only widen to 0.
    shown = limits[limits["n"] >= points["n"].min() / 2]
    lowers = [shown[c].min() for c in shown.columns if c.startswith("lower_")]
    floor = min([*points["rate"].tolist(), p0, *lowers])
    fig.update_layout(
        template="simple_white", separators=labels.separators,
        font={"family": FONT, "size": 13}, height=420, hovermode="closest",
        margin={"l": 60, "r": 20, "t": 30, "b": 50},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
    )
    fig.update_xaxes(title_text=labels.x_title, rangemode="tozero")
    fig.update_yaxes(title_text=labels.y_title, tickformat=".0%",
                     range=[max(0.0, floor - 0.05), 1.02])
    return fig
