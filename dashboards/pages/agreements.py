"""Price agreements for Sykehusinnkjøp: terms, patients started per year against volume tiers,
expiry dates. Confidential fields reach only viewers allowed to see them (see access.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

import dash
from dash import dcc, html

from dashboards import data
from dashboards.access import Viewer
from dashboards.figures import volume_figure
from dashboards.i18n import fmt_date, fmt_number, label, t
from dashboards.layout import definition_list, href, message, table
from tracker.db import get_session
from tracker.timeutil import today

TERM_LABELS: dict[str, tuple[str, str]] = {
    "tiers": ("Trinn", "Tiers"),
    "min_patients": ("Fra antall pasienter", "From patients"),
    "min_units": ("Fra antall pakninger", "From units"),
    "discount_percent": ("Rabatt (%)", "Discount (%)"),
    "year_start_month": ("Årets første måned", "First month of the year"),
    "annual_cap_nok": ("Årlig tak (NOK)", "Annual cap (NOK)"),
    "applies_to": ("Gjelder", "Applies to"),
    "prices": ("Priser", "Prices"),
    "indication": ("Indikasjon", "Indication"),
    "unit_price_nok": ("Pris (NOK)", "Price (NOK)"),
    "weights": ("Vekter", "Weights"),
    "weight": ("Vekt", "Weight"),
    "refund_share_percent": ("Refusjon per ikke-responder (%)", "Refund per non-responder (%)"),
    "evaluation_window_weeks": ("Evalueringsvindu (uker)", "Evaluation window (weeks)"),
    "response_criterion": ("Responskriterium", "Response criterion"),
    "evidence_requirements": ("Krav til dokumentasjon", "Evidence requirements"),
    "interim_price_basis": ("Grunnlag for midlertidig pris", "Basis of the interim price"),
}


def _term_label(key: str, lang: str) -> str:
    nb, en = TERM_LABELS.get(key, (key, key))
    return en if lang == "en" else nb


def _value(value: Any, lang: str) -> Any:
    if isinstance(value, bool):
        return t("yes" if value else "no", lang)
    if isinstance(value, int | float):
        return fmt_number(value, lang, 0 if float(value).is_integer() else 2)
    return str(value)


def terms_block(terms: dict[str, Any], lang: str) -> list[Any]:
    """Render visible terms: scalars as a list, lists of records (tiers, prices) as tables."""
    scalars = [(k, v) for k, v in terms.items() if not isinstance(v, list)]
    out: list[Any] = []
    if scalars:
        out.append(definition_list([(_term_label(k, lang), _value(v, lang)) for k, v in scalars]))
    for key, items in terms.items():
        if not isinstance(items, list) or not items:
            continue
        columns = list(items[0].keys())
        out.append(html.H5(_term_label(key, lang)))
        out.append(
            table([_term_label(c, lang) for c in columns],
                  [[_value(i.get(c), lang) for c in columns] for i in items], cls="terms")
        )
    return out


def _volume(view: data.AgreementView, lang: str, as_of: date, viewer: Viewer) -> Any:
    f = view.fields
    # Any field may be marked confidential, the dates too: without them there is no period.
    start = f.get("start_date")
    if f.get("introduction_id") is None or start is None:
        return None
    session = get_session()
    received = data.deliveries(session=session, introduction_id=f["introduction_id"],
                               viewer=viewer)
    # Starts after the newest data cut are not known yet: stop the bars there.
    cut = max((d.data_cut for d in received or []), default=as_of)
    end = min(f.get("end_date") or as_of, as_of, cut)
    per_year = data.patients_per_year(
        session=session, introduction_id=f["introduction_id"], start=start, end=end,
        viewer=viewer,
    )
    if per_year is None:
        return message(t("login.feeds", lang), "muted")
    if not per_year:
        return message(t("ag.no_volume", lang))
    tiers = [int(x["min_patients"]) for x in f.get("terms", {}).get("tiers", [])
             if "min_patients" in x]
    intro = data.introduction(
        session=session, introduction_id=f["introduction_id"], viewer=viewer
    )
    return html.Div(
        [
            html.H5(t("ag.volume", lang)),
            dcc.Graph(
                figure=volume_figure(
                    per_year, lang, tiers=tiers,
                    expected_per_year=intro.assumptions.expected_patients_per_year,
                ),
                config={"displaylogo": False, "staticPlot": True},
            ),
        ],
        className="volume-figure",
    )


def agreement_card(
    view: data.AgreementView, lang: str, flags: list[data.FlagView], as_of: date, viewer: Viewer
) -> Any:
    """One agreement with the fields the viewer may see, its expiry and its volumes."""
    f = view.fields
    end: date | None = f.get("end_date")
    rows: list[tuple[str, Any]] = [
        (t("ag.status", lang), label("agstatus", f.get("status"), lang)),
        (t("ag.oecd", lang), f"{label('oecd', f.get('oecd_category'), lang)} · "
                             f"{label('level', f.get('oecd_level'), lang)}"),
        (t("ag.period", lang), f"{fmt_date(f.get('start_date'), lang)} – {fmt_date(end, lang)}"),
        (t("ag.structure", lang), f.get("structure_description")),
    ]
    for name, key in (("list_price_nok", "ag.list_price"), ("unit_price_nok", "ag.unit_price"),
                      ("discount_percent", "ag.discount")):
        if name in f:
            rows.append((t(key, lang), _value(f[name], lang) if f[name] is not None else None))
    if f.get("introduction_id"):
        rows.append((t("ag.introduction", lang),
                     dcc.Link(view.nye_metoder_id,
                              href=href(f"introduksjon/{f['introduction_id']}", lang))))
    badges = [
        html.Span([html.Strong(t(f"flag.{g.state}", lang) + ": "), g.label,
                   f" ({fmt_date(g.due_date, lang)})"], className=f"flag flag-{g.state}")
        for g in flags
    ]
    expiring = end is not None and (end - as_of).days <= 90
    return html.Article(
        [
            html.H3([html.Span(view.nye_metoder_id, className="method-id"),
                     f" {view.active_substance} – {label('type', f.get('type'), lang)}"]),
            html.P([t("ag.expires", lang) + ": ",
                    html.Strong(fmt_date(end, lang), className="expiring" if expiring else "")],
                   className="expiry"),
            html.Div(badges, className="flags") if badges else None,
            definition_list(rows),
            *(terms_block(f["terms"], lang) if f.get("terms") else []),
            message(t("ag.hidden", lang), "muted") if f["hidden_fields"] else None,
            _volume(view, lang, as_of, viewer),
        ],
        className="card agreement",
        id=f"agreement-{f['id']}",
    )


def render(lang: str, viewer: Viewer) -> Any:
    """The agreements page."""
    session = get_session()
    as_of = today()
    views = data.agreements(session=session, viewer=viewer)
    views.sort(key=lambda v: (v.fields.get("end_date") or date.max, v.nye_metoder_id))
    flags = data.open_flags(session=session, as_of=as_of, viewer=viewer,
                            subject_type="agreement") or []
    cards = [
        agreement_card(v, lang, [f for f in flags if f.subject_id == v.fields["id"]], as_of,
                       viewer)
        for v in views
    ]
    return html.Div(
        [
            html.H2(t("ag.heading", lang)),
            None if viewer.can_see_confidential_prices else message(t("ag.hidden", lang)),
            html.Div(cards or message(t("ag.none", lang)), id="agreements-list",
                     className="cards"),
        ]
    )


def register(app: dash.Dash) -> None:
    """The agreements page has no callbacks: everything is drawn on the server."""
