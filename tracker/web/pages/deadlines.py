"""The deadline list ("frister") in the browser: review dates, data deliveries, agreement ends,
phase-out steps and renegotiations, filtered as the API filters them, with the CSV and Excel
exports and the calendar subscription of the same list."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, render_template, request

from tracker import get_settings
from tracker.access import require
from tracker.deadlines.service import DEADLINE_LABELS, DeadlineKind, DeadlineStatus
from tracker.web import forms
from tracker.web import lang as web_lang
from tracker.web.lang import current_language
from tracker.web.pages.flags import kind_label
from tracker.web.text import add, t

_KIND_EN = {
    DeadlineKind.review: "Reassessment",
    DeadlineKind.milestone: "Data delivery",
    DeadlineKind.agreement_end: "Price agreement ends",
    DeadlineKind.phaseout_step: "Phase-out",
    DeadlineKind.renegotiation: "Renegotiation",
}
add({f"enum.deadline_kind.{kind.value}": (DEADLINE_LABELS[kind], _KIND_EN[kind])
     for kind in DeadlineKind})
add({
    "enum.deadline_status.upcoming": ("Kommende", "Upcoming"),
    "enum.deadline_status.overdue": ("Forfalt", "Overdue"),
    "enum.deadline_status.done": ("Utført", "Done"),
    "deadlines.title": ("Frister", "Deadlines"),
    "deadlines.intro": (
        "Alle daterte forpliktelser i de midlertidige innføringene: revurderingsdatoer, "
        "dataleveranser i datainnsamlingsplanene, prisavtaler som utløper, steg i "
        "utfasingsplaner og frister for reforhandling.",
        "Every dated obligation of the temporary introductions: review dates, data deliveries "
        "in the data-collection plans, price agreements that end, phase-out steps and "
        "renegotiation deadlines.",
    ),
    "deadlines.as_of": ("Status per {date}.", "Status as of {date}."),
    "deadlines.filter.kind": ("Type frist", "Kind of deadline"),
    "deadlines.filter.status": ("Status", "Status"),
    "deadlines.filter.introduction": ("Innføring", "Introduction"),
    "deadlines.filter.date_from": ("Fra og med", "From"),
    "deadlines.filter.date_to": ("Til og med", "To"),
    "deadlines.filter.go": ("Vis", "Show"),
    "deadlines.filter.reset": ("Vis alle", "Show all"),
    "deadlines.count": ("{n} frister", "{n} deadlines"),
    "deadlines.none": ("Ingen frister med disse valgene.", "No deadlines with these choices."),
    "deadlines.col.date": ("Dato", "Date"),
    "deadlines.col.status": ("Status", "Status"),
    "deadlines.col.kind": ("Type", "Kind"),
    "deadlines.col.method": ("Metode", "Method"),
    "deadlines.col.title": ("Frist", "Deadline"),
    "deadlines.col.flags": ("Åpne varsler", "Open flags"),
    "deadlines.export": ("Eksport og kalender", "Export and calendar"),
    "deadlines.export.help": (
        "Eksportene har fristene med valgene over.",
        "The exports hold the deadlines with the choices above.",
    ),
    "deadlines.csv": ("Last ned som CSV", "Download as CSV"),
    "deadlines.xlsx": ("Last ned som Excel", "Download as Excel"),
    "deadlines.ical": ("Kalenderabonnement (iCalendar)", "Calendar subscription (iCalendar)"),
    "deadlines.ical.help": (
        "Legg adressen inn som abonnement i kalenderprogrammet (for eksempel «Legg til "
        "kalender fra Internett» i Outlook). Kalenderen oppdaterer en frist som flyttes i stedet "
        "for å legge den inn to ganger, og merker det som er utført. Adressen krever innlogging: "
        "et kalenderprogram må sende en API-nøkkel (Authorization: Bearer), som en administrator "
        "gir ut. Uten nøkkel kan du laste ned filen og importere den.",
        "Add the address as a subscription in your calendar program (for example “Add calendar "
        "from the Internet” in Outlook). The calendar updates a deadline that moves instead of "
        "adding it twice, and marks what is done. The address needs a login: a calendar "
        "program must send an API token (Authorization: Bearer), which an administrator issues. "
        "Without a token you can download the file and import it.",
    ),
    "deadlines.ical.address": ("Adresse til kalenderen", "Address of the calendar"),
    "deadlines.ical.address.hint": ("Merk adressen og kopier den (Ctrl+C).",
                                    "Select the address and copy it (Ctrl+C)."),
    "deadlines.ical.download": ("Last ned kalenderfilen (.ics)",
                                "Download the calendar file (.ics)"),
})

DATE_FILTERS = ("date_from", "date_to")


def _options(prefix: str, values: Any, lang: str) -> list[tuple[str, str]]:
    return [(v.value, t(f"enum.{prefix}.{v.value}", lang)) for v in values]


def _filters(lang: str) -> tuple[dict[str, str], dict[str, Any], dict[str, list[str]]]:
    """Return (what the filter form shows, the API query it stands for, errors by field)."""
    args = request.args
    shown: dict[str, str] = {}
    query: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    kind = args.get("kind", "")
    if kind in {k.value for k in DeadlineKind}:
        shown["kind"] = query["kind"] = kind
    status = args.get("status", "")
    if status in {s.value for s in DeadlineStatus}:
        shown["status"] = query["status"] = status
    number = args.get("introduction_id", "")
    if number.isdigit() and 0 < int(number) < 2**31:
        shown["introduction_id"] = number
        query["introduction_id"] = int(number)
    for name in DATE_FILTERS:
        typed = args.get(name, "").strip()
        if not typed:
            continue
        shown[name] = typed
        try:
            query[name] = web_lang.parse_date(typed).isoformat()
        except ValueError as exc:
            nb, en = forms._COERCION_TEXT[str(exc)]
            errors[name] = [en if lang == "en" else nb]
    return shown, query, errors


def _introductions() -> list[tuple[str, str]]:
    page = forms.read("list_introductions", query={"limit": 500, "sort": "review_date"})
    return [(str(row.id), f"{row.nye_metoder_id} {row.active_substance}") for row in page.items]


def deadline_list() -> Any:
    """The deadline list, filtered, with its exports and the calendar address."""
    require("deadlines", "read")
    lang = current_language()
    shown, query, errors = _filters(lang)
    answer = forms.read("list_deadlines", query=query)
    exported = "?" + urlencode(query) if query else ""
    base = (get_settings().public_base_url or request.host_url).rstrip("/")
    labels = {"date_from": t("deadlines.filter.date_from", lang),
              "date_to": t("deadlines.filter.date_to", lang)}
    return render_template(
        "web/deadlines.html", items=answer.items, as_of=answer.as_of, values=shown,
        errors=errors, outcome=None, labels=labels,
        kinds=_options("deadline_kind", DeadlineKind, lang),
        statuses=_options("deadline_status", DeadlineStatus, lang),
        introductions=_introductions(), csv_href="/api/v1/deadlines.csv" + exported,
        xlsx_href="/api/v1/deadlines.xlsx" + exported,
        ical_url=f"{base}/api/v1/calendar.ics{exported}",
        ical_href="/api/v1/calendar.ics" + exported,
        flag_label=lambda kind: kind_label(kind, lang))


def register(bp: Blueprint) -> None:
    """Add the routes."""
    bp.add_url_rule("/frister", view_func=deadline_list, endpoint="deadlines")
