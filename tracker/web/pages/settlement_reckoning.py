"""The yearly reckoning of a price–volume or cap agreement in the browser: for a chosen
agreement year, the tiers reached (and the day each was reached) and the rebate owed, or the
spending to date against the cap, its share and the excess; per trust.

Read through the API's `reckon_agreement` operation (nothing is stored). Terms that cannot give
a reckoning (no cost per patient, say) are shown as the API's reason, in the page's language.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import render_template, request

from tracker.errors import Conflict, InvalidInput
from tracker.timeutil import today
from tracker.web import forms
from tracker.web.lang import current_language, input_date
from tracker.web.pages.settlement_text import common, parse_day, private, read_failure
from tracker.web.text import add, t

add({
    "reckon.title": ("Avregning: {method}", "Reckoning: {method}"),
    "reckon.intro.price_volume": (
        "Pasientene som startet behandling i avtaleåret, talt i den rekkefølgen de startet, mot "
        "trinnene i avtalen: når hvert trinn ble nådd, og rabatten MT-innehaveren skylder.",
        "The patients who started treatment in the agreement year, counted in the order they "
        "started, against the agreement's tiers: when each tier was reached, and the rebate "
        "the supplier owes.",
    ),
    "reckon.intro.cap": (
        "Kostnaden så langt i avtaleåret (dager på behandling i året til månedskostnaden) mot "
        "det årlige taket, og beløpet over taket som MT-innehaveren skylder.",
        "The spending so far in the agreement year (days on treatment inside the year at the "
        "monthly cost) against the annual cap, and the amount above it the supplier owes.",
    ),
    "reckon.form.year": ("Avtaleår", "Agreement year"),
    "reckon.form.as_of": ("Per dato", "As of"),
    "reckon.form.as_of.hint": ("Tom: i dag.", "Blank: today."),
    "reckon.form.go": ("Regn ut", "Reckon"),
    "reckon.year": ("Avtaleåret fra {date}", "The agreement year from {date}"),
    "reckon.as_of": ("Per {date}, fra registerleveranse nr. {delivery}.",
                     "As of {date}, from registry delivery no. {delivery}."),
    "reckon.patients": ("Pasienter i avtaleåret", "Patients in the agreement year"),
    "reckon.rebate": ("Rabatt til gode (NOK)", "Rebate owed (NOK)"),
    "reckon.tiers": ("Trinn", "Tiers"),
    "reckon.tier.from": ("Fra pasient nr.", "From patient no."),
    "reckon.tier.discount": ("Rabatt (%)", "Discount (%)"),
    "reckon.tier.reached": ("Nådd", "Reached"),
    "reckon.tier.not_reached": ("ikke nådd", "not reached"),
    "reckon.spending": ("Kostnad så langt (NOK)", "Spending so far (NOK)"),
    "reckon.cap": ("Årlig tak (NOK)", "Annual cap (NOK)"),
    "reckon.share": ("Andel av taket", "Share of the cap"),
    "reckon.excess": ("Over taket, til gode (NOK)", "Above the cap, owed (NOK)"),
    "reckon.per_trust": ("Per helseforetak", "Per health trust"),
    "reckon.col.trust": ("Helseforetak", "Health trust"),
    "reckon.col.patients": ("Pasienter", "Patients"),
    "reckon.col.rebate": ("Rabatt (NOK)", "Rebate (NOK)"),
    "reckon.col.spending": ("Kostnad (NOK)", "Spending (NOK)"),
    "reckon.none": ("Ingen pasienter i avtaleåret.", "No patients in the agreement year."),
    "reckon.failed": ("Avregningen kan ikke gjøres:", "The reckoning cannot be made:"),
    "reckon.bad_date": ("Skriv datoen som dd.mm.åååå, for eksempel 30.06.2026.",
                        "Write the date as dd.mm.yyyy, e.g. 30.06.2026."),
})


def years(agreement: dict[str, Any], as_of: date) -> list[int]:
    """The agreement years that have begun, newest first."""
    first = date.fromisoformat(str(agreement["start_date"])).year
    end = agreement.get("end_date")
    last = min(as_of.year, date.fromisoformat(str(end)).year if end else as_of.year)
    return list(range(max(last, first), first - 1, -1))


def page(agreement: dict[str, Any], method: str) -> Any:
    """The reckoning of one agreement year (?year=, ?as_of=), per trust."""
    lang = current_language()
    now = today()
    choices = years(agreement, now)
    year = request.args.get("year", type=int)
    year = year if year in choices else choices[0]
    typed = request.args.get("as_of", "").strip()
    as_of = parse_day(typed)
    errors = {"as_of": [t("reckon.bad_date", lang)]} if typed and as_of is None else {}
    answer, failure = None, None
    try:
        answer = forms.read("reckon_agreement", {"agreement_id": agreement["id"]},
                            query={"year": year, "as_of": (as_of or now).isoformat()})
    except (InvalidInput, Conflict) as exc:
        failure = read_failure(exc, lang)
    values = {"year": str(year), "as_of": typed or input_date(as_of)}
    labels = {"year": t("reckon.form.year", lang), "as_of": t("reckon.form.as_of", lang)}
    return private(render_template(
        "web/settlement_reckoning.html", agreement=agreement, method=method, answer=answer,
        failure=failure, years=[(str(y), str(y)) for y in choices], values=values,
        errors=errors, outcome=None, labels=labels, **common(lang)))
