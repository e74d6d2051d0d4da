"""Words of the public pages (`/offentlig/`), and the catalogues their codes are named from.

The enumerations keep the names the rest of the application gives them: a status, an outcome,
an agreement type or a scheme reads the same here as on the overview, the agreement page and the
access pages (`dashboards.i18n`, `tracker.web.pages.access_text`, the working pages' strings).
Only what the public section says of its own is added here, under `pub.`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from dashboards import i18n
from dashboards.pages import access_statistics as _access_statistics  # noqa: F401  (its words)
from tracker.individual import statistics_export
from tracker.public import opendata, service
from tracker.web.pages import access_cases as _access_cases  # noqa: F401  (grp.*)
from tracker.web.pages import analysis_plan
from tracker.web.pages import methods as _methods  # noqa: F401  (enum.outcome.*)
from tracker.web.pages.access_text import enum_label
from tracker.web.pages.settlement_text import href
from tracker.web.text import add, t

__all__ = ["DATASETS", "common", "href", "label", "moment"]

# The open datasets' titles, by the name of their download (/offentlig/data/<name>.csv and
# .json), as `tracker.public.opendata` defines them.
DATASETS: dict[str, tuple[str, str]] = {d.name: d.title for d in opendata.DATASETS}
add({f"pub.data.{name}": pair for name, pair in DATASETS.items()})

add({
    "pub.title": ("Offentlig innsyn", "Public information"),
    "pub.sections": ("Deler av det offentlige innsynet", "Parts of the public section"),
    "pub.section.start": ("Midlertidige innføringer", "Temporary introductions"),
    "pub.section.agreements": ("Prisavtaler", "Price agreements"),
    "pub.section.groups": ("Gruppeunntak", "Group exceptions"),
    "pub.section.access": ("Individuell tilgang", "Individual access"),
    "pub.section.data": ("Åpne data", "Open data"),
    "pub.feed": ("Nyheter (Atom-feed)", "News (Atom feed)"),
    "pub.feed.title": ("Nye metoder: beslutninger, revurderingsdatoer og revurderinger",
                       "Nye metoder: decisions, review dates and reassessments"),
    "pub.downloads": ("Last ned dataene", "Download the data"),
    "pub.downloads.lead": (
        "Hver tabell kan lastes ned som CSV og JSON. Formatet er beskrevet på siden",
        "Each table can be downloaded as CSV and JSON. The format is described on the page"),
    "pub.downloads.licence": ("Dataene kan brukes fritt under lisensen",
                              "The data may be reused freely under the licence"),
    "pub.downloads.docs": ("Åpne data: beskrivelse av tabellene",
                           "Open data: description of the tables"),
    "pub.download.label": ("Last ned «{name}» som {format}", "Download “{name}” as {format}"),
    "pub.print": ("Siden kan skrives ut; navigasjon og skjema tas ikke med.",
                  "The page can be printed; navigation and forms are left out."),
    # the start page
    "pub.start.lead": (
        "Beslutningsforum kan innføre en metode midlertidig når dokumentasjonen er usikker: "
        "metoden tas i bruk mens det samles inn data, og den revurderes innen en fastsatt dato. "
        "Her ser du hver midlertidige innføring, hva som ble besluttet og på hvilke vilkår, "
        "hvilke data som samles inn og er mottatt, når metoden skal revurderes og hvorfor "
        "datoen eventuelt er endret, og utfallet av hver revurdering.",
        "Beslutningsforum may introduce a method temporarily when the evidence is uncertain: "
        "the method is used while data are collected, and it is reassessed by a set date. "
        "Here you see each temporary introduction, what was decided and on what terms, which "
        "data are collected and have arrived, when the method is to be reassessed and why "
        "that date was changed, if it was, and the outcome of each reassessment."),
    "pub.start.confidential": (
        "Prisene er konfidensielle: avtalenes form og struktur er offentlig, men priser, rabatter "
        "og refusjonsandeler vises ikke. Antall pasienter fra 1 til 4 vises heller ikke, så "
        "ingen enkeltpasient kan kjennes igjen.",
        "Prices are confidential: the form and structure of the agreements are public, but "
        "prices, discounts and refund shares are not shown. Nor are counts of 1 to 4 patients, "
        "so that no single patient can be recognised."),
    "pub.start.demo": (
        "Dette er en demonstrasjon: alle metoder, beslutninger, avtaler og pasientdata her er "
        "syntetiske (oppdiktet).",
        "This is a demonstration: every method, decision, agreement and patient record here is "
        "synthetic (made up)."),
    "pub.start.links": ("Les også", "See also"),
    "pub.start.agreements.what": ("formen og strukturen til hver prisavtale",
                                  "the form and structure of each price agreement"),
    "pub.start.groups.what": ("gjeldende, tidligere og avslåtte unntak for pasientgrupper",
                              "current, previous and refused exceptions for patient groups"),
    "pub.start.access.what": (
        "hvor ofte tilgang utenom beslutningene innvilges, og vurderingskomitéens vedtak",
        "how often access outside the decisions is granted, and the assessment committee's "
        "decisions"),
    "pub.start.data.what": ("alle tabellene som CSV og JSON, og nyhetsfeeden",
                            "every table as CSV and JSON, and the news feed"),
    "pub.list": ("Alle midlertidige innføringer", "Every temporary introduction"),
    "pub.filter": ("Søk og filtrer", "Search and filter"),
    "pub.filter.q": ("Fritekst", "Free text"),
    "pub.filter.q.hint": ("Metode, virkestoff, Nye metoder-ID, indikasjon eller fagområde.",
                          "Method, substance, Nye metoder ID, indication or area."),
    "pub.filter.status": ("Status", "Status"),
    "pub.filter.area": ("Fagområde", "Therapeutic area"),
    "pub.filter.all": ("Alle", "All"),
    "pub.filter.submit": ("Vis", "Show"),
    "pub.filter.reset": ("Vis alle", "Show all"),
    "pub.count": ("{n} av {total} midlertidige innføringer.",
                  "{n} of {total} temporary introductions."),
    "pub.empty": ("Ingen midlertidig innføring passer søket.",
                  "No temporary introduction matches the search."),
    "pub.col.method": ("Metode", "Method"),
    "pub.col.id": ("Nye metoder-ID", "Nye metoder ID"),
    "pub.col.area": ("Fagområde", "Therapeutic area"),
    "pub.col.status": ("Status", "Status"),
    "pub.col.decided": ("Besluttet", "Decided"),
    "pub.col.review": ("Revurderes innen", "Reassessment by"),
    "pub.col.outcome": ("Siste revurdering", "Latest reassessment"),
    "pub.review.unchanged": ("ikke endret", "not changed"),
    "pub.review.changed": ("endret {n} gang", "changed once"),
    "pub.review.changed_n": ("endret {n} ganger", "changed {n} times"),
    "pub.no_outcome": ("ingen ennå", "none yet"),
    # one introduction
    "pub.intro.title": ("Midlertidig innføring: {name}", "Temporary introduction: {name}"),
    "pub.intro.back": ("Alle midlertidige innføringer", "Every temporary introduction"),
    "pub.intro.contents": ("Innhold", "Contents"),
    "pub.intro.method": ("Metode og indikasjon", "Method and indication"),
    "pub.intro.substance": ("Virkestoff", "Active substance"),
    "pub.intro.trade_name": ("Handelsnavn", "Trade name"),
    "pub.intro.ma_holder": ("Innehaver av markedsføringstillatelsen",
                            "Marketing authorisation holder"),
    "pub.intro.indications": ("Indikasjoner", "Indications"),
    "pub.intro.decision": ("Beslutningen", "The decision"),
    "pub.intro.decision.date": ("Besluttet", "Decided"),
    "pub.intro.decision.outcome": ("Beslutning", "Decision"),
    "pub.intro.decision.indication": ("Indikasjonen beslutningen gjelder",
                                      "The indication decided on"),
    "pub.intro.decision.text": ("Beslutningens tekst", "Text of the decision"),
    "pub.intro.decision.start": ("Startkriterier", "Start criteria"),
    "pub.intro.decision.stop": ("Stoppkriterier", "Stop criteria"),
    "pub.intro.decision.effective": ("Gjelder fra", "Effective from"),
    "pub.intro.decision.reference": ("Referanse", "Reference"),
    "pub.intro.uncertainty": ("Usikkerhet og dokumentasjon", "Uncertainty and documentation"),
    "pub.intro.uncertainty.text": ("Usikkerheten", "The uncertainty"),
    "pub.intro.documentation_duty": ("Dokumentasjonsplikt", "Duty to document"),
    "pub.intro.measures": ("Utfallsmål og datakilder", "Outcome measures and data sources"),
    "pub.intro.measures.none": ("Ingen utfallsmål er registrert.",
                                "No outcome measure is recorded."),
    "pub.intro.milestones": ("Plan for datainnsamlingen", "The data-collection plan"),
    "pub.intro.milestones.none": ("Ingen milepæler er registrert.",
                                  "No milestone is recorded."),
    "pub.intro.delivered": ("Levert", "Delivered"),
    "pub.intro.delivered.yes": ("levert", "delivered"),
    "pub.intro.delivered.no": ("ikke levert", "not delivered"),
    "pub.intro.deliveries": ("Mottatte registerleveranser", "Registry deliveries received"),
    "pub.intro.deliveries.lead": (
        "Når hvert registeruttrekk kom, og hvilken dato dataene dekker. Dataene selv er ikke "
        "offentlige.",
        "When each registry extract arrived, and the date its data cover. The data themselves "
        "are not public."),
    "pub.intro.deliveries.none": ("Ingen leveranser er mottatt ennå.",
                                  "No delivery has arrived yet."),
    "pub.intro.delivery.source": ("Datakilde", "Data source"),
    "pub.intro.delivery.cut": ("Datakutt", "Data cut"),
    "pub.intro.delivery.received": ("Mottatt", "Received"),
    "pub.intro.delivery.superseded": ("Erstattet", "Superseded"),
    "pub.intro.delivery.superseded.yes": ("erstattet av en senere leveranse med samme datakutt",
                                          "replaced by a later delivery of the same data cut"),
    "pub.intro.delivery.superseded.no": ("gjeldende", "current"),
    "pub.intro.review": ("Revurderingsdatoen", "The review date"),
    "pub.intro.review.now": ("Revurderingsdato: {date}", "Review date: {date}"),
    "pub.intro.review.history": ("Revurderingsdatoen, fastsatt og endret",
                                 "The review date, as set and changed"),
    "pub.intro.review.at": ("Registrert", "Recorded"),
    "pub.intro.review.old": ("Fra", "From"),
    "pub.intro.review.new": ("Til", "To"),
    "pub.intro.review.reason": ("Begrunnelse", "Reason"),
    "pub.intro.review.first": ("fastsatt", "set"),
    "pub.intro.criteria": ("Revurdering og utfasing", "Reassessment and phase-out"),
    "pub.intro.exit": ("Exit-plan", "Exit plan"),
    "pub.intro.exit.lead": ("Hva som skjer hvis metoden ikke videreføres.",
                            "What happens if the method is not continued."),
    "pub.intro.reassessments": ("Revurderinger", "Reassessments"),
    "pub.intro.reassessments.none": ("Ingen revurdering er åpnet ennå.",
                                     "No reassessment has been opened yet."),
    "pub.intro.reassessment.opened": ("Åpnet", "Opened"),
    "pub.intro.reassessment.state": ("Står nå", "Stage"),
    "pub.intro.reassessment.outcome": ("Utfall", "Outcome"),
    "pub.intro.reassessment.decided": ("Besluttet", "Decided"),
    "pub.intro.reassessment.stop": ("Ingen nye pasienter fra", "No new patients from"),
    "pub.intro.reassessment.subgroups": ("Undergrupper som videreføres", "Subgroups continued"),
    "pub.intro.reassessment.criteria": ("Kriterier", "Criteria"),
    "pub.intro.reassessment.follow_up": ("Oppfølging innen", "Follow-up by"),
    "pub.intro.reassessment.note": ("Merknad", "Note"),
    "pub.intro.reassessment.undecided": ("ikke besluttet ennå", "not decided yet"),
    "pub.intro.plan": ("Analyseplanen, slik den ble registrert",
                       "The analysis plan, as registered"),
    "pub.intro.plan.lead": (
        "Analyseplanen skal ligge fast før dataene er sett. Hver versjon ble fryst da den ble "
        "registrert. SHA-256-summen er regnet av planens tekst (UTF-8), så hvem som helst kan "
        "kontrollere at teksten her er den som ble registrert, og senere at analysen fulgte den.",
        "The analysis plan is to be fixed before the data are seen. Each version was frozen when "
        "it was registered. The SHA-256 is computed from the plan's text (UTF-8), so anyone can "
        "check that the text here is the one registered, and later that the analysis followed "
        "it."),
    "pub.intro.plan.none": ("Ingen analyseplan er registrert ennå.",
                            "No analysis plan is registered yet."),
    "pub.intro.plan.version": ("Versjon {n}", "Version {n}"),
    "pub.intro.plan.current": ("gjeldende", "current"),
    "pub.intro.plan.versions": ("Alle versjoner av analyseplanen",
                                "Every version of the analysis plan"),
    "pub.intro.plan.first_cut": ("Første leveranses datakutt", "First delivery's data cut"),
    "pub.intro.plan.pre": ("Registrert før dataene", "Registered before the data"),
    "pub.intro.plan.pre.yes": ("ja", "yes"),
    "pub.intro.plan.pre.no": ("nei: etter første datakutt", "no: after the first data cut"),
    "pub.intro.plan.pre.no_data": ("ja (ingen data ennå)", "yes (no data yet)"),
    "pub.intro.plan.check": (
        "Slik kontrollerer du summen: lagre teksten nøyaktig som den står (uten linjeskift til "
        "slutt) og regn ut SHA-256, for eksempel med «sha256sum» eller «Get-FileHash».",
        "To check the sum: save the text exactly as it stands (no final line break) and compute "
        "its SHA-256, e.g. with “sha256sum” or “Get-FileHash”."),
    "pub.intro.agreements": ("Prisavtaler", "Price agreements"),
    "pub.intro.agreements.none": ("Ingen prisavtale er registrert for innføringen.",
                                  "No price agreement is recorded for the introduction."),
    # price agreements
    "pub.agreements.title": ("Prisavtalenes struktur", "The structure of the price agreements"),
    "pub.agreements.lead": (
        "Avtaleform og -struktur er offentlig: hvilken type avtale, OECD-kategori og -nivå, "
        "perioden og om betalingen avhenger av pasientenes resultater.",
        "The form and structure of an agreement are public: the type of agreement, its OECD "
        "category and level, its period and whether payment depends on patients' outcomes."),
    "pub.agreements.confidential": (
        "Priser, rabatter og refusjonsandeler er konfidensielle og unntatt offentlighet, fordi de "
        "har forretningsmessig betydning. De vises derfor ikke her.",
        "Prices, discounts and refund shares are confidential and exempt from public "
        "disclosure, because they are commercially sensitive. They are therefore not shown "
        "here."),
    "pub.agreements.none": ("Ingen prisavtaler er registrert.", "No price agreement is recorded."),
    "pub.agreements.caption": ("Prisavtaler, nyeste først", "Price agreements, newest first"),
    "pub.agreement.method": ("Metode", "Method"),
    "pub.agreement.type": ("Avtaletype", "Type of agreement"),
    "pub.agreement.oecd": ("OECD-kategori", "OECD category"),
    "pub.agreement.level": ("OECD-nivå", "OECD level"),
    "pub.agreement.period": ("Periode", "Period"),
    "pub.agreement.status": ("Status", "Status"),
    "pub.agreement.outcome_based": ("Resultatbasert betaling", "Outcome-based payment"),
    "pub.agreement.introduction": ("Midlertidig innføring", "Temporary introduction"),
    "pub.agreement.no_introduction": ("ingen", "none"),
    "pub.agreement.to_introduction": ("Se innføringen av {id}", "See the introduction of {id}"),
    "pub.period": ("{start} – {end}", "{start} – {end}"),
    # group exceptions
    "pub.groups.lead": (
        "Det interregionale fagdirektørmøtet kan gjøre unntak for en definert pasientgruppe mens "
        "en metode vurderes. Alle mottatte søknader om gruppeunntak publiseres: gjeldende unntak, "
        "tidligere unntak (som ikke lenger gjelder fordi Beslutningsforum har besluttet) og "
        "avslåtte søknader, med begrunnelsen.",
        "The interregional medical directors' meeting may make an exception for a defined "
        "patient group while a method is assessed. Every application for a group exception is "
        "published: current exceptions, previous ones (no longer in force because "
        "Beslutningsforum has decided) and refused applications, with the reason."),
    "pub.groups.clinical_group": ("Fagmiljø", "Clinical group"),
    "pub.groups.trusts": ("Helseforetak", "Trusts"),
    # individual access
    "pub.access.title": ("Individuell tilgang: statistikk og vedtak",
                         "Individual access: statistics and decisions"),
    "pub.access.lead": (
        "Pasienter kan få en metode som ikke er innført, gjennom unntak for enkeltpasienter, "
        "gruppeunntak eller Tilgangsordningen. Her er de avgjorte sakene etter år, region, "
        "diagnosegruppe, metode og ordning, andelen som innvilges i hver region, om andelen "
        "varierer mer enn tilfeldigheter skulle tilsi, og vurderingskomitéens vedtak uten "
        "opplysninger om pasientene.",
        "Patients may receive a method that is not introduced, through an exception for one "
        "patient, a group exception or Tilgangsordningen. Here are the decided cases by year, "
        "region, diagnosis group, method and scheme, the share granted in each region, whether "
        "that share varies more than chance would make it, and the assessment committee's "
        "decisions without anything about the patients."),
    "pub.access.filters": ("Utvalg", "Selection"),
    "pub.access.scheme": ("Ordning", "Scheme"),
    "pub.access.year_from": ("Fra år", "From year"),
    "pub.access.year_to": ("Til år", "To year"),
    "pub.access.year.hint": ("Fire siffer, for eksempel 2025.", "Four digits, e.g. 2025."),
    "pub.access.ignored": ("«{value}» er ikke et årstall og er ikke brukt.",
                           "“{value}” is not a year and was not used."),
    "pub.access.count": ("{n} avgjorte saker i utvalget.", "{n} decided cases in the selection."),
    "pub.access.none": ("Ingen avgjorte saker i utvalget.", "No decided cases in the selection."),
    "pub.access.too_few": (
        "Utvalget har færre enn 5 avgjorte saker, og da vises ingen tall.",
        "The selection has fewer than 5 decided cases, so no numbers are shown."),
    "pub.access.hidden": ("skjult", "hidden"),
    "pub.access.suppressed": (
        "Antall fra 1 til 4 vises ikke, fordi så små tall kan avsløre enkeltpasienter. Der det "
        "står «skjult», er tallet enten under 5, eller skjult fordi et tall under 5 ellers "
        "kunne regnes ut av summene. «Skjult» betyr aldri 0. Gruppeunntak telles med fullt ut: "
        "hvert av dem er publisert (se Gruppeunntak).",
        "Counts from 1 to 4 are not shown, since such small numbers could reveal individual "
        "patients. Where a cell reads “hidden”, the count is either under 5, or hidden because "
        "a count under 5 could otherwise be worked out from the totals. “Hidden” never means "
        "0. Group exceptions are counted in full: each of them is published (see Group "
        "exceptions)."),
    "pub.access.caption.year_region": ("Avgjorte saker etter år og region",
                                       "Decided cases by year and region"),
    "pub.access.caption.diagnosis_group": ("Avgjorte saker etter diagnosegruppe "
                                           "(ICD-10-kapittel)",
                                           "Decided cases by diagnosis group (ICD-10 chapter)"),
    "pub.access.caption.method": ("Avgjorte saker etter metode", "Decided cases by method"),
    "pub.access.caption.scheme": ("Avgjorte saker etter ordning", "Decided cases by scheme"),
    "pub.access.caption.rates": ("Andel innvilget per region, med 95 % konfidensintervall",
                                 "Grant rate by region, with 95 % confidence interval"),
    "pub.access.tables": ("Tabeller", "Tables"),
    "pub.access.rates": ("Andel innvilget per region", "Grant rate by region"),
    "pub.access.chapter": ("Kapittel {n}", "Chapter {n}"),
    "pub.access.withheld.small_counts": (
        "Testene og traktplottet vises ikke: i minst én region er antallet innvilgede eller "
        "avslåtte søknader så lite at resultatene kunne avsløre de skjulte tallene.",
        "The tests and the funnel plot are not shown: in at least one region the number of "
        "grants or refusals is so small that the results could give the hidden counts away."),
    "pub.access.withheld.too_few": (
        "Testene og traktplottet vises ikke: utvalget har færre enn 5 avgjorte saker.",
        "The tests and the funnel plot are not shown: the selection has fewer than 5 decided "
        "cases."),
    "pub.access.withheld.regions": (
        "Testene og traktplottet krever avgjorte saker fra minst to regioner.",
        "The tests and the funnel plot need decided cases from at least two regions."),
    "pub.access.funnel.withheld": ("Traktplottet vises ikke, av samme grunn som testene.",
                                   "The funnel plot is not shown, for the same reason as the "
                                   "tests."),
    "pub.access.funnel.svg": (
        "Traktplott: andel innvilget mot antall avgjorte saker for hver region, med grensene "
        "for 95 % og 99,8 % rundt den nasjonale andelen på {p0}.",
        "Funnel plot: grant rate against the number of decided cases for each region, with the "
        "95 % and 99.8 % limits around the national rate of {p0}."),
    "pub.access.funnel.table": ("Traktplottet som tabell", "The funnel plot as a table"),
    "pub.access.funnel.where": ("Plassering", "Position"),
    "pub.access.funnel.inside": ("innenfor begge grensene", "inside both limits"),
    "pub.access.funnel.outside_95": ("utenfor 95 %-grensene", "outside the 95 % limits"),
    "pub.access.funnel.outside_998": ("utenfor 99,8 %-grensene", "outside the 99.8 % limits"),
    "pub.access.funnel.limits_at": ("95 %-grenser ved dette antallet",
                                    "95 % limits at this number"),
    "pub.committee": ("Vurderingskomitéens vedtak (Tilgangsordningen)",
                      "The assessment committee's decisions (Tilgangsordningen)"),
    "pub.committee.lead": (
        "Hvert avgjort vedtak, uten kjønn, fødselsår, helseforetak, region eller dato. Listen "
        "er sortert etter utfall, ikke etter tid, og gjelder alle år: utvalget av ordning og år "
        "over gjelder statistikken, ikke denne listen.",
        "Every decision made, without sex, year of birth, trust, region or date. The list is "
        "ordered by outcome, not by time, and covers every year: the choice of scheme and years "
        "above applies to the statistics, not to this list."),
    "pub.committee.level.method_and_diagnosis_group": (
        "Metode og diagnosegruppe vises for hvert vedtak: ingen kombinasjon av dem gir et antall "
        "under 5.",
        "Method and diagnosis group are shown for each decision: no combination of them gives a "
        "count under 5."),
    "pub.committee.level.diagnosis_group": (
        "Diagnosegruppen vises, men ikke metoden, fordi metoden sammen med utfallet ville gitt "
        "et antall under 5.",
        "The diagnosis group is shown but not the method, because the method with the outcome "
        "would give a count under 5."),
    "pub.committee.level.method": (
        "Metoden vises, men ikke diagnosegruppen, fordi diagnosegruppen sammen med utfallet "
        "ville gitt et antall under 5.",
        "The method is shown but not the diagnosis group, because the diagnosis group with the "
        "outcome would give a count under 5."),
    "pub.committee.level.outcome": (
        "Metode og diagnosegruppe vises ikke, fordi hver av dem sammen med utfallet ville gitt "
        "et antall under 5. Bare utfallet, grunnlaget og saksbehandlingstiden vises.",
        "Method and diagnosis group are not shown, because either of them with the outcome "
        "would give a count under 5. Only the outcome, the grounds and the time taken are "
        "shown."),
    "pub.committee.level.none": (
        "Ingen vedtak kan listes ennå: hvert utfall er så sjeldent at listen ville avsløre et "
        "antall under 5.",
        "No decision can be listed yet: each outcome is so rare that the list would reveal a "
        "count under 5."),
    "pub.committee.empty": ("Vurderingskomitéen har ikke avgjort noen saker ennå.",
                            "The assessment committee has not decided any case yet."),
    "pub.committee.count": ("{n} vedtak.", "{n} decisions."),
    "pub.committee.caption": ("Vurderingskomitéens vedtak, anonymisert",
                              "The assessment committee's decisions, anonymised"),
    "pub.committee.scheme": ("Ordning", "Scheme"),
    "pub.committee.method": ("Metode", "Method"),
    "pub.committee.diagnosis_group": ("Diagnosegruppe", "Diagnosis group"),
    "pub.committee.outcome": ("Utfall", "Outcome"),
    "pub.committee.grounds": ("Grunnlag funnet oppfylt", "Grounds found met"),
    "pub.committee.days": ("Dager fra mottak til vedtak", "Days from receipt to decision"),
    "pub.committee.withheld": ("ikke vist", "not shown"),
    # errors
    "pub.404.title": ("Finnes ikke", "Not found"),
    "pub.404.text": ("Det finnes ingen midlertidig innføring med nummer {id}.",
                     "There is no temporary introduction number {id}."),
    "pub.yes": ("ja", "yes"),
    "pub.no": ("nei", "no"),
})

# Which catalogue names each kind of code: (catalogue, prefix).
_DASHBOARD_KINDS = {"status": "status", "reassessment_outcome": "outcome", "state": "state",
                    "measure_kind": "kind", "agreement_type": "type", "oecd": "oecd",
                    "oecd_level": "level", "agreement_status": "agstatus"}
_ACCESS_KINDS = {"scheme": "scheme", "access_outcome": "outcome", "ground": "ground",
                 "publication": "pub"}


def label(kind: str, value: Any, lang: str) -> str:
    """The name of a code on the page, from the catalogue that names it elsewhere (– for none).

    A code no catalogue names is shown as it is: the tests of the pages look for such codes.
    """
    if value is None or value == "":
        return "–"
    if kind in _DASHBOARD_KINDS:
        text = i18n.label(_DASHBOARD_KINDS[kind], value, lang)
        # The dashboards' level names are lower case, as they follow a category there.
        return text[:1].upper() + text[1:]
    if kind in _ACCESS_KINDS:
        return enum_label(_ACCESS_KINDS[kind], value, lang)
    if kind == "decision_outcome":
        return t(f"enum.outcome.{value}", lang)
    if kind == "chapter":
        return statistics_export.chapter_label(str(value), lang)
    raise KeyError(f"no catalogue names codes of kind {kind!r}")


def labels(kind: str, values: str | Iterable[str] | None, lang: str) -> str:
    """Several codes ('; '-separated or a list) by their names, comma-separated."""
    if not values:
        return "–"
    items = values.split("; ") if isinstance(values, str) else list(values)
    return ", ".join(label(kind, v, lang) for v in items)


def moment(value: datetime | None, lang: str) -> str:
    """A registration moment in Norwegian time: 06.06.2022 kl. 14.00."""
    return analysis_plan.fmt_moment(value, lang)


def review_changes(n: int, lang: str) -> str:
    """How often a review date was changed, in words."""
    if n == 0:
        return t("pub.review.unchanged", lang)
    return t("pub.review.changed" if n == 1 else "pub.review.changed_n", lang, n=n)


def common(lang: str) -> dict[str, Any]:
    """What every public template uses besides the page context."""
    return {
        "label": lambda kind, value: label(kind, value, lang),
        "labels": lambda kind, values: labels(kind, values, lang),
        "moment": lambda value: moment(value, lang),
        "href": lambda path, **args: href(path, lang, **args),
        "number": lambda value, decimals=0: i18n.fmt_number(value, lang, decimals),
        "percent": lambda value, decimals=1: i18n.fmt_percent(value, lang, decimals),
        "dt": lambda key, **values: i18n.t(key, lang, **values),
        "datasets": DATASETS,
        "licence": (service.LICENCE, service.LICENCE_URL),
    }
