"""Cases of individual access: register, supplement, take steps, read (scoped by trust)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlmodel import Session, col, select

from tracker.auth import Principal
from tracker.crud import apply_values, check_version, get_or_404, paginate
from tracker.errors import Conflict, Forbidden, InvalidInput, NotFound, field_error
from tracker.individual import completeness, diagnosis, rules, trusts, workflow
from tracker.individual import schemas as s
from tracker.individual.enums import CaseState, Outcome, PublicationStatus, Scheme
from tracker.individual.models import AccessCase, AccessCaseStep, CommitteeMeeting
from tracker.methods import service as methods_service
from tracker.methods.models import Method
from tracker.users.enums import Role

CASE = "Access case"
# Who sees costs and price checks: the agreed price is confidential (003 §6).
COST_READERS = frozenset({Role.procurement, Role.forum, Role.admin, Role.coordinator,
                          Role.committee, Role.medical_director})
COST_FIELDS = ("drug_cost_per_month_nok", "other_costs_per_month_nok")
APPLICATIONS: dict[Scheme, type[BaseModel]] = {
    Scheme.access_scheme: s.AccessApplication,
    Scheme.individual_exception: s.ExceptionApplication,
    Scheme.group_exception: s.GroupApplication,
}


# --- who may see and do what ---------------------------------------------------------------------


def _trust_of(principal: Principal) -> str:
    if not principal.health_trust:
        raise Forbidden(
            f"Your account ({principal.name}) is not linked to a health trust; ask an "
            "administrator to set it (tracker users add --trust)."
        )
    return principal.health_trust


def visible_to(case: AccessCase, principal: Principal) -> bool:
    """Return whether a user may read a case: trust roles see their own trust's cases."""
    if principal.role in workflow.TRUST_SCOPED:
        own = principal.health_trust
        return own is not None and own in {case.sending_trust, case.residence_trust,
                                           case.paying_trust}
    return principal.role is not None


def _may_act(step: workflow.Step, case: AccessCase, principal: Principal) -> bool:
    if principal.role == Role.admin:
        return True
    if principal.role not in step.roles:
        return False
    if principal.role in workflow.TRUST_SCOPED:
        return principal.health_trust == case.sending_trust
    return True


def _require_step(step: workflow.Step, case: AccessCase, principal: Principal) -> None:
    if _may_act(step, case, principal):
        return
    roles = ", ".join(sorted(str(r) for r in step.roles))
    where = " of the sending trust" if step.roles & workflow.TRUST_SCOPED else ""
    raise Forbidden(
        f"Moving access case {case.id} to {step.to} is for {roles}{where}; your role is "
        f"{principal.role}."
    )


# --- register ------------------------------------------------------------------------------------


def _method(session: Session, nye_metoder_id: str) -> Method:
    method = methods_service.get_by_nye_metoder_id(session=session, nye_metoder_id=nye_metoder_id)
    if method is None:
        raise InvalidInput(f"No method has the Nye metoder ID {nye_metoder_id}.",
                           [field_error("nye_metoder_id", "register the method first, or check "
                                                          "the ID on nyemetoder.no")])
    return method


def _check_creator(principal: Principal, sending_trust: str) -> None:
    if principal.role == Role.admin:
        return
    if principal.role not in workflow.CREATORS:
        raise Forbidden(f"The role {principal.role} may not register access cases.")
    if principal.role in workflow.TRUST_SCOPED and _trust_of(principal) != sending_trust:
        raise Forbidden(f"You may register cases for your own trust ({principal.health_trust}), "
                        f"not for {sending_trust}.")


def create(
    *, session: Session, scheme: Scheme, data: Any, principal: Principal, today: date,
    synthetic: bool = False,
) -> AccessCase:
    """Register a case under its scheme if the rules allow it on the day it was received."""
    sending = trusts.canonical(data.sending_trust, field="sending_trust")
    _check_creator(principal, sending)
    residence = getattr(data, "residence_trust", None)
    if residence:
        residence = trusts.canonical(residence, field="residence_trust")
    method = _method(session, data.nye_metoder_id)
    assert method.id is not None
    received = data.received_on or today
    if received > today:
        raise InvalidInput("A case cannot be received in the future.",
                           [field_error("received_on", f"{received} is after today ({today})")])
    application = data.application
    if scheme == Scheme.group_exception:
        application.trusts = [trusts.canonical(t, field=f"application.trusts[{i}]")
                              for i, t in enumerate(application.trusts)]
    rules.check(session=session, scheme=scheme, method_id=method.id,
                nye_metoder_id=method.nye_metoder_id, on=received,
                already_started_on=getattr(application, "already_started_on", None),
                concerns_group=getattr(application, "concerns_group", False))
    code = data.diagnosis_icd10
    first = workflow.FIRST_STATE[scheme]
    case = AccessCase(
        scheme=str(scheme), state=str(first), method_id=method.id, reference=data.reference,
        diagnosis_icd10=code, diagnosis_group=diagnosis.chapter(code) if code else None,
        sending_trust=sending, region=trusts.region_of(sending),
        residence_trust=residence or None,
        residence_region=trusts.region_of(residence or sending),
        paying_trust=sending if scheme != Scheme.group_exception else None,
        received_on=received, application=application.model_dump(mode="json"),
        synthetic=synthetic,
    )
    session.add(case)
    session.flush()
    _add_step(session, case, None, first, received, principal, {}, data.note)
    session.flush()
    return case


def _add_step(session: Session, case: AccessCase, from_state: str | None, to: CaseState,
              at: date, principal: Principal, payload: dict[str, Any], note: str | None) -> None:
    assert case.id is not None
    session.add(AccessCaseStep(case_id=case.id, from_state=from_state, to_state=str(to), at=at,
                               by=principal.name, role=str(principal.role) if principal.role
                               else None, payload=payload, note=note))


def get(*, session: Session, case_id: int, principal: Principal) -> AccessCase:
    """Return a case the user may see (404 for one of another trust, as if it did not exist)."""
    case = get_or_404(session, AccessCase, case_id, label=CASE)
    if not visible_to(case, principal):
        raise NotFound(f"{CASE} {case_id} does not exist.")
    return case


def list_(*, session: Session, query: Any, principal: Principal) -> tuple[list[AccessCase], int]:
    """Return the cases the user may see that match the query, a page of them and the total."""
    statement = select(AccessCase)
    if principal.role in workflow.TRUST_SCOPED:
        own = _trust_of(principal)
        statement = statement.where(
            (col(AccessCase.sending_trust) == own) | (col(AccessCase.residence_trust) == own)
            | (col(AccessCase.paying_trust) == own)
        )
    for name in ("scheme", "state", "method_id", "outcome", "region", "sending_trust"):
        value = getattr(query, name, None)
        if value is not None:
            statement = statement.where(getattr(AccessCase, name) == value)
    if getattr(query, "meeting_id", None) is not None:
        statement = statement.where(AccessCase.meeting_id == query.meeting_id)
    if getattr(query, "open", None) is not None:
        finals = [str(state) for state in workflow.FINAL]
        condition = col(AccessCase.state).not_in(finals)
        statement = statement.where(condition if query.open else ~condition)
    return paginate(session, statement, model=AccessCase, sort=query.sort, limit=query.limit,
                    offset=query.offset)


def update_application(
    *, session: Session, case_id: int, data: s.ApplicationUpdate, principal: Principal,
) -> AccessCase:
    """Supplement the application of a case that is still with the trust or just received."""
    case = get(session=session, case_id=case_id, principal=principal)
    check_version(case, data.version, label=CASE)
    if CaseState(case.state) not in workflow.EDITABLE:
        raise Conflict(
            f"{CASE} {case.id} is {case.state}; the application can be changed only while it is "
            "applied for, received or returned for supplementing.", {"state": case.state})
    if principal.role != Role.admin and not (
        principal.role in workflow.CREATORS
        and (principal.role not in workflow.TRUST_SCOPED
             or principal.health_trust == case.sending_trust)
    ):
        raise Forbidden("Only the sending trust or Nye metoder may change an application.")
    model = APPLICATIONS[Scheme(case.scheme)]
    merged = {**case.application, **data.application}
    try:
        checked = model.model_validate(merged)
    except ValidationError as exc:
        raise InvalidInput("The application is not valid.", [
            field_error("application." + ".".join(str(p) for p in err["loc"]), err["msg"])
            for err in exc.errors()
        ]) from exc
    apply_values(case, {"application": checked.model_dump(mode="json")})
    session.add(case)
    session.flush()
    return case


# --- steps ---------------------------------------------------------------------------------------


def _missing(value: Any) -> bool:
    # `is False`, not `== False`: a cost of 0 is given, an unticked box is not.
    return value is None or value is False or value == [] or value == ""


def _need(body: s.StepIn, step: workflow.Step) -> None:
    # A box left unticked is not given: the pharmacist's step is the check of the literature.
    problems = [field_error(name, f"give {name.replace('_', ' ')} for the step to {step.to}")
                for name in step.needs if _missing(getattr(body, name))]
    if problems:
        raise InvalidInput(f"The step to {step.to} needs more.", problems)


def _payload(body: s.StepIn, step: workflow.Step) -> dict[str, Any]:
    dumped = body.model_dump(mode="json")
    return {name: dumped[name] for name in step.needs}


def _check_outcome(scheme: Scheme, outcome: Outcome | None) -> None:
    allowed = {Outcome.granted, Outcome.refused}
    if outcome not in allowed:
        raise InvalidInput("A decision grants or refuses.", [field_error(
            "outcome", f"use granted or refused for a {scheme.replace('_', ' ')}")])


def step(
    *, session: Session, case_id: int, body: s.StepIn, principal: Principal, today: date,
) -> AccessCase:
    """Take the next step of a case, as of the version the caller read, if its scheme allows it."""
    case = get(session=session, case_id=case_id, principal=principal)
    check_version(case, body.version, label=CASE)
    scheme, state = Scheme(case.scheme), CaseState(case.state)
    found = workflow.step_to(scheme, state, body.to)
    if found is None:
        allowed = [str(st.to) for st in workflow.steps_from(scheme, state)]
        raise Conflict(
            f"{CASE} {case.id} is {case.state}; it cannot move to {body.to}. Allowed next steps: "
            f"{', '.join(allowed) or 'none (the case is closed)'}.",
            {"state": case.state, "requested": str(body.to), "allowed": allowed})
    _require_step(found, case, principal)
    if scheme == Scheme.access_scheme and body.to == CaseState.decided:
        raise Conflict(f"The committee decides a Tilgangsordningen case: record it with POST "
                       f"/api/v1/access-cases/{case.id}/committee-decision.")
    _need(body, found)
    at = body.at or today
    last = _last_step(session, case)
    if at < last.at or at > today:
        raise InvalidInput("A step is dated between the previous step and today.", [field_error(
            "at", f"{at} is before the previous step ({last.at}) or after today ({today})")])
    values: dict[str, Any] = {"state": str(body.to)}
    if body.to == CaseState.complete:
        missing = completeness.missing(scheme, case.application)
        if missing:
            raise Conflict(
                f"The application lacks {len(missing)} item(s): {', '.join(missing)}. Return it "
                "to the trust for supplementing instead.", {"missing": missing})
    if body.to == CaseState.scheduled:
        values["meeting_id"] = _meeting_for(session, case, body.meeting_id, at)
    if body.to == CaseState.decided:
        _check_outcome(scheme, body.outcome)
        values.update(decided_on=at, outcome=str(body.outcome),
                      outcome_reason=body.justification,
                      decision={"outcome": str(body.outcome), "justification": body.justification,
                                "indication_limits": body.indication_limits, "by": principal.name,
                                "at": at.isoformat()})
        if scheme == Scheme.group_exception:
            values["publication_status"] = str(PublicationStatus.current
                                               if body.outcome == Outcome.granted
                                               else PublicationStatus.refused)
    if body.to == CaseState.ended:
        if case.outcome != Outcome.granted:
            raise Conflict("Only a granted group exception can end.")
        values["publication_status"] = str(PublicationStatus.previous)
    if body.to == CaseState.withdrawn:
        values.update(outcome=str(Outcome.withdrawn), decided_on=at,
                      outcome_reason=body.justification)
    if body.to == CaseState.returned:
        values["meeting_id"] = None
    _add_step(session, case, case.state, body.to, at, principal, _payload(body, found), body.note)
    apply_values(case, values)
    session.add(case)
    session.flush()
    return case


def _last_step(session: Session, case: AccessCase) -> AccessCaseStep:
    return session.exec(select(AccessCaseStep).where(AccessCaseStep.case_id == case.id)
                        .order_by(col(AccessCaseStep.id).desc())).first()  # type: ignore[return-value]


def _meeting_for(session: Session, case: AccessCase, meeting_id: int | None, at: date) -> int:
    meeting = session.get(CommitteeMeeting, meeting_id) if meeting_id else None
    if meeting is None:
        raise InvalidInput("No such meeting.", [field_error("meeting_id", "choose a planned "
                                                                          "committee meeting")])
    if meeting.held_on < at:
        raise InvalidInput("That meeting is over.", [field_error(
            "meeting_id", f"the meeting of {meeting.held_on} was before {at}; choose a later one")])
    if meeting.papers_sent_on is not None:
        raise Conflict(
            f"The papers for the meeting of {meeting.held_on} were sent on "
            f"{meeting.papers_sent_on}; a case added now would reach the members without papers. "
            "Choose the next meeting, or plan an extra meeting for an urgent case.")
    assert meeting.id is not None
    return meeting.id


def steps(*, session: Session, case_id: int) -> list[AccessCaseStep]:
    """Return the steps of a case in the order they were taken."""
    return list(session.exec(select(AccessCaseStep).where(AccessCaseStep.case_id == case_id)
                             .order_by(col(AccessCaseStep.id))).all())
