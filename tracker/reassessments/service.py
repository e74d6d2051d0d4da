"""Services of reassessment cases ("revurdering"): open, move step by step, decide.

A case moves planned → data_requested → data_received → assessment_ordered →
assessment_delivered → price_negotiation → decided. Price negotiation may be skipped
(assessment_delivered → decided) when Sykehusinnkjøp has nothing to renegotiate. Only `decide`
moves a case to decided, because a decision carries its outcome.

Effects of a decision: the introduction's `review_upcoming`/`review_overdue` flags close at once;
`permanent`, `phase_out` and `subgroup_continuation` conclude the introduction; `phase_out` and
`subgroup_continuation` create a dated phase-out plan the sweep follows (`phaseout_deadline`).
`renegotiation` keeps the introduction under reassessment and opens a follow-up case in
price_negotiation with the renegotiation deadline (followed as `renegotiation_due`); that case ends
with the final decision.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from tracker.crud import apply_values, check_version, get_or_404
from tracker.errors import Conflict, InvalidInput, NotFound, field_error
from tracker.flags import service as flags_service
from tracker.flags.enums import CloseReason, FlagKind, SubjectType
from tracker.introductions import service as introductions_service
from tracker.introductions.enums import IntroductionStatus
from tracker.reassessments import schemas as s
from tracker.reassessments.enums import (
    STATE_LABELS,
    TRANSITIONS,
    CaseState,
    Outcome,
    PhaseOutStepKey,
)
from tracker.reassessments.models import (
    PhaseOutPlan,
    PhaseOutStep,
    ReassessmentCase,
    ReassessmentStep,
)
from tracker.timeutil import nb_date

REVIEW_KINDS = (FlagKind.review_upcoming, FlagKind.review_overdue)
CASE = "Reassessment case"


def get(*, session: Session, case_id: int) -> ReassessmentCase:
    """Return one reassessment case."""
    return get_or_404(session, ReassessmentCase, case_id, label=CASE)


def open_case_of(*, session: Session, introduction_id: int) -> ReassessmentCase | None:
    """Return the introduction's undecided case, if any."""
    return session.exec(
        select(ReassessmentCase).where(ReassessmentCase.introduction_id == introduction_id,
                                       ReassessmentCase.state != CaseState.decided)
    ).first()


def for_introduction(*, session: Session, introduction_id: int) -> list[ReassessmentCase]:
    """Return every case of an introduction, oldest first."""
    introductions_service.get(session=session, introduction_id=introduction_id)
    return list(session.exec(
        select(ReassessmentCase).where(ReassessmentCase.introduction_id == introduction_id)
        .order_by(col(ReassessmentCase.id))
    ).all())


def open_cases(*, session: Session) -> list[ReassessmentCase]:
    """Return every undecided case, oldest first (one query)."""
    return list(session.exec(
        select(ReassessmentCase).where(ReassessmentCase.state != CaseState.decided)
        .order_by(col(ReassessmentCase.id))
    ).all())


def list_(*, session: Session, query: Any) -> tuple[list[ReassessmentCase], int]:
    """Return the cases matching the query (state, introduction), a page of them and the total."""
    from tracker.crud import paginate

    statement = select(ReassessmentCase)
    if query.state is not None:
        statement = statement.where(ReassessmentCase.state == query.state)
    if query.introduction_id is not None:
        statement = statement.where(ReassessmentCase.introduction_id == query.introduction_id)
    return paginate(session, statement, model=ReassessmentCase, sort=query.sort,
                    limit=query.limit, offset=query.offset)


def steps(*, session: Session, case_id: int) -> list[ReassessmentStep]:
    """Return the steps of a case in the order they were taken."""
    return list(session.exec(
        select(ReassessmentStep).where(ReassessmentStep.case_id == case_id)
        .order_by(col(ReassessmentStep.id))
    ).all())


def _add_step(session: Session, case: ReassessmentCase, from_state: str | None, to: CaseState,
              at: date, actor: str, note: str | None) -> None:
    assert case.id is not None
    session.add(ReassessmentStep(case_id=case.id, from_state=from_state, to_state=str(to), at=at,
                                 by=actor, note=note))


def _start(session: Session, introduction_id: int, state: CaseState, at: date, actor: str,
           note: str | None, **extra: Any) -> ReassessmentCase:
    case = ReassessmentCase(introduction_id=introduction_id, state=str(state), opened_on=at,
                            opened_by=actor, **extra)
    session.add(case)
    session.flush()
    _add_step(session, case, None, state, at, actor, note)
    introductions_service.set_status(session=session, introduction_id=introduction_id,
                                     status=IntroductionStatus.under_reassessment)
    session.flush()
    return case


def open_case(
    *, session: Session, introduction_id: int, at: date, actor: str, note: str | None = None
) -> ReassessmentCase:
    """Open a reassessment case; the introduction moves under reassessment."""
    intro = introductions_service.get(session=session, introduction_id=introduction_id)
    if intro.status == IntroductionStatus.concluded:
        raise Conflict(f"Introduction {introduction_id} is concluded; its reassessment is decided.")
    existing = open_case_of(session=session, introduction_id=introduction_id)
    if existing is not None:
        raise Conflict(
            f"Introduction {introduction_id} already has an open reassessment case "
            f"{existing.id} ({existing.state}).",
            {"case_id": existing.id, "state": existing.state},
        )
    return _start(session, introduction_id, CaseState.planned, at, actor, note)


def _last_step_date(session: Session, case_id: int) -> date:
    taken = steps(session=session, case_id=case_id)
    return taken[-1].at


def _check_date(session: Session, case: ReassessmentCase, at: date, field: str) -> None:
    assert case.id is not None
    last = _last_step_date(session, case.id)
    if at < last:
        raise InvalidInput("A step cannot be dated before the previous one.",
                           [field_error(field, f"{at} is before the previous step's date {last}")])


def _refuse(case: ReassessmentCase, to: str, why: str) -> Conflict:
    allowed = [str(state) for state in TRANSITIONS[CaseState(case.state)]]
    return Conflict(
        f"Reassessment case {case.id} is {case.state}: {why} Allowed next steps: "
        f"{', '.join(allowed) or 'none (the case is decided)'}.",
        {"state": case.state, "requested": to, "allowed": allowed},
    )


def transition(
    *, session: Session, case_id: int, version: int, to: CaseState, at: date, actor: str,
    note: str | None = None,
) -> ReassessmentCase:
    """Move a case, as of the version the caller read, to its next state if the workflow allows."""
    case = get(session=session, case_id=case_id)
    check_version(case, version, label=CASE)
    if to not in TRANSITIONS[CaseState(case.state)]:
        raise _refuse(case, str(to), f"it cannot move to {to}.")
    if to == CaseState.decided:
        raise _refuse(case, str(to), "record the decision with POST "
                      f"/api/v1/reassessments/{case.id}/decision, which moves it to decided.")
    _check_date(session, case, at, "at")
    _add_step(session, case, case.state, to, at, actor, note)
    apply_values(case, {"state": str(to)})
    session.add(case)
    session.flush()
    return case


def _check_after(at: date, value: date | None, field: str, what: str) -> None:
    if value is not None and value < at:
        raise InvalidInput(f"The {what} is before the decision.",
                           [field_error(field, f"{value} is before the decision date {at}")])


def _phaseout_plan(
    session: Session, case: ReassessmentCase, decision: Any, on_treatment: str
) -> PhaseOutPlan:
    assert case.id is not None
    subgroups = [g.model_dump() for g in getattr(decision, "subgroups", [])]
    stop = (decision.new_patients_stop_date if decision.outcome == Outcome.phase_out
            else decision.rest_phaseout_date)
    plan = PhaseOutPlan(case_id=case.id, introduction_id=case.introduction_id,
                        outcome=decision.outcome, new_patients_stop_date=stop,
                        patients_on_treatment=on_treatment, subgroups=subgroups)
    session.add(plan)
    session.flush()
    assert plan.id is not None
    if subgroups:
        names = ", ".join(g["name"] for g in subgroups)
        stop_text = (f"Ingen nye pasienter utenfor undergruppene ({names}) startes fra "
                     f"{nb_date(stop)}.")
    else:
        stop_text = f"Ingen nye pasienter startes på behandling fra {nb_date(stop)}."
    session.add(PhaseOutStep(plan_id=plan.id, key=PhaseOutStepKey.stop_new_patients,
                             description=stop_text, due_date=stop))
    if decision.follow_up_date is not None:
        session.add(PhaseOutStep(
            plan_id=plan.id, key=PhaseOutStepKey.follow_up, due_date=decision.follow_up_date,
            description="Følg opp utfasingen og pasientene som står på behandling.",
        ))
    session.flush()
    return plan


def decide(
    *, session: Session, case_id: int, version: int, decision: Any, actor: str, today: date
) -> ReassessmentCase:
    """Record Beslutningsforum's decision on the case version the caller read; carry it out."""
    case = get(session=session, case_id=case_id)
    check_version(case, version, label=CASE)
    if CaseState.decided not in TRANSITIONS[CaseState(case.state)]:
        raise _refuse(case, str(CaseState.decided), "it cannot be decided yet.")
    at = decision.at or today
    _check_date(session, case, at, "at")
    for name in ("new_patients_stop_date", "rest_phaseout_date", "follow_up_date", "deadline"):
        _check_after(at, getattr(decision, name, None), name, name.replace("_", " "))
    intro = introductions_service.get(session=session, introduction_id=case.introduction_id)
    stored = {**decision.model_dump(mode="json", exclude={"version"}), "at": at.isoformat()}
    if decision.outcome in (Outcome.phase_out, Outcome.subgroup_continuation):
        stored["patients_on_treatment"] = (decision.patients_on_treatment
                                           or intro.exit_patients_on_treatment)
    _add_step(session, case, case.state, CaseState.decided, at, actor, decision.note)
    apply_values(case, {"state": str(CaseState.decided), "outcome": str(decision.outcome),
                        "decision": stored, "decided_on": at, "decided_by": actor})
    session.add(case)
    session.flush()
    assert case.id is not None
    flags_service.close_flags(session=session, introduction_id=case.introduction_id,
                              kinds=REVIEW_KINDS, reason=CloseReason.decided, as_of=at)
    flags_service.close_flags(session=session, subject=(SubjectType.reassessment, case.id),
                              kinds=[FlagKind.renegotiation_due], reason=CloseReason.decided,
                              as_of=at)
    if decision.outcome == Outcome.renegotiation:
        _start(session, case.introduction_id, CaseState.price_negotiation, at, actor,
               f"Reforhandling besluttet {nb_date(at)}: {decision.renegotiate}",
               follows_case_id=case.id, due_date=decision.deadline)
        return case
    if decision.outcome in (Outcome.phase_out, Outcome.subgroup_continuation):
        _phaseout_plan(session, case, decision, stored["patients_on_treatment"])
    introductions_service.set_status(session=session, introduction_id=case.introduction_id,
                                     status=IntroductionStatus.concluded)
    return case


def get_plan(*, session: Session, plan_id: int) -> PhaseOutPlan:
    """Return one phase-out plan."""
    return get_or_404(session, PhaseOutPlan, plan_id, label="Phase-out plan")


def plan_steps(*, session: Session, plan_id: int) -> list[PhaseOutStep]:
    """Return the steps of a phase-out plan by date."""
    return list(session.exec(
        select(PhaseOutStep).where(PhaseOutStep.plan_id == plan_id)
        .order_by(col(PhaseOutStep.due_date), col(PhaseOutStep.id))
    ).all())


def mark_step_done(
    *, session: Session, plan_id: int, step_id: int, version: int, at: date, actor: str,
    note: str | None,
) -> PhaseOutStep:
    """Mark a phase-out step done as of the version read; its flag closes at the next sweep."""
    step = session.get(PhaseOutStep, step_id)
    if step is None or step.plan_id != plan_id:
        raise NotFound(f"Phase-out plan {plan_id} has no step {step_id}.")
    if step.done_on is not None:
        raise Conflict(f"Step {step_id} was marked done on {step.done_on} by {step.done_by}.",
                       {"done_on": str(step.done_on), "done_by": step.done_by,
                        "current_version": step.version})
    check_version(step, version, label="Phase-out step")
    apply_values(step, {"done_on": at, "done_by": actor, "done_note": note})
    session.add(step)
    session.flush()
    return step


def read(*, session: Session, case: ReassessmentCase) -> s.CaseRead:
    """Return the API shape of a case with its steps and plan."""
    assert case.id is not None
    plan = session.exec(select(PhaseOutPlan).where(PhaseOutPlan.case_id == case.id)).first()
    follow_up = session.exec(
        select(ReassessmentCase.id).where(ReassessmentCase.follows_case_id == case.id)
    ).first()
    return s.CaseRead.model_validate({
        **case.model_dump(),
        "state_label": STATE_LABELS[case.state],
        "allowed_next": [str(x) for x in TRANSITIONS[CaseState(case.state)]],
        "follow_up_case_id": follow_up,
        "steps": [step.model_dump() for step in steps(session=session, case_id=case.id)],
        "phaseout_plan": read_plan(session=session, plan=plan) if plan else None,
    })


def read_plan(*, session: Session, plan: PhaseOutPlan) -> s.PhaseOutPlanRead:
    """Return the API shape of a phase-out plan with its steps."""
    assert plan.id is not None
    return s.PhaseOutPlanRead.model_validate({
        **plan.model_dump(),
        "steps": [st.model_dump() for st in plan_steps(session=session, plan_id=plan.id)],
    })
