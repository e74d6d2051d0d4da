"""The funnel plot of the individual-access statistics as an SVG drawn on the server.

A public page must read without JavaScript, so the plot is markup: each region a point (its
grant rate against its number of decided cases), the national rate a line, and the exact
binomial limits around it as stepped lines, 95 % dashed and 99.8 % dotted. The numbers come
from `tracker.individual.statistics` (`Statistics.funnel`); every word comes in through
`FunnelWords`, so the page chooses the language. Nothing here reads the request or the database.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

WIDTH, HEIGHT = 760, 420
LEFT, RIGHT, TOP, BOTTOM = 64, 170, 16, 56
POINT = {"inside": "#1f4e79", "outside_95": "#8a5a00", "outside_998": "#b00020"}
LIMITS = (("95", "6 4"), ("998", "2 3"))  # level suffix, dash pattern


@dataclass(frozen=True)
class FunnelWords:
    """The texts of the plot in the reader's language, and how it writes numbers."""

    title: str
    description: str
    x_title: str
    y_title: str
    national: str
    limit_95: str
    limit_998: str
    number: Callable[[float, int], str]


def position(point: Mapping[str, Any]) -> str:
    """Where a region lies: inside both limits, outside the 95 % or outside the 99.8 % ones."""
    if point.get("outside_998"):
        return "outside_998"
    if point.get("outside_95"):
        return "outside_95"
    return "inside"


def _ticks(top: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least `top` (steps of 1, 2 or 5 times a power of ten)."""
    raw = max(top, 1.0) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return [i * step for i in range(int(math.ceil(top / step)) + 1)]


def _steps(values: Sequence[tuple[float, float]], sx: Callable[[float], float],
           sy: Callable[[float], float]) -> str:
    """A limit as steps: it holds from one whole number of cases to the next."""
    out: list[str] = []
    for i, (n, v) in enumerate(values):
        out.append(f"{sx(n)},{sy(v)}")
        if i + 1 < len(values):
            out.append(f"{sx(values[i + 1][0])},{sy(v)}")
    return " ".join(out)


def _same_place(points: Sequence[Mapping[str, Any]]) -> list[list[Mapping[str, Any]]]:
    """The regions grouped by where they are drawn (same number of cases and rate: one label)."""
    groups: dict[tuple[float, float], list[Mapping[str, Any]]] = {}
    for point in points:
        groups.setdefault((float(point["n"]), round(float(point["rate"]), 9)), []).append(point)
    return sorted(groups.values(), key=lambda g: -float(g[0]["rate"]))


def _crowded(left: float, width: float, baseline: float,
             placed: Sequence[tuple[float, float, float]],
             dots: Sequence[tuple[float, float]]) -> bool:
    """Whether a label there would cover another label or a point."""
    return (any(a < left + width and left < b and abs(baseline - c) < 15 for a, b, c in placed)
            or any(left - 6 < dx < left + width + 6 and -6 < baseline - 4 - dy < 14
                   for dx, dy in dots))


def funnel_svg(points: Sequence[Mapping[str, Any]], limits: Sequence[Mapping[str, Any]],
               p0: float, words: FunnelWords, *, id: str = "funnel-svg") -> Markup:
    """Draw the funnel plot as inline SVG.

    Parameters
    ----------
    points, limits, p0
        The three parts of the statistics' ``funnel``: one mapping per region (``region``,
        ``n``, ``rate``, ``outside_95``, ``outside_998``), the limits for every n
        (``n``, ``lower_95``, ``upper_95``, ``lower_998``, ``upper_998``) and the national rate.
    words : FunnelWords
        Every text, in the reader's language.

    Examples
    --------
    >>> words = FunnelWords("T", "D", "n", "rate", "national", "95", "99.8",
    ...                     lambda v, d: f"{v:.{d}f}")
    >>> svg = funnel_svg([{"region": "Helse Nord", "n": 10, "rate": 0.2, "outside_95": True,
    ...                    "outside_998": True}],
    ...                  [{"n": 10, "lower_95": 0.5, "upper_95": 1.0, "lower_998": 0.3,
    ...                    "upper_998": 1.0}], 0.8, words)
    >>> 'data-position="outside_998"' in svg, "<title" in svg
    (True, True)
    """
    x_top = max([float(row["n"]) for row in limits] + [float(p["n"]) for p in points] + [1.0])
    x_ticks = _ticks(x_top)
    x_max = x_ticks[-1]
    # As on the dashboards: the funnel from half the smallest region on (below that the limits
    # only widen to 0), and the rate axis from just under the lowest thing drawn.
    smallest = min((float(p["n"]) for p in points), default=1.0)
    shown = [row for row in limits if float(row["n"]) >= smallest / 2] or list(limits)
    lowers = [float(row[f"lower_{suffix}"]) for row in shown for suffix, _ in LIMITS
              if row.get(f"lower_{suffix}") is not None]
    floor = min([float(p["rate"]) for p in points] + [p0, *lowers])
    y_min = max(0.0, math.floor((floor - 0.05) * 10) / 10)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def sx(n: float) -> float:
        return round(LEFT + plot_w * n / x_max, 1)

    def sy(rate: float) -> float:
        return round(TOP + plot_h * (1.0 - (rate - y_min) / (1.0 - y_min)), 1)

    parts: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'class="funnel-svg" id="{escape(id)}" role="img" '
        f'aria-labelledby="{escape(id)}-title {escape(id)}-desc">',
        f'<title id="{escape(id)}-title">{escape(words.title)}</title>',
        f'<desc id="{escape(id)}-desc">{escape(words.description)}</desc>',
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" class="plot-area"/>',
    ]
    step = 0.1 if 1.0 - y_min <= 0.5 else 0.2
    value = 1.0
    while value >= y_min - 1e-9:
        y = sy(value)
        parts.append(f'<line x1="{LEFT}" y1="{y}" x2="{LEFT + plot_w}" y2="{y}" class="grid"/>')
        parts.append(f'<text x="{LEFT - 8}" y="{y + 4}" text-anchor="end" class="tick">'
                     f'{escape(words.number(value * 100, 0))} %</text>')
        value = round(value - step, 10)
    for value in x_ticks:
        x = sx(value)
        parts.append(f'<line x1="{x}" y1="{TOP + plot_h}" x2="{x}" y2="{TOP + plot_h + 5}" '
                     'class="axis"/>')
        parts.append(f'<text x="{x}" y="{TOP + plot_h + 20}" text-anchor="middle" '
                     f'class="tick">{escape(words.number(value, 0))}</text>')
    parts += [
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" '
        'class="axis"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" class="axis"/>',
        f'<text x="{LEFT + plot_w / 2}" y="{HEIGHT - 12}" text-anchor="middle" '
        f'class="axis-title">{escape(words.x_title)}</text>',
        f'<text x="16" y="{TOP + plot_h / 2}" text-anchor="middle" class="axis-title" '
        f'transform="rotate(-90 16 {TOP + plot_h / 2})">{escape(words.y_title)}</text>',
        f'<line x1="{LEFT}" y1="{sy(p0)}" x2="{LEFT + plot_w}" y2="{sy(p0)}" '
        'class="national" data-series="national"/>',
    ]
    for suffix, dash in LIMITS:
        for side in ("lower", "upper"):
            key = f"{side}_{suffix}"
            line = _steps([(float(row["n"]), float(row[key])) for row in shown
                           if row.get(key) is not None], sx, sy)
            if line:
                parts.append(f'<polyline points="{line}" class="limit" '
                             f'stroke-dasharray="{dash}" data-series="limit_{key}"/>')
    groups = _same_place(points)
    dots = [(sx(float(g[0]["n"])), sy(float(g[0]["rate"]))) for g in groups]
    placed: list[tuple[float, float, float]] = []  # each label's left, right and baseline
    labels: list[str] = []
    for group, (x, y) in zip(groups, dots, strict=True):
        where = position(group[0])
        parts.append(f'<g class="point" data-position="{where}">'
                     f'<circle cx="{x}" cy="{y}" r="5.5" fill="{POINT[where]}"/></g>')
        name = ", ".join(str(p.get("region") or "") for p in group)
        width = 7.0 * len(name)
        right_side, left_side = x + 9, x - 9 - width
        sides = [v for v in (right_side, left_side)
                 if LEFT <= v and v + width <= LEFT + plot_w] or [right_side]
        # Beside the point, right or left; below it only where both sides are taken.
        left, baseline = next(
            ((side, y + 4 + shift) for shift in range(0, plot_h, 15) for side in sides
             if not _crowded(side, width, y + 4 + shift, placed, dots)), (sides[0], y + 4))
        placed.append((left, left + width, baseline))
        anchor = "start" if left > x else "end"
        label_x = left if anchor == "start" else left + width
        labels.append(f'<text x="{label_x}" y="{baseline}" text-anchor="{anchor}" '
                      f'class="point-label">{escape(name)}</text>')
    parts += labels  # over the points and lines, each with a halo
    legend_x = LEFT + plot_w + 14
    legend = ((words.national, "national", None), (words.limit_95, "limit", "6 4"),
              (words.limit_998, "limit", "2 3"))
    for i, (text, cls, pattern) in enumerate(legend):
        y = TOP + 14 + i * 22
        dashed = f' stroke-dasharray="{pattern}"' if pattern else ""
        parts.append(f'<line x1="{legend_x}" y1="{y}" x2="{legend_x + 26}" y2="{y}" '
                     f'class="{cls}"{dashed}/>'
                     f'<text x="{legend_x + 32}" y="{y + 4}" class="legend">{escape(text)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
