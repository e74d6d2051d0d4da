"""The card on top of the overview that gives each role its start.

The secretariat (and administrators) see what is overdue and due in the next six months,
Sykehusinnkjøp its agreements, volume tiers and expiries, clinicians the follow-up of the
introductions (latest data and deviations from the assumptions), Beslutningsforum the cases to
decide. The public gets no card: the overview is its start.

Every card reads what the overview has read already (its rows and the deadline list) plus at
most two more service calls, so the page costs as many queries for 200 introductions as for 10.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from dash import dcc, html

from dashboards import data
from dashboards.access import Viewer
from dashboards.i18n import fmt_date, label, t
from dashboards.layout import href, message, table
from tracker.db import get_session
from tracker.reassessments.enums import TRANSITIONS, CaseState

MAX_LINES = 12  # a start shows the most urgent; the work lists hold the rest


def _intro_link(row: data.OverviewRow | None, lang: str) -> Any:
    if row is None:
        return "–"
    return dcc.Link(row.label, href=href(f"introduksjon/{row.id}", lang))


def _more(shown: int, total: int, path: str, lang: str) -> Any:
    if total <= shown:
        return None
    link = path + ("?lang=en" if lang == "en" else "")
    return html.P(html.A(t("start.more", lang, n=total - shown), href=link),
                  className="start-more")


def _card(title: str, *children: Any) -> html.Section:
    return html.Section([html.H2(title, className="start-title"), *children],
                        className="card start-card", id="role-start")


def secretariat(rows: list[data.OverviewRow], deadlines: list[Any], as_of: date,
                lang: str) -> html.Section:
    """What is overdue and what is due in the next six months."""
    overdue, soon = data.due_soon(deadlines, as_of)
    by_id = {r.id: r for r in rows}
    chosen = (overdue + soon)[:MAX_LINES]
    body: list[Any] = [html.P(t("start.secretariat.count", lang, overdue=len(overdue),
                                soon=len(soon)), id="start-count", className="start-count")]
    if not chosen:
        body.append(message(t("start.secretariat.none", lang)))
    else:
        body.append(table(
            [t("col.date", lang), t("start.col.what", lang), t("start.col.introduction", lang)],
            [[html.Span(fmt_date(d.date, lang),
                        className="date-overdue" if str(d.status) == "overdue" else ""),
              label("dl", d.kind, lang),
              _intro_link(by_id[d.introduction_id], lang) if d.introduction_id in by_id
              else d.method]
             for d in chosen],
            id="start-table",
            row_classes=["row-overdue" if str(d.status) == "overdue" else "" for d in chosen],
        ))
        body.append(_more(len(chosen), len(overdue) + len(soon), "/arbeid/frister", lang))
    return _card(t("start.secretariat", lang), *body)


def procurement(viewer: Viewer, rows: list[data.OverviewRow], as_of: date,
                lang: str) -> html.Section:
    """Agreements: how many are active, which end within six months, which tiers are passed."""
    session = get_session()
    views = data.agreements(session=session, viewer=viewer)
    active = [v for v in views if str(v.fields.get("status")) == "active"]
    ending = data.ending_agreements(views, as_of)
    flags = data.open_flags(session=session, as_of=as_of, viewer=viewer,
                            subject_type="agreement") or []
    tiers = [f for f in flags if f.kind == "volume_threshold"]
    by_id = {r.id: r for r in rows}
    body: list[Any] = [html.P(t("start.procurement.count", lang, active=len(active),
                                ending=len(ending), tiers=len(tiers)),
                              id="start-count", className="start-count")]
    lines = [
        [html.Span(fmt_date(v.fields["end_date"], lang),
                   className="date-overdue" if v.fields["end_date"] < as_of else "date-due"),
         f"{t('flagkind.agreement_expiring', lang)}: "
         f"{label('type', v.fields.get('type'), lang)}",
         f"{v.nye_metoder_id} {v.active_substance}"]
        for v in ending
    ] + [
        [fmt_date(f.due_date, lang), label("flagkind", f.kind, lang),
         _intro_link(by_id.get(f.introduction_id or -1), lang)]
        for f in tiers
    ]
    if not lines:
        body.append(message(t("start.procurement.none", lang)))
    else:
        body.append(table([t("col.date", lang), t("start.col.what", lang),
                           t("start.col.agreement", lang)], lines[:MAX_LINES], id="start-table"))
        body.append(_more(min(len(lines), MAX_LINES), len(lines), "/dashboards/avtaler", lang))
    return _card(t("start.procurement", lang), *body)


def clinician(rows: list[data.OverviewRow], lang: str) -> html.Section:
    """Per introduction: the newest registry data and whether they deviate from the model."""
    lines = []
    for r in rows:
        signals = [f for f in r.flags if f.state == "signal"]
        lines.append([
            _intro_link(r, lang),
            fmt_date(r.latest_cut, lang) if r.latest_cut else t("start.clinician.none_yet", lang),
            html.Div([html.Span(label("flagkind", f.kind, lang), className="flag flag-signal")
                      for f in signals], className="flags") if signals
            else t("start.clinician.ok", lang),
        ])
    classes = ["row-signal" if any(f.state == "signal" for f in r.flags) else "" for r in rows]
    # Deviations first: they are what a clinician should look at.
    order = sorted(range(len(lines)), key=lambda i: classes[i] == "")
    return _card(
        t("start.clinician", lang),
        table([t("start.col.introduction", lang), t("start.clinician.latest", lang),
               t("start.clinician.signals", lang)], [lines[i] for i in order],
              id="start-table", row_classes=[classes[i] for i in order]),
    )


def forum(viewer: Viewer, rows: list[data.OverviewRow], lang: str) -> html.Section:
    """The open reassessment cases, those ready for a decision first, each with its brief."""
    cases = data.open_cases(session=get_session(), viewer=viewer) or []
    by_id = {r.id: r for r in rows}

    def ready(case: Any) -> bool:
        return CaseState.decided in TRANSITIONS[CaseState(case.state)]

    cases = sorted(cases, key=lambda c: (not ready(c), c.id))
    if not cases:
        return _card(t("start.forum", lang), message(t("start.forum.none", lang)))
    lines = [
        [t("br.case_link", lang, id=c.id, state=label("state", c.state, lang))
         + (f" · {t('start.forum.ready', lang)}" if ready(c) else ""),
         _intro_link(by_id.get(c.introduction_id), lang),
         dcc.Link(t("start.forum.brief", lang), href=href(f"revurdering/{c.id}", lang),
                  id=f"start-brief-{c.id}")]
        for c in cases
    ]
    return _card(t("start.forum", lang),
                 table([t("start.col.case", lang), t("start.col.introduction", lang), ""],
                       lines, id="start-table",
                       row_classes=["row-due" if ready(c) else "" for c in cases]))


def card(viewer: Viewer, rows: list[data.OverviewRow], deadlines: list[Any] | None,
         as_of: date, lang: str) -> Any:
    """The start of the viewer's role; None for the public."""
    if viewer.role in ("secretariat", "admin") and deadlines is not None:
        return secretariat(rows, deadlines, as_of, lang)
    if viewer.role == "procurement":
        return procurement(viewer, rows, as_of, lang)
    if viewer.role == "clinician":
        return clinician(rows, lang)
    if viewer.role == "forum":
        return forum(viewer, rows, lang)
    return None
