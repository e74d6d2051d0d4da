"""What each column of the open datasets holds, in Norwegian and English, and what its codes mean.

The English text of a field is its description in the row's schema (`tracker.public.schemas`)
where it has one; the Norwegian text, and the English where the schema is silent, are here. A
field's text is looked up as `dataset.field` first, then as `field`, so a column that means the
same in every dataset (`nye_metoder_id`) is written once. The codes of an enumerated column are
named from the catalogues the rest of the application shows them with, so a status reads the
same in the documentation as on the overview.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import Enum

from pydantic import BaseModel

from dashboards import i18n
from tracker.agreements.enums import AgreementStatus, AgreementType, OecdCategory, OecdLevel
from tracker.individual import statistics_export
from tracker.individual.enums import Ground, PublicationStatus
from tracker.individual.enums import Outcome as AccessOutcome
from tracker.introductions.enums import IntroductionStatus, OutcomeKind
from tracker.reassessments.enums import CaseState, Outcome
from tracker.web.pages.access_text import ENUMS as ACCESS_ENUMS

Pair = tuple[str, str]  # (Norwegian, English)

FIELDS: dict[str, Pair] = {
    # the same in every dataset
    "nye_metoder_id": ("Metodens ID i Nye metoder, f.eks. ID2021_901.",
                       "The method's Nye metoder ID, e.g. ID2021_901."),
    "introduction_id": ("Den midlertidige innføringens nummer (id i «introduksjoner»).",
                        "The temporary introduction's number (id in “introduksjoner”)."),
    "data_source": ("Datakildens kode, f.eks. INSPIRE.", "The data source's code, e.g. INSPIRE."),
    "data_source_name": ("Datakildens navn.", "The data source's name."),
    "responsible_party": ("Hvem som har ansvar for å levere dataene.",
                          "Who is responsible for delivering the data."),
    # introduksjoner
    "introduksjoner.id": ("Innføringens nummer; siden om den er /offentlig/innforinger/{id}.",
                          "The introduction's number: /offentlig/innforinger/{id}."),
    "active_substance": ("Virkestoff.", "Active substance."),
    "trade_name": ("Handelsnavn.", "Trade name."),
    "therapeutic_area": ("Fagområde.", "Therapeutic area."),
    "indication": ("Indikasjonen beslutningen gjelder.", "The indication the decision covers."),
    "introduksjoner.status": ("Hvor innføringen står.", "Where the introduction stands."),
    "decision_date": ("Datoen Beslutningsforum besluttet midlertidig innføring.",
                      "The date Beslutningsforum decided the temporary introduction."),
    "review_date": ("Datoen innføringen skal revurderes innen.",
                    "When the introduction is to be reassessed."),
    "review_date_changes": ("Hvor mange ganger revurderingsdatoen er endret etter beslutningen.",
                            "How many times the review date was changed after the decision."),
    "latest_reassessment_outcome": ("Utfallet av den sist avgjorte revurderingen, om noen.",
                                    "The outcome of the latest decided reassessment, if any."),
    # revurderingsdatoer
    "old_date": ("Revurderingsdatoen før endringen (tom: datoen ble satt ved beslutningen).",
                 "The review date before (empty: first set, with the decision)."),
    "new_date": ("Revurderingsdatoen fra da av.", "The review date from then on."),
    "revurderingsdatoer.reason": ("Begrunnelsen for datoen eller endringen.",
                                  "Why it was set or changed."),
    "changed_at": ("Når endringen ble registrert (UTC).", "When the change was recorded (UTC)."),
    # endepunkter
    "name": ("Utfallsmålets navn.", "The outcome measure's name."),
    "kind": ("Slags utfallsmål.", "Kind of outcome measure."),
    "definition": ("Hvordan utfallsmålet er definert.", "How the outcome measure is defined."),
    "data_expected_by": ("Når dataene ventes.", "When the data are expected."),
    # milepaeler
    "description": ("Hva milepælen gjelder.", "What the milestone is."),
    "expected_date": ("Når dataene ventes.", "When the data are expected."),
    "milepaeler.data_cut": ("Datakuttet leveransen skal dekke.",
                            "The data cut the delivery is to cover."),
    "delivered": ("Om en mottatt leveranse fra kilden dekker datakuttet.",
                  "Whether a delivery from the source covers the data cut."),
    # leveranser
    "leveranser.data_cut": ("Uttrekkets datakutt.", "The extract's data cut."),
    "delivered_on": ("Når uttrekket ble mottatt.", "When the extract was received."),
    "superseded": ("Erstattet av et senere uttrekk med samme datakutt.",
                   "Replaced by a later extract of the same data cut."),
    # revurderinger
    "opened_on": ("Når revurderingen ble åpnet.", "When the reassessment was opened."),
    "state": ("Hvor revurderingen står.", "Where the reassessment stands."),
    "revurderinger.outcome": ("Hva Beslutningsforum besluttet.", "What Beslutningsforum decided."),
    "revurderinger.decided_on": ("Når Beslutningsforum besluttet.",
                                 "When Beslutningsforum decided."),
    "criteria": ("Kriterier for bruk ved permanent innføring.",
                 "Criteria for use of a permanent introduction."),
    "new_patients_stop_date": (
        "Ingen nye pasienter fra denne datoen (ved utfasing, eller utenfor undergruppene).",
        "No new patients from this date (phase-out, or outside the subgroups)."),
    "subgroups": ("Undergruppene som videreføres, skilt med «; ».",
                  "The subgroups that continue, separated by “; ”."),
    "follow_up_date": ("Dato for oppfølging eller frist for ny forhandling.",
                       "Date of follow-up, or deadline of the new negotiation."),
    "note": ("Beslutningens referanse eller sammendrag.", "The decision's reference or summary."),
    # analyseplaner
    "version_no": ("Versjonsnummer, fra 1.", "Version number, from 1."),
    "text": ("Planen slik den ble registrert, ordrett.", "The plan as registered, verbatim."),
    "text_sha256": ("SHA-256 av teksten (UTF-8), så den kan kontrolleres senere.",
                    "SHA-256 of the text (UTF-8), to check it later."),
    "landmarks_months": ("Forhåndsoppgitte analysetidspunkter i måneder, skilt med «; ».",
                         "Declared landmarks in months, separated by “; ”."),
    "registered_at": ("Når versjonen ble fryst (UTC).", "When the version was frozen (UTC)."),
    "superseded_at": ("Når en ny versjon erstattet den (UTC; tom: gjeldende versjon).",
                      "When a new version replaced it (UTC; empty: the current version)."),
    "pre_specified": (
        "Om versjonen ble registrert før datakuttet i den første leveransen (tom: ingen data "
        "ennå).",
        "Registered before the first delivery's data cut (empty: no data yet)."),
    "first_data_cut": ("Datakuttet i den første leveransen.", "The first delivery's data cut."),
    # avtaler
    "avtaler.id": ("Avtalens nummer.", "The agreement's number."),
    "avtaler.introduction_id": (
        "Den midlertidige innføringen avtalen hører til (tom: ingen).",
        "The temporary introduction the agreement belongs to (empty: none)."),
    "type": ("Avtaletype.", "Type of agreement."),
    "oecd_category": ("Kategori etter OECDs inndeling.", "Category in the OECD's typology."),
    "oecd_level": ("Nivå etter OECDs inndeling.", "Level in the OECD's typology."),
    "avtaler.status": ("Avtalens status.", "The agreement's status."),
    "start_date": ("Første dag avtalen gjelder.", "First day of the agreement."),
    "end_date": ("Siste dag avtalen gjelder (tom: ikke fastsatt).",
                 "Last day of the agreement (empty: not set)."),
    "outcome_based": ("Om betalingen avhenger av pasientenes utfall.",
                      "Whether payment depends on patients' outcomes."),
    # gruppeunntak
    "gruppeunntak.id": ("Sakens nummer.", "The case number."),
    "gruppeunntak.method": ("Metodens navn.", "The method's name."),
    "gruppeunntak.status": ("Slik unntaket publiseres.", "How the exception is published."),
    "patient_group": ("Pasientgruppen unntaket gjelder.", "The patient group of the exception."),
    "indication_limits": ("Avgrensninger av indikasjonen.", "Limits of the indication."),
    "clinical_group": ("Fagmiljøet som søkte.", "The clinical group that applied."),
    "trusts": ("Helseforetakene som søkte, skilt med «; ».",
               "The applying trusts, separated by “; ”."),
    "received_on": ("Når søknaden ble mottatt.", "When the application was received."),
    "gruppeunntak.decided_on": ("Når søknaden ble avgjort.", "When the application was decided."),
    "ended_on": ("Når unntaket sluttet å gjelde.", "When the exception ceased to apply."),
    "gruppeunntak.reason": ("Begrunnelsen for avslag eller for at unntaket opphørte.",
                            "Why it was refused or ceased to apply."),
    # tilgangsstatistikk
    "table": ("Tabellen raden hører til.", "The table the row belongs to."),
    "row_type": ("Slags rad.", "Kind of row."),
    "year": ("År søknaden ble avgjort.", "Year the application was decided."),
    "region": ("Helseregion.", "Health region."),
    "tilgangsstatistikk.diagnosis_group": ("Diagnosegruppe (kapittel i ICD-10).",
                                           "Diagnosis group (ICD-10 chapter)."),
    "tilgangsstatistikk.method": ("Metodens ID i Nye metoder.", "The method's Nye metoder ID."),
    "tilgangsstatistikk.scheme": ("Ordningen.", "The scheme."),
    "granted": ("Antall innvilget (tom: skjult, under 5 eller ville avslørt et slikt tall).",
                "Number granted (empty: hidden, under 5 or would reveal such a count)."),
    "refused": ("Antall avslått (tom: skjult, under 5 eller ville avslørt et slikt tall).",
                "Number refused (empty: hidden, under 5 or would reveal such a count)."),
    "total": ("Antall avgjort (tom: skjult, under 5 eller ville avslørt et slikt tall).",
              "Number decided (empty: hidden, under 5 or would reveal such a count)."),
    # komitevedtak
    "komitevedtak.scheme": ("Ordningen (alltid Tilgangsordningen).",
                            "The scheme (always Tilgangsordningen)."),
    "komitevedtak.nye_metoder_id": ("Metodens ID i Nye metoder (tom: holdt tilbake, se nivå).",
                                    "The method's Nye metoder ID (empty: withheld, see level)."),
    "komitevedtak.method": ("Metodens navn (tom: holdt tilbake, se nivå).",
                            "The method's name (empty: withheld, see level)."),
    "komitevedtak.diagnosis_group": (
        "Diagnosegruppe, kapittel i ICD-10 (tom: holdt tilbake, se nivå).",
        "Diagnosis group, ICD-10 chapter (empty: withheld, see level)."),
    "komitevedtak.outcome": ("Komitéens avgjørelse.", "The committee's decision."),
    "grounds": ("Vilkårene komitéen fant oppfylt, skilt med «; ».",
                "The grounds found met, separated by “; ”."),
    "days_to_decision": ("Dager fra søknaden ble mottatt til komitéen avgjorde den.",
                         "Days from receipt to the committee's decision."),
}

TYPES: dict[str, Pair] = {
    "integer": ("heltall", "integer"),
    "string": ("tekst", "text"),
    "date": ("dato (ÅÅÅÅ-MM-DD)", "date (YYYY-MM-DD)"),
    "datetime": ("tidspunkt (ISO 8601, UTC)", "date and time (ISO 8601, UTC)"),
    "boolean": ("sann/usann (True/False)", "true/false (True/False)"),
}


def _labelled(prefix: str, codes: Iterable[Enum | str]) -> dict[str, Pair]:
    return {str(c): (i18n.label(prefix, c, "nb"), i18n.label(prefix, c, "en")) for c in codes}


def _access(kind: str, codes: Iterable[Enum | str]) -> dict[str, Pair]:
    return {str(c): ACCESS_ENUMS[kind][c] for c in codes}  # type: ignore[index]


_REASSESSMENT_OUTCOMES = _labelled("outcome", Outcome)
_STAT_TABLES = ("year_region", "diagnosis_group", "method", "scheme")

# The codes an enumerated column can hold and what each means, by `dataset.field`.
VALUES: dict[str, dict[str, Pair]] = {
    "introduksjoner.status": _labelled("status", IntroductionStatus),
    "introduksjoner.latest_reassessment_outcome": _REASSESSMENT_OUTCOMES,
    "endepunkter.kind": _labelled("kind", OutcomeKind),
    "revurderinger.state": _labelled("state", CaseState),
    "revurderinger.outcome": _REASSESSMENT_OUTCOMES,
    "avtaler.type": _labelled("type", AgreementType),
    "avtaler.oecd_category": _labelled("oecd", OecdCategory),
    "avtaler.oecd_level": _labelled("level", OecdLevel),
    "avtaler.status": _labelled("agstatus", AgreementStatus),
    "gruppeunntak.status": _access("pub", PublicationStatus),
    "tilgangsstatistikk.table": {k: statistics_export.SHEETS[k] for k in _STAT_TABLES},
    "tilgangsstatistikk.row_type": dict(statistics_export.ROW_TYPES),
    "tilgangsstatistikk.scheme": dict(statistics_export.SCHEMES),
    "komitevedtak.scheme": {"access_scheme": statistics_export.SCHEMES["access_scheme"]},
    "komitevedtak.outcome": _access("outcome", (AccessOutcome.granted, AccessOutcome.refused,
                                                AccessOutcome.no_consensus)),
    "komitevedtak.grounds": _access("ground", Ground),
}

# How finely the committee's decisions are listed (`tracker.public.disclosure.LEVELS`).
LEVELS: dict[str, Pair] = {
    "method_and_diagnosis_group": ("metode og diagnosegruppe", "method and diagnosis group"),
    "diagnosis_group": ("diagnosegruppe (metoden holdes tilbake)",
                        "diagnosis group (the method is withheld)"),
    "method": ("metode (diagnosegruppen holdes tilbake)",
               "method (the diagnosis group is withheld)"),
    "outcome": ("bare utfallet (metode og diagnosegruppe holdes tilbake)",
                "the outcome only (method and diagnosis group are withheld)"),
    "none": ("ingen vedtak ennå: hvert utfall er for sjeldent til å vises",
             "no decisions yet: every outcome is too rare to list"),
}


def field_text(dataset: str, field: str, row: type[BaseModel]) -> Pair:
    """What a column holds, in Norwegian and English."""
    nb, en = FIELDS.get(f"{dataset}.{field}") or FIELDS[field]
    return nb, row.model_fields[field].description or en


def values(dataset: str, field: str) -> Mapping[str, Pair] | None:
    """The codes a column can hold and their meaning, or None for a free column."""
    return VALUES.get(f"{dataset}.{field}")
