"""Price agreements for Sykehusinnkjøp: terms, patients started per year against volume tiers,
expiry dates, and the way to the forms that record and change them.

The agreements are read through the API's own operation (`list_agreements`), so every viewer
sees exactly what the API shows them: fields marked confidential are absent for roles that may
not see them. The page costs the same few queries whatever the number of agreements: the list,
their methods, the open flags and (for viewers who may read feeds) the patient volumes of all
of them at once (`agreements.service.volumes`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import dash
from dash import dcc, html

from dashboards import data
from dashboards.access import Viewer
from dashboards.figures import volume_figure
from dashboards.i18n import STRINGS, fmt_date, fmt_number, label, t
from dashboards.layout import definition_list, href, message, table
from tracker import access as tracker_access
from tracker.agreements import service as agreements_service
from tracker.db import get_session
from tracker.methods import service as methods_service
from tracker.timeutil import today
from tracker.users.enums import Role
from tracker.web import text as web_text

STRINGS.update({
    "ag.new": ("Ny prisavtale", "New price agreement"),
    "ag.edit": ("Endre", "Edit"),
    "ag.edit.label": ("Endre prisavtalen for {name}", "Edit the price agreement for {name}"),
    "ag.ended": ("Utløpt", "Ended"),
    "ag.volume.plain": ("Pasienter startet per år", "Patients started per year"),
    "ag.actions": ("Arbeid med prisavtaler", "Work on price agreements"),
    "ag.flag.agreement_expiring": ("Prisavtale utløper", "Agreement ends"),
    "ag.flag.volume_threshold": ("Pasientvolumet passerer et trinn i pris–volum-avtalen",
                                 "The patient volume passes a tier of the price–volume "
                                 "agreement"),
})
EXPIRY_WARNING_DAYS = 90


def _term_label(key: str, lang: str) -> str:
    """A term's name, from the same catalogue as the agreement form's."""
    name = f"agreement.term.{key}"
    return web_text.t(name, lang) if name in web_text.STRINGS else key


def _value(value: Any, lang: str, key: str = "") -> Any:
    if key == "year_start_month" and isinstance(value, int) and 1 <= value <= 12:
        return web_text.t(f"month.{value}", lang)
    if isinstance(value, str) and f"agreement.term.{key}.{value}" in web_text.STRINGS:
        return _term_label(f"{key}.{value}", lang)  # a choice (kind, period, tier mode)
    if isinstance(value, bool):
        return t("yes" if value else "no", lang)
    if isinstance(value, int | float):
        return fmt_number(value, lang, 0 if float(value).is_integer() else 2)
    return str(value)


def terms_block(terms: dict[str, Any], lang: str) -> list[Any]:
    """Render visible terms: scalars as a list, lists of records (tiers, prices) as tables."""
    # Terms left unset (an optional cost, no subgroup) are not shown as "None".
    scalars = [(k, v) for k, v in terms.items() if v is not None and not isinstance(v, list)]
    out: list[Any] = []
    if scalars:
        out.append(definition_list([(_term_label(k, lang), _value(v, lang, k))
                                    for k, v in scalars]))
    for key, items in terms.items():
        if isinstance(items, list) and items and not isinstance(items[0], dict):
            # A list of choices (the counting events): their names, in one line.
            out.append(definition_list([(_term_label(key, lang), ", ".join(
                _term_label(f"{key}.{item}", lang) for item in items))]))
            continue
        if not isinstance(items, list) or not items:
            continue
        columns = list(items[0].keys())
        out.append(html.H5(_term_label(key, lang)))
        out.append(
            table([_term_label(c, lang) for c in columns],
                  [[_value(i.get(c), lang, c) for c in columns] for i in items], cls="terms")
        )
    return out


def _work_href(path: str, lang: str) -> str:
    return path + ("?lang=en" if lang == "en" else "")


def may_write(viewer: Viewer) -> bool:
    """Whether the viewer may record and change agreements (the API's access matrix)."""
    role = Role(viewer.role) if viewer.role in {r.value for r in Role} else None
    return tracker_access.allowed("agreements", "write", role)


def _volume(
    view: data.AgreementView, lang: str, viewer: Viewer,
    volume: agreements_service.Volume | None,
) -> Any:
    f = view.fields
    if f.get("introduction_id") is None:
        return None
    if not viewer.may_read("feeds"):
        return message(t("login.feeds", lang), "muted")
    if volume is None or not volume.per_year:
        return message(t("ag.no_volume", lang))
    tiers = [int(x["min_patients"]) for x in (f.get("terms") or {}).get("tiers", [])
             if "min_patients" in x]
    return html.Div(
        [
            html.H5(t("ag.volume" if tiers else "ag.volume.plain", lang)),
            dcc.Graph(
                figure=volume_figure(volume.per_year, lang, tiers=tiers,
                                     expected_per_year=volume.expected_per_year),
                config={"displaylogo": False, "staticPlot": True},
            ),
        ],
        className="volume-figure",
    )


def _volumes_of(
    views: list[data.AgreementView], viewer: Viewer, as_of: date
) -> dict[int, agreements_service.Volume]:
    """The patient volumes of the agreements linked to an introduction, in one go; none for
    viewers who may not read feeds (the API's rule for patient counts from deliveries)."""
    if not viewer.may_read("feeds"):
        return {}
    ids = [v.fields["id"] for v in views if v.fields.get("introduction_id") is not None]
    return agreements_service.volumes(session=get_session(), agreement_ids=ids, as_of=as_of)


def agreement_card(
    view: data.AgreementView, lang: str, flags: list[data.FlagView], as_of: date,
    viewer: Viewer, volumes: Mapping[int, agreements_service.Volume] | None = None,
) -> Any:
    """One agreement with the fields the viewer may see, its expiry and its volumes.

    `volumes` are the pages's volumes read at once; without them (one card on another page)
    the card reads its own.
    """
    f = view.fields
    if volumes is None:
        volumes = _volumes_of([view], viewer, as_of)
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
        html.Span([html.Strong(t(f"flag.{g.state}", lang) + ": "),
                   label("ag.flag", g.kind, lang) if f"ag.flag.{g.kind}" in STRINGS else g.label,
                   f" ({fmt_date(g.due_date, lang)})"], className=f"flag flag-{g.state}")
        for g in flags
    ]
    ended = end is not None and end < as_of
    expiring = end is not None and not ended and (end - as_of).days <= EXPIRY_WARNING_DAYS
    name = f"{view.nye_metoder_id} {view.active_substance}"
    edit = None
    if may_write(viewer):
        edit_props: dict[str, Any] = {"aria-label": t("ag.edit.label", lang, name=name)}
        edit = html.A(t("ag.edit", lang), href=_work_href(f"/arbeid/avtaler/{f['id']}", lang),
                      id=f"edit-agreement-{f['id']}", className="button secondary no-print",
                      **edit_props)
    return html.Article(
        [
            html.H3([html.Span(view.nye_metoder_id, className="method-id"),
                     f" {view.active_substance} – {label('type', f.get('type'), lang)}"]),
            edit,
            html.P([t("ag.ended" if ended else "ag.expires", lang) + ": ",
                    html.Strong(fmt_date(end, lang), className="expiring" if expiring else "")],
                   className="expiry"),
            html.Div(badges, className="flags") if badges else None,
            definition_list(rows),
            *(terms_block(f["terms"], lang) if f.get("terms") else []),
            message(t("ag.hidden", lang), "muted") if f["hidden_fields"] else None,
            _volume(view, lang, viewer, volumes.get(f["id"])),
        ],
        className="card agreement",
        id=f"agreement-{f['id']}",
    )


def _as_date(value: Any) -> Any:
    return date.fromisoformat(value) if isinstance(value, str) and value else value


def agreement_views() -> list[data.AgreementView]:
    """Every agreement as the API shows it to the viewer, with its method's name."""
    from tracker.web import forms

    page = forms.read("list_agreements", query={"limit": data.MAX_ROWS})
    items = [dict(item) for item in page["items"]]
    methods = methods_service.get_many(session=get_session(),
                                       method_ids={item["method_id"] for item in items})
    views = []
    for item in items:
        item["start_date"] = _as_date(item.get("start_date"))
        item["end_date"] = _as_date(item.get("end_date"))
        # What the API left out for this viewer (the marks themselves are public).
        item["hidden_fields"] = list(item.get("withheld_fields") or [])
        method = methods[item["method_id"]]
        views.append(data.AgreementView(fields=item, nye_metoder_id=method.nye_metoder_id,
                                        active_substance=method.active_substance))
    return views


def render(lang: str, viewer: Viewer) -> Any:
    """The agreements page."""
    session = get_session()
    as_of = today()
    views = agreement_views()
    views.sort(key=lambda v: (v.fields.get("end_date") or date.max, v.nye_metoder_id))
    flags = data.open_flags(session=session, as_of=as_of, viewer=viewer,
                            subject_type="agreement") or []
    by_agreement: dict[int, list[data.FlagView]] = {}
    for flag in flags:
        by_agreement.setdefault(flag.subject_id, []).append(flag)
    volumes = _volumes_of(views, viewer, as_of)
    cards = [
        agreement_card(v, lang, by_agreement.get(v.fields["id"], []), as_of, viewer, volumes)
        for v in views
    ]
    actions = None
    if may_write(viewer):
        nav_props: dict[str, Any] = {"aria-label": t("ag.actions", lang)}
        actions = html.Nav(
            html.A(t("ag.new", lang), href=_work_href("/arbeid/avtaler/ny", lang),
                   id="new-agreement", className="button"),
            className="work-actions no-print", **nav_props,
        )
    return html.Div(
        [
            html.H2(t("ag.heading", lang)),
            actions,
            None if viewer.can_see_confidential_prices else message(t("ag.hidden", lang)),
            html.Div(cards or message(t("ag.none", lang)), id="agreements-list",
                     className="cards"),
        ]
    )


def register(app: dash.Dash) -> None:
    """The agreements page has no callbacks: everything is drawn on the server."""
