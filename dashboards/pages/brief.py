"""The reassessment brief for Beslutningsforum: one printable page with the question, the
assumptions, what the registry shows, the agreement status and the options."""

from __future__ import annotations

from datetime import date
from typing import Any

import dash
from dash import Input, Output, dcc, html

from dashboards import data
from dashboards.access import Viewer
from dashboards.i18n import fmt_date, label, t
from dashboards.layout import definition_list, href, message, section, table
from dashboards.pages import outcomes_panel
from dashboards.pages.agreements import agreement_card
from dashboards.pages.evidence_panel import plan_note, verdict_class, verdict_label
from dashboards.pages.introduction import (
    assumptions_block,
    decision_items,
    endpoints_of,
    phaseout_table,
)
from dashboards.pages.overview import flag_text
from tracker.db import get_session
from tracker.errors import NotFound
from tracker.introductions.schemas import IntroductionRead
from tracker.reassessments.enums import Outcome
from tracker.timeutil import today


def _question(intro: IntroductionRead, case: Any, lang: str) -> list[Any]:
    name = intro.active_substance + (f" ({intro.trade_name})" if intro.trade_name else "")
    return [
        html.P(
            t("br.question_text", lang, name=name, id=intro.nye_metoder_id,
              decided=fmt_date(intro.decision_date, lang)),
            className="question",
        ),
        definition_list(
            [
                (t("br.case", lang), f"{case.id} · {label('state', case.state, lang)}"),
                (t("br.opened", lang), fmt_date(case.opened_on, lang)),
                (t("ov.col.review", lang), fmt_date(intro.review_date, lang)),
                (t("in.reassessment_criteria", lang), intro.reassessment_criteria),
                (t("in.phaseout_criteria", lang), intro.phaseout_criteria),
            ]
        ),
    ]


def _assumptions(intro: IntroductionRead, lang: str) -> list[Any]:
    return [
        definition_list(
            [
                (t("in.uncertainty", lang), intro.uncertainty),
                (t("in.key_parameters", lang), ", ".join(intro.key_parameters)),
            ]
        ),
        *assumptions_block(intro, lang),
    ]


def _registry(intro: IntroductionRead, lang: str, viewer: Viewer
              ) -> tuple[list[Any], dict[str, Any]]:
    """The registry section and each endpoint's result (for the summary)."""
    session = get_session()
    parts: list[Any] = []
    results: dict[str, Any] = {}
    names = data.source_names(session=session)
    got = data.deliveries(session=session, introduction_id=intro.id, viewer=viewer)
    for endpoint in endpoints_of(intro):
        result = data.outcomes(session=session, introduction_id=intro.id, endpoint=endpoint,
                               viewer=viewer)
        results[endpoint] = result
        parts.append(
            html.Div(
                [html.H4(t(f"ep.{endpoint}", lang)),
                 *outcomes_panel.outcome_body(result, lang, suffix=f"-{endpoint}",
                                              received=got, names=names, height=320)],
                className="endpoint-block",
            )
        )
    # The landmarks come from the one analysis plan: said once, under the last endpoint.
    note = next((plan_note(r, lang, "-brief") for r in results.values()
                 if not isinstance(r, str)), None)
    return (parts + [note] if parts else [message(t("in.no_data", lang))]), results


def _maturity_note(result: Any, lang: str) -> Any:
    """" – still immature at the review date", where the data will be."""
    if isinstance(result, str) or result.maturity is None or not result.maturity.warning:
        return None
    return html.Span(f" · {t('ev.immature_warning', lang)}", className="flagged")


def _summary(intro: IntroductionRead, case: Any, results: dict[str, Any], flags: list[Any],
             cards: int, lang: str) -> list[Any]:
    """Page one at a glance: the verdict per endpoint, open flags, the decision, agreements."""
    verdicts = [
        html.Li([html.Strong(t(f"ep.{e}", lang) + ": "),
                 verdict_label(r.verdict, lang) if not isinstance(r, str) else t(r, lang),
                 _maturity_note(r, lang)],
                className="" if isinstance(r, str)
                else f"verdict-line {verdict_class(r.verdict)}")
        for e, r in results.items()
    ]
    decided = (t("in.case_decided", lang, date=fmt_date(case.decided_on, lang),
                 outcome=label("outcome", case.outcome, lang))
               if case.outcome else f"{t('br.summary.undecided', lang)} "
                                    f"({label('state', case.state, lang)})")
    return [
        definition_list(
            [
                (t("br.summary.verdict", lang), html.Ul(verdicts, className="summary-verdicts")
                 if verdicts else t("in.no_data", lang)),
                (t("ov.col.review", lang), fmt_date(intro.review_date, lang)),
                (t("br.summary.flags", lang),
                 html.Div([html.Span(flag_text(f, lang), className=f"flag flag-{f.state}")
                           for f in flags], className="flags") if flags else "–"),
                (t("br.summary.decision", lang), decided),
                (t("br.summary.agreements", lang), str(cards)),
            ]
        )
    ]


def _decision(case: Any, lang: str, as_of: date) -> list[Any]:
    """The recorded decision: outcome, its dates, and the phase-out steps."""
    plan = case.phaseout_plan
    return [
        html.P(t("in.case_decided", lang, date=fmt_date(case.decided_on, lang),
                 outcome=label("outcome", case.outcome, lang)), className="question"),
        definition_list(decision_items(case.decision or {}, lang)),
        html.H4(t("in.phaseout", lang)) if plan else None,
        phaseout_table(plan, lang, as_of, id="brief-phaseout-steps") if plan else None,
    ]


def _options(intro: IntroductionRead, case: Any, lang: str) -> list[Any]:
    items = []
    for option in Outcome:
        extra = ""
        if option == Outcome.phase_out:
            extra = f" {t('in.exit_new', lang)}: {intro.exit_plan.new_patients} " \
                    f"{t('in.exit_on', lang)}: {intro.exit_plan.patients_on_treatment}"
        elif option == Outcome.subgroup_continuation and intro.exit_plan.subgroups:
            extra = f" {t('in.exit_sub', lang)}: {intro.exit_plan.subgroups}"
        chosen = case.outcome == option
        items.append(
            html.Li([html.Strong(t(f"opt.{option.value}", lang)), extra],
                    className="chosen" if chosen else "")
        )
    return [html.Ol(items, id="options")]


def _steps(case: Any, lang: str) -> Any:
    return table(
        [t("col.date", lang), t("col.state", lang), t("col.by", lang), t("col.description", lang)],
        [[fmt_date(s.at, lang), label("state", s.to_state, lang), s.by, s.note or ""]
         for s in case.steps],
        id="case-steps",
    )


def render(case_id: int, lang: str, viewer: Viewer) -> Any:
    """The reassessment brief of one case."""
    session = get_session()
    try:
        case = data.reassessment_case(session=session, case_id=case_id, viewer=viewer)
    except NotFound:
        return message(t("not_found", lang), "warning", id="not-found")
    if case is None:
        return message(t("login.brief", lang), "warning", id="not-found")
    intro = data.introduction(
        session=session, introduction_id=case.introduction_id, viewer=viewer
    )
    as_of = today()
    views = data.agreements(session=session, viewer=viewer, introduction_id=intro.id)
    cards = [agreement_card(v, lang, [], as_of, viewer) for v in views]
    flags = data.open_flags(session=session, as_of=as_of, viewer=viewer,
                            introduction_id=intro.id) or []
    registry, results = _registry(intro, lang, viewer)
    cost = intro.assumptions.cost_per_qaly
    confidential = any(v.shows_confidential for v in views) or (
        cost is not None and str(cost.price_basis) == "confidential_price")
    name = intro.active_substance + (f" ({intro.trade_name})" if intro.trade_name else "")
    marking = (html.P(t("br.confidential", lang), className="confidential-mark",
                      id="confidential-mark", role="note")
               if confidential else None)
    return html.Div(
        [
            html.Div(
                [
                    html.Button(t("br.print", lang), id="print-button", className="button"),
                    dcc.Link(intro.nye_metoder_id, href=href(f"introduksjon/{intro.id}", lang)),
                ],
                className="brief-tools no-print",
            ),
            marking,
            html.H2([t("br.heading", lang), html.Br(),
                     html.Span(f"{intro.nye_metoder_id} {name}", className="brief-method")]),
            html.P(f"{fmt_date(as_of, lang)} · {t('app.demo', lang)}", className="subtitle"),
            section(t("br.summary", lang),
                    *_summary(intro, case, results, flags, len(cards), lang),
                    id="brief-summary"),
            section(t("br.question", lang), *_question(intro, case, lang), id="brief-question"),
            section(t("br.decision", lang), *_decision(case, lang, as_of), id="brief-decision")
            if case.outcome else None,
            section(t("br.assumptions", lang), *_assumptions(intro, lang),
                    id="brief-assumptions"),
            section(t("br.registry", lang), *registry, id="brief-registry"),
            section(t("br.agreement", lang), *(cards or [message(t("ag.none", lang))]),
                    id="brief-agreement"),
            section(t("br.options", lang), *_options(intro, case, lang), id="brief-options"),
            section(t("br.steps", lang), _steps(case, lang), id="brief-steps"),
        ],
        className="brief" + (" brief-confidential" if confidential else ""),
    )


def register(app: dash.Dash) -> None:
    """The print button opens the browser's print dialog (Save as PDF there)."""
    app.clientside_callback(
        "function(n) { if (n) { window.print(); } return ''; }",
        Output("print-button", "title"),
        Input("print-button", "n_clicks"),
        prevent_initial_call=True,
    )
