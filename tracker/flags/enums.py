"""Enumerations of flags and notifications."""

from enum import StrEnum


class FlagKind(StrEnum):
    """Why a flag is raised. Each kind is raised by one rule in `tracker.flags.rules`."""

    review_upcoming = "review_upcoming"  # revurdering nærmer seg
    review_overdue = "review_overdue"  # revurdering på overtid
    data_delivery_due = "data_delivery_due"  # rule arrives with the registry feeds
    data_delivery_overdue = "data_delivery_overdue"  # rule arrives with the registry feeds
    outcome_divergence = "outcome_divergence"  # rule arrives with the outcomes analysis
    agreement_expiring = "agreement_expiring"  # prisavtale utløper
    volume_threshold = "volume_threshold"  # rule arrives with patient counts from the feeds
    analysis_plan_missing = "analysis_plan_missing"  # analyseplan mangler
    phaseout_deadline = "phaseout_deadline"  # frist i utfasingsplan
    renegotiation_due = "renegotiation_due"  # frist for reforhandling
    # Individual access (tracker.individual.flag_rules):
    committee_papers_due = "committee_papers_due"  # sakspapirer til vurderingskomitéen
    access_check_waiting = "access_check_waiting"  # kompletthetskontroll venter
    access_no_meeting = "access_no_meeting"  # sak uten møte innen 14 dager
    subgroup_assessment_suggested = "subgroup_assessment_suggested"  # vurder undergruppe
    # Settlements (tracker.settlements.flag_rules):
    settlement_due = "settlement_due"  # oppgjør forfaller
    cap_approaching = "cap_approaching"  # nærmer seg utgiftstaket
    cap_exceeded = "cap_exceeded"  # utgiftstaket er passert
    pending_overdue = "pending_overdue"  # pasient avventer uten nye data


KIND_LABELS: dict[str, str] = {
    FlagKind.review_upcoming: "Revurdering nærmer seg",
    FlagKind.review_overdue: "Revurdering på overtid",
    FlagKind.data_delivery_due: "Datalevering nærmer seg",
    FlagKind.data_delivery_overdue: "Datalevering på overtid",
    # Endpoint-neutral: for time on treatment a difference is a cost or tolerability
    # question, not worse or better (the message says which way and what it means).
    FlagKind.outcome_divergence: "Resultatene avviker fra antagelsene",
    FlagKind.agreement_expiring: "Prisavtale utløper",
    FlagKind.volume_threshold: "Pasientvolumet passerer et trinn i pris–volum-avtalen",
    FlagKind.analysis_plan_missing: "Analyseplan mangler",
    FlagKind.phaseout_deadline: "Frist i utfasingsplan",
    FlagKind.renegotiation_due: "Frist for reforhandling",
    FlagKind.committee_papers_due: "Sakspapirer til vurderingskomitéen",
    FlagKind.access_check_waiting: "Søknad venter på kompletthetskontroll",
    FlagKind.access_no_meeting: "Søknad uten møte i vurderingskomitéen innen 14 dager",
    FlagKind.subgroup_assessment_suggested: "Vurder en undergruppevurdering",
    FlagKind.settlement_due: "Oppgjør forfaller",
    FlagKind.cap_approaching: "Utgiftene nærmer seg taket i avtalen",
    FlagKind.cap_exceeded: "Utgiftene har passert taket i avtalen",
    FlagKind.pending_overdue: "Pasienter avventer vurdering uten nye data",
}
KIND_LABELS_EN: dict[str, str] = {
    FlagKind.review_upcoming: "Reassessment approaching",
    FlagKind.review_overdue: "Reassessment overdue",
    FlagKind.data_delivery_due: "Data delivery approaching",
    FlagKind.data_delivery_overdue: "Data delivery overdue",
    FlagKind.outcome_divergence: "Outcomes differ from the assumptions",
    FlagKind.agreement_expiring: "Price agreement expiring",
    FlagKind.volume_threshold: "Patient volume passes a tier of the price–volume agreement",
    FlagKind.analysis_plan_missing: "Analysis plan missing",
    FlagKind.phaseout_deadline: "Deadline in a phase-out plan",
    FlagKind.renegotiation_due: "Renegotiation deadline",
    FlagKind.committee_papers_due: "Papers for the assessment committee",
    FlagKind.access_check_waiting: "Application waiting for the completeness check",
    FlagKind.access_no_meeting: "Application with no committee meeting within 14 days",
    FlagKind.subgroup_assessment_suggested: "Consider a subgroup assessment",
    FlagKind.settlement_due: "Settlement due",
    FlagKind.cap_approaching: "Spending approaching the agreement's cap",
    FlagKind.cap_exceeded: "Spending past the agreement's cap",
    FlagKind.pending_overdue: "Patients pending without new data",
}


class SubjectType(StrEnum):
    """What a flag is about; with `subject_id` it names one row."""

    introduction = "introduction"
    milestone = "milestone"
    agreement = "agreement"
    reassessment = "reassessment"
    phaseout_step = "phaseout_step"
    access_case = "access_case"
    committee_meeting = "committee_meeting"
    method = "method"


class CloseReason(StrEnum):
    """Why a flag was closed."""

    resolved = "resolved"  # a sweep found the cause gone
    decided = "decided"  # a reassessment decision settled it


class NotificationChannel(StrEnum):
    email = "email"  # sent at once
    digest = "digest"  # collected into the recipient's daily digest


class NotificationMode(StrEnum):
    """How a recipient wants to hear about new flags."""

    immediate = "immediate"
    daily_digest = "daily_digest"
