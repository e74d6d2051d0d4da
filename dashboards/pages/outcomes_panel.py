"""The registry-against-assumptions panel: KM curve, landmarks, O/E, verdict and breakdown.

Used by the introduction page (interactive) and by the reassessment brief (static).
"""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboards import data
from dashboards.data import DeliveryView
from dashboards.figures import (
    SMALL_GROUP,
    breakdown_figure,
    breakdown_groups,
    km_figure,
    landmark_rows,
)
from dashboards.i18n import fmt_count, fmt_date, fmt_number, t
from dashboards.layout import definition_list, message, table
from dashboards.pages.evidence_panel import (
    brief_evidence,
    brief_hazards,
    evidence_parts,
    plan_note,
    verdict_class,
    verdict_label,
)
from tracker.outcomes.schemas import Breakdown, Outcomes

GRAPH_CONFIG: Any = {"displaylogo": False, "responsive": True}


def verdict_box(outcomes: Outcomes, lang: str, id: str = "verdict") -> html.Div:
    """The verdict in the endpoint's words, coloured by what it means, with its rule."""
    return html.Div(
        [
            html.Span(t("in.verdict", lang) + ": ", className="verdict-label"),
            html.Strong(verdict_label(outcomes.verdict, lang)),
            html.P(
                outcomes.verdict.rule_nb if lang == "nb" else outcomes.verdict.rule,
                className="verdict-rule",
                lang="nb" if lang == "nb" else "en",
            ),
        ],
        className=f"verdict {verdict_class(outcomes.verdict)}",
        id=id,
    )


def _ratio(outcomes: Outcomes, lang: str) -> str:
    lr = outcomes.one_sample_logrank
    if lr is None or lr.ratio is None:
        return "–"
    text = f"{fmt_number(lr.ratio, lang, 2)}"
    if lr.ratio_ci is not None and lr.ratio_ci[1] is not None:
        text += f" ({fmt_number(lr.ratio_ci[0], lang, 2)}–{fmt_number(lr.ratio_ci[1], lang, 2)})"
    text += f" · O = {lr.observed}, E = {fmt_number(lr.expected, lang, 1)}"
    if lr.p_value is not None:
        small = lr.p_value < 0.001
        shown = fmt_number(0.001 if small else lr.p_value, lang, 3)
        text += f" · p {'<' if small else '='} {shown}"
    return text


def _median(outcomes: Outcomes, lang: str) -> str:
    unit = t(outcomes.time_unit.value, lang)
    med = outcomes.median
    text = "–" if med.value is None else f"{fmt_number(med.value, lang, 1)} {unit}"
    if outcomes.assumed is not None and outcomes.assumed.median is not None:
        text += f" ({t('lm.assumed', lang).lower()} {fmt_number(outcomes.assumed.median, lang, 1)})"
    return text


def _rmst(outcomes: Outcomes, lang: str) -> str:
    r = outcomes.rmst
    if r is None:
        return "–"
    text = f"{fmt_number(r.km.rmst, lang, 1)}"
    if r.assumed is not None:
        text += f" vs {fmt_number(r.assumed.rmst, lang, 1)} ({t('lm.assumed', lang).lower()})"
    return text + f" · τ = {fmt_number(r.tau, lang, 1)} {t(outcomes.time_unit.value, lang)}"


def landmark_table(outcomes: Outcomes, lang: str, suffix: str = "") -> html.Table:
    """The landmark table: registry KM with CI against the assumed value at each landmark."""
    unit = t(outcomes.time_unit.value, lang)
    headers = [f"{t('lm.time', lang)} ({unit})", t("lm.km", lang), t("lm.ci", lang),
               t("lm.assumed", lang), t("lm.inside", lang), t("lm.at_risk", lang)]
    rows = [
        [r["time"], r["km"], r["ci"], r["assumed"], r["inside"], r["at_risk"]]
        for r in landmark_rows(outcomes, lang)
    ]
    return table(headers, rows, id=f"landmark-table{suffix}", cls="numeric")


def summary(outcomes: Outcomes, lang: str, names: dict[str, str] | None = None) -> html.Dl:
    """Patients, events, median, O/E and RMST; the delivery named by its data source."""
    d = outcomes.delivery
    source = (names or {}).get(str(d.source), str(d.source))
    return definition_list(
        [
            (t("in.delivery", lang), f"{source} · {fmt_date(d.data_cut, lang)}"),
            (t("in.patients", lang), fmt_count(outcomes.n_patients, lang)),
            (t("in.events", lang), fmt_count(outcomes.n_events, lang)),
            (t("in.median", lang), _median(outcomes, lang)),
            (t("in.oe", lang), _ratio(outcomes, lang)),
            (t("in.rmst", lang), _rmst(outcomes, lang)),
        ]
    )


# A blank figure the size of the KM plot: the graph mounts (and plotly.js loads) with the page.
BLANK = {"data": [], "layout": {"height": 460, "xaxis": {"visible": False},
                                "yaxis": {"visible": False}, "template": "simple_white"}}


def outcome_skeleton(lang: str) -> html.Div:
    """The interactive panel before its data arrive: an empty graph and empty number slots.

    The graph is in the page from the start so that the browser fetches and evaluates plotly.js
    while the server is still computing the outcomes, instead of after.
    """
    return html.Div(
        [
            html.Div(id="verdict-wrap"),
            html.Div(
                [
                    html.Div(
                        dcc.Loading(
                            dcc.Graph(id="km-figure", figure=BLANK, config=GRAPH_CONFIG),
                            type="dot", delay_show=400,
                        ),
                        className="figure-col", id="km-col",
                    ),
                    html.Div(id="numbers-col", className="numbers-col"),
                ],
                className="outcomes-grid",
            ),
        ],
        id="outcome-body",
    )


def missing(reason: str, lang: str, received: list[DeliveryView] | None,
            id: str = "outcomes-missing") -> html.Div:
    """Why there is no registry curve, and what was received instead (if the viewer may know)."""
    text = [html.P(t(reason, lang))]
    got = data.received(received or [])
    if got:
        what = "; ".join(t("in.received_item", lang, source=name, n=n, cut=fmt_date(cut, lang))
                         for name, n, cut in got)
        text.append(html.P(t("in.received_instead", lang, what=what), className="received"))
    return html.Div(text, className="notice notice-info", id=id)


def outcome_parts(
    result: Outcomes | str, lang: str, received: list[DeliveryView] | None = None,
    names: dict[str, str] | None = None,
) -> tuple[Any, dict[str, str], Any, Any]:
    """What the panel's callback fills in: figure, figure column style, verdict, numbers."""
    if isinstance(result, str):
        return BLANK, {"display": "none"}, missing(result, lang, received), None
    # The numbers column holds the evidence too: it is laid out across the whole panel below
    # the curve (the column is `display: contents`), so one callback fills both.
    numbers = [
        html.Div([summary(result, lang, names), html.H4(t("in.landmarks", lang)),
                  landmark_table(result, lang), plan_note(result, lang)],
                 className="numbers-side"),
        html.Div(evidence_parts(result, lang), className="evidence", id="evidence"),
    ]
    return km_figure(result, lang), {}, verdict_box(result, lang), numbers


def outcome_body(
    result: Outcomes | str, lang: str, suffix: str = "",
    received: list[DeliveryView] | None = None, names: dict[str, str] | None = None,
    height: int | None = None,
) -> list[Any]:
    """The figure, verdict, numbers and landmark table drawn at once (for the printable brief).

    `suffix` keeps element ids unique when several endpoints share a page.
    """
    if isinstance(result, str):
        return [missing(result, lang, received, id=f"outcomes-missing{suffix}")]
    config: Any = {**GRAPH_CONFIG, "staticPlot": True}
    figure = km_figure(result, lang)
    if height is not None:
        figure.update_layout(height=height)
    return [
        verdict_box(result, lang, id=f"verdict{suffix}"),
        html.Div(
            [
                html.Div(
                    dcc.Graph(id=f"km-figure{suffix}", figure=figure, config=config),
                    className="figure-col",
                ),
                html.Div(
                    [summary(result, lang, names), html.H4(t("in.landmarks", lang)),
                     landmark_table(result, lang, suffix)],
                    className="numbers-col",
                ),
            ],
            className="outcomes-grid",
        ),
        brief_hazards(result, lang, suffix),
        html.Div(brief_evidence(result, lang, suffix), className="evidence evidence-brief",
                 id=f"evidence{suffix}"),
    ]


def breakdown_body(result: Breakdown | str, lang: str) -> list[Any]:
    """Per-group table with counts and a figure, or why there is none.

    Groups of fewer than 5 patients are hidden by the service for viewers without small-count
    access; for the others they are shown, marked as too few to read.
    """
    if isinstance(result, str):
        return [message(t(result, lang), "info", id="breakdown-missing")]
    if not result.groups:
        return [message(t("in.breakdown_empty", lang), "info", id="breakdown-empty")]
    unit = t(result.time_unit.value, lang)
    first = next((g.landmarks[0].time for g in result.groups if g.landmarks), None)
    headers = [
        t(f"in.by.{result.group_by}", lang), t("in.patients", lang), t("in.events", lang),
        t("in.median", lang),
        f"{t('lm.km', lang)} {fmt_number(first, lang)} {unit}" if first else t("lm.km", lang),
        t("lm.assumed", lang),
    ]
    rows: list[list[Any]] = []
    classes: list[str] = []
    for g in result.groups:
        if g.suppressed:
            rows.append([g.group, t("in.suppressed", lang), "–", "–", "–", "–"])
            classes.append("row-muted")
            continue
        lm = g.landmarks[0] if g.landmarks else None
        small = g.n_patients is not None and g.n_patients < SMALL_GROUP
        rows.append(
            [
                g.group,
                html.Span([fmt_count(g.n_patients, lang),
                           html.Span(f" ({t('in.small_group', lang)})", className="muted")
                           if small else None]),
                fmt_count(g.n_events, lang),
                "–" if g.median is None or g.median.value is None
                else f"{fmt_number(g.median.value, lang, 1)}",
                "–" if lm is None or lm.km is None else f"{fmt_number(lm.km * 100, lang, 1)} %",
                "–" if lm is None or lm.assumed is None
                else f"{fmt_number(lm.assumed * 100, lang, 1)} %",
            ]
        )
        classes.append("row-muted" if small else "")
    figure: Any = (
        dcc.Graph(id="breakdown-figure", figure=breakdown_figure(result, lang),
                  config=GRAPH_CONFIG)
        if breakdown_groups(result)
        else message(t("in.breakdown_empty", lang), "info", id="breakdown-empty")
    )
    return [table(headers, rows, id="breakdown-table", cls="numeric", row_classes=classes),
            figure]
