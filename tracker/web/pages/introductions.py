"""The secretariat's forms for a temporary introduction ("midlertidig innføring").

One guided form records the introduction with everything fixed at decision time (create);
the introduction's page changes it, its outcome measures, milestones and assumed curves, each
through its own API operation and version; the analysis-plan page registers frozen versions.

Repeated parts (outcome measures, milestones, curves, a curve's points) are row editors
(`tracker.web.pages.row_forms`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from flask import Blueprint, jsonify, redirect, request
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from tracker.access import require
from tracker.web import forms
from tracker.web.lang import current_language, parse_date
from tracker.web.pages import introduction_curves as curves
from tracker.web.pages.row_forms import compact_rows, form_page, row_indices
from tracker.web.text import add, t

add({
    "intro.new": ("Registrer midlertidig innføring", "Register the temporary introduction"),
    "intro.new.of": ("Midlertidig innføring av {method}", "Temporary introduction of {method}"),
    "intro.new.lead": (
        "Fyll inn det som ble fastsatt i beslutningen: usikkerheten, utfallsmålene, planen for "
        "datainnsamling, revurderingsdatoen, kriteriene, exit-planen og antagelsene i den "
        "helseøkonomiske modellen.",
        "Fill in what the decision fixed: the uncertainty, the outcome measures, the "
        "data-collection plan, the review date, the criteria, the exit plan and the assumptions "
        "of the health-economic model.",
    ),
    "intro.decision": ("Beslutning {date}: {outcome}", "Decision of {date}: {outcome}"),
    "intro.wrong_outcome": (
        "Bare en beslutning om midlertidig innføring kan ha en midlertidig innføring.",
        "Only a decision to introduce temporarily can have a temporary introduction.",
    ),
    "intro.back_to_method": ("Tilbake til metoden", "Back to the method"),
    "intro.title": ("Midlertidig innføring: {method}", "Temporary introduction: {method}"),
    "intro.dashboard": ("Se innføringen i oversikten (registerkurver mot antagelser)",
                        "See the introduction in the dashboards (registry curves against "
                        "assumptions)"),
    "intro.edit": ("Endre innføringen", "Edit the introduction"),
    "intro.read_only": ("Rollen din kan se innføringen, men ikke endre den.",
                        "Your role may see the introduction but not change it."),
    "intro.created": ("Den midlertidige innføringen er registrert.",
                      "The temporary introduction is recorded."),
    "intro.section.uncertainty": ("Usikkerhet og dokumentasjon", "Uncertainty and documentation"),
    "intro.section.review": ("Revurdering og utfasing", "Reassessment and phase-out"),
    "intro.section.exit": ("Exit-plan", "Exit plan"),
    "intro.section.exit.lead": (
        "Hva skjer med nye pasienter og med pasienter som står på behandling hvis metoden "
        "ikke videreføres?",
        "What happens to new patients and to patients on treatment if the method is not "
        "continued?",
    ),
    "intro.section.measures": ("Utfallsmål", "Outcome measures"),
    "intro.section.milestones": ("Datainnsamling: milepæler per datakilde",
                                 "Data collection: milestones per data source"),
    "intro.section.assumptions": ("Antagelser i den helseøkonomiske modellen",
                                  "Assumptions of the health-economic model"),
    "intro.section.curves": ("Antatte kurver", "Assumed curves"),
    "intro.section.history": ("Endringer av revurderingsdatoen", "Changes of the review date"),
    "intro.section.plan": ("Analyseplan", "Analysis plan"),
    "intro.rows.hint": ("Tomme rader lagres ikke.", "Empty rows are not saved."),
    "intro.add_row": ("Legg til rad", "Add a row"),
    "intro.uncertainty": ("Usikkerheten, identifisert og beskrevet",
                          "The uncertainty, identified and described"),
    "intro.key_parameters": ("Parametre som driver resultatet",
                             "Parameters that drive the result"),
    "intro.key_parameters.hint": ("Én per linje.", "One per line."),
    "intro.documentation_duty": ("Dokumentasjonsplikt (hvem skal dokumentere)",
                                 "Documentation duty (who must document)"),
    "intro.documentation_duty.hint": ("Normalt innehaveren av markedsføringstillatelsen.",
                                      "Normally the marketing-authorisation holder."),
    "intro.review_date": ("Revurderingsdato", "Review date"),
    "intro.review_date.hint": ("Når metoden skal revurderes.",
                               "When the method is to be reassessed."),
    "intro.review_date_reason": ("Begrunnelse for ny revurderingsdato",
                                 "Reason for the new review date"),
    "intro.review_date_reason.hint": ("Må fylles ut når revurderingsdatoen endres.",
                                      "Required when the review date changes."),
    "intro.reassessment_criteria": ("Kriterier for revurdering", "Criteria for reassessment"),
    "intro.phaseout_criteria": ("Kriterier for utfasing", "Criteria for phase-out"),
    "intro.exit_plan.new_patients": ("Nye pasienter", "New patients"),
    "intro.exit_plan.patients_on_treatment": ("Pasienter som står på behandling",
                                              "Patients on treatment"),
    "intro.exit_plan.subgroups": ("Undergrupper som kan videreføres",
                                  "Subgroups that may be continued"),
    "intro.responsible_emails": ("Ansvarlige (e-post) som varsles om frister",
                                 "Responsible people (e-mail) notified of deadlines"),
    "intro.responsible_emails.hint": ("Én adresse per linje.", "One address per line."),
    "intro.expected_patients_per_year": ("Forventet antall pasienter per år",
                                         "Expected patients per year"),
    "intro.expected_treatment_duration_months": ("Forventet behandlingslengde (måneder)",
                                                 "Expected treatment duration (months)"),
    "intro.cost_per_qaly.value": ("Kostnad per QALY (kr)", "Cost per QALY (NOK)"),
    "intro.cost_per_qaly.low": ("Laveste verdi i sensitivitetsanalysene (kr)",
                                "Lowest value in the sensitivity analyses (NOK)"),
    "intro.cost_per_qaly.high": ("Høyeste verdi i sensitivitetsanalysene (kr)",
                                 "Highest value in the sensitivity analyses (NOK)"),
    "intro.cost_per_qaly.price_basis": ("Prisgrunnlag", "Price basis"),
    "intro.cost_per_qaly.price_basis.hint": (
        "Beregnet med avtalt pris er konfidensielt: bare Sykehusinnkjøp og Beslutningsforum "
        "ser tallene.",
        "Computed with the agreed price is confidential: only Sykehusinnkjøp and "
        "Beslutningsforum see the figures.",
    ),
    "intro.cost.withheld": (
        "En kostnad per QALY beregnet med konfidensiell pris er registrert, men vises ikke for "
        "rollen din. La feltene stå tomme for å beholde den; fyll dem ut for å erstatte den.",
        "A cost per QALY computed with a confidential price is recorded but not shown to your "
        "role. Leave the fields empty to keep it; fill them in to replace it.",
    ),
    "intro.cost.withheld.short": ("Registrert, men skjult for rollen din (konfidensiell pris).",
                                  "Recorded, but hidden from your role (confidential price)."),
    "intro.status": ("Status", "Status"),
    "intro.status.active": ("Aktiv: data samles inn", "Active: collecting data"),
    "intro.status.under_reassessment": ("Under revurdering", "Under reassessment"),
    "intro.status.concluded": ("Avsluttet (revurdering besluttet)",
                               "Concluded (reassessment decided)"),
    "enum.price_basis.list_price": ("Listepris (maksimal AUP eller LIS-AUP): offentlig",
                                    "List price (maximum AUP or LIS-AUP): public"),
    "enum.price_basis.confidential_price": ("Avtalt pris: konfidensiell",
                                            "Agreed price: confidential"),
    # outcome measures
    "om.row": ("Utfallsmål {n}", "Outcome measure {n}"),
    "om.new": ("Nytt utfallsmål", "New outcome measure"),
    "om.edit": ("Endre utfallsmål: {name}", "Edit outcome measure: {name}"),
    "om.none": ("Ingen utfallsmål registrert.", "No outcome measures recorded."),
    "om.name": ("Navn", "Name"),
    "om.kind": ("Type", "Kind"),
    "om.definition": ("Definisjon", "Definition"),
    "om.definition.hint": ("Entydig: fra når, til hva, og hvordan det måles.",
                           "Unambiguous: from when, to what, and how it is measured."),
    "om.data_source": ("Datakilde", "Data source"),
    "om.responsible_party": ("Ansvarlig for dataene", "Responsible for the data"),
    "om.data_expected_by": ("Data forventet innen", "Data expected by"),
    "enum.outcome_kind.OS": ("Totaloverlevelse (OS)", "Overall survival (OS)"),
    "enum.outcome_kind.PFS": ("Progresjonsfri overlevelse (PFS)",
                              "Progression-free survival (PFS)"),
    "enum.outcome_kind.TTD": ("Tid på behandling (TTD)", "Time on treatment (TTD)"),
    "enum.outcome_kind.response": ("Respons (responsrate)", "Response (response rate)"),
    "enum.outcome_kind.PROM": ("Pasientrapportert utfall (PROM)",
                               "Patient-reported outcome (PROM)"),
    "enum.outcome_kind.other": ("Annet utfallsmål", "Other outcome"),
    # milestones
    "ms.row": ("Milepæl {n}", "Milestone {n}"),
    "ms.new": ("Ny milepæl", "New milestone"),
    "ms.edit": ("Endre milepæl: {name}", "Edit milestone: {name}"),
    "ms.none": ("Ingen milepæler registrert.", "No milestones recorded."),
    "ms.data_source": ("Datakilde", "Data source"),
    "ms.description": ("Hva som skal leveres", "What is to be delivered"),
    "ms.expected_date": ("Forventet levert", "Expected delivery"),
    "ms.data_cut": ("Datakutt", "Data cut"),
    "ms.data_cut.hint": ("Datoen leveransen skal dekke data fram til.",
                         "The date the delivery covers data up to."),
    "ms.responsible_party": ("Ansvarlig", "Responsible"),
    # assumed curves
    "curve.row": ("Antatt kurve {n}", "Assumed curve {n}"),
    "curve.of": ("Antatt kurve: {endpoint}", "Assumed curve: {endpoint}"),
    "curve.set": ("Legg inn antatt kurve", "Set the assumed curve"),
    "curve.change": ("Endre kurven", "Change the curve"),
    "curve.none": ("Ingen antatt kurve.", "No assumed curve."),
    "curve.endpoint": ("Endepunkt", "Endpoint"),
    "curve.distribution": ("Fordeling", "Distribution"),
    "curve.parameters.hint": (
        "Fyll inn parametrene til fordelingen du har valgt: eksponentiell: rate; Weibull og "
        "log-logistisk: skala og form; lognormal: μ og σ; Gompertz: rate og form.",
        "Fill in the parameters of the chosen distribution: exponential: rate; Weibull and "
        "log-logistic: scale and shape; lognormal: μ and σ; Gompertz: rate and shape.",
    ),
    "curve.parameters.rate": ("Rate", "Rate"),
    "curve.parameters.scale": ("Skala", "Scale"),
    "curve.parameters.shape": ("Form", "Shape"),
    "curve.parameters.mu": ("μ (gjennomsnitt av log-tid)", "μ (mean of log time)"),
    "curve.parameters.sigma": ("σ (standardavvik av log-tid)",
                               "σ (standard deviation of log time)"),
    "curve.time_unit": ("Tidsenhet", "Time unit"),
    "curve.source": ("Kilde for antagelsen", "Source of the assumption"),
    "curve.source.hint": ("For eksempel tabellen i metodevurderingen.",
                          "For example the table in the assessment report."),
    "curve.points": ("Punkter på kurven", "Points on the curve"),
    "curve.points.hint": ("Tid og andel i live (0–1); S(0) = 1 er underforstått.",
                          "Time and proportion alive (0–1); S(0) = 1 is implied."),
    "curve.point": ("Punkt {n}", "Point {n}"),
    "curve.point.time": ("Tid", "Time"),
    "curve.point.survival": ("Overlevelse S(t)", "Survival S(t)"),
    "curve.interpolation": ("Mellom punktene", "Between the points"),
    "curve.preview": ("Forhåndsvisning av kurven", "Preview of the curve"),
    "curve.preview.hint": ("Kurven tegnes mens du skriver.", "The curve is drawn as you type."),
    "curve.preview.empty": ("Velg fordeling og fyll inn parametrene for å se kurven.",
                            "Choose a distribution and fill in its parameters to see the curve."),
    "curve.median": ("Median: {value} {unit}", "Median: {value} {unit}"),
    "curve.median.none": ("Medianen nås ikke (kurven holder seg over 0,5).",
                          "The median is not reached (the curve stays above 0.5)."),
    "curve.at": ("S({time} {unit}) = {value}", "S({time} {unit}) = {value}"),
    "curve.figure": ("Antatt overlevelseskurve, {median}", "Assumed survival curve, {median}"),
    "curve.saved": ("Den antatte kurven er lagret.", "The assumed curve is saved."),
    "enum.endpoint.OS": ("Totaloverlevelse (OS)", "Overall survival (OS)"),
    "enum.endpoint.PFS": ("Progresjonsfri overlevelse (PFS)", "Progression-free survival (PFS)"),
    "enum.endpoint.TTD": ("Tid på behandling (TTD)", "Time on treatment (TTD)"),
    "enum.distribution.exponential": ("Eksponentiell", "Exponential"),
    "enum.distribution.weibull": ("Weibull", "Weibull"),
    "enum.distribution.lognormal": ("Lognormal", "Log-normal"),
    "enum.distribution.loglogistic": ("Log-logistisk", "Log-logistic"),
    "enum.distribution.gompertz": ("Gompertz", "Gompertz"),
    "enum.distribution.points": ("Punkter (tabell)", "Points (table)"),
    "enum.time_unit.months": ("måneder", "months"),
    "enum.time_unit.days": ("dager", "days"),
    "enum.interpolation.step": ("Trinn (verdien holdes til neste punkt)",
                                "Steps (the value holds until the next point)"),
    "enum.interpolation.linear": ("Rett linje mellom punktene",
                                  "Straight line between the points"),
    # review-date history
    "intro.hist.old": ("Fra", "From"),
    "intro.hist.new": ("Til", "To"),
    "intro.hist.reason": ("Begrunnelse", "Reason"),
    "intro.hist.by": ("Endret av", "Changed by"),
    "intro.hist.at": ("Når", "When"),
    "intro.col.actions": ("Handlinger", "Actions"),
    "intro.action.edit": ("Endre", "Edit"),
})

MEASURE_FIELDS = ("name", "kind", "definition", "data_source", "responsible_party",
                  "data_expected_by")
MILESTONE_FIELDS = ("data_source", "description", "expected_date", "data_cut",
                    "responsible_party")
CURVE_IGNORED = frozenset({"time_unit", "interpolation"})  # have defaults: not what fills a row
# The API's English message when a new review date comes without its reason (a rule of the
# whole body, so the API names no field); the form shows it at the reason's input.
REASON_REQUIRED = ("review_date_reason is required when review_date changes: say why the date "
                   "moves.")
TEXT_LISTS = ("key_parameters", "responsible_emails")


# --- labels of inputs, including those of rows ------------------------------------------------


class Labels(Mapping[str, str]):
    """Names of a form's inputs, for the error summary and the stale-edit table; the inputs of
    rows are named with their row ("Milepæl 2: Forventet levert")."""

    def __init__(self, lang: str, fixed: Mapping[str, str]) -> None:
        self.lang = lang
        self.fixed = dict(fixed)

    def __getitem__(self, name: str) -> str:
        if name in self.fixed:
            return self.fixed[name]
        match = re.fullmatch(r"(outcome_measures|milestones|assumptions\.curves|points)"
                             r"(?:\.(\d+)(?:\.(.+))?)?", name)
        if match is None:
            return self._field(name)
        group, index, rest = match.groups()
        if group == "points":  # a curve's point on the curve's own page
            return self._field(name)
        key = {"outcome_measures": "om", "milestones": "ms", "assumptions.curves": "curve"}[group]
        if index is None:
            return t({"om": "intro.section.measures", "ms": "intro.section.milestones",
                      "curve": "intro.section.curves"}[key], self.lang)
        row = t(f"{key}.row", self.lang, n=int(index) + 1)
        return f"{row}: {self._field(rest, key)}" if rest else row

    def _field(self, rest: str, key: str = "curve") -> str:
        if key == "curve":
            found = curves.field_label(rest, self.lang)
            if found:
                return found
        rest = rest.removeprefix("assumptions.")
        for candidate in (f"{key}.{rest}", f"intro.{rest}", {"exit_plan": "intro.section.exit",
                                                              "decision_id": "decision.outcome"
                                                              }.get(rest, "")):
            try:
                return t(candidate, self.lang)
            except KeyError:
                continue
        return rest

    def __iter__(self) -> Iterator[str]:
        return iter(self.fixed)

    def __len__(self) -> int:
        return len(self.fixed)


# --- rows ---------------------------------------------------------------------------------------


def _compact_introduction(form: MultiDict[str, str]) -> MultiDict[str, str]:
    form = compact_rows(form, "outcome_measures")
    form = compact_rows(form, "milestones")
    curve_rows = {int(m.group(1)) for key in form
                  if (m := re.match(r"^assumptions\.curves\.(\d+)\.", key))}
    for i in curve_rows:
        form = compact_rows(form, f"assumptions.curves.{i}.points")
    return compact_rows(form, "assumptions.curves", CURVE_IGNORED)


# --- shared page parts ------------------------------------------------------------------------


def _lang_arg() -> str:
    return "?lang=en" if current_language() == "en" else ""


def intro_href(introduction_id: int, anchor: str = "") -> str:
    """The introduction's working page, in the current language."""
    return f"/arbeid/innforinger/{introduction_id}{_lang_arg()}{anchor}"


def _options(prefix: str, values: Any, lang: str) -> list[tuple[str, str]]:
    return [(str(v), t(f"enum.{prefix}.{v}", lang)) for v in values]


def _sources(lang: str) -> list[tuple[str, str]]:
    page = forms.read("list_data_sources", query={"limit": 500})
    return sorted(((s.code, s.name) for s in page.items), key=lambda pair: pair[1].lower())


def _choices(lang: str) -> dict[str, Any]:
    from tracker.introductions.enums import Endpoint, OutcomeKind, PriceBasis, TimeUnit

    return {
        "sources": _sources(lang),
        "kinds": _options("outcome_kind", OutcomeKind, lang),
        "endpoints": _options("endpoint", Endpoint, lang),
        "distributions": _options("distribution", curves.DISTRIBUTIONS, lang),
        "time_units": _options("time_unit", TimeUnit, lang),
        "interpolations": _options("interpolation", ("step", "linear"), lang),
        "price_bases": _options("price_basis", PriceBasis, lang),
        "parameters": curves.PARAMETERS,
        "row_indices": row_indices,
        "preview_url": "/arbeid/innforinger/kurve-forhandsvisning" + _lang_arg(),
    }


def _strip_list_items(values: dict[str, str], names: tuple[str, ...]) -> dict[str, str]:
    """`forms.flatten` writes a list of texts both whole and item by item; a form has the whole."""
    pattern = re.compile(rf"^({'|'.join(re.escape(n) for n in names)})\.\d+$")
    return {k: v for k, v in values.items() if not pattern.match(k)}


# --- create -----------------------------------------------------------------------------------


def _introduction_of_decision(decision: Any) -> int | None:
    page = forms.read("list_introductions", query={"method_id": decision.method_id,
                                                   "limit": 500})
    return next((row.id for row in page.items if row.decision_id == decision.id), None)


def _drop_empty_cost(holder: dict[str, Any], *, keep_none: bool) -> None:
    cost = holder.get("cost_per_qaly")
    if isinstance(cost, dict) and all(cost.get(k) in (None, "") for k in ("value", "low",
                                                                             "high")):
        if keep_none:
            holder["cost_per_qaly"] = None
        else:
            holder.pop("cost_per_qaly")


def new_introduction(decision_id: int) -> Any:
    """Record the temporary introduction a decision made, with all its parts, in one form."""
    require("introductions", "write")
    lang = current_language()
    decision = forms.read("get_decision", {"decision_id": decision_id})
    method = forms.read("get_method", {"method_id": decision.method_id})
    existing = _introduction_of_decision(decision)
    if existing is not None and request.method == "GET":
        return redirect(intro_href(existing))

    def adjust(body: dict[str, Any]) -> dict[str, Any]:
        assumptions = dict(body.get("assumptions") or {})
        assumptions["curves"] = [curves.clean(c) for c in assumptions.get("curves", [])]
        _drop_empty_cost(assumptions, keep_none=False)
        return {**body, "decision_id": decision_id, "assumptions": assumptions}

    values = {"documentation_duty": method.ma_holder or "",
              "assumptions.cost_per_qaly.price_basis": "confidential_price"}
    return form_page(
        "web/introduction_form.html", operation="create_introduction", values=values,
        labels=Labels(lang, {}), done=lambda intro: intro_href(intro.id),
        prepare=_compact_introduction, adjust=adjust, saved=t("intro.created", lang),
        heading=t("intro.new.of", lang, method=f"{method.nye_metoder_id} "
                                               f"{method.active_substance}"),
        method=method, decision=decision,
        wrong_outcome=str(decision.outcome) != "temporarily_introduced",
        **_choices(lang))


# --- view and edit ----------------------------------------------------------------------------


def _main_values(intro: Any, lang: str) -> dict[str, str]:
    data = intro.model_dump(include={"uncertainty", "key_parameters", "documentation_duty",
                                     "review_date", "reassessment_criteria",
                                     "phaseout_criteria", "exit_plan", "responsible_emails",
                                     "version"})
    a = intro.assumptions
    data["expected_patients_per_year"] = a.expected_patients_per_year
    data["expected_treatment_duration_months"] = a.expected_treatment_duration_months
    # Without a stored cost the basis offered is the confidential price, the API's default:
    # a cost typed later is then never published by mistake.
    data["cost_per_qaly"] = (a.cost_per_qaly.model_dump() if a.cost_per_qaly
                             else {"price_basis": "confidential_price"})
    return _strip_list_items(forms.flatten(data, lang), TEXT_LISTS)


def _opened_review_date(form: Mapping[str, str]) -> str | None:
    """The review date the form showed when it was opened (ISO), from its `_base`."""
    try:
        shown = json.loads(form.get(forms.BASE_FIELD) or "{}").get("review_date", "")
        return parse_date(shown).isoformat() if shown else None
    except (ValueError, AttributeError):
        return None


def introduction_page(introduction_id: int) -> Any:
    """See a temporary introduction with all its parts; change it."""
    require("introductions", "read")
    if request.method == "POST":
        require("introductions", "write")
    lang = current_language()
    intro = forms.read("get_introduction", {"introduction_id": introduction_id})
    withheld = "assumptions.cost_per_qaly" in intro.withheld_fields

    def stored() -> dict[str, str]:
        return _main_values(forms.read("get_introduction", {"introduction_id": introduction_id}),
                            lang)

    def adjust(body: dict[str, Any]) -> dict[str, Any]:
        body = dict(body)
        if body.get("review_date") == _opened_review_date(request.form):
            body.pop("review_date", None)  # not changed: no reason needed, no history entry
            body.pop("review_date_reason", None)
        for name in TEXT_LISTS:
            if name in body and body[name] is None:
                body[name] = []  # emptied: nobody, no parameter
        _drop_empty_cost(body, keep_none=not withheld)
        return body

    labels = Labels(lang, {})
    return form_page(
        "web/introduction_page.html", operation="update_introduction",
        path_args={"introduction_id": introduction_id}, values=stored(), labels=labels,
        done=lambda result: intro_href(introduction_id), clear_empty=True, adjust=adjust,
        current=stored, moves={REASON_REQUIRED: "review_date_reason"},
        heading=t("intro.title", lang, method=f"{intro.nye_metoder_id} {intro.active_substance}"),
        intro=intro, withheld=withheld, may_write=forms.may("introductions"),
        source_names=dict(_sources(lang)), curve_texts=curves.describe_all(intro, lang),
        dashboard_href=f"/dashboards/introduksjon/{introduction_id}{_lang_arg()}",
        **_choices(lang))


def _measure_values(intro: Any, measure_id: int, lang: str) -> dict[str, str]:
    from tracker.errors import NotFound

    for measure in intro.outcome_measures:
        if measure.id == measure_id:
            return forms.flatten(measure.model_dump(include={*MEASURE_FIELDS, "version"}), lang)
    raise NotFound(f"Outcome measure {measure_id} does not exist on this introduction.")


def measure_page(introduction_id: int, measure_id: int | None = None) -> Any:
    """Add an outcome measure to an introduction, or change one."""
    require("introductions", "write")
    lang = current_language()
    intro = forms.read("get_introduction", {"introduction_id": introduction_id})

    def stored() -> dict[str, str]:
        now = forms.read("get_introduction", {"introduction_id": introduction_id})
        return _measure_values(now, measure_id, lang) if measure_id else {}

    values = stored()
    heading = (t("om.edit", lang, name=values.get("name", "")) if measure_id
               else t("om.new", lang))
    return form_page(
        "web/introduction_measure_form.html",
        operation="update_outcome_measure" if measure_id else "add_outcome_measure",
        path_args={"introduction_id": introduction_id,
                   **({"measure_id": measure_id} if measure_id else {})},
        values=values, labels=Labels(lang, {n: t(f"om.{n}", lang) for n in MEASURE_FIELDS}),
        done=lambda result: intro_href(introduction_id, "#measures"),
        clear_empty=bool(measure_id), current=stored if measure_id else None,
        heading=heading, intro=intro, **_choices(lang))


def _milestone_values(intro: Any, milestone_id: int, lang: str) -> dict[str, str]:
    from tracker.errors import NotFound

    for milestone in intro.milestones:
        if milestone.id == milestone_id:
            return forms.flatten(milestone.model_dump(include={*MILESTONE_FIELDS, "version"}),
                                 lang)
    raise NotFound(f"Milestone {milestone_id} does not exist on this introduction.")


def milestone_page(introduction_id: int, milestone_id: int | None = None) -> Any:
    """Add a milestone to the data-collection plan, or change one."""
    require("introductions", "write")
    lang = current_language()
    intro = forms.read("get_introduction", {"introduction_id": introduction_id})

    def stored() -> dict[str, str]:
        now = forms.read("get_introduction", {"introduction_id": introduction_id})
        return _milestone_values(now, milestone_id, lang) if milestone_id else {}

    values = stored()
    heading = (t("ms.edit", lang, name=values.get("description", "")) if milestone_id
               else t("ms.new", lang))
    return form_page(
        "web/introduction_milestone_form.html",
        operation="update_milestone" if milestone_id else "add_milestone",
        path_args={"introduction_id": introduction_id,
                   **({"milestone_id": milestone_id} if milestone_id else {})},
        values=values, labels=Labels(lang, {n: t(f"ms.{n}", lang) for n in MILESTONE_FIELDS}),
        done=lambda result: intro_href(introduction_id, "#milestones"),
        clear_empty=bool(milestone_id), current=stored if milestone_id else None,
        moves={}, heading=heading, intro=intro, **_choices(lang))


def curve_page(introduction_id: int, endpoint: str) -> Any:
    """Set or replace the assumed curve of one endpoint, with its preview."""
    from tracker.errors import NotFound
    from tracker.introductions.enums import Endpoint

    require("introductions", "write")
    if endpoint not in {e.value for e in Endpoint}:
        raise NotFound(f"Unknown endpoint {endpoint}.")
    lang = current_language()
    intro = forms.read("get_introduction", {"introduction_id": introduction_id})

    def stored() -> dict[str, str]:
        now = forms.read("get_introduction", {"introduction_id": introduction_id})
        return curves.form_values(now, endpoint, lang)

    def adjust(body: dict[str, Any]) -> dict[str, Any]:
        return curves.clean({**body, "endpoint": endpoint})

    values = stored() or {"endpoint": endpoint}
    return form_page(
        "web/introduction_curve_form.html", operation="put_assumption",
        path_args={"introduction_id": introduction_id, "endpoint": endpoint}, values=values,
        labels=Labels(lang, {}), done=lambda result: intro_href(introduction_id, "#curves"),
        prepare=lambda form: compact_rows(form, "points"), adjust=adjust,
        current=stored if "version" in values else None, saved=t("curve.saved", lang),
        heading=t("curve.of", lang, endpoint=t(f"enum.endpoint.{endpoint}", lang)),
        intro=intro, endpoint=endpoint, **_choices(lang))


def curve_preview() -> Response | tuple[Response, int]:
    """Draw an assumed curve as it is typed: validate it with the API's own schema and return
    the points computed by the analytics' parametric code (JSON)."""
    require("introductions", "write")
    lang = current_language()
    prefix = (request.form.get("prefix") or "").strip(".")
    cut = len(prefix) + 1 if prefix else 0
    fields = MultiDict([(k[cut:], v) for k, v in request.form.items(multi=True)
                        if (not prefix or k.startswith(prefix + "."))
                        and k not in {*forms.NOT_BODY, "prefix"}])
    answer = curves.preview_of_form(compact_rows(fields, "points"), lang)
    status = 200 if answer["ok"] else 422
    return jsonify(answer), status


def register(bp: Blueprint) -> None:
    """Add the routes."""
    from tracker.web.pages import analysis_plan

    bp.add_url_rule("/beslutninger/<int:decision_id>/innforing/ny", view_func=new_introduction,
                    endpoint="new_introduction", methods=["GET", "POST"])
    bp.add_url_rule("/innforinger/<int:introduction_id>", view_func=introduction_page,
                    endpoint="introduction", methods=["GET", "POST"])
    bp.add_url_rule("/innforinger/<int:introduction_id>/utfallsmal/ny", view_func=measure_page,
                    endpoint="new_measure", methods=["GET", "POST"])
    bp.add_url_rule("/innforinger/<int:introduction_id>/utfallsmal/<int:measure_id>",
                    view_func=measure_page, endpoint="measure", methods=["GET", "POST"])
    bp.add_url_rule("/innforinger/<int:introduction_id>/milepaeler/ny",
                    view_func=milestone_page, endpoint="new_milestone", methods=["GET", "POST"])
    bp.add_url_rule("/innforinger/<int:introduction_id>/milepaeler/<int:milestone_id>",
                    view_func=milestone_page, endpoint="milestone", methods=["GET", "POST"])
    bp.add_url_rule("/innforinger/<int:introduction_id>/kurver/<endpoint>",
                    view_func=curve_page, endpoint="curve", methods=["GET", "POST"])
    bp.add_url_rule("/innforinger/kurve-forhandsvisning", view_func=curve_preview,
                    endpoint="curve_preview", methods=["POST"])
    analysis_plan.register(bp)
