"""HTTP endpoints of reassessment cases and phase-out plans."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from tracker.actor import current_actor
from tracker.apispec import ApiBlueprint, list_query_model, page_model, page_of
from tracker.db import get_session
from tracker.reassessments import schemas as s
from tracker.reassessments import service
from tracker.timeutil import today

bp = ApiBlueprint("reassessments", __name__, tag="reassessments", resource="reassessments")


class CaseList(BaseModel):
    items: list[s.CaseRead]


def _read(case: Any) -> s.CaseRead:
    return service.read(session=get_session(), case=case)


@bp.operation(
    "/introductions/<int:introduction_id>/reassessments", "POST",
    summary="Open the reassessment case of an introduction (it moves under reassessment)",
    body=s.CaseOpen, response=s.CaseRead, status=201, errors=[409],
)
def open_reassessment(introduction_id: int, body: s.CaseOpen) -> Any:
    case = service.open_case(session=get_session(), introduction_id=introduction_id,
                             at=body.at or today(), actor=current_actor(), note=body.note)
    return _read(case)


@bp.operation(
    "/introductions/<int:introduction_id>/reassessments", "GET",
    summary="List the reassessment cases of an introduction", response=CaseList,
)
def list_reassessments(introduction_id: int) -> Any:
    cases = service.for_introduction(session=get_session(), introduction_id=introduction_id)
    return CaseList(items=[_read(case) for case in cases])


CaseQuery = list_query_model(
    "CaseQuery",
    sortable=["id", "opened_on", "due_date", "state"],
    default_sort="id",
    filters={
        "state": (s.CaseState | None, Field(default=None, description="Only cases in this state.")),
        "introduction_id": (int | None, Field(default=None, ge=1)),
    },
)
CasePage = page_model(s.CaseRead)


@bp.operation("/reassessments", "GET", summary="List reassessment cases, of every introduction",
              query=CaseQuery, response=CasePage)
def list_all_reassessments(query: Any) -> Any:
    cases, total = service.list_(session=get_session(), query=query)
    return page_of(CasePage, [_read(case) for case in cases], total, query)


@bp.operation("/reassessments/<int:case_id>", "GET", summary="Read a reassessment case",
              response=s.CaseRead)
def get_reassessment(case_id: int) -> Any:
    return _read(service.get(session=get_session(), case_id=case_id))


@bp.operation(
    "/reassessments/<int:case_id>/transitions", "POST",
    summary="Move a case to its next step (409 lists the allowed next steps)",
    body=s.TransitionIn, response=s.CaseRead, errors=[409],
)
def transition_reassessment(case_id: int, body: s.TransitionIn) -> Any:
    case = service.transition(session=get_session(), case_id=case_id, version=body.version,
                              to=body.to, at=body.at or today(), actor=current_actor(),
                              note=body.note)
    return _read(case)


@bp.operation(
    "/reassessments/<int:case_id>/decision", "POST",
    summary="Record Beslutningsforum's decision (permanent, phase-out, renegotiation or "
            "subgroup continuation)",
    body=s.DecisionIn, response=s.CaseRead, errors=[409],
)
def decide_reassessment(case_id: int, body: s.DecisionIn) -> Any:
    case = service.decide(session=get_session(), case_id=case_id, version=body.root.version,
                          decision=body.root, actor=current_actor(), today=today())
    return _read(case)


@bp.operation("/phaseout-plans/<int:plan_id>", "GET", summary="Read a phase-out plan",
              response=s.PhaseOutPlanRead)
def get_phaseout_plan(plan_id: int) -> Any:
    session = get_session()
    return service.read_plan(session=session, plan=service.get_plan(session=session,
                                                                    plan_id=plan_id))


@bp.operation(
    "/phaseout-plans/<int:plan_id>/steps/<int:step_id>/done", "POST",
    summary="Mark a step of a phase-out plan done", body=s.StepDone,
    response=s.PhaseOutPlanRead, errors=[409],
)
def mark_phaseout_step_done(plan_id: int, step_id: int, body: s.StepDone) -> Any:
    session = get_session()
    service.mark_step_done(session=session, plan_id=plan_id, step_id=step_id,
                           version=body.version, at=body.at or today(), actor=current_actor(),
                           note=body.note)
    return service.read_plan(session=session, plan=service.get_plan(session=session,
                                                                    plan_id=plan_id))
