"""The secretariat's catalogue of data sources (registries, quality registries, studies)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from tracker.access import require
from tracker.web import forms
from tracker.web.lang import current_language
from tracker.web.pages.methods import options
from tracker.web.text import add, t

add({
    "sources.title": ("Datakilder", "Data sources"),
    "sources.intro": (
        "Registrene og studiene som leverer data til oppfølgingen av midlertidige innføringer.",
        "The registries and studies that deliver data for the follow-up of temporary "
        "introductions.",
    ),
    "sources.new": ("Ny datakilde", "New data source"),
    "sources.edit": ("Endre datakilde {code}", "Edit data source {code}"),
    "sources.none": ("Ingen datakilder registrert.", "No data sources registered."),
    "source.code": ("Kode", "Code"),
    "source.code.hint": ("Store bokstaver, tall og _, for eksempel INSPIRE eller NPR.",
                         "Capitals, digits and _, for example INSPIRE or NPR."),
    "source.name": ("Navn", "Name"),
    "source.kind": ("Type kilde", "Kind of source"),
    "source.steward": ("Ansvarlig for kilden", "Steward"),
    "source.holds": ("Hva kilden inneholder", "What the source holds"),
    "source.latency": ("Forsinkelse (hvor ferske dataene er)", "Latency (how recent the data are)"),
    "source.legal_basis": ("Rettslig grunnlag", "Legal basis"),
    "source.limits": ("Begrensninger", "Limits"),
    "source.patient_level": ("Leverer uttrekk på pasientnivå", "Delivers patient-level extracts"),
    "enum.source_kind.health_registry": ("Sentralt helseregister", "Central health registry"),
    "enum.source_kind.quality_registry": ("Nasjonalt kvalitetsregister",
                                          "National quality registry"),
    "enum.source_kind.rare_disease_registry": ("Register for sjeldne sykdommer",
                                               "Rare-disease registry"),
    "enum.source_kind.prom": ("Pasientrapporterte utfall (PROM)",
                              "Patient-reported outcomes (PROM)"),
    "enum.source_kind.ma_holder_study": ("Studie hos innehaver av markedsføringstillatelsen",
                                         "Study by the marketing-authorisation holder"),
    "enum.source_kind.observational_study": ("Observasjonsstudie", "Observational study"),
    "enum.source_kind.other": ("Annen kilde", "Other source"),
})

FIELDS = ("code", "name", "kind", "steward", "holds", "latency", "legal_basis", "limits",
          "patient_level")


def _labels(lang: str) -> dict[str, str]:
    return {name: t(f"source.{name}", lang) for name in FIELDS}


def _kinds(lang: str) -> list[tuple[str, str]]:
    from tracker.datasources.enums import DataSourceKind

    return options("source_kind", DataSourceKind, lang)


def _list_href() -> str:
    return "/arbeid/datakilder" + ("?lang=en" if current_language() == "en" else "")


def list_sources() -> Any:
    """The catalogue of data sources."""
    require("data_sources", "read")
    page = forms.read("list_data_sources", query={"limit": 500})
    return forms.render_page("web/datasources.html", sources=page.items,
                             may_write=forms.may("data_sources"))


def new_source() -> Any:
    """Add a data source."""
    require("data_sources", "write")
    lang = current_language()
    return forms.form_page(
        "web/datasource_form.html", operation="create_data_source",
        values={"kind": "health_registry", "patient_level": "true"}, labels=_labels(lang),
        done=lambda _source: _list_href(), heading=t("sources.new", lang), source=None,
        kinds=_kinds(lang))


def edit_source(source_id: int) -> Any:
    """See a data source; the secretariat changes it."""
    require("data_sources", "read")
    lang = current_language()

    def stored() -> dict[str, str]:
        source = forms.read("get_data_source", {"source_id": source_id})
        return forms.flatten(source.model_dump(include={*FIELDS, "version"}), lang)

    source = forms.read("get_data_source", {"source_id": source_id})
    if request.method == "POST":
        require("data_sources", "write")
    return forms.form_page(
        "web/datasource_form.html", operation="update_data_source",
        path_args={"source_id": source_id}, values=stored(), labels=_labels(lang),
        clear_empty=True, adjust=lambda body: {k: v for k, v in body.items() if k != "code"},
        current=stored, done=lambda _source: _list_href(),
        heading=t("sources.edit", lang, code=source.code), source=source,
        may_write=forms.may("data_sources"), kinds=_kinds(lang))


def register(bp: Blueprint) -> None:
    """Add the routes."""
    bp.add_url_rule("/datakilder", view_func=list_sources, endpoint="data_sources")
    bp.add_url_rule("/datakilder/ny", view_func=new_source, endpoint="new_data_source",
                    methods=["GET", "POST"])
    bp.add_url_rule("/datakilder/<int:source_id>", view_func=edit_source,
                    endpoint="data_source", methods=["GET", "POST"])
