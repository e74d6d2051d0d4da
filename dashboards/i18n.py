"""User-facing strings in Norwegian bokmål (default) and English.

Every label on the dashboards comes from here, so a missing English string is a KeyError in the
tests rather than a Norwegian word on an English page.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs

LANGUAGES = ("nb", "en")

STRINGS: dict[str, tuple[str, str]] = {
    # shell
    "app.title": ("Oppfølging av midlertidig innføring", "Follow-up of temporary introductions"),
    "app.demo": ("Demodata er syntetiske.", "Demo data are synthetic."),
    "nav.overview": ("Oversikt", "Overview"),
    "nav.agreements": ("Prisavtaler", "Price agreements"),
    "lang.switch": ("English", "Norsk"),
    "viewer": ("Innsyn", "Access"),
    "role.public": ("offentlig (uten innlogging)", "public (not signed in)"),
    "role.secretariat": ("sekretariatet", "secretariat"),
    "role.procurement": ("Sykehusinnkjøp", "Sykehusinnkjøp"),
    "role.clinician": ("kliniker", "clinician"),
    "role.forum": ("Beslutningsforum", "Beslutningsforum"),
    "role.admin": ("administrator", "administrator"),
    "login.link": ("Logg inn", "Log in"),
    "logout": ("Logg ut", "Log out"),
    "nav.label": ("Hovedmeny", "Main"),
    "in.actions": ("Arbeid med innføringen", "Work on the introduction"),
    "login.flags": (
        "Logg inn for å se varsler om frister.", "Log in to see deadline flags."
    ),
    "login.feeds": (
        "Logg inn for å se dataleveranser og pasienttall.",
        "Log in to see data deliveries and patient counts.",
    ),
    "login.brief": (
        "Logg inn for å se revurderingssaker.", "Log in to see reassessment cases."
    ),
    "not_found": ("Siden finnes ikke.", "Page not found."),
    "none": ("–", "–"),
    "yes": ("ja", "yes"),
    "no": ("nei", "no"),
    # overview
    "ov.heading": ("Midlertidige innføringer", "Temporary introductions"),
    "ov.filter.area": ("Terapiområde", "Therapeutic area"),
    "ov.filter.status": ("Status", "Status"),
    "ov.filter.region": ("Region", "Region"),
    "ov.filter.all": ("Alle", "All"),
    "ov.export.csv": ("Last ned CSV", "Download CSV"),
    "ov.export.xlsx": ("Last ned Excel", "Download Excel"),
    "ov.export.sheet": ("Innføringer", "Introductions"),
    "ov.col.method": ("Metode", "Method"),
    "ov.col.substance": ("Virkestoff", "Active substance"),
    "ov.col.area": ("Terapiområde", "Therapeutic area"),
    "ov.col.status": ("Status", "Status"),
    "ov.col.review": ("Revurdering", "Review date"),
    "ov.col.milestone": ("Neste datalevering", "Next data milestone"),
    "ov.col.flags": ("Åpne varsler", "Open flags"),
    "ov.timeline": ("Tidslinje: revurderinger og dataleveranser", "Timeline: reviews and data"),
    "ov.count": ("{n} av {total} innføringer", "{n} of {total} introductions"),
    "ov.empty": ("Ingen innføringer passer filtrene.", "No introductions match the filters."),
    "status.active": ("Aktiv", "Active"),
    "status.under_reassessment": ("Under revurdering", "Under reassessment"),
    "status.concluded": ("Avsluttet", "Concluded"),
    "flag.overdue": ("På overtid", "Overdue"),
    "flag.due": ("Nærmer seg", "Due soon"),
    "tl.review": ("Revurdering", "Review"),
    "tl.milestone": ("Datalevering", "Data milestone"),
    "tl.agreement_end": ("Prisavtale utløper", "Agreement ends"),
    "tl.phaseout_step": ("Utfasing", "Phase-out step"),
    "tl.renegotiation": ("Reforhandling", "Renegotiation"),
    "tl.today": ("I dag", "Today"),
    # introduction page
    "in.decision": ("Beslutning", "Decision"),
    "in.fixed": ("Fastsatt ved beslutningen", "Fixed at decision time"),
    "in.since": ("Skjedd siden", "What has happened since"),
    "in.uncertainty": ("Usikkerhet", "Uncertainty"),
    "in.key_parameters": ("Parametere som driver resultatet", "Parameters driving the result"),
    "in.documentation_duty": ("Dokumentasjonsplikt", "Documentation duty"),
    "in.reassessment_criteria": ("Kriterier for revurdering", "Reassessment criteria"),
    "in.phaseout_criteria": ("Kriterier for utfasing", "Phase-out criteria"),
    "in.exit_new": ("Nye pasienter", "New patients"),
    "in.exit_on": ("Pasienter på behandling", "Patients on treatment"),
    "in.exit_sub": ("Undergrupper", "Subgroups"),
    "in.measures": ("Utfallsmål", "Outcome measures"),
    "in.assumptions": ("Antagelser i den helseøkonomiske modellen", "Health-economic assumptions"),
    "in.patients_per_year": ("Forventede pasienter per år", "Expected patients per year"),
    "in.duration": ("Forventet behandlingslengde (mnd)", "Expected treatment duration (months)"),
    "in.cost_per_qaly": ("Kostnad per QALY (NOK)", "Cost per QALY (NOK)"),
    "in.cost.list_price": ("med listepris", "at list price"),
    "in.cost.confidential_price": ("med avtalt pris, konfidensiell",
                                   "at the agreed price, confidential"),
    "in.cost.withheld": ("Unntatt offentlighet: beregnet med konfidensiell pris",
                         "Withheld: computed with the confidential price"),
    "in.plan": ("Analyseplan", "Analysis plan"),
    "in.plan_missing": ("Ingen analyseplan registrert.", "No analysis plan registered."),
    "in.deliveries": ("Dataleveranser mottatt", "Data deliveries received"),
    "in.no_deliveries": ("Ingen leveranser mottatt ennå.", "No deliveries received yet."),
    "in.milestones": ("Milepæler i datainnsamlingsplanen", "Data-collection milestones"),
    "in.review_history": ("Endringer av revurderingsdato", "Review-date changes"),
    "in.ms.met": ("Levert", "Met"),
    "in.ms.late": ("Forsinket", "Late"),
    "in.ms.pending": ("Venter", "Pending"),
    "in.ms.unknown": ("–", "–"),
    "in.outcomes": ("Registerdata mot antagelsene", "Registry data against the assumptions"),
    "in.endpoint": ("Endepunkt", "Endpoint"),
    "in.no_data": ("Ingen registerdata mottatt ennå.", "No registry data received yet."),
    "in.verdict": ("Vurdering", "Verdict"),
    "in.landmarks": ("Landemerker", "Landmarks"),
    "in.oe": ("Observerte / forventede dødsfall (O/E)", "Observed / expected events (O/E)"),
    "in.median": ("Median", "Median"),
    "in.rmst": ("RMST", "RMST"),
    "in.patients": ("Pasienter", "Patients"),
    "in.events": ("Hendelser", "Events"),
    "in.breakdown": ("Fordeling", "Breakdown"),
    "in.by.region": ("Region", "Region"),
    "in.by.health_trust": ("Helseforetak", "Hospital trust"),
    "in.by.subgroup": ("Undergruppe", "Subgroup"),
    "in.suppressed": ("skjult (< 5)", "hidden (< 5)"),
    "in.delivery": ("Datauttrekk", "Data cut"),
    "lm.time": ("Tid", "Time"),
    "lm.km": ("Register (KM)", "Registry (KM)"),
    "lm.ci": ("95 % KI", "95 % CI"),
    "lm.assumed": ("Antatt", "Assumed"),
    "lm.inside": ("Antatt innenfor KI", "Assumed inside CI"),
    "lm.at_risk": ("I risiko", "At risk"),
    "col.date": ("Dato", "Date"),
    "col.source": ("Kilde", "Source"),
    "col.description": ("Beskrivelse", "Description"),
    "col.responsible": ("Ansvarlig", "Responsible"),
    "col.state": ("Tilstand", "State"),
    "col.old": ("Fra", "From"),
    "col.new": ("Til", "To"),
    "col.reason": ("Begrunnelse", "Reason"),
    "col.by": ("Av", "By"),
    "col.file": ("Fil", "File"),
    "col.received": ("Mottatt", "Received"),
    "col.rows": ("Rader", "Rows"),
    "col.name": ("Navn", "Name"),
    "col.kind": ("Type", "Kind"),
    "months": ("måneder", "months"),
    "days": ("dager", "days"),
    "fig.km": ("Register (Kaplan–Meier)", "Registry (Kaplan–Meier)"),
    "fig.ci": ("95 % konfidensintervall", "95 % confidence band"),
    "fig.assumed": ("Antatt i modellen", "Assumed in the model"),
    "fig.survival": ("Andel", "Proportion"),
    "fig.time": ("Tid fra behandlingsstart", "Time from treatment start"),
    "fig.at_risk": ("I risiko", "At risk"),
    "fig.patients": ("Pasienter startet", "Patients started"),
    "fig.year": ("År", "Year"),
    "fig.tier": ("Trinn fra {n} pasienter", "Tier from {n} patients"),
    "fig.expected": ("Forventet per år", "Expected per year"),
    "ep.OS": ("Totaloverlevelse (OS)", "Overall survival (OS)"),
    "ep.PFS": ("Progresjonsfri overlevelse (PFS)", "Progression-free survival (PFS)"),
    "ep.TTD": ("Tid på behandling (TTD)", "Time on treatment (TTD)"),
    "verdict.consistent": ("I tråd med antagelsene", "Consistent with the assumptions"),
    "verdict.worse": ("Dårligere enn antatt", "Worse than assumed"),
    "verdict.better": ("Bedre enn antatt", "Better than assumed"),
    "verdict.too_little_data": ("For lite data", "Too little data"),
    # agreements
    "ag.heading": ("Prisavtaler", "Price agreements"),
    "ag.oecd": ("OECD-kategori", "OECD category"),
    "ag.status": ("Status", "Status"),
    "ag.period": ("Periode", "Period"),
    "ag.expires": ("Utløper", "Expires"),
    "ag.structure": ("Struktur", "Structure"),
    "ag.list_price": ("Maksimalpris (NOK)", "Maximum price (NOK)"),
    "ag.unit_price": ("Avtalepris (NOK)", "Agreed price (NOK)"),
    "ag.discount": ("Rabatt (%)", "Discount (%)"),
    "ag.hidden": (
        "Konfidensielle opplysninger er ikke vist for din rolle.",
        "Confidential figures are not shown for your role.",
    ),
    "ag.volume": ("Pasienter startet per år mot volumtrinn", "Patients started per year vs tiers"),
    "ag.no_volume": (
        "Ingen pasienttall fra registerdata ennå.",
        "No patient counts from registry data yet.",
    ),
    "ag.none": ("Ingen prisavtaler registrert.", "No price agreements recorded."),
    "ag.introduction": ("Midlertidig innføring", "Temporary introduction"),
    "type.flat_discount": ("Flat rabatt", "Flat discount"),
    "type.price_volume": ("Pris–volum", "Price–volume"),
    "type.volume_discount": ("Volumrabatt", "Volume discount"),
    "type.cap": ("Takbegrensning", "Cap"),
    "type.indication_based": ("Indikasjonsbasert pris", "Indication-based price"),
    "type.weighted_discount": ("Vektet rabatt", "Weighted discount"),
    "type.payment_by_result": ("Resultatbasert betaling", "Payment by result"),
    "type.coverage_with_evidence": ("Dekning med evidensutvikling", "Coverage with evidence"),
    "oecd.financial": ("Finansiell", "Financial"),
    "oecd.performance_based": ("Resultatbasert", "Performance-based"),
    "level.patient": ("pasientnivå", "patient level"),
    "level.population": ("populasjonsnivå", "population level"),
    "agstatus.draft": ("Utkast", "Draft"),
    "agstatus.active": ("Aktiv", "Active"),
    "agstatus.expired": ("Utløpt", "Expired"),
    "agstatus.terminated": ("Avsluttet", "Terminated"),
    # reassessment brief
    "br.heading": ("Revurdering: beslutningsgrunnlag", "Reassessment brief"),
    "br.question": ("Spørsmålet", "The question"),
    "br.question_text": (
        "Skal {name} ({id}) innføres permanent, videreføres for undergrupper, reforhandles "
        "eller fases ut etter midlertidig innføring {decided}?",
        "Should {name} ({id}) be introduced permanently, continued for subgroups, renegotiated "
        "or phased out after its temporary introduction on {decided}?",
    ),
    "br.assumptions": ("Antagelsene ved innføring", "The assumptions at introduction"),
    "br.registry": ("Hva registerdataene viser", "What the registry shows"),
    "br.agreement": ("Prisavtalen", "The price agreement"),
    "br.options": ("Alternativer", "Options"),
    "br.case": ("Saken", "The case"),
    "br.print": ("Skriv ut / lagre som PDF", "Print / save as PDF"),
    "br.case_link": ("Revurderingssak {id}: {state}", "Reassessment case {id}: {state}"),
    "br.opened": ("Åpnet", "Opened"),
    "br.steps": ("Saksgang", "Steps"),
    "state.planned": ("Planlagt", "Planned"),
    "state.data_requested": ("Data bestilt", "Data requested"),
    "state.data_received": ("Data mottatt", "Data received"),
    "state.assessment_ordered": ("Metodevurdering bestilt", "Assessment ordered"),
    "state.assessment_delivered": ("Metodevurdering levert", "Assessment delivered"),
    "state.price_negotiation": ("Prisforhandling", "Price negotiation"),
    "state.decided": ("Besluttet", "Decided"),
    "opt.permanent": (
        "Innføres permanent, eventuelt med kriterier.",
        "Introduce permanently, possibly with criteria.",
    ),
    "opt.phase_out": (
        "Videreføres ikke: utfasing etter exit-planen.",
        "Not continued: phase out under the exit plan.",
    ),
    "opt.renegotiation": ("Ny prisforhandling.", "New price negotiation."),
    "opt.subgroup_continuation": (
        "Videreføres for identifiserbare undergrupper; utfases for resten.",
        "Continue for identifiable subgroups; phase out for the rest.",
    ),
}


def t(key: str, lang: str, **values: object) -> str:
    """Return the string for `key` in `lang` (nb or en), formatted with `values`."""
    nb, en = STRINGS[key]
    text = en if lang == "en" else nb
    return text.format(**values) if values else text


def label(prefix: str, value: object, lang: str) -> str:
    """Return the label of an enum-like value (e.g. status.active), or the value if unknown."""
    key = f"{prefix}.{value}"
    return t(key, lang) if key in STRINGS else str(value)


def language_from(search: str | None, stored: str | None, default: str) -> str:
    """Pick the language: `?lang=` in the URL wins, then the stored choice, then the default."""
    asked = parse_qs((search or "").lstrip("?")).get("lang", [None])[0]
    for candidate in (asked, stored, default):
        if candidate in LANGUAGES:
            return str(candidate)
    return "nb"


def fmt_date(value: date | None, lang: str) -> str:
    """Format a date as Norwegians write it (dd.mm.yyyy), or ISO in English."""
    if value is None:
        return "–"
    return value.isoformat() if lang == "en" else value.strftime("%d.%m.%Y")


def fmt_number(value: float | None, lang: str, decimals: int = 0) -> str:
    """Format a number with Norwegian thin-space thousands and decimal comma."""
    if value is None:
        return "–"
    text = f"{value:,.{decimals}f}"
    if lang == "en":
        return text
    return text.replace(",", "\u00a0").replace(".", ",")


def fmt_percent(value: float | None, lang: str, decimals: int = 0) -> str:
    """Format a proportion 0..1 as a percentage."""
    if value is None:
        return "–"
    return f"{fmt_number(value * 100, lang, decimals)}\u00a0%"
