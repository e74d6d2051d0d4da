"""Sykehusinnkjøp's price agreements: create and edit them with the terms of their type.

Each type of agreement has its own terms (`TERMS`, checked against the API's schemas by the
tests). The form carries a fieldset of terms per type; its inputs are named
`<type>__terms.<path>` (and `<type>__mark.<term>` for a term's visibility mark), so a browser
without JavaScript can post every fieldset and the server still uses only the chosen type's
terms. Rows of a table editor (tiers, prices per indication) that were left blank are dropped
and the rest renumbered before the body goes to the API, so an error on a row is shown on the
row the user sees. Everything is written through the API's own operations (`create_agreement`,
`update_agreement`) and read through them (`get_agreement`): a role that may not see
confidential prices gets the API's answer, without them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request
from werkzeug.datastructures import MultiDict

from tracker.access import require
from tracker.agreements.enums import (
    TYPE_EN,
    TYPE_NB,
    AgreementStatus,
    AgreementType,
    OecdLevel,
    Visibility,
)
from tracker.agreements.schemas import default_visibility
from tracker.privacy import text_has_national_id
from tracker.web import forms
from tracker.web import lang as web_lang
from tracker.web.lang import current_language
from tracker.web.messages import translate
from tracker.web.pages import row_forms
from tracker.web.pages.methods import options
from tracker.web.text import add, t


def _label(words: str) -> str:
    return words[:1].upper() + words[1:]


add({
    "agreements.title": ("Prisavtaler", "Price agreements"),
    "agreement.new": ("Ny prisavtale", "New price agreement"),
    "agreement.edit": ("Endre prisavtale", "Edit price agreement"),
    "agreement.view": ("Prisavtale", "Price agreement"),
    "agreement.back": ("Til prisavtalene", "Back to the price agreements"),
    "agreement.saved": ("Prisavtalen er lagret.", "The price agreement was saved."),
    "agreement.basics": ("Avtalen", "The agreement"),
    "agreement.prices": ("Priser", "Prices"),
    "agreement.terms.of": ("Vilkår: {type}", "Terms: {type}"),
    "agreement.terms.none": ("Ingen vilkår utover rabatten.", "No terms beyond the discount."),
    "agreement.terms.nojs": (
        "Fyll bare ut vilkårene for avtaletypen du har valgt; de andre lagres ikke.",
        "Fill in only the terms of the type you chose; the others are not saved.",
    ),
    "agreement.visibility.note": (
        "Avtaletype, status, periode og struktur er alltid offentlige (rammeverket for "
        "prisavtaler, punkt V b). Priser, rabatt og vilkår kan merkes konfidensielle: de vises "
        "da bare for Sykehusinnkjøp, Beslutningsforum og administratorer.",
        "Type, status, period and structure are always public (the price agreement framework, "
        "point V b). Prices, discount and terms may be marked confidential: only "
        "Sykehusinnkjøp, Beslutningsforum and administrators then see them.",
    ),
    "agreement.mark": ("Synlighet", "Visibility"),
    "agreement.mark.of": ("Synlighet: {field}", "Visibility: {field}"),
    "agreement.withheld": ("Konfidensielt – ikke vist for din rolle",
                           "Confidential – not shown for your role"),
    "agreement.withheld.note": (
        "Opplysninger merket konfidensielle er ikke vist for din rolle.",
        "Figures marked confidential are not shown for your role.",
    ),
    "agreement.linked": ("Knyttet til", "Linked to"),
    "agreement.link.hint": (
        "Velg den midlertidige innføringen avtalen hører til; metoden følger da av den.",
        "Choose the temporary introduction the agreement belongs to; the method follows "
        "from it.",
    ),
    "agreement.method.hint": (
        "Trengs bare når avtalen ikke hører til en midlertidig innføring.",
        "Needed only when the agreement belongs to no temporary introduction.",
    ),
    "agreement.no_introduction": ("Ingen (bare metoden)", "None (the method only)"),
    "agreement.introduction.option": ("{id} {name} (midlertidig innført {date})",
                                      "{id} {name} (temporarily introduced {date})"),
    "agreement.choose": ("Velg …", "Choose …"),
    "agreement.oecd_level.by_type": (
        "Etter avtaletypen (pasientnivå for resultatbasert betaling, ellers populasjonsnivå)",
        "By the type (patient level for payment by result, else population level)",
    ),
    "agreement.rows.add": ("Legg til rad", "Add a row"),
    "agreement.rows.hint": ("Tomme rader lagres ikke.", "Empty rows are not saved."),
    "agreement.row.tier": ("Trinn {n}", "Tier {n}"),
    "agreement.row.indication": ("Indikasjon {n}", "Indication {n}"),
    "agreement.public_always": ("alltid offentlig", "always public"),
    "agreement.type": ("Avtaletype", "Type of agreement"),
    "agreement.introduction_id": ("Midlertidig innføring", "Temporary introduction"),
    "agreement.method_id": ("Metode", "Method"),
    "agreement.status": ("Status", "Status"),
    "agreement.oecd_level": ("Nivå (OECD)", "Level (OECD)"),
    "agreement.oecd_category": ("Kategori (OECD)", "Category (OECD)"),
    "agreement.start_date": ("Gjelder fra", "Valid from"),
    "agreement.end_date": ("Gjelder til", "Valid until"),
    "agreement.structure_description": ("Avtalens struktur", "Structure of the agreement"),
    "agreement.structure_description.hint": (
        "Alltid offentlig: beskriv avtalens form med vanlige ord, uten priser.",
        "Always public: describe the agreement's form in plain words, without prices.",
    ),
    "agreement.list_price_nok": ("Maksimalpris (NOK)", "Maximum price (NOK)"),
    "agreement.unit_price_nok": ("Avtalepris (NOK)", "Agreed price (NOK)"),
    "agreement.discount_percent": ("Rabatt (%)", "Discount (%)"),
    "agreement.discount_percent.hint": ("Prosent av maksimalprisen.",
                                        "Per cent of the maximum price."),
    "agreement.terms": ("Vilkår", "Terms"),
    "agreement.term.tiers": ("Trinn", "Tiers"),
    "agreement.term.min_patients": ("Fra antall pasienter per år", "From patients a year"),
    "agreement.term.min_units": ("Fra antall pakninger per år", "From packs a year"),
    "agreement.term.discount_percent": ("Rabatt (%)", "Discount (%)"),
    "agreement.term.year_start_month": ("Avtaleårets første måned",
                                        "First month of the agreement year"),
    "agreement.term.annual_cap_nok": ("Årlig tak (NOK)", "Annual cap (NOK)"),
    "agreement.term.applies_to": ("Taket gjelder", "The cap applies to"),
    "agreement.term.prices": ("Priser per indikasjon", "Prices per indication"),
    "agreement.term.indication": ("Indikasjon", "Indication"),
    "agreement.term.unit_price_nok": ("Pris (NOK)", "Price (NOK)"),
    "agreement.term.weights": ("Vekter per indikasjon", "Weights per indication"),
    "agreement.term.weight": ("Vekt (andel)", "Weight (share)"),
    "agreement.term.weights.hint": ("Vektene må til sammen bli 1, for eksempel 0,4 og 0,6.",
                                     "The weights must add up to 1, e.g. 0.4 and 0.6."),
    "agreement.term.refund_share_percent": ("Refusjon per ikke-responder (%)",
                                            "Refund per non-responder (%)"),
    "agreement.term.refund_share_percent.hint": (
        "Andel av kostnaden som refunderes for hver dokumentert ikke-responder, for eksempel "
        "50 (risikodeling) eller 100 (betaling ved resultat).",
        "Share of the cost refunded for each documented non-responder, e.g. 50 (risk "
        "sharing) or 100 (payment by result).",
    ),
    "agreement.term.evaluation_window_weeks": ("Evalueringsvindu (uker)",
                                               "Evaluation window (weeks)"),
    "agreement.term.evaluation_window_weeks.hint": (
        "Uker fra behandlingsstart til responsen vurderes (1–104).",
        "Weeks from treatment start to the response evaluation (1–104).",
    ),
    "agreement.term.response_criterion": ("Responskriterium", "Response criterion"),
    "agreement.term.kind": ("Type resultatbasert avtale", "Kind of outcome-based agreement"),
    "agreement.term.kind.cost_sharing": ("Kostnadsdeling", "Cost sharing"),
    "agreement.term.kind.risk_sharing": ("Risikodeling", "Risk sharing"),
    "agreement.term.kind.payment_by_result": ("Betaling ved resultat", "Payment by result"),
    "agreement.term.kind.success_fee": ("Suksesshonorar", "Success fee"),
    "agreement.term.counting_events": ("Hendelser som gjør pasienten til ikke-responder",
                                       "Events that make a patient a non-responder"),
    "agreement.term.counting_events.hint": (
        "Hendelser i evalueringsvinduet, lest fra registerleveransen.",
        "Events inside the evaluation window, read from the registry delivery."),
    "agreement.term.counting_events.progression": ("Progresjon", "Progression"),
    "agreement.term.counting_events.death": ("Død", "Death"),
    "agreement.term.counting_events.stop_progression": ("Stopp på grunn av progresjon",
                                                        "Stop for progression"),
    "agreement.term.counting_events.stop_toxicity": ("Stopp på grunn av toksisitet",
                                                     "Stop for toxicity"),
    "agreement.term.cost_per_window_nok": ("Kostnad per pasient for vinduet (NOK)",
                                           "Cost per patient for the window (NOK)"),
    "agreement.term.cost_per_window_nok.hint": (
        "Grunnlaget for refusjonen; ellers enheter per vindu ganger avtaleprisen.",
        "The basis of the refund; otherwise units per window times the agreed price."),
    "agreement.term.units_per_window": ("Enheter per pasient for vinduet",
                                        "Units per patient for the window"),
    "agreement.term.settlement_period": ("Oppgjørsperiode", "Settlement period"),
    "agreement.term.settlement_period.quarter": ("Kvartal", "Quarter"),
    "agreement.term.settlement_period.half_year": ("Halvår", "Half-year"),
    "agreement.term.settlement_period.year": ("År", "Year"),
    "agreement.term.subgroup": ("Bare undergruppen", "Only the subgroup"),
    "agreement.term.pending_grace_days": ("Dager en avventende pasient kan mangle data",
                                          "Days a pending patient may lack data"),
    "agreement.term.pending_grace_days.hint": (
        "Etter så mange dager etter vinduets slutt varsles det om pasienten.",
        "This many days after the window's end, a flag is raised for the patient."),
    "agreement.term.cost_per_patient_nok": ("Kostnad per pasient (NOK)",
                                            "Cost per patient (NOK)"),
    "agreement.term.cost_per_patient_nok.hint": (
        "Grunnlaget for rabatten som skyldes når et trinn nås.",
        "The basis of the rebate owed when a tier is reached."),
    "agreement.term.tier_mode": ("Når trinnets rabatt gjelder", "When a tier's discount applies"),
    "agreement.term.tier_mode.hint": (
        "Fra pasienten som når trinnet, eller for alle pasienter i avtaleåret.",
        "From the patient who reaches the tier, or for every patient of the agreement year."),
    "agreement.term.tier_mode.from_threshold": ("Fra pasienten som når trinnet",
                                                "From the patient who reaches the tier"),
    "agreement.term.tier_mode.whole_year": ("For hele avtaleåret",
                                            "For the whole agreement year"),
    "agreement.term.monthly_cost_nok": ("Kostnad per pasientmåned (NOK)",
                                        "Cost per patient-month (NOK)"),
    "agreement.term.monthly_cost_nok.hint": (
        "Grunnlaget for utgiftene som holdes mot taket.",
        "The basis of the spending held against the cap."),
    "agreement.term.evidence_requirements": ("Krav til dokumentasjon",
                                             "Evidence requirements"),
    "agreement.term.interim_price_basis": ("Grunnlag for midlertidig pris",
                                           "Basis of the interim price"),
    "agreement.default.applies_to": ("alle pasienter", "all patients"),
    # The services' words for the types, as a label starts: "Pris–volum", "Price–volume".
    **{f"enum.agreement_type.{kind.value}": (_label(TYPE_NB[kind]), _label(TYPE_EN[kind]))
       for kind in AgreementType},
    "enum.agreement_status.draft": ("Utkast", "Draft"),
    "enum.agreement_status.active": ("Aktiv", "Active"),
    "enum.agreement_status.expired": ("Utløpt", "Expired"),
    "enum.agreement_status.terminated": ("Avsluttet", "Terminated"),
    "enum.oecd_level.patient": ("Pasientnivå", "Patient level"),
    "enum.oecd_level.population": ("Populasjonsnivå", "Population level"),
    "enum.oecd_category.financial": ("Finansiell", "Financial"),
    "enum.oecd_category.performance_based": ("Resultatbasert", "Performance-based"),
    "enum.visibility.public": ("Offentlig", "Public"),
    "enum.visibility.confidential": ("Konfidensiell (unntatt offentlighet)",
                                     "Confidential (exempt from public access)"),
    **{f"month.{i}": pair for i, pair in enumerate((
        ("januar", "January"), ("februar", "February"), ("mars", "March"),
        ("april", "April"), ("mai", "May"), ("juni", "June"), ("juli", "July"),
        ("august", "August"), ("september", "September"), ("oktober", "October"),
        ("november", "November"), ("desember", "December")), start=1)},
})


# --- the terms of each type ------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One term of an agreement type: `kind` is integer, number, text, longtext, month, choice
    (one of `options`, a select) or choices (some of `options`, one checkbox each)."""

    key: str
    kind: str
    required: bool = True
    hint: bool = False  # a hint text `agreement.term.<key>.hint` exists
    options: tuple[str, ...] = ()  # `agreement.term.<key>.<option>` names each


@dataclass(frozen=True)
class Rows:
    """A term that is a table of rows (tiers, prices per indication), edited row by row."""

    key: str
    columns: tuple[Term, ...]
    row_label: str  # "tier" or "indication": `agreement.row.<row_label>` names a row
    hint: bool = False


COUNTING_EVENTS = ("progression", "death", "stop_progression", "stop_toxicity")
TERMS: dict[str, tuple[Term | Rows, ...]] = {
    AgreementType.flat_discount: (),
    AgreementType.price_volume: (
        Rows("tiers", (Term("min_patients", "integer"), Term("discount_percent", "number")),
             "tier"),
        Term("year_start_month", "month", required=False),
        Term("cost_per_patient_nok", "number", required=False, hint=True),
        Term("tier_mode", "choice", required=False, hint=True,
             options=("from_threshold", "whole_year")),
    ),
    AgreementType.volume_discount: (
        Rows("tiers", (Term("min_units", "integer"), Term("discount_percent", "number")),
             "tier"),
    ),
    AgreementType.cap: (Term("annual_cap_nok", "number"), Term("applies_to", "text"),
                        Term("monthly_cost_nok", "number", required=False, hint=True),
                        Term("year_start_month", "month", required=False)),
    AgreementType.indication_based: (
        Rows("prices", (Term("indication", "text"), Term("unit_price_nok", "number")),
             "indication"),
    ),
    AgreementType.weighted_discount: (
        Rows("weights", (Term("indication", "text"), Term("weight", "number"),
                         Term("discount_percent", "number")), "indication", hint=True),
    ),
    AgreementType.payment_by_result: (
        Term("refund_share_percent", "number", hint=True),
        Term("evaluation_window_weeks", "integer", hint=True),
        Term("response_criterion", "longtext"),
        Term("kind", "choice", required=False,
             options=("cost_sharing", "risk_sharing", "payment_by_result", "success_fee")),
        Term("counting_events", "choices", required=False, hint=True, options=COUNTING_EVENTS),
        Term("cost_per_window_nok", "number", required=False, hint=True),
        Term("units_per_window", "number", required=False),
        Term("settlement_period", "choice", required=False,
             options=("quarter", "half_year", "year")),
        Term("subgroup", "text", required=False),
        Term("pending_grace_days", "integer", required=False, hint=True),
    ),
    AgreementType.coverage_with_evidence: (
        Term("evidence_requirements", "longtext"),
        Term("interim_price_basis", "longtext", required=False),
    ),
}
PRICE_FIELDS = ("list_price_nok", "unit_price_nok", "discount_percent")
COMMON_FIELDS = ("type", "introduction_id", "method_id", "status", "oecd_level", "start_date",
                 "end_date", "structure_description", *PRICE_FIELDS)
EDITABLE = ("status", "oecd_level", "start_date", "end_date", "structure_description",
            *PRICE_FIELDS)
SPARE_ROWS = 2
MIN_ROWS = 3


def term_name(agreement_type: str, path: str) -> str:
    """The input name of a term (`tiers.0.min_patients`) in its type's fieldset."""
    return f"{agreement_type}__terms.{path}"


def mark_name(agreement_type: str | None, key: str) -> str:
    """The input name of a visibility mark: of a price field, or of a term of a type."""
    return f"mark.{key}" if agreement_type is None else f"{agreement_type}__mark.{key}"


def row_count(values: Mapping[str, str], agreement_type: str, table: str) -> int:
    """How many rows a table editor shows: the filled ones and a few spare ones."""
    return len(row_forms.row_indices(values, term_name(agreement_type, table),
                                     spare=SPARE_ROWS, least=MIN_ROWS))


# --- form values -----------------------------------------------------------------------------


def _as_date(value: Any) -> Any:
    return date.fromisoformat(value) if isinstance(value, str) and value else value


def values_of(agreement: Mapping[str, Any], lang: str) -> dict[str, str]:
    """The form values of a stored agreement (as the API shows it to this user)."""
    common = {name: agreement.get(name) for name in (*EDITABLE, "version")}
    common["start_date"] = _as_date(common["start_date"])
    common["end_date"] = _as_date(common["end_date"])
    values = forms.flatten(common, lang)
    kind = str(agreement.get("type"))
    terms = agreement.get("terms") or {}
    for path, text in forms.flatten(terms, lang).items():
        values[term_name(kind, path)] = text
    for spec in TERMS.get(kind, ()):
        if isinstance(spec, Term) and spec.kind == "choices":
            for option in terms.get(spec.key) or []:
                values[term_name(kind, f"{spec.key}.{option}")] = "true"
    marks = {**{k: str(v) for k, v in default_visibility().items()},
             **{k: str(v) for k, v in (agreement.get("visibility") or {}).items()}}
    for name in PRICE_FIELDS:
        values[mark_name(None, name)] = marks[name]
    for spec in TERMS.get(kind, ()):
        values[mark_name(kind, spec.key)] = marks.get(f"terms.{spec.key}", marks["terms"])
    return values


def defaults(lang: str) -> dict[str, str]:
    """The values a new agreement's form opens with: the framework's default marking."""
    marks = default_visibility()
    values = {"status": AgreementStatus.active.value, "type": "", "oecd_level": ""}
    for name in PRICE_FIELDS:
        values[mark_name(None, name)] = marks[name].value
    for kind, specs in TERMS.items():
        for spec in specs:
            values[mark_name(kind, spec.key)] = marks["terms"].value
    values[term_name(AgreementType.price_volume, "year_start_month")] = "1"
    values[term_name(AgreementType.cap, "applies_to")] = t("agreement.default.applies_to", lang)
    outcome = AgreementType.payment_by_result
    values[term_name(outcome, "kind")] = "payment_by_result"
    values[term_name(outcome, "settlement_period")] = "quarter"
    values[term_name(outcome, "pending_grace_days")] = "60"
    for event in ("progression", "death"):
        values[term_name(outcome, f"counting_events.{event}")] = "true"
    values[term_name(AgreementType.price_volume, "tier_mode")] = "from_threshold"
    return values


def compact(form: MultiDict[str, str]) -> dict[str, str]:
    """The posted values with the blank rows of every table editor dropped and the rest
    renumbered, so errors on row N name the Nth row the user sees."""
    for kind, specs in TERMS.items():
        for spec in specs:
            if isinstance(spec, Rows):
                form = row_forms.compact_rows(form, term_name(kind, spec.key))
    # A checkbox posts a blank hidden value before its own: the last value is what was chosen.
    return {k: form.getlist(k)[-1] for k in form if k not in ("csrf_token", forms.BASE_FIELD)}


def _coerce(term: Term, text: str) -> Any:
    """A term's typed value; text that is no number is passed on as typed, so the API refuses
    it with its own message on the field (and nothing is stored)."""
    if term.kind in ("text", "longtext", "choice"):
        return text
    try:
        number = web_lang.parse_number(text)
    except ValueError:
        return text
    if not math.isfinite(number):
        return text
    if term.kind in ("integer", "month"):
        return int(number) if number.is_integer() else text
    return number


def terms_of(values: Mapping[str, str], agreement_type: str) -> dict[str, Any]:
    """The `terms` body of the chosen type, from its fieldset's inputs only."""
    terms: dict[str, Any] = {}
    for spec in TERMS.get(agreement_type, ()):
        if isinstance(spec, Rows):
            rows = []
            index = 0
            while any(term_name(agreement_type, f"{spec.key}.{index}.{c.key}") in values
                      for c in spec.columns):
                row = {}
                for column in spec.columns:
                    text = values.get(term_name(agreement_type,
                                                f"{spec.key}.{index}.{column.key}"), "").strip()
                    if text:
                        row[column.key] = _coerce(column, text)
                if row:
                    rows.append(row)
                index += 1
            if rows:
                terms[spec.key] = rows
        elif spec.kind == "choices":
            names = [term_name(agreement_type, f"{spec.key}.{o}") for o in spec.options]
            if any(name in values for name in names):
                terms[spec.key] = [o for o, name in zip(spec.options, names, strict=True)
                                   if values.get(name)]
        else:
            text = values.get(term_name(agreement_type, spec.key), "").strip()
            if text:
                terms[spec.key] = _coerce(spec, text)
    return terms


def visibility_of(values: Mapping[str, str], agreement_type: str) -> dict[str, str]:
    """The visibility marks of the price fields and of each term of the chosen type; `terms`
    as a whole is confidential when any of its terms is."""
    defaults_ = default_visibility()
    marks = {name: values.get(mark_name(None, name)) or defaults_[name].value
             for name in PRICE_FIELDS}
    term_marks = {f"terms.{spec.key}": values.get(mark_name(agreement_type, spec.key))
                  or Visibility.confidential.value
                  for spec in TERMS.get(agreement_type, ())}
    marks.update(term_marks)
    marks["terms"] = (Visibility.confidential.value
                      if any(v != Visibility.public.value for v in term_marks.values())
                      else Visibility.public.value)
    return marks


# --- labels ----------------------------------------------------------------------------------


def labels_for(values: Mapping[str, str], lang: str) -> dict[str, str]:
    """Every input's label, for the error summary and the list of what changed."""
    labels = {name: t(f"agreement.{name}", lang) for name in COMMON_FIELDS}
    for name in PRICE_FIELDS:
        labels[mark_name(None, name)] = t("agreement.mark.of", lang, field=labels[name])
    for kind, specs in TERMS.items():
        for spec in specs:
            label = t(f"agreement.term.{spec.key}", lang)
            labels[term_name(kind, spec.key)] = label
            labels[mark_name(kind, spec.key)] = t("agreement.mark.of", lang, field=label)
            if isinstance(spec, Term) and spec.kind == "choices":
                for option in spec.options:
                    labels[term_name(kind, f"{spec.key}.{option}")] = (
                        f"{label}: {t(f'agreement.term.{spec.key}.{option}', lang)}")
            if isinstance(spec, Rows):
                for index in range(row_count(values, kind, spec.key)):
                    row = t(f"agreement.row.{spec.row_label}", lang, n=index + 1)
                    for column in spec.columns:
                        labels[term_name(kind, f"{spec.key}.{index}.{column.key}")] = (
                            f"{row}: {t(f'agreement.term.{column.key}', lang)}")
    return labels


def value_labels(lang: str) -> dict[str, dict[str, str]]:
    """How the choices of the selects read, for the list of what changed."""
    marks = dict(options("visibility", Visibility, lang))
    found = {"status": dict(options("agreement_status", AgreementStatus, lang)),
             "oecd_level": dict(options("oecd_level", OecdLevel, lang)),
             "type": dict(options("agreement_type", AgreementType, lang))}
    for name in PRICE_FIELDS:
        found[mark_name(None, name)] = marks
    for kind, specs in TERMS.items():
        for spec in specs:
            found[mark_name(kind, spec.key)] = marks
    months = {str(i): t(f"month.{i}", lang) for i in range(1, 13)}
    found[term_name(AgreementType.price_volume, "year_start_month")] = months
    found[term_name(AgreementType.cap, "year_start_month")] = months
    for kind, specs in TERMS.items():
        for spec in specs:
            if isinstance(spec, Term) and spec.kind == "choice":
                found[term_name(kind, spec.key)] = {
                    o: t(f"agreement.term.{spec.key}.{o}", lang) for o in spec.options}
    return found


# --- submitting ------------------------------------------------------------------------------


def _end_before_start(lang: str) -> str:
    return translate("end_date 2000-01-02 is before start_date 2000-01-03.", lang)[0]


def _tidy(outcome: forms.Outcome, agreement_type: str, lang: str,
          labels: Mapping[str, str]) -> None:
    """Put each error on the input the user sees, in the user's language."""
    errors: dict[str, list[str]] = {}
    ends = _end_before_start(lang)
    for name, messages in outcome.errors.items():
        for message in messages:
            text, known = translate(message, lang)
            if known and message in outcome.untranslated:
                outcome.untranslated.discard(message)
            where = name
            if name == "terms" or name.startswith("terms."):
                where = f"{agreement_type}__{name}"
            elif name == "visibility" or name.startswith("visibility."):
                where = "_form"
            elif name == "_form" and text == ends:
                where = "end_date"
            if text not in errors.setdefault(where, []):
                errors[where].append(text)
    outcome.errors = errors
    # The list of what changed names each input by its label: show its choices by theirs.
    names = {label: name for name, label in labels.items()}
    choices = value_labels(lang)

    def shown(label: str, value: str) -> str:
        return choices.get(names.get(label, ""), {}).get(value, value)

    outcome.changed = [(label, shown(label, then), shown(label, now))
                       for label, then, now in outcome.changed]


def submit(
    values: Mapping[str, str], agreement_type: str, *, operation: str,
    path_args: Mapping[str, Any] | None, lang: str, clear_empty: bool,
    current: Callable[[], Mapping[str, str]] | None, labels: Mapping[str, str],
    method_of: Mapping[int, int],
) -> forms.Outcome:
    """Submit the agreement form: the common fields as the form posted them, the chosen type's
    terms and marks put in the body, errors returned to the inputs they belong to."""
    common: MultiDict[str, str] = MultiDict(
        [(k, v) for k, v in values.items() if "__" not in k and not k.startswith("mark.")])
    common[forms.BASE_FIELD] = request.form.get(forms.BASE_FIELD, "")
    known = agreement_type in TERMS
    terms = terms_of(values, agreement_type) if known else None
    marks = visibility_of(values, agreement_type) if known else None

    def adjust(body: dict[str, Any]) -> dict[str, Any]:
        body = dict(body)
        if terms is not None:
            body["terms"] = terms
            body["visibility"] = marks
        introduction_id = body.get("introduction_id")
        if operation == "create_agreement" and "method_id" not in body \
                and isinstance(introduction_id, int) and introduction_id in method_of:
            body["method_id"] = method_of[introduction_id]
        return body

    outcome = forms.submit(operation, path_args, form=common, lang=lang,
                           clear_empty=clear_empty, adjust=adjust, current=current,
                           labels=labels)
    _tidy(outcome, agreement_type, lang, labels)
    return outcome


# --- pages -----------------------------------------------------------------------------------


def _href(path: str, lang: str) -> str:
    return path + ("?lang=en" if lang == "en" else "")


def _number(value: Any, lang: str) -> str:
    """A figure as a reader reads it: 614 400 and 0,4 in Norwegian."""
    if value is None:
        return "–"
    number = float(value)
    text = f"{number:,.0f}" if number.is_integer() else f"{number:,.2f}".rstrip("0")
    return text if lang == "en" else text.replace(",", "\u00a0").replace(".", ",")


@dataclass
class Links:
    """What an agreement may be linked to: the methods and temporary introductions."""

    methods: list[tuple[str, str]]
    introductions: list[tuple[str, str]]
    method_of: dict[int, int]  # introduction id -> method id


def links(lang: str) -> Links:
    """Read the methods and introductions a new agreement may be linked to, as the API shows
    them to the user."""
    methods = forms.read("list_methods", query={"limit": 500}).items
    intros = forms.read("list_introductions", query={"limit": 500}).items
    method_labels = {m.id: f"{m.nye_metoder_id} {m.active_substance}"
                     for m in sorted(methods, key=lambda m: m.nye_metoder_id)}
    intro_labels = {
        i.id: t("agreement.introduction.option", lang, id=i.nye_metoder_id,
                name=i.active_substance, date=web_lang.fmt_date(i.decision_date, lang))
        for i in sorted(intros, key=lambda i: i.nye_metoder_id)
    }
    return Links(
        methods=[(str(k), v) for k, v in method_labels.items()],
        introductions=[(str(k), v) for k, v in intro_labels.items()],
        method_of={i.id: i.method_id for i in intros},
    )


def _context(lang: str) -> dict[str, Any]:
    return {
        "types": options("agreement_type", AgreementType, lang),
        "statuses": options("agreement_status", AgreementStatus, lang),
        "levels": options("oecd_level", OecdLevel, lang),
        "marks": options("visibility", Visibility, lang),
        "months": [(str(i), t(f"month.{i}", lang)) for i in range(1, 13)],
        "choice_options": lambda spec: [(o, t(f"agreement.term.{spec.key}.{o}", lang))
                                        for o in spec.options],
        "terms_of": TERMS, "price_fields": PRICE_FIELDS,
        "term_name": term_name, "mark_name": mark_name, "row_count": row_count,
        "is_rows": lambda spec: isinstance(spec, Rows),
        "number": lambda value: _number(value, lang),
        "as_date": _as_date,
        "back": _href("/dashboards/avtaler", lang),
    }


def _form(
    *, values: dict[str, str], operation: str, path_args: Mapping[str, Any] | None,
    agreement: Mapping[str, Any] | None, heading: str, linkable: Links | None,
    current: Callable[[], Mapping[str, str]] | None, subtitle: str | None = None,
    method_label: str | None = None,
) -> Any:
    """Show the agreement form (GET) or submit it (POST): on success go to the agreement,
    else show the form again with what was typed and each error next to its input."""
    lang = current_language()
    shown: dict[str, str] = values
    base = forms.base_of(values)
    outcome: forms.Outcome | None = None
    status = 200
    if request.method == "POST":
        shown = compact(request.form.copy())
        base = request.form.get(forms.BASE_FIELD) or base
    kind = str(agreement["type"]) if agreement else shown.get("type", "")
    labels = labels_for(shown, lang)
    if request.method == "POST":
        outcome = submit(
            shown, kind, operation=operation, path_args=path_args, lang=lang,
            clear_empty=agreement is not None, current=current, labels=labels,
            method_of=linkable.method_of if linkable else {},
        )
        if outcome.ok:
            flash(t("agreement.saved", lang), "saved")
            return redirect(_href(f"/arbeid/avtaler/{outcome.result['id']}", lang))
        # What was typed is shown again, never an identity number (see forms.form_page).
        shown = {k: ("" if text_has_national_id(v) else v) for k, v in shown.items()}
        status = 409 if outcome.stale else (422 if outcome.errors else 409)
    html = render_template(
        "web/agreement_form.html", values=shown, errors=outcome.errors if outcome else {},
        outcome=outcome, labels=labels, base=base, heading=heading, subtitle=subtitle,
        agreement=agreement, kind=kind, links=linkable, method_label=method_label,
        **_context(lang))
    return html, status


def new_agreement() -> Any:
    """Record a price agreement, optionally for a given introduction (?introduction_id=)."""
    require("agreements", "write")
    lang = current_language()
    linkable = links(lang)
    values = defaults(lang)
    wanted = request.args.get("introduction_id", type=int)
    if wanted in linkable.method_of:
        values["introduction_id"] = str(wanted)
        values["method_id"] = str(linkable.method_of[wanted])
    if request.args.get("type") in TERMS:
        values["type"] = str(request.args["type"])
    return _form(values=values, operation="create_agreement", path_args=None, agreement=None,
                 heading=t("agreement.new", lang), linkable=linkable, current=None)


def _method_label(agreement: Mapping[str, Any]) -> str:
    method = forms.read("get_method", {"method_id": agreement["method_id"]})
    return f"{method.nye_metoder_id} {method.active_substance}"


def show_agreement(agreement_id: int) -> Any:
    """See an agreement as the API shows it to this role; change it if the role may."""
    require("agreements", "read")
    lang = current_language()
    found = forms.read("get_agreement", {"agreement_id": agreement_id})
    if request.method == "POST":
        require("agreements", "write")
    method_label = _method_label(found)
    kind = t(f"enum.agreement_type.{found['type']}", lang) if found.get("type") else "–"
    title = f"{method_label} – {kind}"
    if not forms.may("agreements"):
        return forms.render_page("web/agreement.html", agreement=found, title=title,
                                 method_label=method_label, **_context(lang))

    def stored() -> dict[str, str]:
        return values_of(forms.read("get_agreement", {"agreement_id": agreement_id}), lang)

    return _form(values=stored(), operation="update_agreement",
                 path_args={"agreement_id": agreement_id}, agreement=found,
                 heading=t("agreement.edit", lang), subtitle=title, linkable=None,
                 current=stored, method_label=method_label)


def register(bp: Blueprint) -> None:
    """Add the routes."""
    bp.add_url_rule("/avtaler/ny", view_func=new_agreement, endpoint="new_agreement",
                    methods=["GET", "POST"])
    bp.add_url_rule("/avtaler/<int:agreement_id>", view_func=show_agreement,
                    endpoint="agreement", methods=["GET", "POST"])
