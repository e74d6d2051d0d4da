"""Words of the individual-access pages: the schemes, states and outcomes, and the fields of the
application forms as the source documents name them.

Field labels follow Part 2 of the Tilgangsordningen form (002_e9fcae1246b76c56.txt L432–576),
the exception scheme's criteria (000_3134ab22afa02640.txt L259–276) and the group-exception
application (000 L281–288). They are keyed by the field's path in the API body without the
`application.` prefix, which is also how the completeness check names what is missing.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

from tracker.individual.enums import (
    CaseState,
    CommitteeRole,
    ExceptionCriterion,
    Ground,
    LegalSex,
    Outcome,
    PriceBasis,
    PublicationStatus,
    Scheme,
    TreatmentGoal,
)
from tracker.web.text import add, t

ENUMS: dict[str, dict[str, tuple[str, str]]] = {
    "scheme": {
        Scheme.individual_exception: ("Unntak for enkeltpasient", "Exception for one patient"),
        Scheme.group_exception: ("Unntak for en pasientgruppe", "Exception for a patient group"),
        Scheme.access_scheme: ("Tilgangsordningen", "Tilgangsordningen (access scheme)"),
    },
    "state": {
        CaseState.applied: ("Søknad registrert", "Applied for"),
        CaseState.line_manager_approved: ("Godkjent av linjeleder", "Approved by line manager"),
        CaseState.pharmacist_checked: ("Kontrollert av farmasøyt", "Checked by pharmacist"),
        CaseState.received: ("Mottatt", "Received"),
        CaseState.returned: ("Sendt tilbake for supplering", "Returned for supplementing"),
        CaseState.complete: ("Tilstrekkelig opplyst", "Sufficiently informed"),
        CaseState.price_checked: ("Pris kvalitetssikret", "Price checked"),
        CaseState.scheduled: ("Satt opp til møte", "Scheduled for a meeting"),
        CaseState.decided: ("Avgjort", "Decided"),
        CaseState.sent: ("Avgjørelsen er sendt", "Decision sent"),
        CaseState.ended: ("Gjelder ikke lenger", "No longer applies"),
        CaseState.withdrawn: ("Trukket", "Withdrawn"),
    },
    "outcome": {
        Outcome.granted: ("Innvilget", "Granted"),
        Outcome.refused: ("Avslått", "Refused"),
        Outcome.no_consensus: ("Ikke konsensus", "No consensus"),
        Outcome.withdrawn: ("Trukket", "Withdrawn"),
    },
    "ground": {
        Ground.increased_benefit: ("Økt nytte", "Increased benefit"),
        Ground.higher_severity: ("Høyere alvorlighet", "Higher severity"),
        Ground.special_medical_reasons: ("Særskilte medisinske årsaker",
                                         "Special medical reasons"),
    },
    "criterion": {
        ExceptionCriterion.marketing_authorisation: (
            "Det finnes markedsføringstillatelse i Norge for aktuell indikasjon",
            "There is a marketing authorisation in Norway for the indication"),
        ExceptionCriterion.established_not_possible: (
            "Etablert behandling er kontraindisert, eller forsøkt og ikke tolerert",
            "Established treatment is contraindicated, or tried and not tolerated"),
        ExceptionCriterion.substantially_greater_effect: (
            "Effekten forventes å bli vesentlig større enn for gruppen som helhet",
            "The effect is expected to be substantially greater than for the group as a whole"),
    },
    "price_basis": {
        PriceBasis.maximum_price: ("Maksimalpris", "Maximum price"),
        PriceBasis.existing_discount: ("Eksisterende rabatt", "Existing discount"),
        PriceBasis.agreed_price: ("Avtalepris", "Agreed price"),
    },
    "legal_sex": {LegalSex.female: ("Kvinne", "Female"), LegalSex.male: ("Mann", "Male")},
    "goal": {
        TreatmentGoal.curative: ("Kurativ", "Curative"),
        TreatmentGoal.life_prolonging: ("Livsforlengende", "Life-prolonging"),
        TreatmentGoal.symptom_relief: ("Symptomreduserende", "Symptom relief"),
        TreatmentGoal.other: ("Annet", "Other"),
    },
    "crole": {
        CommitteeRole.member: ("Medlem (beslutningstaker)", "Member (decides)"),
        CommitteeRole.substitute: ("Vararepresentant", "Substitute"),
        CommitteeRole.leader: ("Leder (uten stemme)", "Leader (no vote)"),
        CommitteeRole.dmp: ("DMP (uten stemme)", "DMP (no vote)"),
        CommitteeRole.secretariat: ("Sekretariatet (uten stemme)", "Secretariat (no vote)"),
    },
    "pub": {
        PublicationStatus.current: ("Gjeldende", "Current"),
        PublicationStatus.previous: ("Tidligere", "Previous"),
        PublicationStatus.refused: ("Avslått", "Refused"),
    },
    "role": {
        "secretariat": ("sekretariatet", "secretariat"),
        "procurement": ("Sykehusinnkjøp", "Sykehusinnkjøp"),
        "clinician": ("kliniker", "clinician"),
        "forum": ("Beslutningsforum", "Beslutningsforum"),
        "admin": ("administrator", "administrator"),
        "coordinator": ("koordinator", "coordinator"),
        "committee": ("vurderingskomitéen", "assessment committee"),
        "medical_director": ("fagdirektør", "medical director"),
    },
}
add({f"acc.{kind}.{value}": pair for kind, pairs in ENUMS.items()
     for value, pair in pairs.items()})

# Fields of the case and its application, by path (without "application.").
FIELDS: dict[str, tuple[str, str]] = {
    "nye_metoder_id": ("Nye metoder-ID", "Nye metoder ID"),
    "sending_trust": ("Helseforetaket søknaden sendes fra", "Trust the application is sent from"),
    "reference": ("Referansenummer fra del 1", "Reference number from Part 1"),
    "diagnosis_icd10": ("Diagnose (ICD-10-kode)", "Diagnosis (ICD-10 code)"),
    "residence_trust": ("Pasientens opptaksområde, om et annet helseforetak",
                        "The patient's catchment trust, if another"),
    "received_on": ("Mottatt", "Received on"),
    "note": ("Merknad", "Note"),
    "applicant": ("Søkers navn (behandlingsansvarlig lege)",
                  "Applicant (doctor responsible for treatment)"),
    "consent_confirmed": ("Pasienten har gitt samtykke", "The patient has given consent"),
    "legal_sex": ("Juridisk kjønn", "Legal sex"),
    "birth_year": ("Fødselsår", "Year of birth"),
    "diagnosis_text": ("Pasientens diagnose", "The patient's diagnosis"),
    "history": ("Relevant sykehistorie", "Relevant history"),
    "functional_level": ("Nåværende funksjons- og mestringsnivå",
                         "Current functional and coping level"),
    "drug": ("Legemiddel slik det står i Felleskatalogen", "Drug as in Felleskatalogen"),
    "dose": ("Forventet dosering", "Expected dose"),
    "expected_duration": ("Forventet behandlingsvarighet", "Expected duration of treatment"),
    "treatment_goal": ("Behandlingsmål", "Treatment goal"),
    "evaluation_plan": ("Plan for evaluering av effekt", "Plan for evaluating the effect"),
    "stop_criteria": ("Stoppkriterier", "Stop criteria"),
    "drug_cost_per_month_nok": ("Legemiddelkostnad per måned (kr)", "Drug cost per month (NOK)"),
    "price_basis": ("Prisgrunnlag", "Price basis"),
    "other_costs_per_month_nok": ("Andre kostnader per måned (kr)", "Other costs per month (NOK)"),
    "extra_resources_or_savings": ("Behov for ekstra ressurser eller mulige innsparinger",
                                   "Extra resources needed or possible savings"),
    "grounds": ("Minst ett kriterium for klinisk eksepsjonalitet",
                "At least one ground of clinical exceptionality"),
    "overall_assessment": ("Totalvurdering", "Overall assessment"),
    "literature": ("Relevant litteratur", "Relevant literature"),
    "line_manager.name": ("Linjeleders navn", "Line manager's name"),
    "line_manager.justification": ("Linjeleders begrunnelse", "Line manager's justification"),
    "line_manager.approved": ("Linjeleder godkjenner søknaden",
                              "The line manager approves the application"),
    "medical_director.name": ("Fagdirektørens navn", "Medical director's name"),
    "medical_director.justification": ("Fagdirektørens begrunnelse",
                                       "Medical director's justification"),
    "medical_director.approved": (
        "Fagdirektøren godkjenner søknaden og bekrefter at skjemaet er ferdig utfylt",
        "The medical director approves the application and confirms the form is complete"),
    "concerns_group": ("Spørsmålet gjelder en gruppe pasienter, ikke én pasient",
                       "The question is about a group of patients, not one patient"),
    "already_started_on": ("Pasienten startet behandlingen (om før avgjørelsen)",
                           "The patient started the treatment (if before the decision)"),
    "clinical_group": ("Fagmiljøet som søker", "The clinical group applying"),
    "trusts": ("Helseforetak som søker sammen med fagmiljøet",
               "Trusts applying with the clinical group"),
    "patient_group": ("Pasientgruppen unntaket gjelder", "The patient group"),
    "justification": ("Begrunnelse", "Justification"),
}
for _name, (_nb, _en) in ENUMS["ground"].items():
    FIELDS[f"{_name}.met"] = (_nb, _en)
    FIELDS[f"{_name}.justification"] = (f"Begrunnelse: {_nb.lower()}",
                                        f"Justification: {_en.lower()}")
for _name, (_nb, _en) in ENUMS["criterion"].items():
    FIELDS[f"{_name}.met"] = (_nb, _en)
    FIELDS[f"{_name}.justification"] = ("Begrunnelse for kriteriet", "Justification of the "
                                                                     "criterion")
add({f"acc.field.{path}": pair for path, pair in FIELDS.items()})

HINTS: dict[str, tuple[str, str]] = {
    "nye_metoder_id": ("Har formen ID2025_012; finnes på nyemetoder.no.",
                       "Of the form ID2025_012; see nyemetoder.no."),
    "reference": ("ÅÅÅÅ-MM-DD-Helseforetak-Avdeling, for eksempel "
                  "2025-05-06-Helse Bergen-Kreftavdelingen.",
                  "YYYY-MM-DD-Trust-Department, e.g. 2025-05-06-Helse Bergen-Kreftavdelingen."),
    "diagnosis_icd10": ("For eksempel C34.1.", "For example C34.1."),
    "received_on": ("Tomt felt betyr i dag.", "Leave empty for today."),
    "birth_year": ("Fire siffer, for eksempel 1974.", "Four digits, e.g. 1974."),
    "drug_cost_per_month_nok": (
        "Avtalepris hvis det finnes; for et virkestoff som ikke er innført, maksimalpris.",
        "The agreed price if there is one; for a substance not introduced, the maximum price."),
    "other_costs_per_month_nok": ("Diagnostikk, administrasjon, oppfølging osv.",
                                  "Diagnostics, administration, follow-up etc."),
    "overall_assessment": (
        "Begrunnelsene for pasientens kliniske eksepsjonalitet, og hvordan "
        "prioriteringskriteriene oppfylles.",
        "Why the patient is clinically exceptional, and how the priority criteria are met."),
    "concerns_group": (
        "Tilgangsordningen vurderer enkeltpasienter; et spørsmål for en gruppe er utenfor "
        "komitéens mandat og går til Nye metoder som en vurdering av en undergruppe.",
        "Tilgangsordningen assesses single patients; a question for a group is outside the "
        "committee's mandate and goes to Nye metoder as a subgroup assessment."),
    "already_started_on": (
        "Pasienter som startet før Beslutningsforums beslutning, kan fullføre behandlingen.",
        "Patients who started before Beslutningsforum's decision may finish the treatment."),
    "trusts": ("Kryss av minst ett helseforetak hvis ledelse søker.",
               "Tick at least one trust whose management applies."),
}
add({f"acc.hint.{path}": pair for path, pair in HINTS.items()})


def enum_label(kind: str, value: str | Enum | None, lang: str) -> str:
    """The name of an enumeration value on the page (– for none)."""
    if value is None or value == "":
        return "–"
    key = f"acc.{kind}.{value.value if isinstance(value, Enum) else value}"
    try:
        return t(key, lang)
    except KeyError:
        return str(value)


def options(kind: str, lang: str, values: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """The choices of an enumeration for a select, labelled in the language."""
    chosen = list(values) if values is not None else [str(v) for v in ENUMS[kind]]
    return [(value, enum_label(kind, value, lang)) for value in chosen]


def field_label(path: str, lang: str) -> str:
    """The label of a field by its path (with or without `application.`), or a row of a list."""
    path = path.removeprefix("application.")
    parts = path.split(".")
    if len(parts) == 3 and parts[1].isdigit() and parts[0] in ("literature", "trusts"):
        # literature.0.title: "Relevant litteratur, rad 1: tittel"
        row = "rad" if lang != "en" else "row"
        part = t(f"acc.lit.{parts[2]}", lang) if parts[0] == "literature" else ""
        return f"{t('acc.field.' + parts[0], lang)}, {row} {int(parts[1]) + 1}: {part}".rstrip(": ")
    if len(parts) == 2 and parts[1].isdigit():
        row = "rad" if lang != "en" else "row"
        return f"{t('acc.field.' + parts[0], lang)}, {row} {int(parts[1]) + 1}"
    try:
        return t(f"acc.field.{path}", lang)
    except KeyError:
        return path


def hint(path: str, lang: str) -> str | None:
    """The hint of a field, if it has one."""
    try:
        return t(f"acc.hint.{path.removeprefix('application.')}", lang)
    except KeyError:
        return None


add({
    "acc.lit.title": ("tittel", "title"),
    "acc.lit.url": ("lenke", "link"),
    "acc.lit.title.label": ("Tittel", "Title"),
    "acc.lit.url.label": ("Lenke", "Link"),
    "acc.hidden": ("skjult for din rolle", "hidden for your role"),
})

add({
    "acc.group.about_application": ("Om søknaden", "About the application"),
    "acc.group.about_patient": ("Om pasienten", "About the patient"),
    "acc.group.treatment": ("Omsøkt behandling", "The treatment applied for"),
    "acc.group.costs": ("Kostnader", "Costs"),
    "acc.group.grounds": ("Kriterier for klinisk eksepsjonalitet",
                          "Grounds of clinical exceptionality"),
    "acc.group.overall": ("Totalvurdering", "Overall assessment"),
    "acc.group.literature": ("Relevant litteratur", "Relevant literature"),
    "acc.group.anchoring": ("Forankring og anbefaling", "Anchoring and recommendation"),
    "acc.group.criteria": ("Kriterier for unntak", "Criteria for an exception"),
    "acc.group.registration": ("Registrering", "Registration"),
})
