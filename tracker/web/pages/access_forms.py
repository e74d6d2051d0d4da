"""Registering a case of individual access in the browser: the Tilgangsordningen application
(Part 2 of the form, 002_e9fcae1246b76c56.txt L432–576), an exception for one patient (000 L259–
276) and an exception for a patient group (000 L281–288).

Each form goes through the API's own operation. A refusal by a rule of the scheme (the method is
not eligible, or a group question under Tilgangsordningen) is shown at the top naming the rule
and why, with what was typed kept.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request
from werkzeug.datastructures import MultiDict

from tracker.access import require
from tracker.errors import Forbidden
from tracker.individual.enums import ExceptionCriterion, Ground, Scheme
from tracker.web import forms
from tracker.web.lang import current_language
from tracker.web.pages import access_common as common
from tracker.web.pages.access_text import field_label, options
from tracker.web.pages.row_forms import compact_rows, row_indices
from tracker.web.text import add, t

add({
    "acc.new.access_scheme": ("Ny søknad til Tilgangsordningen",
                              "New application under Tilgangsordningen"),
    "acc.new.individual_exception": ("Ny søknad om unntak for enkeltpasient",
                                     "New application for an exception for one patient"),
    "acc.new.group_exception": ("Ny søknad om unntak for en pasientgruppe",
                                "New application for a group exception"),
    "acc.new.access_scheme.intro": (
        "Søknadsskjemaets del 2: opplysninger om pasienten uten persondata, behandlingsplan, "
        "kostnader, kriterier for klinisk eksepsjonalitet og totalvurdering. Felt som mangler, "
        "kan suppleres senere; koordinatoren sender søknaden tilbake om den ikke er "
        "tilstrekkelig opplyst.",
        "Part 2 of the application form: the patient without personal data, the treatment plan, "
        "costs, the grounds of clinical exceptionality and the overall assessment. Missing "
        "fields can be added later; the coordinator returns an application that is not "
        "sufficiently informed."),
    "acc.new.individual_exception.intro": (
        "Søknaden behandles i helseforetaket som har behandlingsansvaret; fagdirektøren "
        "avgjør. Alle de tre kriteriene må være oppfylt.",
        "The application is handled by the trust responsible for the treatment; its medical "
        "director decides. All three criteria must be met."),
    "acc.new.group_exception.intro": (
        "Et fagmiljø søker sammen med ledelsen i ett eller flere helseforetak; det "
        "interregionale fagdirektørmøtet avgjør og avgrenser unntaket.",
        "A clinical group applies with the management of one or more trusts; the "
        "interregional medical directors' meeting decides and sets the exception's limits."),
    "acc.part1.title": ("Del 1 skal ikke fylles inn her", "Part 1 is not entered here"),
    "acc.part1": (
        "Pasientens navn, fødselsnummer og signatur (søknadens del 1) blir i pasientens journal "
        "og skal aldri skrives i dette skjemaet. Del 1 og del 2 knyttes sammen med "
        "referansenummeret.",
        "The patient's name, national identity number and signature (Part 1 of the "
        "application) stay in the patient record and are never entered in this form. Part 1 "
        "and Part 2 are linked by the reference number."),
    "acc.no_identity": (
        "Skriv ikke pasientens navn eller fødselsnummer i noe felt; beskriv uten å identifisere "
        "pasienten.",
        "Do not write the patient's name or national identity number in any field; describe "
        "without identifying the patient."),
    "acc.new.save": ("Registrer søknaden", "Register the application"),
    "acc.new.saved": ("Søknaden er registrert.", "The application is registered."),
    "acc.method.hint": ("Skriv ID-en, for eksempel ID2025_012; listen foreslår registrerte "
                        "metoder.",
                        "Type the ID, e.g. ID2025_012; the list suggests registered methods."),
    "acc.lit.hint": ("Én kilde per rad; tomme rader lagres ikke.",
                     "One source a row; empty rows are not stored."),
    "acc.ground.hint": ("Kryss av for kriteriene du mener er oppfylt, og begrunn hvert av dem.",
                        "Tick the grounds you find met, and justify each."),
    "acc.criteria.hint": ("Alle de tre kriteriene må være oppfylt; begrunn hvert av dem.",
                          "All three criteria must be met; justify each."),
    "acc.own_trust": ("Du registrerer for ditt eget helseforetak, {trust}.",
                      "You register for your own trust, {trust}."),
    "acc.no_trust": (
        "Kontoen din er ikke knyttet til et helseforetak. Be en administrator knytte den til "
        "helseforetaket ditt.",
        "Your account is not linked to a health trust. Ask an administrator to link it to "
        "your trust."),
})

OPERATIONS = {Scheme.access_scheme: "create_access_case",
              Scheme.individual_exception: "create_exception_case",
              Scheme.group_exception: "create_group_case"}
SLUGS = {"tilgangsordningen": Scheme.access_scheme, "unntak": Scheme.individual_exception,
         "gruppeunntak": Scheme.group_exception}
TOP_FIELDS = {
    Scheme.access_scheme: ("nye_metoder_id", "sending_trust", "reference", "diagnosis_icd10",
                           "residence_trust", "received_on", "note"),
    Scheme.individual_exception: ("nye_metoder_id", "sending_trust", "reference",
                                  "diagnosis_icd10", "residence_trust", "received_on", "note"),
    Scheme.group_exception: ("nye_metoder_id", "sending_trust", "reference", "diagnosis_icd10",
                             "received_on", "note"),
}


def slug_of(scheme: Scheme) -> str:
    return next(slug for slug, known in SLUGS.items() if known == scheme)


def methods_for_list() -> list[tuple[str, str]]:
    """The registered methods, for the ID field's suggestions."""
    page = forms.read("list_methods", query={"limit": 500})
    return [(m.nye_metoder_id, m.trade_name or m.active_substance) for m in page.items]


def labels_for(scheme: Scheme, lang: str, rows: int) -> dict[str, str]:
    """The label of every input of the form, by name."""
    labels = {name: field_label(name, lang) for name in TOP_FIELDS[scheme]}
    labels.update(common.application_labels(scheme, lang, rows))
    return labels


def form_context(scheme: Scheme, lang: str, values: Any, posted: MultiDict[str, str] | None,
                 trusts_ticked: list[str]) -> dict[str, Any]:
    """What the application's field groups need (shared with the supplement form)."""
    rows = row_indices(values, "application.literature", spare=1,
                       least=common.LITERATURE_ROWS, most=30)
    names = [*TOP_FIELDS[scheme], *(f"application.{n}" for _g, ns in common.GROUPS[scheme]
                                    for n in ns), "application.concerns_group"]
    ctx = {
        "scheme": str(scheme), "groups": common.GROUPS[scheme], "lit_rows": rows,
        "hints": common.hints(names, lang),
        "grounds": [str(g) for g in Ground], "criteria": [str(c) for c in ExceptionCriterion],
        "legal_sexes": options("legal_sex", lang), "goals": options("goal", lang),
        "price_bases": options("price_basis", lang),
        "trust_groups": common.trusts_by_region(), "all_trusts": common.trust_options(),
        "trusts_ticked": posted.getlist("application.trusts") if posted is not None
        else trusts_ticked,
    }
    return ctx


def new_case(slug: str) -> Any:
    """Register a case of one scheme."""
    require("access_cases", "write")
    scheme = SLUGS.get(slug)
    if scheme is None:
        from werkzeug.exceptions import NotFound

        raise NotFound()
    if not common.may_register():
        raise Forbidden("This role may not register access cases.")
    lang = current_language()
    own = common.own_trust()
    values: dict[str, str] = {"sending_trust": own} if own else {}
    posted = request.form if request.method == "POST" else None
    shown = forms.typed(posted) if posted is not None else values
    context = form_context(scheme, lang, shown, posted, [own] if own else [])
    return forms.form_page(
        "web/access_form.html", operation=OPERATIONS[scheme], values=values,
        labels=labels_for(scheme, lang, len(context["lit_rows"])),
        prepare=lambda form: compact_rows(form, "application.literature"),
        done=lambda case: common.case_href(case.id, lang), saved=t("acc.new.saved", lang),
        heading=t(f"acc.new.{scheme}", lang), intro=t(f"acc.new.{scheme}.intro", lang),
        trust_options=common.trust_options(own), own=own, methods=methods_for_list(),
        ctx=context)


def register(bp: Blueprint) -> None:
    """Add the routes."""
    bp.add_url_rule("/tilgang/ny/<slug>", view_func=new_case, endpoint="new_access_case",
                    methods=["GET", "POST"])
