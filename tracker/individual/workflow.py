"""The steps of each scheme: from which state to which, who may take them, what they need.

- Individual exception (001_80062af9e32c6c25.txt L60–80, 000 L259–276): application, the line
  manager's approval, the pharmacist's check of literature, cost and prescription category, the
  medical director's decision (no appeal), the decision returned to the patient record.
- Group exception (000 L281–288): applied for by a clinical group with a trust's management,
  decided by the interregional medical directors' meeting with its indication limits, published
  as current; it ends (previous) when it no longer applies.
- Tilgangsordningen (002_e9fcae1246b76c56.txt L695–731): received, completeness check by the
  coordinator (returned when incomplete, without judging content), price check by
  Sykehusinnkjøp, scheduled for a committee meeting, decided, decision sent to the trust.

"Trust" steps are taken by a clinician or medical director of the case's sending trust.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.individual.enums import CaseState as S
from tracker.individual.enums import Scheme
from tracker.users.enums import Role

TRUST = frozenset({Role.clinician, Role.medical_director})
DIRECTOR = frozenset({Role.medical_director})
NYE_METODER = frozenset({Role.coordinator, Role.secretariat})
PROCUREMENT = frozenset({Role.procurement})
# Who may register a case: the trust, or Nye metoder for the national register.
CREATORS = TRUST | NYE_METODER
TRUST_SCOPED = frozenset({Role.clinician, Role.medical_director})


@dataclass(frozen=True)
class Step:
    to: S
    roles: frozenset[Role]
    needs: tuple[str, ...] = ()  # StepIn fields the step must carry


def _withdraw() -> Step:
    return Step(S.withdrawn, TRUST | NYE_METODER, ("justification",))


FLOWS: dict[Scheme, dict[S, tuple[Step, ...]]] = {
    Scheme.individual_exception: {
        S.applied: (Step(S.line_manager_approved, TRUST, ("justification",)), _withdraw()),
        S.line_manager_approved: (
            Step(S.pharmacist_checked, TRUST,
                 ("literature_checked", "cost_per_month_nok", "prescription_category")),
            _withdraw(),
        ),
        S.pharmacist_checked: (Step(S.decided, DIRECTOR, ("outcome", "justification")),
                               _withdraw()),
        S.decided: (Step(S.sent, TRUST),),
        S.sent: (),
        S.withdrawn: (),
    },
    Scheme.group_exception: {
        S.applied: (Step(S.decided, NYE_METODER, ("outcome", "justification")), _withdraw()),
        S.decided: (Step(S.ended, NYE_METODER, ("justification",)),),
        S.ended: (),
        S.withdrawn: (),
    },
    Scheme.access_scheme: {
        S.received: (Step(S.returned, frozenset({Role.coordinator}), ("missing",)),
                     Step(S.complete, frozenset({Role.coordinator})), _withdraw()),
        S.returned: (Step(S.received, TRUST | NYE_METODER), _withdraw()),
        S.complete: (Step(S.price_checked, PROCUREMENT, ("cost_per_month_nok", "price_basis")),
                     _withdraw()),
        S.price_checked: (Step(S.scheduled, frozenset({Role.coordinator}), ("meeting_id",)),
                          _withdraw()),
        # Moved to another meeting, or decided (POST .../committee-decision).
        S.scheduled: (Step(S.scheduled, frozenset({Role.coordinator}), ("meeting_id",)),
                      Step(S.decided, frozenset({Role.coordinator}), ()), _withdraw()),
        S.decided: (Step(S.sent, frozenset({Role.coordinator})),),
        S.sent: (),
        S.withdrawn: (),
    },
}
FIRST_STATE = {Scheme.individual_exception: S.applied, Scheme.group_exception: S.applied,
               Scheme.access_scheme: S.received}
FINAL = frozenset({S.sent, S.ended, S.withdrawn})
# States in which the trust may still change its application.
EDITABLE = frozenset({S.applied, S.received, S.returned})


def steps_from(scheme: Scheme, state: S) -> tuple[Step, ...]:
    """Return the steps a case of this scheme may take from this state."""
    return FLOWS[scheme].get(state, ())


def step_to(scheme: Scheme, state: S, to: S) -> Step | None:
    """Return the step from `state` to `to`, if the scheme has one."""
    return next((step for step in steps_from(scheme, state) if step.to == to), None)
