"""One settlement in the browser: its totals, the credit note of each trust with the step it
may take next, the patient lines (one trust's, a page at a time) and the printable credit note.

Each credit note carries two small forms: the next step (send, accepted, send again, settled)
and the dispute, which needs the supplier's reason. Their inputs carry the note's id as a
prefix (`note-7.at`, `dispute-7.reason`) so every input on the page has its own id; a post is
cut back to the body of the API's `move_credit_note` operation and each error is put back on
the prefixed input. A note changed since the page was opened is refused as stale (its version).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from tracker.access import require
from tracker.errors import NotFound
from tracker.settlements.enums import TRANSITIONS, CreditNoteState
from tracker.timeutil import today
from tracker.web import forms
from tracker.web.lang import current_language, input_date
from tracker.web.pages.settlement_text import common, href, private
from tracker.web.pages.settlements import deliveries, method_label
from tracker.web.text import add, t

add({f"settle.state.{s.value}": pair for s, pair in {
    CreditNoteState.draft: ("utkast", "draft"),
    CreditNoteState.issued: ("sendt", "issued"),
    CreditNoteState.accepted: ("godtatt", "accepted"),
    CreditNoteState.disputed: ("bestridt", "disputed"),
    CreditNoteState.settled: ("oppgjort", "settled"),
}.items()})
add({
    "settle.title": ("Oppgjør {period}", "Settlement {period}"),
    "settle.period": ("Periode", "Period"),
    "settle.as_of": ("Klassifisert per", "Classified as of"),
    "settle.delivery.label": ("Registerleveranse", "Registry delivery"),
    "settle.by": ("Gjort opp av", "Settled by"),
    "settle.totals": ("Sammendrag", "Summary"),
    "settle.total.patients": ("Nye pasienter i perioden", "New patients in the period"),
    "settle.total.adjustments": ("Korreksjoner av tidligere oppgjør",
                                 "Adjustments of earlier settlements"),
    "settle.total.adjustment_amount": ("Korreksjonene utgjør (NOK)",
                                       "The adjustments come to (NOK)"),
    "settle.total.amount": ("Refusjon i alt (NOK)", "Refund in all (NOK)"),
    "settle.notes": ("Kreditnotaer per helseforetak", "Credit notes per health trust"),
    "settle.notes.intro": (
        "Hver kreditnota går fra utkast til sendt, så godtatt eller bestridt av leverandøren "
        "(med begrunnelse), og til slutt oppgjort. Hvert steg lagres med hvem og når.",
        "Each credit note moves from draft to issued, then accepted or disputed by the supplier "
        "(with a reason), and finally settled. Each step is kept with who and when.",
    ),
    "settle.note.trust": ("Helseforetak", "Health trust"),
    "settle.note.amount": ("Beløp (NOK)", "Amount (NOK)"),
    "settle.note.state": ("Status", "State"),
    "settle.note.next": ("Neste steg", "Next step"),
    "settle.note.print": ("Kreditnota", "Credit note"),
    "settle.note.print.link": ("Utskrift for {trust}", "Printable for {trust}"),
    "settle.note.history": ("Saksgang", "Steps"),
    "settle.note.step": ("{state} {date} av {by}", "{state} {date} by {by}"),
    "settle.note.reason": ("Begrunnelse", "Reason"),
    "settle.note.none": ("Ingen steg igjen.", "No steps left."),
    "settle.note.at": ("Dato", "Date"),
    "settle.note.moved": ("Kreditnotaen til {trust} er {state}.",
                          "The credit note of {trust} is {state}."),
    "settle.move.issued": ("Send til leverandøren", "Send to the supplier"),
    "settle.move.issued.again": ("Send på nytt", "Send again"),
    "settle.move.accepted": ("Godtatt av leverandøren", "Accepted by the supplier"),
    "settle.move.settled": ("Merk som oppgjort", "Mark as settled"),
    "settle.dispute": ("Bestridt av leverandøren", "Disputed by the supplier"),
    "settle.dispute.reason": ("Leverandørens begrunnelse", "The supplier's reason"),
    "settle.dispute.reason.hint": (
        "Hvilke pasienter eller beløp leverandøren ikke godtar, og hvorfor.",
        "Which patients or amounts the supplier does not accept, and why.",
    ),
    "settle.dispute.go": ("Registrer bestridelsen", "Record the dispute"),
    "settle.lines": ("Pasientlinjer", "Patient lines"),
    "settle.lines.trust": ("Helseforetak", "Health trust"),
    "settle.lines.all": ("Alle helseforetak", "All health trusts"),
    "settle.lines.go": ("Vis", "Show"),
    "settle.lines.count": ("Linje {first}–{last} av {total}", "Lines {first}–{last} of {total}"),
    "settle.lines.none": ("Ingen linjer.", "No lines."),
    "settle.lines.previous": ("Forrige side", "Previous page"),
    "settle.lines.next": ("Neste side", "Next page"),
    "settle.lines.pages": ("Sider", "Pages"),
    "settle.lines.csv": ("Last ned som CSV", "Download as CSV"),
    "settle.lines.xlsx": ("Last ned som Excel", "Download as Excel"),
    "settle.lines.export.help": ("Eksportene har linjene med valget over (alle sider).",
                                 "The exports hold the lines with the choice above (every page)."),
    "settle.col.no": ("Nr.", "No."),
    "settle.col.pseudonym": ("Pseudonym", "Pseudonym"),
    "settle.col.trust": ("Helseforetak", "Health trust"),
    "settle.col.start": ("Start", "Start"),
    "settle.col.window_end": ("Vinduet slutter", "Window ends"),
    "settle.col.class": ("Klasse", "Class"),
    "settle.col.event": ("Hendelse", "Event"),
    "settle.col.line_amount": ("Beløp (NOK)", "Amount (NOK)"),
    "settle.adjusts": ("korreksjon av linje {n}", "adjusts line {n}"),
    "note.title": ("Kreditnota", "Credit note"),
    "note.to": ("Til", "To"),
    "note.from": ("Fra (MT-innehaver)", "From (marketing-authorisation holder)"),
    "note.agreement": ("Avtale", "Agreement"),
    "note.method": ("Metode", "Method"),
    "note.type": ("Avtaletype", "Type of agreement"),
    "note.settlement": ("Oppgjør nr.", "Settlement no."),
    "note.total": ("Å kreditere i alt (NOK)", "To be credited in all (NOK)"),
    "note.lines": ("Pasientene i perioden", "The patients of the period"),
    "note.lines.hint": (
        "Pseudonymer fra registeret. Bare ikke-respondere gir refusjon; en korreksjon endrer en "
        "linje i et tidligere oppgjør.",
        "Pseudonyms from the registry. Only non-responders bring a refund; an adjustment changes "
        "a line of an earlier settlement.",
    ),
    "note.print": ("Skriv ut", "Print"),
    "note.print.hint": ("Skriv ut med Ctrl+P (Cmd+P på Mac).",
                        "Print with Ctrl+P (Cmd+P on a Mac)."),
    "note.back": ("Til oppgjøret", "Back to the settlement"),
    "note.state": ("Status: {state}", "State: {state}"),
})

PAGE = 50
ALL = 10000  # the API's largest page of lines


@dataclass
class Failed:
    """A credit-note form that was refused, to show again with its errors."""

    note_id: int
    outcome: forms.Outcome
    values: dict[str, str]


def _settlement(settlement_id: int) -> tuple[Any, dict[str, Any]]:
    settlement = forms.read("get_settlement", {"settlement_id": settlement_id})
    agreement = forms.read("get_agreement", {"agreement_id": settlement.agreement_id})
    return settlement, agreement


def _period(agreement: dict[str, Any]) -> str:
    return str((agreement.get("terms") or {}).get("settlement_period", "quarter"))


def next_steps(state: str) -> list[str]:
    """The steps a credit note may take from its state (the dispute has its own form)."""
    return [str(s) for s in TRANSITIONS[CreditNoteState(state)] if s != CreditNoteState.disputed]


def may_dispute(state: str) -> bool:
    return CreditNoteState.disputed in TRANSITIONS[CreditNoteState(state)]


def settlement_page(settlement_id: int, failed: Failed | None = None,
                    status: int = 200) -> Response:
    """A settlement: totals, credit notes with their next steps, a page of patient lines."""
    require("settlements", "read")
    lang = current_language()
    settlement, agreement = _settlement(settlement_id)
    wanted = request.args.get("linje", type=int)
    trusts = [n.health_trust for n in settlement.credit_notes]
    trust = request.args.get("helseforetak", "")
    trust = trust if trust in trusts else ""
    side = max(1, request.args.get("side", default=1, type=int) or 1)
    if wanted is not None:
        found = _page_of(settlement_id, wanted)
        if found is not None:
            return redirect(href(f"/arbeid/oppgjor/{settlement_id}", lang, side=found)
                            + f"#linje-{wanted}")  # type: ignore[return-value]
    lines = forms.read("list_settlement_lines", {"settlement_id": settlement_id}, query={
        "health_trust": trust or None, "limit": PAGE, "offset": (side - 1) * PAGE})
    pages = max(1, -(-lines.total // PAGE))
    exports = {"health_trust": trust} if trust else {}
    found_deliveries = deliveries(agreement["introduction_id"])
    labels: dict[str, str] = {}
    if failed is not None:
        nid = failed.note_id
        labels = {f"note-{nid}.at": t("settle.note.at", lang),
                  f"dispute-{nid}.at": t("settle.note.at", lang),
                  f"dispute-{nid}.reason": t("settle.dispute.reason", lang)}
    html = render_template(
        "web/settlement.html", settlement=settlement, agreement=agreement,
        method=method_label(agreement["method_id"]), period=_period(agreement),
        delivery=found_deliveries.get(settlement.delivery_id), lines=lines, page=side,
        pages=pages, trust=trust, trusts=[(x, x) for x in trusts],
        csv_href=href(f"/api/v1/settlements/{settlement_id}/lines.csv", "nb", **exports),
        xlsx_href=href(f"/api/v1/settlements/{settlement_id}/lines.xlsx", "nb", **exports),
        may_write=forms.may("settlements"), next_steps=next_steps, may_dispute=may_dispute,
        failed=failed, values=failed.values if failed else {"trust": trust},
        errors=failed.outcome.errors if failed else {},
        outcome=failed.outcome if failed else None, labels=labels,
        today=input_date(today()), **common(lang))
    return private(html, status)


def _page_of(settlement_id: int, line_id: int) -> int | None:
    """The page of the settlement's (unfiltered) lines that holds a line."""
    page = forms.read("list_settlement_lines", {"settlement_id": settlement_id},
                      query={"limit": ALL})
    for index, line in enumerate(page.items):
        if line.id == line_id:
            return index // PAGE + 1
    return None


def original_line(agreement_id: int, line_id: int) -> Any:
    """Go to the settlement and page that hold a line (an adjustment's original)."""
    require("settlements", "read")
    lang = current_language()
    settlements = forms.read("list_settlements", {"agreement_id": agreement_id}).items
    for settlement in reversed(settlements):
        side = _page_of(settlement.id, line_id)
        if side is not None:
            return redirect(href(f"/arbeid/oppgjor/{settlement.id}", lang, side=side)
                            + f"#linje-{line_id}")
    raise NotFound(f"Settlement line {line_id} not found.")


def _note(settlement: Any, note_id: int) -> Any:
    for note in settlement.credit_notes:
        if note.id == note_id:
            return note
    raise NotFound(f"Credit note {note_id} not found in settlement {settlement.id}.")


def _move(settlement_id: int, note_id: int, action: str) -> Response:
    lang = current_language()
    back = href(f"/arbeid/oppgjor/{settlement_id}", lang)
    if request.method == "GET":  # "load the new version" after a stale post
        return redirect(back + f"#note-{note_id}")  # type: ignore[return-value]
    require("settlements", "write")
    settlement, _ = _settlement(settlement_id)
    note = _note(settlement, note_id)
    prefix = f"{action}-{note_id}."
    body: MultiDict[str, str] = MultiDict()
    for name in ("csrf_token", "version"):
        if name in request.form:
            body[name] = request.form[name]
    body["to"] = "disputed" if action == "dispute" else request.form.get(prefix + "to", "")
    body["at"] = request.form.get(prefix + "at", "")
    if action == "dispute":
        body["reason"] = request.form.get(prefix + "reason", "")
    outcome = forms.submit("move_credit_note", {"credit_note_id": note_id}, form=body, lang=lang)
    if outcome.ok:
        flash(t("settle.note.moved", lang, trust=note.health_trust,
                state=t(f"settle.state.{outcome.result.state}", lang)), "saved")
        return redirect(back + f"#note-{note_id}")  # type: ignore[return-value]
    places = {"at": prefix + "at", "reason": f"dispute-{note_id}.reason"}
    errors: dict[str, list[str]] = {}
    for name, messages in outcome.errors.items():
        errors.setdefault(places.get(name, "_form"), []).extend(messages)
    outcome.errors = errors
    typed = {prefix + "at": body["at"]}
    if action == "dispute":
        typed[prefix + "reason"] = forms.typed(MultiDict({"r": body["reason"]})).get("r", "")
    status = 409 if outcome.stale or outcome.message else 422
    return settlement_page(settlement_id, Failed(note_id, outcome, typed), status)


def step(settlement_id: int, note_id: int) -> Response:
    """Move a credit note on: sent, accepted, sent again or settled."""
    return _move(settlement_id, note_id, "note")


def dispute(settlement_id: int, note_id: int) -> Response:
    """Record that the supplier disputes a credit note, with the reason."""
    return _move(settlement_id, note_id, "dispute")


def credit_note(settlement_id: int, note_id: int) -> Response:
    """The printable credit note of one trust: the agreement, the period, its lines and total."""
    require("settlements", "read")
    lang = current_language()
    settlement, agreement = _settlement(settlement_id)
    note = _note(settlement, note_id)
    lines = forms.read("list_settlement_lines", {"settlement_id": settlement_id},
                       query={"health_trust": note.health_trust, "limit": ALL}).items
    method = forms.read("get_method", {"method_id": agreement["method_id"]})
    html = render_template(
        "web/credit_note.html", settlement=settlement, agreement=agreement, note=note,
        method=f"{method.nye_metoder_id} {method.active_substance}", ma_holder=method.ma_holder,
        period=_period(agreement), lines=lines,
        **common(lang))
    return private(html)


def register(bp: Blueprint) -> None:
    """Add the routes."""
    bp.add_url_rule("/oppgjor/<int:settlement_id>", view_func=settlement_page,
                    endpoint="settlement")
    bp.add_url_rule("/oppgjor/<int:settlement_id>/kreditnota/<int:note_id>",
                    view_func=credit_note, endpoint="credit_note")
    bp.add_url_rule("/oppgjor/<int:settlement_id>/kreditnota/<int:note_id>/steg",
                    view_func=step, endpoint="credit_note_step", methods=["GET", "POST"])
    bp.add_url_rule("/oppgjor/<int:settlement_id>/kreditnota/<int:note_id>/bestrid",
                    view_func=dispute, endpoint="credit_note_dispute", methods=["GET", "POST"])
    bp.add_url_rule("/avtaler/<int:agreement_id>/oppgjor/linje/<int:line_id>",
                    view_func=original_line, endpoint="settlement_line")
