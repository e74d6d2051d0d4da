"""Words of the settlement pages in Norwegian and English: the pages' strings, how a period and
an amount read, the links and helpers the pages share, and the settlement API's messages in
Norwegian (registered with `tracker.web.messages`, so a form meets them as it meets every
other message).

Classes, reasons, events and line kinds come from `tracker.settlements.export.LABELS`, so the
Excel sheet and the page name them alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import urlencode

from flask import make_response
from werkzeug.wrappers import Response

from dashboards.i18n import fmt_number
from tracker.errors import Conflict, InvalidInput
from tracker.settlements.export import LABELS
from tracker.web.lang import parse_date
from tracker.web.messages import rule, simple, translate
from tracker.web.text import add, t

add({f"settle.{key}": pair for key, pair in LABELS.items()})
add({
    "settle.nav": ("Oppgjør", "Settlements"),
    "settle.index.title": ("Oppgjør av prisavtaler", "Settlements of price agreements"),
    "settle.index.intro": (
        "Hva MT-innehaveren skylder etter resultatbaserte avtaler, pris–volum-avtaler og "
        "kostnadstak, regnet ut fra registerdataene som også brukes til revurderingen.",
        "What the supplier owes under outcome-based, price–volume and cap agreements, "
        "computed from the registry data that also serve the reassessment.",
    ),
    "settle.index.none": ("Ingen avtaler gjøres opp fra registerdata.",
                          "No agreement is settled from registry data."),
    "settle.col.method": ("Metode", "Method"),
    "settle.col.type": ("Avtaletype", "Type of agreement"),
    "settle.col.valid": ("Gjelder", "Valid"),
    "settle.col.what": ("Oppgjør", "Settlement"),
    "settle.what.periods": ("Perioder gjort opp: {n}", "Periods settled: {n}"),
    "settle.what.reckoning": ("Avregning per avtaleår", "Reckoning per agreement year"),
    "settle.open": ("Åpne oppgjøret", "Open the settlement"),
    "settle.link": ("Oppgjør og kreditnotaer", "Settlements and credit notes"),
    "settle.link.reckoning": ("Avregning per avtaleår", "Reckoning per agreement year"),
    "settle.confidential": (
        "Fortrolig – unntatt offentlighet (offl. § 13, jf. fvl. § 13 første ledd nr. 2): "
        "inneholder konfidensielle beløp.",
        "Confidential – exempt from public disclosure: contains confidential amounts.",
    ),
    "settle.agreement.title": ("Oppgjør: {method}", "Settlement: {method}"),
    "settle.agreement.back": ("Til prisavtalen", "Back to the price agreement"),
    "settle.index.back": ("Til alle oppgjør", "Back to all settlements"),
    "settle.terms": ("Vilkårene oppgjøret følger", "The terms the settlement follows"),
    "settle.terms.window": ("Evalueringsvindu", "Evaluation window"),
    "settle.terms.window.weeks": ("{n} uker fra behandlingsstart",
                                  "{n} weeks from the start of treatment"),
    "settle.terms.share": ("Refusjon per ikke-responder", "Refund per non-responder"),
    "settle.terms.missing": (
        "Vilkårene mangler kostnad per vindu; legg den inn i prisavtalen før perioden gjøres opp.",
        "The terms give no cost per window; add it to the price agreement before settling.",
    ),
    "settle.total.responder": ("respondere", "responders"),
    "settle.total.non_responder": ("ikke-respondere", "non-responders"),
    "settle.total.pending": ("avventer", "pending"),
    "settle.total.excluded": ("ekskludert", "excluded"),
    "settle.list.title": ("Perioder som er gjort opp", "Settled periods"),
    "settle.list.none": ("Ingen perioder er gjort opp ennå.", "No period has been settled yet."),
    "settle.col.period": ("Periode", "Period"),
    "settle.col.as_of": ("Klassifisert per", "Classified as of"),
    "settle.col.delivery": ("Registerleveranse", "Registry delivery"),
    "settle.col.patients": ("Pasienter", "Patients"),
    "settle.col.non_responders": ("Ikke-respondere", "Non-responders"),
    "settle.col.adjustments": ("Korreksjoner", "Adjustments"),
    "settle.col.amount": ("Refusjon (NOK)", "Refund (NOK)"),
    "settle.col.notes": ("Kreditnotaer", "Credit notes"),
    "settle.delivery": ("{source}, datakutt {date}", "{source}, data cut {date}"),
    "settle.form.title": ("Gjør opp en periode", "Settle a period"),
    "settle.form.intro": (
        "Oppgjøret klassifiserer hver pasient ut fra innføringens nyeste registerleveranse. "
        "En pasient som allerede er gjort opp, og som nyere data endrer, kommer med som en "
        "korreksjon; tidligere oppgjør endres aldri.",
        "The settlement classifies every patient from the introduction's newest registry "
        "delivery. A patient settled before whom newer data change comes as an adjustment; an "
        "earlier settlement is never changed.",
    ),
    "settle.form.period_start": ("Periode", "Period"),
    "settle.form.period_start.hint": ("Perioder som er over og ikke gjort opp.",
                                      "Periods that are over and not settled."),
    "settle.form.as_of": ("Klassifiser per", "Classify as of"),
    "settle.form.as_of.hint": ("Hendelser etter denne dagen er ikke kjent ennå.",
                               "Events after this day are not known yet."),
    "settle.form.none": ("Alle perioder som er over, er gjort opp.",
                         "Every period that is over has been settled."),
    "settle.form.submit": ("Gjør opp perioden", "Settle the period"),
    "settle.saved": ("Perioden er gjort opp.", "The period is settled."),
    "settle.readonly": ("Bare Sykehusinnkjøp gjør opp perioder og fører kreditnotaene.",
                        "Only Sykehusinnkjøp settles periods and keeps the credit notes."),
})


def amount(value: float | None, lang: str) -> str:
    """An amount in NOK as readers read it: 54 600 (øre only where there are any)."""
    if value is None:
        return "–"
    whole = abs(value - round(value)) < 0.005
    return fmt_number(value, lang, 0 if whole else 2)


def signed(value: float, lang: str) -> str:
    """An adjustment's amount with its sign: +60 000 or −54 600."""
    text = amount(abs(value), lang)
    return ("+" if value > 0 else "\u2212" if value < 0 else "") + text


def period_label(start: date, period: str, lang: str) -> str:
    """The period as people name it: "2. kvartal 2026", "1. halvår 2026", "2026"."""
    if period == "year":
        return str(start.year)
    if period == "half_year":
        half = 1 if start.month <= 6 else 2
        return f"H{half} {start.year}" if lang == "en" else f"{half}. halvår {start.year}"
    quarter = (start.month - 1) // 3 + 1
    return f"Q{quarter} {start.year}" if lang == "en" else f"{quarter}. kvartal {start.year}"


def words(group: str, codes: Any, lang: str) -> str:
    """Several codes in words: "progresjon, død"."""
    return ", ".join(t(f"settle.{group}.{c}", lang) for c in codes or ())


# --- what the pages share ----------------------------------------------------------------------


def href(path: str, lang: str, **args: Any) -> str:
    """A link that keeps English when it is chosen (blank arguments left out)."""
    query = {k: v for k, v in args.items() if v not in (None, "")}
    if lang == "en":
        query["lang"] = "en"
    return path + ("?" + urlencode(query) if query else "")


def common(lang: str) -> dict[str, Any]:
    """What the settlement templates use besides the page context."""
    return {"nok": lambda value: amount(value, lang),
            "signed": lambda value: signed(value, lang),
            "period_label": lambda start, period: period_label(start, period, lang),
            "words": lambda group, codes: words(group, codes, lang),
            "href": lambda path, **args: href(path, lang, **args), "as_date": as_date}


def as_date(value: Any) -> Any:
    """A date the API gave as text (an agreement's), as a date."""
    return date.fromisoformat(value[:10]) if isinstance(value, str) and value else value


def private(html: str, status: int = 200) -> Response:
    """A page with confidential amounts: never kept by a browser's or a proxy's cache."""
    response = make_response(html, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def read_failure(exc: InvalidInput | Conflict, lang: str) -> list[str]:
    """A refused read (a reckoning the terms cannot give) as sentences in the language."""
    lines = [translate(exc.message, lang)[0]]
    for detail in (exc.details or []) if isinstance(exc, InvalidInput) else []:
        if isinstance(detail, dict) and detail.get("message"):
            lines.append(translate(str(detail["message"]), lang)[0])
    return lines


def parse_day(text: str | None) -> date | None:
    """A date typed in a filter (dd.mm.åååå), or None when blank or not a date."""
    try:
        return parse_date(text) if text else None
    except ValueError:
        return None


# --- the settlement API's messages in Norwegian (tracker/settlements) -----------------------

DMY = r"(\d{2}\.\d{2}\.\d{4})"
_PERIODS = {"quarter": "kvartal", "half year": "halvår", "year": "år"}
_MONTHS = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september",
           "oktober", "november", "desember")
_STATES = {"draft": "et utkast", "issued": "sendt", "accepted": "godtatt",
           "disputed": "bestridt", "settled": "oppgjort"}
_MOVES = {"issued": "sendt", "accepted": "godtatt", "disputed": "bestridt",
          "settled": "oppgjort"}


def _on(pattern: str, build: Callable[..., str]) -> None:
    rule(pattern)(lambda m: build(*m.groups()))


_on(r"The period " + DMY + "–" + DMY + r" is not over; settle it from " + DMY + r"\.",
    lambda start, end, first: f"Perioden {start}–{end} er ikke over; den kan gjøres opp fra "
                              f"{first}.")
_on(r"The period from " + DMY + r" is already settled for this agreement;.*",
    lambda start: f"Perioden fra {start} er allerede gjort opp for denne avtalen. Nyere "
                  "registerdata kommer med som korreksjoner i neste periode.")
simple(r"The introduction has no registry delivery to settle from\.",
       "Innføringen har ingen registerleveranse å gjøre opp fra ennå.")
simple(r"The introduction has no registry delivery to reckon from\.",
       "Innføringen har ingen registerleveranse å regne ut fra ennå.")
simple(r"A settlement period starts on the first day of the period\.",
       "En oppgjørsperiode starter på periodens første dag.")
_on(r"the agreement settles per (quarter|half year|year); start on the 1st of month ([\d, ]+)",
    lambda period, months: f"Avtalen gjøres opp per {_PERIODS[period]}; perioden starter 1. "
                           + " eller 1. ".join(_MONTHS[int(m) - 1] for m in months.split(", ")))
simple(r"Only an outcome-based agreement \(payment by result\) is settled per patient\.",
       "Bare resultatbaserte avtaler gjøres opp per pasient.")
simple(r"Only price–volume and cap agreements are reckoned per year\.",
       "Bare pris–volum-avtaler og avtaler med kostnadstak avregnes per avtaleår.")
simple(r"choose such an agreement", "Velg en slik avtale.")
simple(r"The agreement is not linked to a temporary introduction.*",
       "Avtalen er ikke knyttet til en midlertidig innføring, så ingen registerleveranse viser "
       "hvem som har respondert.")
simple(r"link the agreement first", "Knytt avtalen til innføringen først.")
simple(r"The terms give no cost per patient for the window\.",
       "Vilkårene sier ikke hva vinduet koster per pasient.")
simple(r"give the cost per window, or units per window and the agreement's unit price",
       "Legg inn kostnad per vindu, eller enheter per vindu og avtaleprisen.")
simple(r"The terms give no cost per patient\.",
       "Vilkårene sier ikke hva behandlingen koster per pasient.")
simple(r"give what one patient's treatment costs",
       "Legg inn hva behandlingen av én pasient koster.")
simple(r"The terms give no monthly cost per patient\.",
       "Vilkårene sier ikke hva en måned på behandling koster per pasient.")
simple(r"give the cost per patient-month on treatment",
       "Legg inn kostnaden per pasientmåned på behandling.")
simple(r"Say why the credit note is disputed\.", "Skriv hvorfor kreditnotaen er bestridt.")
simple(r"give the supplier's reason", "Skriv leverandørens begrunnelse.")


@rule(r"Credit note \d+ is (\w+); it can move to (.*)\.")
def _cannot_move(m: re.Match[str]) -> str:
    state, allowed = m.group(1), m.group(2)
    if allowed.startswith("nothing"):
        return "Kreditnotaen er oppgjort og kan ikke endres mer."
    steps = " eller ".join(_MOVES.get(a.strip(), a.strip()) for a in allowed.split(","))
    return (f"Kreditnotaen er {_STATES.get(state, state)}; den kan bare bli {steps} nå. Last "
            "siden på nytt.")
