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
    "role.coordinator": ("koordinator", "coordinator"),
    "role.committee": ("vurderingskomitéen", "assessment committee"),
    "role.medical_director": ("fagdirektør", "medical director"),
    "login.link": ("Logg inn", "Log in"),
    "logout": ("Logg ut", "Log out"),
    "nav.label": ("Hovedmeny", "Main"),
    "in.too_few": (
        "For få pasienter til å vise resultater (under 5): det vises bare for roller med "
        "tilgang til data på pasientnivå, fordi så små tall kan avsløre enkeltpasienter.",
        "Too few patients to show results (under 5): they are shown only to roles with access "
        "to patient-level data, since such small numbers could reveal individual patients.",
    ),
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
    "flag.signal": ("Avvik", "Signal"),
    "flag.as_of": ("per {date}", "as of {date}"),
    "flagkind.review_upcoming": ("Revurdering nærmer seg", "Reassessment due soon"),
    "flagkind.review_overdue": ("Revurdering på overtid", "Reassessment overdue"),
    "flagkind.data_delivery_due": ("Datalevering nærmer seg", "Data delivery due soon"),
    "flagkind.data_delivery_overdue": ("Datalevering på overtid", "Data delivery overdue"),
    "flagkind.outcome_divergence": ("Resultatene avviker fra antagelsene",
                                    "Outcomes differ from the assumptions"),
    "flagkind.agreement_expiring": ("Prisavtale utløper", "Price agreement ends"),
    "flagkind.volume_threshold": ("Pasientvolumet passerer et trinn i pris–volum-avtalen",
                                  "Patient volume passes a tier of the price–volume agreement"),
    "flagkind.analysis_plan_missing": ("Analyseplan mangler", "Analysis plan missing"),
    "flagkind.phaseout_deadline": ("Frist i utfasingsplan", "Phase-out deadline"),
    "flagkind.renegotiation_due": ("Frist for reforhandling", "Renegotiation deadline"),
    "flagkind.committee_papers_due": ("Sakspapirer til vurderingskomitéen",
                                      "Papers for the assessment committee"),
    "flagkind.access_check_waiting": ("Søknad venter på kompletthetskontroll",
                                      "Application waiting for the completeness check"),
    "flagkind.access_no_meeting": ("Søknad uten møte i vurderingskomitéen innen 14 dager",
                                   "Application with no committee meeting within 14 days"),
    "flagkind.subgroup_assessment_suggested": ("Vurder en undergruppevurdering",
                                               "Consider a subgroup assessment"),
    "flagkind.settlement_due": ("Oppgjør forfaller", "Settlement due"),
    "flagkind.cap_approaching": ("Utgiftene nærmer seg taket i avtalen",
                                 "Spending approaching the agreement's cap"),
    "flagkind.cap_exceeded": ("Utgiftene har passert taket i avtalen",
                              "Spending past the agreement's cap"),
    "flagkind.pending_overdue": ("Pasienter avventer vurdering uten nye data",
                                 "Patients pending without new data"),
    "tl.legend.shape": ("Form:", "Shape:"),
    "tl.legend.colour": ("Farge:", "Colour:"),
    "tl.legend.overdue": ("på overtid", "overdue"),
    "tl.legend.due": ("varslet, nærmer seg", "flagged, due soon"),
    "tl.legend.ok": ("i rute / ikke varslet", "on track / not flagged"),
    "tl.legend.label": ("Forklaring til tidslinjen", "Timeline legend"),
    "ov.review_passed": ("fristen er passert", "date passed"),
    "ov.ms.passed": ("Frist passert: {date} · {source}", "Date passed: {date} · {source}"),
    "ov.ms.passed_hint": (
        "Om leveransen har kommet, ser innloggede brukere.",
        "Whether it was delivered is shown to signed-in users.",
    ),
    "ov.ms.next": ("Neste: {date} · {source}", "Next: {date} · {source}"),
    # the start of each role on the overview
    "start.label": ("Din start", "Your start"),
    "start.secretariat": ("Frister: på overtid og de neste seks månedene",
                          "Deadlines: overdue and the next six months"),
    "start.secretariat.count": ("{overdue} på overtid · {soon} de neste seks månedene",
                                "{overdue} overdue · {soon} in the next six months"),
    "start.secretariat.none": ("Ingen frister på overtid eller de neste seks månedene.",
                               "No deadlines overdue or in the next six months."),
    "start.procurement": ("Prisavtaler: terskler og utløp", "Price agreements: tiers and ends"),
    "start.procurement.count": (
        "{active} aktive avtaler · {ending} utløper innen seks måneder · {tiers} volumtrinn "
        "passert",
        "{active} active agreements · {ending} end within six months · {tiers} volume tiers "
        "passed",
    ),
    "start.procurement.none": ("Ingen avtaler utløper, og ingen volumtrinn er passert.",
                               "No agreement ends soon and no volume tier is passed."),
    "start.clinician": ("Oppfølging av innføringene", "Follow-up of the introductions"),
    "start.clinician.latest": ("Siste datakutt", "Latest data cut"),
    "start.clinician.signals": ("Avvik fra antagelsene", "Deviations from the assumptions"),
    "start.clinician.none_yet": ("ingen data ennå", "no data yet"),
    "start.clinician.ok": ("ingen avvik varslet", "no deviation flagged"),
    "start.forum": ("Saker til beslutning", "Cases to decide"),
    "start.forum.none": ("Ingen revurderingssaker er åpne.", "No reassessment case is open."),
    "start.forum.ready": ("klar til beslutning", "ready for decision"),
    "start.forum.brief": ("Beslutningsgrunnlag", "Brief"),
    "start.more": ("{n} til i listen", "{n} more in the list"),
    "start.col.what": ("Hva", "What"),
    "start.col.introduction": ("Innføring", "Introduction"),
    "start.col.agreement": ("Avtale", "Agreement"),
    "start.col.ends": ("Utløper", "Ends"),
    "start.col.case": ("Sak", "Case"),
    "dl.review": ("Revurdering", "Reassessment"),
    "dl.milestone": ("Datalevering", "Data delivery"),
    "dl.agreement_end": ("Prisavtale utløper", "Price agreement ends"),
    "dl.phaseout_step": ("Steg i utfasingsplan", "Phase-out step"),
    "dl.renegotiation": ("Frist for reforhandling", "Renegotiation deadline"),
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
    "in.no_source": (
        "Ingen datakilde er utpekt for dette endepunktet i utfallsmålene, så det finnes ingen "
        "registerkurve for det.",
        "No data source is named for this endpoint in the outcome measures, so there is no "
        "registry curve for it.",
    ),
    "in.no_delivery_from": (
        "Ingen leveranse er mottatt ennå fra kilden utfallsmålet peker på.",
        "No delivery has been received yet from the source the outcome measure names.",
    ),
    "in.received_instead": ("Mottatt: {what}.", "Received: {what}."),
    "in.received_item": ("{source} ({n} leveranser, siste datakutt {cut})",
                         "{source} ({n} deliveries, latest data cut {cut})"),
    "in.no_endpoint": (
        "Ingen av utfallsmålene er tid-til-hendelse (OS, PFS, TTD), så det finnes ingen kurve å "
        "holde opp mot antagelsene.",
        "None of the outcome measures is time-to-event (OS, PFS, TTD), so there is no curve to "
        "hold against the assumptions.",
    ),
    "in.breakdown_empty": ("Ingen grupper å vise for dette endepunktet.",
                           "No groups to show for this endpoint."),
    "in.small_group": ("under 5 pasienter: for få til å tolke",
                       "under 5 patients: too few to read"),
    "in.n": ("n = {n}", "n = {n}"),
    "in.reassessment": ("Revurdering", "Reassessment"),
    "in.case_open": ("Revurderingssak {id}: {state} (åpnet {opened})",
                     "Reassessment case {id}: {state} (opened {opened})"),
    "in.case_decided": ("Besluttet {date}: {outcome}", "Decided on {date}: {outcome}"),
    "in.phaseout": ("Utfasingsplan", "Phase-out plan"),
    "in.step.done": ("Utført {date}", "Done on {date}"),
    "in.step.overdue": ("På overtid", "Overdue"),
    "in.step.pending": ("Venter", "Pending"),
    "dec.criteria": ("Kriterier", "Criteria"),
    "dec.new_patients_stop_date": ("Ingen nye pasienter fra", "No new patients from"),
    "dec.rest_phaseout_date": ("Utfasing for resten fra", "Phase-out for the rest from"),
    "dec.patients_on_treatment": ("Pasienter på behandling", "Patients on treatment"),
    "dec.follow_up_date": ("Oppfølging", "Follow-up"),
    "dec.renegotiate": ("Reforhandles", "To renegotiate"),
    "dec.deadline": ("Frist", "Deadline"),
    "dec.subgroups": ("Undergrupper som videreføres", "Subgroups continued"),
    "dec.note": ("Referat", "Note"),
    "outcome.permanent": ("Innføres permanent", "Introduced permanently"),
    "outcome.phase_out": ("Videreføres ikke: utfases", "Not continued: phased out"),
    "outcome.renegotiation": ("Ny prisforhandling", "New price negotiation"),
    "outcome.subgroup_continuation": ("Videreføres for undergrupper, resten utfases",
                                      "Continued for subgroups, phased out for the rest"),
    "kind.OS": ("Totaloverlevelse (OS)", "Overall survival (OS)"),
    "kind.PFS": ("Progresjonsfri overlevelse (PFS)", "Progression-free survival (PFS)"),
    "kind.TTD": ("Tid på behandling (TTD)", "Time on treatment (TTD)"),
    "kind.response": ("Respons", "Response"),
    "kind.PROM": ("Pasientrapportert (PROM)", "Patient-reported (PROM)"),
    "kind.other": ("Annet", "Other"),
    "dist.exponential": ("Eksponentiell", "Exponential"),
    "dist.weibull": ("Weibull", "Weibull"),
    "dist.lognormal": ("Lognormal", "Log-normal"),
    "dist.loglogistic": ("Log-logistisk", "Log-logistic"),
    "dist.gompertz": ("Gompertz", "Gompertz"),
    "dist.points": ("{n} punkter", "{n} points"),
    "param.scale": ("skala", "scale"),
    "param.shape": ("form", "shape"),
    "param.rate": ("rate", "rate"),
    "param.mu": ("μ", "μ"),
    "param.sigma": ("σ", "σ"),
    "in.verdict": ("Vurdering", "Verdict"),
    "in.landmarks": ("Landemerker", "Landmarks"),
    # Endpoint-neutral: the events are deaths for OS, progression or death for PFS, stops for TTD.
    "in.oe": ("Observerte / forventede hendelser (O/E)", "Observed / expected events (O/E)"),
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
    "fig.hz.interval": ("Hasard per intervall ({length} {unit}, 95 % KI)",
                        "Hazard per interval ({length} {unit}, 95 % CI)"),
    "fig.hz.smoothed": ("Glattet hasard (Nelson–Aalen)", "Smoothed hazard (Nelson–Aalen)"),
    "fig.hz.assumed": ("Antatt hasard h(t)", "Assumed hazard h(t)"),
    "fig.hz.axis": ("Hendelser per 100 pasient-{unit}", "Events per 100 patient-{unit}"),
    "fig.log_scale": ("logaritmisk skala", "log scale"),
    "fig.extrapolated": ("Antatt, ekstrapolert", "Assumed, extrapolated"),
    "fig.last_follow_up": ("Lengste oppfølging", "Longest follow-up"),
    "fig.oe.calendar": ("Kumulativ O/E i gjeldende levering (95 % KI)",
                        "Cumulative O/E in the current delivery (95 % CI)"),
    "fig.oe.deliveries": ("O/E per levering", "O/E per delivery"),
    "fig.oe.reference": ("O/E = 1: som antatt", "O/E = 1: as assumed"),
    "fig.oe.axis": ("Observerte / forventede hendelser", "Observed / expected events"),
    "ev.hazards": ("Hasard mot antatt hasard", "Hazard against the assumed hazard"),
    "ev.hazards_note": (
        "Den glattede hasarden er skjev nedover nær 0 og nær lengste oppfølging.",
        "The smoothed hazard is biased downwards near 0 and near the longest follow-up."),
    "ev.brief_hazards_note": (
        "Firkanter: hasard per intervall med 95 % KI; heltrukket linje: glattet hasard eller "
        "registerkurven; stiplet: antagelsen.",
        "Squares: hazard per interval with 95 % CI; solid line: smoothed hazard or the registry "
        "curve; dashed: the assumption."),
    "ev.loglog": ("log(−log S) mot log t", "log(−log S) against log t"),
    "ev.loglog_note": ("En Weibull-kurve er en rett linje her (stigningstall {slope}).",
                       "A Weibull curve is a straight line here (slope {slope})."),
    "ev.extrapolation": ("Ekstrapolering", "Extrapolation check"),
    "ev.assumed_mean": ("Antatt gjennomsnitt (modellens horisont)",
                        "Assumed mean (over the model's horizon)"),
    "ev.horizon.lifetime": ("livstid", "lifetime"),
    "ev.horizon.curve_end": ("til kurvens slutt", "to the curve's end"),
    "ev.horizon.capped": ("avkortet ved 40 år", "capped at 40 years"),
    "ev.observed_rmst": ("Observert RMST til {tau} {unit}", "Observed RMST to {tau} {unit}"),
    "ev.assumed_rmst": ("Antatt RMST til {tau} {unit}", "Assumed RMST to {tau} {unit}"),
    "ev.survival_tau": ("Andel ved {tau} {unit}: register / antatt",
                        "Proportion at {tau} {unit}: registry / assumed"),
    "ev.share_beyond": ("Andel av gjennomsnittet etter lengste oppfølging",
                        "Share of the mean beyond the longest follow-up"),
    "ev.required_tail": ("Areal som må komme etter lengste oppfølging: nødvendig / antatt",
                         "Area still needed after the longest follow-up: required / assumed"),
    "ev.maturity": ("Datamodenhet", "Data maturity"),
    "ev.events_share": ("Hendelser (andel av pasientene)", "Events (share of patients)"),
    "ev.median_follow_up": ("Median oppfølging (omvendt Kaplan–Meier)",
                            "Median follow-up (reverse Kaplan–Meier)"),
    "ev.still_at_risk": ("Fortsatt i risiko", "Still at risk"),
    "ev.review": ("Revurderingsdato", "Review date"),
    "ev.expected_by_review": ("Forventede nye hendelser innen revurderingen",
                              "Events expected by the review date"),
    "ev.follow_up_by_review": ("Median oppfølging ved revurderingen",
                               "Median follow-up at the review date"),
    "ev.immature_warning": ("Dataene vil fortsatt være umodne ved revurderingen",
                            "The data will still be immature at the review date"),
    "ev.completeness": ("Kompletthet per variabel", "Completeness per variable"),
    "ev.variable": ("Variabel", "Variable"),
    "ev.missing": ("Mangler", "Missing"),
    "ev.flag_missing": ("over 10 % mangler", "over 10 % missing"),
    "ev.var.health_trust": ("Helseforetak", "Health trust"),
    "ev.var.region": ("Helseregion", "Health region"),
    "ev.var.birth_year": ("Fødselsår", "Year of birth"),
    "ev.var.sex": ("Kjønn", "Sex"),
    "ev.var.diagnosis": ("Diagnose", "Diagnosis"),
    "ev.var.subgroup": ("Undergruppe", "Subgroup"),
    "ev.var.treatment_line": ("Behandlingslinje", "Line of treatment"),
    "ev.var.best_response": ("Beste respons", "Best response"),
    "ev.var.stop_reason": ("Årsak til avslutning (av avsluttede)",
                           "Reason for stopping (of those stopped)"),
    "ev.history": ("Evidensen over tid", "The evidence over time"),
    "ev.data_cut": ("Datakutt", "Data cut"),
    "ev.current": ("gjeldende", "current"),
    "ev.superseded": ("erstattet {date}", "superseded {date}"),
    "ev.calendar": ("Kumulativ O/E over kalendertid", "Cumulative O/E over calendar time"),
    "ev.date": ("Dato", "Date"),
    "ev.rounded": ("Tallene er beregnet fra antall avrundet til nærmeste {base}.",
                   "Numbers are computed from counts rounded to the nearest {base}."),
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
    "br.summary": ("Sammendrag", "Summary"),
    "br.summary.verdict": ("Registerdata mot antagelsene", "Registry data against the assumptions"),
    "br.summary.flags": ("Åpne varsler", "Open flags"),
    "br.summary.decision": ("Beslutning", "Decision"),
    "br.summary.undecided": ("Ikke besluttet ennå", "Not decided yet"),
    "br.summary.agreements": ("Prisavtaler", "Price agreements"),
    "br.decision": ("Beslutningen", "The decision"),
    "br.confidential": (
        "Fortrolig – unntatt offentlighet (offl. § 13, jf. fvl. § 13 første ledd nr. 2): "
        "inneholder konfidensielle priser.",
        "Confidential – exempt from public disclosure: contains confidential prices.",
    ),
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


def fmt_short(value: float, lang: str, decimals: int = 3) -> str:
    """A parameter as people write it: at most `decimals` decimals, trailing zeros dropped
    (17.0 -> "17", 1.2 -> "1,2", 0.0125 -> "0,013")."""
    text = fmt_number(value, lang, decimals)
    mark = "." if lang == "en" else ","
    if mark in text:
        text = text.rstrip("0").rstrip(mark)
    return text


def fmt_count(value: float | None, lang: str) -> str:
    """A count, or "<5" where a small count is withheld (null) from this reader."""
    return "<5" if value is None else fmt_number(value, lang)


def fmt_percent(value: float | None, lang: str, decimals: int = 0) -> str:
    """Format a proportion 0..1 as a percentage."""
    if value is None:
        return "–"
    return f"{fmt_number(value * 100, lang, decimals)}\u00a0%"
