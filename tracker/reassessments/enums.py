"""States of a reassessment case and the outcomes Beslutningsforum can decide."""

from enum import StrEnum


class CaseState(StrEnum):
    """Where a reassessment case ("revurderingssak") stands."""

    planned = "planned"  # planlagt
    data_requested = "data_requested"  # data bestilt fra MT-innehaver / registre
    data_received = "data_received"  # data mottatt
    assessment_ordered = "assessment_ordered"  # metodevurdering bestilt (Bestillerforum)
    assessment_delivered = "assessment_delivered"  # metodevurdering levert
    price_negotiation = "price_negotiation"  # prisforhandling (Sykehusinnkjøp)
    decided = "decided"  # besluttet (Beslutningsforum)


# The allowed next steps. A case may go from a delivered assessment straight to a decision:
# Sykehusinnkjøp does not always renegotiate (e.g. the evidence confirms the interim price).
TRANSITIONS: dict[CaseState, tuple[CaseState, ...]] = {
    CaseState.planned: (CaseState.data_requested,),
    CaseState.data_requested: (CaseState.data_received,),
    CaseState.data_received: (CaseState.assessment_ordered,),
    CaseState.assessment_ordered: (CaseState.assessment_delivered,),
    CaseState.assessment_delivered: (CaseState.price_negotiation, CaseState.decided),
    CaseState.price_negotiation: (CaseState.decided,),
    CaseState.decided: (),
}

STATE_LABELS: dict[str, str] = {
    CaseState.planned: "Planlagt",
    CaseState.data_requested: "Data bestilt",
    CaseState.data_received: "Data mottatt",
    CaseState.assessment_ordered: "Metodevurdering bestilt (Bestillerforum)",
    CaseState.assessment_delivered: "Metodevurdering levert",
    CaseState.price_negotiation: "Prisforhandling (Sykehusinnkjøp)",
    CaseState.decided: "Besluttet (Beslutningsforum)",
}
STATE_LABELS_EN: dict[str, str] = {
    CaseState.planned: "Planned",
    CaseState.data_requested: "Data requested",
    CaseState.data_received: "Data received",
    CaseState.assessment_ordered: "Assessment ordered (Bestillerforum)",
    CaseState.assessment_delivered: "Assessment delivered",
    CaseState.price_negotiation: "Price negotiation (Sykehusinnkjøp)",
    CaseState.decided: "Decided (Beslutningsforum)",
}


class Outcome(StrEnum):
    """What Beslutningsforum decided at reassessment (003 L3947-3961)."""

    permanent = "permanent"  # innføres permanent, eventuelt med kriterier
    phase_out = "phase_out"  # videreføres ikke: utfasing
    renegotiation = "renegotiation"  # ny prisforhandling
    subgroup_continuation = "subgroup_continuation"  # videreføres for undergrupper, resten utfases


class PhaseOutStepKey(StrEnum):
    """The dated steps of a phase-out plan."""

    stop_new_patients = "stop_new_patients"  # ingen nye pasienter fra denne datoen
    follow_up = "follow_up"  # oppfølging av pasienter som står på behandling
