"""The secretariat's register of methods and Beslutningsforum's decisions on them."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from tracker.access import require
from tracker.web import forms
from tracker.web.lang import current_language
from tracker.web.text import add, t

add({
    "methods.title": ("Metoder og beslutninger", "Methods and decisions"),
    "methods.intro": (
        "Registrer en metode, Beslutningsforums beslutning om den og den midlertidige "
        "innføringen som følger av beslutningen.",
        "Register a method, Beslutningsforum's decision on it and the temporary introduction "
        "that follows from the decision.",
    ),
    "methods.new": ("Ny metode", "New method"),
    "methods.edit": ("Endre metode {id}", "Edit method {id}"),
    "methods.search": ("Søk (ID, virkestoff eller handelsnavn)",
                       "Search (ID, active substance or trade name)"),
    "methods.search.go": ("Søk", "Search"),
    "methods.none": ("Ingen metoder funnet.", "No methods found."),
    "methods.decisions": ("Beslutninger", "Decisions"),
    "methods.no_decisions": ("Ingen beslutninger registrert ennå.", "No decisions recorded yet."),
    "methods.count": ("{n} av {total} metoder", "{n} of {total} methods"),
    "method.nye_metoder_id": ("Nye metoder-ID", "Nye metoder ID"),
    "method.nye_metoder_id.hint": ("For eksempel ID2024_012.", "For example ID2024_012."),
    "method.active_substance": ("Virkestoff", "Active substance"),
    "method.trade_name": ("Handelsnavn", "Trade name"),
    "method.indications": ("Indikasjoner", "Indications"),
    "method.indications.hint": ("Én indikasjon per linje.", "One indication per line."),
    "method.method_type": ("Metodetype", "Method type"),
    "method.therapeutic_area": ("Terapiområde", "Therapeutic area"),
    "method.ma_holder": ("Innehaver av markedsføringstillatelse",
                         "Marketing-authorisation holder"),
    "method.ma_status": ("Markedsføringstillatelse", "Marketing authorisation"),
    "method.orphan": ("Legemiddel for sjelden sykdom (orphan)", "Orphan medicinal product"),
    "method.atmp": ("Avansert terapi (ATMP)", "Advanced therapy (ATMP)"),
    "enum.method_type.drug": ("Legemiddel", "Medicinal product"),
    "enum.method_type.device_or_diagnostic": ("Medisinsk utstyr eller diagnostikk",
                                              "Device or diagnostic"),
    "enum.method_type.procedure": ("Prosedyre", "Procedure"),
    "enum.ma_status.full": ("Ordinær", "Full"),
    "enum.ma_status.conditional": ("Betinget", "Conditional"),
    "enum.ma_status.exceptional": ("Under særlige omstendigheter",
                                   "Under exceptional circumstances"),
    "enum.ma_status.none": ("Ingen", "None"),
    "decision.new": ("Ny beslutning", "New decision"),
    "decision.new.for": ("Ny beslutning om {method}", "New decision on {method}"),
    "decision.edit": ("Rett beslutning {id}", "Correct decision {id}"),
    "decision.decision_date": ("Dato for møtet i Beslutningsforum",
                               "Date of the Beslutningsforum meeting"),
    "decision.outcome": ("Beslutning", "Decision"),
    "decision.indication": ("Indikasjon beslutningen gjelder", "Indication the decision covers"),
    "decision.start_criteria": ("Startkriterier", "Start criteria"),
    "decision.stop_criteria": ("Stoppkriterier", "Stop criteria"),
    "decision.effective_date": ("Gjelder fra", "Effective from"),
    "decision.effective_date.hint": ("Når beslutningen trer i kraft, om annet enn møtedatoen.",
                                     "When the decision takes effect, if not the meeting date."),
    "decision.decision_text": ("Beslutningstekst", "Text of the decision"),
    "decision.reference": ("Referanse (lenke eller saksnummer)",
                           "Reference (link or case number)"),
    "decision.introduce": ("Registrer midlertidig innføring",
                           "Register the temporary introduction"),
    "enum.outcome.introduced": ("Innført", "Introduced"),
    "enum.outcome.introduced_with_criteria": ("Innført med kriterier",
                                              "Introduced with criteria"),
    "enum.outcome.temporarily_introduced": ("Midlertidig innført", "Temporarily introduced"),
    "enum.outcome.not_introduced": ("Ikke innført", "Not introduced"),
})

METHOD_FIELDS = ("nye_metoder_id", "active_substance", "trade_name", "indications",
                 "method_type", "therapeutic_area", "ma_holder", "ma_status", "orphan", "atmp")
DECISION_FIELDS = ("decision_date", "outcome", "indication", "start_criteria", "stop_criteria",
                   "effective_date", "decision_text", "reference")


def options(enum_key: str, values: Any, lang: str) -> list[tuple[str, str]]:
    """The choices of an enumeration, labelled in the language."""
    return [(str(v.value), t(f"enum.{enum_key}.{v.value}", lang)) for v in values]


def _labels(prefix: str, fields: tuple[str, ...], lang: str) -> dict[str, str]:
    return {name: t(f"{prefix}.{name}", lang) for name in fields}


def _method_context(lang: str) -> dict[str, Any]:
    from tracker.methods.enums import MAStatus, MethodType

    return {"method_types": options("method_type", MethodType, lang),
            "ma_statuses": options("ma_status", MAStatus, lang)}


def _method_href(method_id: int) -> str:
    return f"/arbeid/metoder/{method_id}" + ("?lang=en" if current_language() == "en" else "")


def list_methods() -> Any:
    """The methods, searchable, each with its decisions."""
    require("methods", "read")
    lang = current_language()
    q = (request.args.get("q") or "").strip()[:120]
    query: dict[str, Any] = {"limit": 200}
    if q:
        query["q"] = q
    page = forms.read("list_methods", query=query)
    decisions = forms.read("list_decisions", query={"limit": 500}).items
    by_method: dict[int, list[Any]] = {}
    for decision in decisions:
        by_method.setdefault(decision.method_id, []).append(decision)
    return forms.render_page("web/methods.html", page=page, by_method=by_method, q=q,
                             may_write=forms.may("methods"), lang_=lang)


def new_method() -> Any:
    """Register a method."""
    require("methods", "write")
    lang = current_language()
    return forms.form_page(
        "web/method_form.html", operation="create_method", values={"method_type": "drug",
                                                                  "ma_status": "full"},
        labels=_labels("method", METHOD_FIELDS, lang), done=lambda m: _method_href(m.id),
        heading=t("methods.new", lang), method=None, **_method_context(lang))


def edit_method(method_id: int) -> Any:
    """See a method with its decisions; change it."""
    require("methods", "read")
    lang = current_language()

    def stored() -> dict[str, str]:
        method = forms.read("get_method", {"method_id": method_id})
        values = forms.flatten(method.model_dump(include={*METHOD_FIELDS, "version"}), lang)
        return values

    method = forms.read("get_method", {"method_id": method_id})
    if request.method == "POST":
        require("methods", "write")
    return forms.form_page(
        "web/method_form.html", operation="update_method", path_args={"method_id": method_id},
        values=stored(), labels=_labels("method", METHOD_FIELDS, lang), clear_empty=True,
        adjust=lambda body: {k: v for k, v in body.items() if k != "nye_metoder_id"},
        done=lambda m: _method_href(m.id), current=stored,
        heading=t("methods.edit", lang, id=method.nye_metoder_id), method=method,
        may_write=forms.may("methods"), **_method_context(lang))


def _decision_context(lang: str) -> dict[str, Any]:
    from tracker.decisions.enums import DecisionOutcome

    return {"outcomes": options("outcome", DecisionOutcome, lang)}


def new_decision(method_id: int) -> Any:
    """Record Beslutningsforum's decision on a method."""
    require("decisions", "write")
    lang = current_language()
    method = forms.read("get_method", {"method_id": method_id})
    return forms.form_page(
        "web/decision_form.html", operation="create_decision",
        values={"outcome": "temporarily_introduced"},
        adjust=lambda body: {**body, "method_id": method_id},
        labels=_labels("decision", DECISION_FIELDS, lang), done=lambda d: _method_href(method_id),
        heading=t("decision.new.for", lang, method=f"{method.nye_metoder_id} "
                                                   f"{method.active_substance}"),
        method=method, decision=None, **_decision_context(lang))


def edit_decision(decision_id: int) -> Any:
    """Correct a recorded decision."""
    require("decisions", "write")
    lang = current_language()

    def stored() -> dict[str, str]:
        decision = forms.read("get_decision", {"decision_id": decision_id})
        return forms.flatten(decision.model_dump(include={*DECISION_FIELDS, "version"}), lang)

    decision = forms.read("get_decision", {"decision_id": decision_id})
    method = forms.read("get_method", {"method_id": decision.method_id})
    return forms.form_page(
        "web/decision_form.html", operation="update_decision",
        path_args={"decision_id": decision_id}, values=stored(), clear_empty=True,
        labels=_labels("decision", DECISION_FIELDS, lang), current=stored,
        done=lambda d: _method_href(decision.method_id),
        heading=t("decision.edit", lang, id=decision_id), method=method, decision=decision,
        **_decision_context(lang))


def register(bp: Blueprint) -> None:
    """Add the routes."""
    bp.add_url_rule("/metoder", view_func=list_methods, endpoint="methods")
    bp.add_url_rule("/metoder/ny", view_func=new_method, endpoint="new_method",
                    methods=["GET", "POST"])
    bp.add_url_rule("/metoder/<int:method_id>", view_func=edit_method, endpoint="method",
                    methods=["GET", "POST"])
    bp.add_url_rule("/metoder/<int:method_id>/beslutninger/ny", view_func=new_decision,
                    endpoint="new_decision", methods=["GET", "POST"])
    bp.add_url_rule("/beslutninger/<int:decision_id>", view_func=edit_decision,
                    endpoint="decision", methods=["GET", "POST"])
