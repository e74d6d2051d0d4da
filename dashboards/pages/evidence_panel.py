"""The evidence for the reassessment, below the registry curve: hazards, the log-log plot, the
extrapolation check, data maturity and the history of the evidence.

The introduction page shows every block; the reassessment brief a few printable lines of
maturity, extrapolation and history (`brief_evidence`).
Every sentence comes from the wording catalogue (through the outcomes response) or from
`dashboards.i18n`; no rule or variable code is shown as such.
"""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboards.evidence_figures import (
    calendar_figure,
    extrapolation_figure,
    hazard_figure,
    log_cumulative_hazard_figure,
)
from dashboards.i18n import fmt_count, fmt_date, fmt_number, fmt_percent, t
from dashboards.layout import definition_list, message, table
from tracker.outcomes.schemas import Outcomes, Verdict
from tracker.timeutil import local_date

GRAPH_CONFIG: Any = {"displaylogo": False, "responsive": True}
BRIEF_SMALL_HEIGHT = 190  # px: the brief's hazard plots, two side by side under the curve


# --- the verdict's words and colour ------------------------------------------------------------


def verdict_label(verdict: Verdict, lang: str) -> str:
    """The verdict's headline in the endpoint's terms (TTD: shorter/longer, not worse/better)."""
    if lang == "en":
        return verdict.label_en or t(f"verdict.{verdict.verdict}", lang)
    return verdict.label


def verdict_class(verdict: Verdict) -> str:
    """CSS classes from what the verdict means for its endpoint, and whether it is a concern."""
    meaning = verdict.meaning if verdict.meaning != "none" else verdict.verdict
    return f"verdict-{meaning}" + (" verdict-concern" if verdict.concern else "")


# --- small formatting helpers ------------------------------------------------------------------


def _unit(outcomes: Outcomes, lang: str) -> str:
    return t(outcomes.time_unit.value, lang)


def _oe(ratio: float | None, ci: Any, lang: str) -> str:
    if ratio is None:
        return "–"
    text = fmt_number(ratio, lang, 2)
    if ci is not None and ci[1] is not None:
        text += f" ({fmt_number(ci[0], lang, 2)}–{fmt_number(ci[1], lang, 2)})"
    return text


def _graph(id: str, figure: Any, *, still: bool = False) -> dcc.Graph:
    # A responsive graph takes its parent's height; in a grid row that height is its own, so it
    # would collapse: give it the figure's. `still` draws it without interaction (the brief).
    config: Any = {**GRAPH_CONFIG, "staticPlot": True} if still else GRAPH_CONFIG
    return dcc.Graph(id=id, figure=figure, config=config,
                     style={"height": f"{figure.layout.height}px"})


def _assumed_slope(outcomes: Outcomes) -> float | None:
    lch = outcomes.log_cumulative_hazard
    return lch.assumed_slope if lch is not None else None


# --- the blocks --------------------------------------------------------------------------------


def plan_note(outcomes: Outcomes, lang: str, suffix: str = "") -> html.Div | None:
    """Under the landmark table: where the landmarks came from (the analysis plan or the
    defaults), and a warning if the plan was registered after the first data cut."""
    plan = outcomes.analysis_plan
    if plan is None:
        return None
    warning = plan.warning_nb if lang == "nb" else plan.warning
    return html.Div(
        [
            html.P(plan.text_nb if lang == "nb" else plan.text, className="muted figure-note",
                   id=f"landmarks-source{suffix}"),
            html.P(warning, className="notice notice-warning", id=f"plan-late{suffix}",
                   role="note")
            if warning else None,
        ],
        className="plan-note",
    )


def hazards_block(outcomes: Outcomes, lang: str, suffix: str = "") -> html.Div | None:
    """The hazard against the assumed hazard, and log(-log S) against log t, side by side."""
    if outcomes.hazards is None and outcomes.log_cumulative_hazard is None:
        return None
    slope = _assumed_slope(outcomes)
    return html.Div(
        [
            html.Div([html.H4(t("ev.hazards", lang)),
                      _graph(f"hazard-figure{suffix}", hazard_figure(outcomes, lang)),
                      html.P(t("ev.hazards_note", lang), className="muted figure-note")],
                     className="figure-col"),
            html.Div([html.H4(t("ev.loglog", lang)),
                      _graph(f"loglog-figure{suffix}",
                             log_cumulative_hazard_figure(outcomes, lang)),
                      html.P(t("ev.loglog_note", lang, slope=fmt_number(slope, lang, 2)),
                             className="muted figure-note") if slope is not None else None],
                     className="figure-col"),
        ],
        className="evidence-grid", id=f"hazards{suffix}",
    )


def _small(figure: Any) -> Any:
    """A figure drawn small and still for the printed brief: no legend (the note under the row
    names the lines), tight margins, a smaller font."""
    figure.update_layout(height=BRIEF_SMALL_HEIGHT, showlegend=False, font={"size": 11},
                         margin={"l": 50, "r": 10, "t": 10, "b": 36})
    return figure


def brief_hazards(outcomes: Outcomes, lang: str, suffix: str) -> html.Div | None:
    """The brief's hazard plots: the hazard against the assumed hazard and log(-log S) against
    log t, side by side and small, drawn still (the page itself draws them large)."""
    if outcomes.hazards is None and outcomes.log_cumulative_hazard is None:
        return None
    slope = _assumed_slope(outcomes)
    unit = t(outcomes.time_unit.value, lang)
    notes = [t("ev.brief_hazards_note", lang)]
    if slope is not None:
        notes.append(t("ev.loglog_note", lang, slope=fmt_number(slope, lang, 2)))
    return html.Div(
        [
            html.Div(
                [
                    html.Div([html.H5(f"{t('ev.hazards', lang)} "
                                      f"({t('fig.hz.axis', lang, unit=unit).lower()})"),
                              _graph(f"hazard-figure{suffix}",
                                     _small(hazard_figure(outcomes, lang))
                                     .update_yaxes(title_text=None), still=True)],
                             className="figure-col"),
                    html.Div([html.H5(t("ev.loglog", lang)),
                              _graph(f"loglog-figure{suffix}",
                                     _small(log_cumulative_hazard_figure(outcomes, lang)),
                                     still=True)],
                             className="figure-col"),
                ],
                className="evidence-grid brief-hazards",
            ),
            html.P(" ".join(notes), className="muted figure-note"),
        ],
        id=f"hazards{suffix}",
    )


def extrapolation_block(outcomes: Outcomes, lang: str, suffix: str = "") -> html.Div | None:
    """The assumed mean against the observed RMST, and what the rest of the curve must do."""
    ex = outcomes.extrapolation
    if ex is None:
        return None
    unit = _unit(outcomes, lang)
    tau = fmt_number(ex.tau, lang, 1)
    rmst = fmt_number(ex.observed_rmst.rmst, lang, 1)
    if ex.observed_rmst.ci_lower is not None and ex.observed_rmst.ci_upper is not None:
        rmst += (f" ({fmt_number(ex.observed_rmst.ci_lower, lang, 1)}–"
                 f"{fmt_number(ex.observed_rmst.ci_upper, lang, 1)})")
    horizon = t(f"ev.horizon.{ex.horizon_rule}", lang)
    items: list[tuple[str, Any]] = [
        (t("ev.assumed_mean", lang), f"{fmt_number(ex.assumed_mean, lang, 1)} {unit} ({horizon})"),
        (t("ev.observed_rmst", lang, tau=tau, unit=unit), f"{rmst} {unit}"),
        (t("ev.assumed_rmst", lang, tau=tau, unit=unit),
         f"{fmt_number(ex.assumed_rmst, lang, 1)} {unit}"),
        (t("ev.survival_tau", lang, tau=tau, unit=unit),
         f"{fmt_percent(ex.observed_survival, lang, 1)} / "
         f"{fmt_percent(ex.assumed_survival, lang, 1)}"),
    ]
    if ex.share_beyond is not None:
        items.append((t("ev.share_beyond", lang), fmt_percent(ex.share_beyond, lang, 0)))
    if ex.required_tail is not None and ex.assumed_tail is not None:
        items.append((t("ev.required_tail", lang),
                      f"{fmt_number(ex.required_tail, lang, 1)} / "
                      f"{fmt_number(ex.assumed_tail, lang, 1)} {unit}"))
    return html.Div(
        [
            html.H4(t("ev.extrapolation", lang)),
            html.P(ex.text_nb if lang == "nb" else ex.text, className="evidence-text",
                   id=f"extrapolation-text{suffix}"),
            definition_list(items),
            _graph(f"extrapolation-figure{suffix}", extrapolation_figure(outcomes, lang)),
        ],
        className="evidence-block", id=f"extrapolation{suffix}",
    )


def maturity_block(outcomes: Outcomes, lang: str, suffix: str = "") -> html.Div | None:
    """Events, follow-up, at risk, what the review date will bring, and completeness."""
    m = outcomes.maturity
    if m is None:
        return None
    unit = _unit(outcomes, lang)
    rounded = outcomes.counts_rounded_to is not None
    events = fmt_count(m.events, lang)
    if m.event_share is not None:
        events += f" ({fmt_percent(m.event_share, lang, 0)})"
    items: list[tuple[str, Any]] = [
        (t("ev.events_share", lang), events),
        (t("ev.median_follow_up", lang),
         "–" if m.median_follow_up is None
         else f"{fmt_number(m.median_follow_up, lang, 1)} {unit}"),
        (t("ev.still_at_risk", lang), fmt_count(m.still_at_risk, lang)),
        (t("ev.review", lang), fmt_date(m.review_date, lang)),
    ]
    if m.expected_events_by_review is not None:
        # The public sees whole numbers only, like every count it is shown.
        items.append((t("ev.expected_by_review", lang),
                      fmt_number(m.expected_events_by_review, lang, 0 if rounded else 1)))
    if m.median_follow_up_by_review is not None:
        items.append((t("ev.follow_up_by_review", lang),
                      f"{fmt_number(m.median_follow_up_by_review, lang, 1)} {unit}"))
    now = m.now.text_nb if lang == "nb" else m.now.text
    parts: list[Any] = [html.H4(t("ev.maturity", lang)), definition_list(items),
                        html.P(now, className="evidence-text", id=f"maturity-now{suffix}")]
    if m.warning and m.at_review is not None:
        parts.append(html.Div(
            [html.Strong(t("ev.immature_warning", lang) + ": "),
             m.at_review.text_nb if lang == "nb" else m.at_review.text],
            className="notice notice-warning", id=f"immature-warning{suffix}", role="note"))
    elif m.at_review is not None:
        parts.append(html.P(m.at_review.text_nb if lang == "nb" else m.at_review.text,
                            className="evidence-text", id=f"maturity-review{suffix}"))
    rows = m.completeness
    if rows:
        parts.append(html.H5(t("ev.completeness", lang)))
        parts.append(table(
            [t("ev.variable", lang), t("ev.missing", lang), "%"],
            [[t(f"ev.var.{c.variable}", lang), fmt_count(c.missing, lang),
              html.Span([fmt_percent(c.share, lang, 0),
                         html.Span(f" ({t('ev.flag_missing', lang)})", className="flagged")
                         if c.flagged else None])]
             for c in rows],
            id=f"completeness-table{suffix}", cls="numeric",
            row_classes=["row-due" if c.flagged else "" for c in rows],
        ))
    if rounded:
        parts.append(html.P(t("ev.rounded", lang, base=outcomes.counts_rounded_to),
                            className="muted"))
    return html.Div(parts, className="evidence-block", id=f"maturity{suffix}")


def history_block(outcomes: Outcomes, lang: str, suffix: str = "") -> html.Div | None:
    """Each delivery's verdict, O/E and landmarks, oldest first; then cumulative O/E over
    calendar time, drawn (with each delivery's O/E at its data cut) and as a table."""
    h = outcomes.history
    if h is None or not h.deliveries:
        return None
    unit = _unit(outcomes, lang)
    times = sorted({lm.time for d in h.deliveries for lm in d.landmarks})
    headers = [t("ev.data_cut", lang), t("in.patients", lang), t("in.events", lang),
               t("in.oe", lang),
               *(f"{t('lm.km', lang)} {fmt_number(x, lang)} {unit}" for x in times),
               t("in.verdict", lang)]
    rows: list[list[Any]] = []
    classes: list[str] = []
    for d in h.deliveries:
        status = (t("ev.current", lang) if d.current else
                  t("ev.superseded", lang, date=fmt_date(local_date(d.superseded_at), lang))
                  if d.superseded_at else "")
        cut = html.Span([fmt_date(d.delivery.data_cut, lang),
                         html.Span(f" ({status})", className="muted") if status else None])
        if d.suppressed:
            rows.append([cut, t("in.suppressed", lang), "–", "–", *("–" for _ in times), "–"])
            classes.append("row-muted")
            continue
        lr = d.one_sample_logrank
        by_time = {lm.time: lm for lm in d.landmarks}
        verdict = (html.Span(verdict_label(d.verdict, lang),
                             className=f"verdict-line {verdict_class(d.verdict)}")
                   if d.verdict is not None else "–")
        rows.append([
            cut, fmt_count(d.n_patients, lang), fmt_count(d.n_events, lang),
            "–" if lr is None else _oe(lr.ratio, lr.ratio_ci, lang),
            *("–" if by_time.get(x) is None or by_time[x].km is None
              else fmt_percent(by_time[x].km, lang, 1) for x in times),
            verdict,
        ])
        classes.append("row-current" if d.current else "")
    parts: list[Any] = [
        html.H4(t("ev.history", lang)),
        table(headers, rows, id=f"history-table{suffix}", cls="numeric", row_classes=classes),
    ]
    calendar = [c for c in h.calendar if c.ratio is not None]
    if calendar:
        parts.append(html.H5(t("ev.calendar", lang)))
        parts.append(_graph(f"calendar-figure{suffix}", calendar_figure(outcomes, lang)))
        parts.append(table(
            [t("ev.date", lang), "O", "E", t("in.oe", lang)],
            [[fmt_date(c.date, lang), fmt_count(c.observed, lang),
              fmt_number(c.expected, lang, 1), _oe(c.ratio, c.ratio_ci, lang)]
             for c in calendar],
            id=f"calendar-table{suffix}", cls="numeric",
        ))
    return html.Div(parts, className="evidence-block", id=f"history{suffix}")


def evidence_parts(outcomes: Outcomes, lang: str) -> list[Any]:
    """Everything below the curve on the introduction page."""
    parts = [hazards_block(outcomes, lang), extrapolation_block(outcomes, lang),
             maturity_block(outcomes, lang), history_block(outcomes, lang)]
    shown = [p for p in parts if p is not None]
    return shown or [message(t("in.no_data", lang), "info")]


def brief_evidence(outcomes: Outcomes, lang: str, suffix: str) -> list[Any]:
    """The brief's evidence in a few lines: maturity now and at the review, the extrapolation
    check in one sentence, each delivery's verdict and O/E, and the cumulative O/E at each
    year's end.

    The hazard plots are drawn small above it (`brief_hazards`); the extrapolation figure and
    the full tables stay on the introduction page: the printed brief keeps to five pages.
    """
    items: list[tuple[str, Any]] = []
    m = outcomes.maturity
    if m is not None:
        said = [m.now.text_nb if lang == "nb" else m.now.text]
        if m.at_review is not None:
            said.append(m.at_review.text_nb if lang == "nb" else m.at_review.text)
        items.append((t("ev.maturity", lang), html.Span(
            " ".join(said), id=f"maturity{suffix}",
            className="flagged" if m.warning else None)))
    ex = outcomes.extrapolation
    if ex is not None:
        items.append((t("ev.extrapolation", lang),
                      html.Span(ex.text_nb if lang == "nb" else ex.text,
                                id=f"extrapolation{suffix}")))
    h = outcomes.history
    if h is not None and h.deliveries:
        lines = []
        for d in h.deliveries:
            lr = d.one_sample_logrank
            verdict = (verdict_label(d.verdict, lang) if d.verdict is not None
                       else t("in.suppressed", lang) if d.suppressed else "–")
            oe = "" if lr is None else f" · O/E {_oe(lr.ratio, lr.ratio_ci, lang)}"
            lines.append(html.Li(
                f"{fmt_date(d.delivery.data_cut, lang)}: {verdict}{oe}",
                className=f"verdict-line {verdict_class(d.verdict)}" if d.verdict else None))
        items.append((t("ev.history", lang),
                      html.Ul(lines, id=f"history-table{suffix}", className="history-lines")))
        calendar = [c for c in h.calendar if c.ratio is not None]
        # One line: O/E at each year's end and at the data cut (the page draws every quarter).
        shown = [c for i, c in enumerate(calendar)
                 if (c.date.month, c.date.day) == (12, 31) or i == len(calendar) - 1]
        if shown:
            items.append((t("ev.calendar", lang), html.Span(
                " · ".join(f"{fmt_date(c.date, lang)} {_oe(c.ratio, c.ratio_ci, lang)}"
                           for c in shown), id=f"calendar{suffix}")))
    return [definition_list(items)] if items else []
