"""One introduction: what was fixed at decision time beside what has happened since, and the
registry curves against the curves the model assumed."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import dash
from dash import Input, Output, State, dcc, html

from dashboards import data
from dashboards.access import Viewer, current_viewer
from dashboards.i18n import fmt_date, fmt_number, fmt_short, label, t
from dashboards.layout import definition_list, href, message, section, table
from dashboards.pages import outcomes_panel
from dashboards.pages.overview import flag_detail, flag_text
from tracker.db import get_session
from tracker.errors import NotFound
from tracker.introductions.schemas import COST_FIELD, IntroductionRead
from tracker.timeutil import local_date, today

ENDPOINTS = ("OS", "PFS", "TTD")
GROUPINGS = ("region", "subgroup", "health_trust")


def endpoints_of(intro: IntroductionRead) -> list[str]:
    """The time-to-event endpoints with an assumed curve or outcome measure (OS, PFS, TTD)."""
    named = {str(c.endpoint) for c in intro.assumptions.curves}
    named |= {str(m.kind) for m in intro.outcome_measures}
    return [e for e in ENDPOINTS if e in named]


def measured_endpoints(intro: IntroductionRead) -> list[str]:
    """The time-to-event endpoints an outcome measure names a data source for: the ones with
    registry data to show."""
    measured = {str(m.kind) for m in intro.outcome_measures if m.data_source}
    return [e for e in ENDPOINTS if e in measured]


def first_endpoint(intro: IntroductionRead) -> str | None:
    """The endpoint a page opens on: the first with a data source, else the first at all."""
    endpoints = endpoints_of(intro)
    measured = [e for e in endpoints if e in measured_endpoints(intro)]
    chosen = measured or endpoints
    return chosen[0] if chosen else None


def curve_text(curve: Any, lang: str) -> str:
    """An assumed curve as people write it: "Weibull (skala 17, form 1,2)"."""
    if curve.distribution == "points":
        return t("dist.points", lang, n=len(curve.points))
    params = ", ".join(f"{label('param', k, lang)} {fmt_short(v, lang)}"
                       for k, v in curve.parameters)
    return f"{label('dist', curve.distribution, lang)} ({params})"


def assumptions_block(intro: IntroductionRead, lang: str) -> list[Any]:
    """The health-economic assumptions: curves per endpoint, patients, duration, cost per QALY."""
    a = intro.assumptions
    curves = table(
        [t("in.endpoint", lang), t("col.kind", lang), t("col.source", lang)],
        [[label("kind", c.endpoint, lang), curve_text(c, lang), c.source or "–"]
         for c in a.curves],
        id="assumptions-table",
    )
    cost = a.cost_per_qaly
    cost_text = "–"
    if cost is not None:
        cost_text = fmt_number(cost.value, lang)
        if cost.low is not None and cost.high is not None:
            cost_text += f" ({fmt_number(cost.low, lang)}–{fmt_number(cost.high, lang)})"
        cost_text += f", {t(f'in.cost.{cost.price_basis}', lang)}"
    elif COST_FIELD in intro.withheld_fields:
        cost_text = t("in.cost.withheld", lang)
    return [
        curves,
        definition_list(
            [
                (t("in.patients_per_year", lang), a.expected_patients_per_year),
                (t("in.duration", lang),
                 fmt_number(a.expected_treatment_duration_months, lang, 1)
                 if a.expected_treatment_duration_months else None),
                (t("in.cost_per_qaly", lang), cost_text),
            ]
        ),
    ]


def _fixed(intro: IntroductionRead, decision: Any, lang: str,
           names: dict[str, str]) -> list[Any]:
    plan = intro.analysis_plan
    measures = table(
        [t("col.name", lang), t("col.kind", lang), t("col.source", lang),
         t("col.responsible", lang)],
        [[m.name, label("kind", m.kind, lang), names.get(m.data_source, m.data_source),
          m.responsible_party] for m in intro.outcome_measures],
        id="measures-table",
    )
    first_review = intro.review_date_history[0].new_date if intro.review_date_history else None
    return [
        definition_list(
            [
                (t("in.decision", lang), f"{fmt_date(intro.decision_date, lang)} · "
                 f"{decision.decision_text}"),
                (t("ov.col.review", lang), fmt_date(first_review or intro.review_date, lang)),
                (t("in.uncertainty", lang), intro.uncertainty),
                (t("in.key_parameters", lang), ", ".join(intro.key_parameters)),
                (t("in.documentation_duty", lang), intro.documentation_duty),
                (t("in.reassessment_criteria", lang), intro.reassessment_criteria),
                (t("in.phaseout_criteria", lang), intro.phaseout_criteria),
                (t("in.exit_new", lang), intro.exit_plan.new_patients),
                (t("in.exit_on", lang), intro.exit_plan.patients_on_treatment),
                (t("in.exit_sub", lang), intro.exit_plan.subgroups),
            ]
        ),
        html.H4(t("in.measures", lang)),
        measures,
        html.H4(t("in.assumptions", lang)),
        *assumptions_block(intro, lang),
        html.H4(t("in.plan", lang)),
        html.Details(
            [
                html.Summary(
                    f"v{plan.version_no} · {fmt_date(local_date(plan.registered_at), lang)} · "
                    f"SHA-256 {plan.text_sha256[:12]}…"
                ),
                html.P(plan.text),
            ],
            className="plan",
        )
        if plan
        else html.P(t("in.plan_missing", lang)),
    ]


def _since(intro: IntroductionRead, lang: str, viewer: Viewer, as_of: date,
           names: dict[str, str]) -> list[Any]:
    session = get_session()
    received = data.deliveries(session=session, introduction_id=intro.id, viewer=viewer)
    cuts = data.delivered_cuts(session=session, introduction_ids=[intro.id], viewer=viewer)
    states = data.milestone_states(intro.milestones, intro.id, cuts, as_of)
    if received is None:
        deliveries: Any = message(t("login.feeds", lang))
    elif not received:
        deliveries = message(t("in.no_deliveries", lang))
    else:
        deliveries = table(
            [t("col.source", lang), t("in.delivery", lang), t("col.received", lang),
             t("col.file", lang), t("col.rows", lang)],
            [[d.source_name, fmt_date(d.data_cut, lang), fmt_date(d.received, lang),
              html.Span(d.file_name, className="file-name"), fmt_number(d.rows, lang)]
             for d in received],
            id="deliveries-table",
        )
    milestones = table(
        [t("col.date", lang), t("col.source", lang), t("col.description", lang),
         t("col.state", lang)],
        [[fmt_date(m.expected_date, lang), names.get(m.data_source, m.data_source),
          m.description,
          html.Span(t(f"in.ms.{states[m.id]}", lang), className=f"ms ms-{states[m.id]}")]
         for m in intro.milestones],
        id="milestones-table",
    )
    changes = [h for h in intro.review_date_history if h.old_date is not None]
    history = table(
        [t("col.date", lang), t("col.old", lang), t("col.new", lang), t("col.reason", lang),
         t("col.by", lang)],
        [[fmt_date(local_date(h.changed_at), lang), fmt_date(h.old_date, lang),
          fmt_date(h.new_date, lang), h.reason, h.changed_by] for h in changes],
        id="review-history",
    )
    flags = data.open_flags(session=session, as_of=as_of, viewer=viewer,
                            introduction_id=intro.id) or []
    cases = data.cases_of(session=session, introduction_id=intro.id, viewer=viewer)
    review_passed = intro.review_date < as_of and str(intro.status) != "concluded"
    return [
        reassessment_block(cases, lang, as_of) if cases else None,
        html.Div(
            [html.Span(flag_text(f, lang), className=f"flag flag-{f.state}",
                       title=flag_detail(f)) for f in flags],
            className="flags",
        ),
        definition_list([(t("ov.col.review", lang), html.Span(
            [fmt_date(intro.review_date, lang),
             f" ({t('ov.review_passed', lang)})" if review_passed else ""],
            className=f"review-date date-{'overdue' if review_passed else 'ok'}"))]),
        html.H4(t("in.deliveries", lang)),
        deliveries,
        html.H4(t("in.milestones", lang)),
        milestones,
        html.H4(t("in.review_history", lang)),
        history if changes else html.P("–"),
    ]


DECISION_DATES = ("new_patients_stop_date", "rest_phaseout_date", "follow_up_date", "deadline")
DECISION_TEXTS = ("criteria", "patients_on_treatment", "renegotiate", "note")


def decision_items(decision: dict[str, Any], lang: str) -> list[tuple[str, Any]]:
    """The fields of a recorded reassessment decision as label/value pairs, dates formatted."""
    items: list[tuple[str, Any]] = []
    for name in DECISION_DATES:
        if decision.get(name):
            items.append((t(f"dec.{name}", lang), fmt_date(date.fromisoformat(decision[name]),
                                                           lang)))
    groups = decision.get("subgroups") or []
    if groups:
        items.append((t("dec.subgroups", lang), html.Ul(
            [html.Li(f"{g['name']}: {g['criteria']}") for g in groups])))
    for name in DECISION_TEXTS:
        if decision.get(name):
            items.append((t(f"dec.{name}", lang), decision[name]))
    return items


ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def dates_in(text: str, lang: str) -> str:
    """A service's text with its ISO dates written as the page writes dates."""
    return ISO_DATE.sub(lambda m: fmt_date(date.fromisoformat(m.group(0)), lang), text)


def phaseout_table(plan: Any, lang: str, as_of: date, id: str = "phaseout-steps") -> Any:
    """The phase-out plan's steps: date, what, and whether done (or overdue)."""
    rows, classes = [], []
    for step in plan.steps:
        if step.done_on is not None:
            state, css = t("in.step.done", lang, date=fmt_date(step.done_on, lang)), "ms-met"
        elif step.due_date < as_of:
            state, css = t("in.step.overdue", lang), "ms-late"
        else:
            state, css = t("in.step.pending", lang), "ms-pending"
        rows.append([fmt_date(step.due_date, lang), dates_in(step.description, lang),
                     html.Span(state, className=f"ms {css}")])
        classes.append("row-overdue" if css == "ms-late" else "")
    return table([t("col.date", lang), t("col.description", lang), t("col.state", lang)],
                 rows, id=id, row_classes=classes)


def reassessment_block(cases: list[Any], lang: str, as_of: date) -> html.Div:
    """The introduction's reassessment cases: an open case's state, a decided case's outcome
    with its dates and the phase-out steps, each linked to its brief."""
    parts: list[Any] = [html.H4(t("in.reassessment", lang))]
    for case in cases:
        link = href(f"revurdering/{case.id}", lang)
        if case.outcome is None:
            parts.append(html.P(dcc.Link(
                t("in.case_open", lang, id=case.id, state=label("state", case.state, lang),
                  opened=fmt_date(case.opened_on, lang)), href=link, className="case-link")))
            continue
        parts.append(html.Div(
            [
                html.P(dcc.Link(t("in.case_decided", lang, date=fmt_date(case.decided_on, lang),
                                  outcome=label("outcome", case.outcome, lang)),
                                href=link, className="case-link")),
                definition_list(decision_items(case.decision or {}, lang)),
                html.H5(t("in.phaseout", lang)) if case.phaseout_plan else None,
                phaseout_table(case.phaseout_plan, lang, as_of, id=f"phaseout-steps-{case.id}")
                if case.phaseout_plan else None,
            ],
            className=f"decided-case outcome-{case.outcome}", id=f"case-{case.id}",
        ))
    return html.Div(parts, className="cases", id="reassessment")


def work_actions(introduction_id: int, lang: str, viewer: Viewer) -> Any:
    """Links to the working pages this viewer may use on the introduction."""
    from tracker.web import nav

    links = nav.actions_for(nav.INTRODUCTION_ACTIONS, introduction_id, viewer.role, lang)
    if not links:
        return None
    props: dict[str, Any] = {"aria-label": t("in.actions", lang)}
    return html.Nav(
        [html.A(act.label(lang), href=link, id=f"action-{act.key}", className="button secondary")
         for act, link in links],
        className="work-actions no-print", **props,
    )


def render(introduction_id: int, lang: str, viewer: Viewer) -> Any:
    """The introduction page."""
    session = get_session()
    try:
        intro = data.introduction(
            session=session, introduction_id=introduction_id, viewer=viewer
        )
    except NotFound:
        return message(t("not_found", lang), "warning", id="not-found")
    decision = data.decision(session=session, decision_id=intro.decision_id)
    names = data.source_names(session=session)
    endpoints = endpoints_of(intro)
    chosen = first_endpoint(intro)
    name = intro.active_substance + (f" ({intro.trade_name})" if intro.trade_name else "")
    return html.Div(
        [
            dcc.Store(id="intro-ctx", data={"lang": lang, "id": intro.id}),
            html.H2([html.Span(intro.nye_metoder_id, className="method-id"), " ", name]),
            html.P(
                f"{intro.therapeutic_area or ''} · {label('status', intro.status, lang)}",
                className="subtitle",
            ),
            work_actions(intro.id, lang, viewer),
            section(
                t("in.outcomes", lang),
                dcc.RadioItems(
                    id="endpoint",
                    options=[{"label": t(f"ep.{e}", lang), "value": e} for e in endpoints],
                    value=chosen,
                    inline=True,
                    className="endpoint-picker no-print",
                ),
                None if endpoints else message(t("in.no_endpoint", lang), id="no-endpoint"),
                # Filled by the endpoint callback: the page shows at once, the curve follows.
                outcomes_panel.outcome_skeleton(lang),
                id="outcomes",
            ),
            section(
                t("in.breakdown", lang),
                dcc.RadioItems(
                    id="group-by",
                    options=[{"label": t(f"in.by.{g}", lang), "value": g} for g in GROUPINGS],
                    value=GROUPINGS[0],
                    inline=True,
                    className="endpoint-picker no-print",
                ),
                html.Div(id="breakdown-body"),
                id="breakdown",
            ),
            html.Div(
                [
                    section(t("in.fixed", lang), *_fixed(intro, decision, lang, names),
                            id="fixed"),
                    section(t("in.since", lang), *_since(intro, lang, viewer, today(), names),
                            id="since"),
                ],
                className="two-col",
            ),
        ]
    )


def register(app: dash.Dash) -> None:
    """Register the introduction page's callbacks on this Dash app."""

    @app.callback(
        Output("km-figure", "figure"),
        Output("km-col", "style"),
        Output("verdict-wrap", "children"),
        Output("numbers-col", "children"),
        Input("endpoint", "value"),
        State("intro-ctx", "data"),
    )
    def show_endpoint(endpoint: str | None, ctx: dict[str, Any]) -> tuple[Any, ...]:
        result: Any = "in.no_data"
        session, viewer = get_session(), current_viewer()
        if endpoint:
            result = data.outcomes(session=session, introduction_id=ctx["id"],
                                   endpoint=endpoint, viewer=viewer)
        got = None
        if isinstance(result, str):  # say what did arrive, if anything
            got = data.deliveries(session=session, introduction_id=ctx["id"], viewer=viewer)
        return outcomes_panel.outcome_parts(result, ctx["lang"], received=got,
                                            names=data.source_names(session=session))

    # Runs after the curve's callback (it listens to its output), so the two never compete for
    # the server and the curve comes first.
    @app.callback(
        Output("breakdown-body", "children"),
        Input("group-by", "value"),
        Input("numbers-col", "children"),
        State("endpoint", "value"),
        State("intro-ctx", "data"),
    )
    def show_breakdown(group_by: str | None, _numbers: Any, endpoint: str | None,
                       ctx: dict[str, Any]) -> list[Any]:
        if not group_by or not endpoint:
            return []
        result = data.breakdown(session=get_session(), introduction_id=ctx["id"],
                                endpoint=endpoint, group_by=group_by, viewer=current_viewer())
        if isinstance(result, str):  # the curve's panel says why already
            return [message(t(result, ctx["lang"]), "info", id="breakdown-missing")]
        return outcomes_panel.breakdown_body(result, ctx["lang"])
