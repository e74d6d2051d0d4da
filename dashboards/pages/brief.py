"""The reassessment brief for Beslutningsforum: one printable page with the question, the
assumptions, what the registry shows, the agreement status and the options."""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, dcc, html

from dashboards import data
from dashboards.access import Viewer
from dashboards.i18n import fmt_date, label, t
from dashboards.layout import definition_list, href, message, section, table
from dashboards.pages import outcomes_panel
from dashboards.pages.agreements import agreement_card
from dashboards.pages.introduction import assumptions_block, endpoints_of
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


def _registry(intro: IntroductionRead, lang: str, viewer: Viewer) -> list[Any]:
    session = get_session()
    parts: list[Any] = []
    for endpoint in endpoints_of(intro):
        result = data.outcomes(session=session, introduction_id=intro.id, endpoint=endpoint,
                               viewer=viewer)
        parts.append(
            html.Div(
                [html.H4(t(f"ep.{endpoint}", lang)),
                 *outcomes_panel.outcome_body(result, lang, suffix=f"-{endpoint}")],
                className="endpoint-block",
            )
        )
    return parts or [message(t("in.no_data", lang))]


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
    cards = [
        agreement_card(v, lang, [], as_of, viewer)
        for v in data.agreements(session=session, viewer=viewer, introduction_id=intro.id)
    ]
    name = intro.active_substance + (f" ({intro.trade_name})" if intro.trade_name else "")
    return html.Div(
        [
            html.Div(
                [
                    html.Button(t("br.print", lang), id="print-button", className="button"),
                    dcc.Link(intro.nye_metoder_id, href=href(f"introduksjon/{intro.id}", lang)),
                ],
                className="brief-tools no-print",
            ),
            html.H2([t("br.heading", lang), html.Br(),
                     html.Span(f"{intro.nye_metoder_id} {name}", className="brief-method")]),
            html.P(f"{fmt_date(as_of, lang)} · {t('app.demo', lang)}", className="subtitle"),
            section(t("br.question", lang), *_question(intro, case, lang), id="brief-question"),
            section(t("br.assumptions", lang), *_assumptions(intro, lang),
                    id="brief-assumptions"),
            section(t("br.registry", lang), *_registry(intro, lang, viewer), id="brief-registry"),
            section(t("br.agreement", lang), *(cards or [message(t("ag.none", lang))]),
                    id="brief-agreement"),
            section(t("br.options", lang), *_options(intro, case, lang), id="brief-options"),
            section(t("br.steps", lang), _steps(case, lang), id="brief-steps",
                    cls="page-break-before"),
        ],
        className="brief",
    )


def register(app: dash.Dash) -> None:
    """The print button opens the browser's print dialog (Save as PDF there)."""
    app.clientside_callback(
        "function(n) { if (n) { window.print(); } return ''; }",
        Output("print-button", "title"),
        Input("print-button", "n_clicks"),
        prevent_initial_call=True,
    )
