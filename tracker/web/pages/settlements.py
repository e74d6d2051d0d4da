"""Sykehusinnkjøp's settlements ("oppgjør") in the browser: the agreements settled from the
registry, each outcome-based agreement's settled periods with the form that settles the next,
and the yearly reckoning of a price–volume or cap agreement.

Amounts are confidential: every page requires the `settlements` permission (procurement, forum,
administrators) and reads through the API's operations, so a role that may not see them gets
the API's refusal. The one write here (settling a period) goes through the API's
`create_settlement` operation; the credit notes' steps are in `settlement_view`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request
from werkzeug.datastructures import MultiDict

from tracker.access import allowed, require
from tracker.agreements.enums import AgreementType
from tracker.auth import current_principal
from tracker.settlements.service import PERIOD_MONTHS
from tracker.timeutil import today
from tracker.web import forms
from tracker.web.lang import current_language, input_date
from tracker.web.pages import settlement_reckoning
from tracker.web.pages.settlement_text import common, href, period_label, private
from tracker.web.text import t

SETTLED = AgreementType.payment_by_result.value
RECKONED = (AgreementType.price_volume.value, AgreementType.cap.value)
FORM_FIELDS = ("period_start", "as_of")


def settlement_link(agreement: Any) -> str | None:
    """The agreement page's link to its settlements, for roles that may see them."""
    if not agreement or agreement.get("type") not in (SETTLED, *RECKONED):
        return None
    if not allowed("settlements", "read", current_principal().role):
        return None
    return href(f"/arbeid/avtaler/{agreement['id']}/oppgjor", current_language())


def method_label(method_id: int) -> str:
    """The method as the pages name it: its Nye metoder ID and active substance."""
    method = forms.read("get_method", {"method_id": method_id})
    return f"{method.nye_metoder_id} {method.active_substance}"


# --- the list of agreements ------------------------------------------------------------------


def index() -> Any:
    """The agreements that are settled or reckoned from the registry."""
    require("settlements", "read")
    lang = current_language()
    rows = []
    for kind in (SETTLED, *RECKONED):
        page = forms.read("list_agreements", query={"type": kind, "limit": 500})
        for agreement in page["items"]:
            if agreement.get("introduction_id") is None:
                continue
            settled = (len(forms.read("list_settlements", {"agreement_id": agreement["id"]})
                           .items) if kind == SETTLED else None)
            rows.append({"agreement": agreement, "settled": settled,
                         "method": method_label(agreement["method_id"])})
    rows.sort(key=lambda r: r["method"])
    return private(render_template("web/settlements.html", rows=rows, **common(lang)))


# --- one agreement: its periods and the form that settles the next -------------------------


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    label: str


def periods(agreement: dict[str, Any], settled: set[date], as_of: date, lang: str) -> list[Period]:
    """The agreement's periods that are over by `as_of` and not settled, oldest first."""
    kind = (agreement.get("terms") or {}).get("settlement_period", "quarter")
    months = PERIOD_MONTHS[kind]
    begin = date.fromisoformat(str(agreement["start_date"]))
    start = date(begin.year, (begin.month - 1) // months * months + 1, 1)
    last = date.fromisoformat(str(agreement["end_date"])) if agreement.get("end_date") else None
    out: list[Period] = []
    while True:
        month = start.month - 1 + months
        following = date(start.year + month // 12, month % 12 + 1, 1)
        end = following - timedelta(days=1)
        if end >= as_of or (last is not None and start > last):
            return out
        if start not in settled:
            out.append(Period(start, end, period_label(start, kind, lang)))
        start = following


def deliveries(introduction_id: int) -> dict[int, Any]:
    """The introduction's registry deliveries by id (as the API lists them)."""
    page = forms.read("list_feeds", {"introduction_id": introduction_id}, query={"limit": 500})
    return {d.id: d for d in page.items}


def newest(found: dict[int, Any]) -> Any:
    """The delivery a settlement made now would use: the newest current data cut."""
    current = [d for d in found.values() if d.current]
    return max(current, key=lambda d: (d.data_cut, d.id)) if current else None


def _defaults(agreement: dict[str, Any], options: list[Period],
              settled: list[Any]) -> dict[str, str]:
    """The form opens on the period after the last one settled; before any, on the first a
    window can end in (the agreement's start plus the window)."""
    values = {"as_of": input_date(today())}
    if settled:
        first = max(s.period_end for s in settled) + timedelta(days=1)
    else:
        weeks = int((agreement.get("terms") or {}).get("evaluation_window_weeks") or 0)
        first = date.fromisoformat(str(agreement["start_date"])) + timedelta(weeks=weeks)
    later = [p for p in options if p.end >= first] or options
    if later:
        values["period_start"] = input_date(later[0].start)
    return values


def _tidy(outcome: forms.Outcome) -> None:
    """Errors on fields the form has not (the agreement's terms) go to the whole form."""
    errors: dict[str, list[str]] = {}
    for name, messages in outcome.errors.items():
        errors.setdefault(name if name in FORM_FIELDS else "_form", []).extend(messages)
    outcome.errors = errors


def agreement_page(agreement_id: int) -> Any:
    """An agreement's settled periods and the form that settles one; or its yearly reckoning."""
    require("settlements", "read")
    lang = current_language()
    agreement = forms.read("get_agreement", {"agreement_id": agreement_id})
    if agreement.get("type") in RECKONED:
        return settlement_reckoning.page(agreement, method_label(agreement["method_id"]))
    if agreement.get("type") != SETTLED or agreement.get("introduction_id") is None:
        return private(render_template(
            "web/settlement_agreement.html", agreement=agreement, unsettled=True,
            method=method_label(agreement["method_id"]), **_empty(), **common(lang)))
    outcome: forms.Outcome | None = None
    status = 200
    values: dict[str, str] = {}
    if request.method == "POST":
        require("settlements", "write")
        posted: MultiDict[str, str] = MultiDict(
            [(k, v) for k, v in request.form.items() if k in (*FORM_FIELDS, "csrf_token")])
        outcome = forms.submit("create_settlement", {"agreement_id": agreement_id},
                               form=posted, lang=lang)
        if outcome.ok:
            flash(t("settle.saved", lang), "saved")
            return redirect(href(f"/arbeid/oppgjor/{outcome.result.id}", lang))
        _tidy(outcome)
        values = forms.typed(posted)
        status = 422 if outcome.errors else 409
    settled = forms.read("list_settlements", {"agreement_id": agreement_id}).items
    found = deliveries(agreement["introduction_id"])
    as_of = today()
    options = periods(agreement, {s.period_start for s in settled}, as_of, lang)
    values = values or _defaults(agreement, options, settled)
    labels = {"period_start": t("settle.form.period_start", lang),
              "as_of": t("settle.form.as_of", lang)}
    html = render_template(
        "web/settlement_agreement.html", agreement=agreement, unsettled=False,
        method=method_label(agreement["method_id"]), settlements=list(reversed(settled)),
        deliveries=found, newest=newest(found), period_options=[
            (input_date(p.start), f"{p.label} ({input_date(p.start)}–{input_date(p.end)})")
            for p in options],
        may_settle=forms.may("settlements"), values=values,
        errors=outcome.errors if outcome else {}, outcome=outcome, labels=labels,
        note_counts=note_counts, **common(lang))
    return private(html, status)


def _empty() -> dict[str, Any]:
    return {"values": {}, "errors": {}, "outcome": None, "labels": {}}


def note_counts(settlement: Any, lang: str) -> str:
    """How the credit notes of a settlement stand: "3 utkast, 1 sendt"."""
    counts: dict[str, int] = {}
    for note in settlement.credit_notes:
        counts[str(note.state)] = counts.get(str(note.state), 0) + 1
    order = ("draft", "issued", "disputed", "accepted", "settled")
    return ", ".join(f"{counts[s]} {t(f'settle.state.{s}', lang)}" for s in order if s in counts)


def register(bp: Blueprint) -> None:
    """Add the routes and the agreement page's link."""
    from tracker.web.pages import settlement_view

    bp.add_url_rule("/oppgjor", view_func=index, endpoint="settlements")
    bp.add_url_rule("/avtaler/<int:agreement_id>/oppgjor", view_func=agreement_page,
                    endpoint="agreement_settlements", methods=["GET", "POST"])
    bp.add_app_template_global(settlement_link, "settlement_link")
    settlement_view.register(bp)
