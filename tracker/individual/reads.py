"""What a user reads of a case, and the published list of group exceptions."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from tracker.auth import Principal
from tracker.individual import completeness, workflow
from tracker.individual import schemas as s
from tracker.individual.enums import CaseState, PublicationStatus, Scheme
from tracker.individual.models import AccessCase, AccessCaseStep, CommitteeMeeting
from tracker.individual.service import COST_FIELDS, COST_READERS, _may_act, steps
from tracker.methods import service as methods_service


def _withheld(principal: Principal) -> bool:
    return principal.role not in COST_READERS


def _application(case: AccessCase, hide_costs: bool) -> tuple[dict[str, Any], list[str]]:
    application = dict(case.application)
    hidden = []
    if hide_costs:
        for name in COST_FIELDS:
            if name in application:
                application.pop(name)
                hidden.append(f"application.{name}")
    return application, hidden


def _step_read(step: AccessCaseStep, hide_costs: bool) -> s.StepRead:
    payload = dict(step.payload)
    if hide_costs:
        payload.pop("cost_per_month_nok", None)
    return s.StepRead(from_state=step.from_state, to_state=step.to_state, at=step.at, by=step.by,
                      role=step.role, payload=payload, note=step.note,
                      recorded_at=step.recorded_at)


def allowed_next(case: AccessCase, principal: Principal) -> list[s.NextStep]:
    """Return the steps the case may take next, and whether this user may take each."""
    scheme = Scheme(case.scheme)
    return [
        s.NextStep(to=str(step.to), roles=sorted(str(r) for r in step.roles),
                   needs=list(step.needs), may=_may_act(step, case, principal))
        for step in workflow.steps_from(scheme, CaseState(case.state))
    ]


def read(*, session: Session, case: AccessCase, principal: Principal) -> s.CaseRead:
    """Return a case as this user may read it (costs withheld from roles without price access)."""
    method = methods_service.get(session=session, method_id=case.method_id)
    meeting = session.get(CommitteeMeeting, case.meeting_id) if case.meeting_id else None
    hide = _withheld(principal)
    application, hidden = _application(case, hide)
    assert case.id is not None
    return s.CaseRead(
        id=case.id, scheme=Scheme(case.scheme), state=CaseState(case.state),
        nye_metoder_id=method.nye_metoder_id,
        method=method.trade_name or method.active_substance, reference=case.reference,
        diagnosis_icd10=case.diagnosis_icd10, diagnosis_group=case.diagnosis_group,
        sending_trust=case.sending_trust, region=case.region,
        residence_trust=case.residence_trust, residence_region=case.residence_region,
        paying_trust=case.paying_trust, received_on=case.received_on,
        decided_on=case.decided_on, outcome=case.outcome, outcome_reason=case.outcome_reason,
        application=application, decision=case.decision, meeting_id=case.meeting_id,
        meeting_date=meeting.held_on if meeting else None,
        publication_status=case.publication_status,
        missing=completeness.missing(case.scheme, case.application),
        allowed_next=allowed_next(case, principal),
        steps=[_step_read(st, hide) for st in steps(session=session, case_id=case.id)],
        withheld_fields=hidden, synthetic=case.synthetic, created_at=case.created_at,
        updated_at=case.updated_at, version=case.version,
    )


def group_exceptions(
    *, session: Session, status: PublicationStatus | None = None,
) -> list[s.GroupExceptionRead]:
    """Return the decided group exceptions as published: current, previous or refused."""
    statement = select(AccessCase).where(AccessCase.scheme == Scheme.group_exception,
                                         col(AccessCase.publication_status).is_not(None))
    if status is not None:
        statement = statement.where(AccessCase.publication_status == status)
    cases = list(session.exec(statement.order_by(col(AccessCase.decided_on).desc(),
                                                 col(AccessCase.id))).all())
    methods = methods_service.get_many(session=session, method_ids={c.method_id for c in cases})
    ended = _ended(session, [c.id for c in cases if c.id and c.state == CaseState.ended])
    out = []
    for case in cases:
        method = methods[case.method_id]
        assert case.id is not None
        out.append(s.GroupExceptionRead(
            id=case.id, nye_metoder_id=method.nye_metoder_id,
            method=method.trade_name or method.active_substance,
            status=PublicationStatus(case.publication_status or PublicationStatus.refused),
            patient_group=case.application.get("patient_group", ""),
            indication_limits=(case.decision or {}).get("indication_limits"),
            clinical_group=case.application.get("clinical_group", ""),
            trusts=list(case.application.get("trusts", [])), received_on=case.received_on,
            decided_on=case.decided_on, ended_on=ended[case.id][0] if case.id in ended else None,
            reason=ended[case.id][1] if case.id in ended else case.outcome_reason,
        ))
    return out


def _ended(session: Session, case_ids: list[int]) -> dict[int, tuple[date, str | None]]:
    if not case_ids:
        return {}
    steps_ended = session.exec(select(AccessCaseStep).where(
        col(AccessCaseStep.case_id).in_(case_ids), AccessCaseStep.to_state == CaseState.ended))
    return {step.case_id: (step.at, step.payload.get("justification")) for step in steps_ended}
