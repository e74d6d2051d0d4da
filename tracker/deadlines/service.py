"""The deadline list: every dated obligation of the temporary introductions, with its status.

Review dates, data-collection milestones, agreement end dates, phase-out steps and renegotiation
deadlines, each `upcoming`, `overdue` or `done` on `as_of`, with the kinds of its open flags.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field, computed_field
from sqlmodel import Session, col, select

from tracker.agreements.enums import STATUS_NB, TYPE_NB, AgreementStatus
from tracker.agreements.models import PriceAgreement
from tracker.datasources.models import DataSource
from tracker.flags.enums import FlagKind, SubjectType
from tracker.flags.feed_rules import delivered_cuts, milestone_covered
from tracker.flags.models import OPEN, Flag
from tracker.flags.rules import introduction_link, method_label
from tracker.introductions.enums import IntroductionStatus
from tracker.introductions.models import Milestone, TemporaryIntroduction
from tracker.methods.models import Method
from tracker.reassessments.enums import CaseState
from tracker.reassessments.models import PhaseOutPlan, PhaseOutStep, ReassessmentCase
from tracker.timeutil import nb_date


class DeadlineKind(StrEnum):
    review = "review"  # revurderingsdato
    milestone = "milestone"  # milepæl i datainnsamlingsplanen
    agreement_end = "agreement_end"  # prisavtalen utløper
    phaseout_step = "phaseout_step"  # steg i utfasingsplan
    renegotiation = "renegotiation"  # frist for reforhandling


class DeadlineStatus(StrEnum):
    upcoming = "upcoming"
    overdue = "overdue"
    done = "done"


DEADLINE_LABELS = {
    DeadlineKind.review: "Revurdering",
    DeadlineKind.milestone: "Datalevering",
    DeadlineKind.agreement_end: "Prisavtale utløper",
    DeadlineKind.phaseout_step: "Utfasing",
    DeadlineKind.renegotiation: "Reforhandling",
}
STATUS_LABELS = {"upcoming": "kommende", "overdue": "forfalt", "done": "utført"}

# The flag kinds that belong to each kind of deadline (shown as its open flags).
FLAG_KINDS: dict[DeadlineKind, tuple[FlagKind, ...]] = {
    DeadlineKind.review: (FlagKind.review_upcoming, FlagKind.review_overdue),
    DeadlineKind.milestone: (FlagKind.data_delivery_due, FlagKind.data_delivery_overdue),
    DeadlineKind.agreement_end: (FlagKind.agreement_expiring,),
    DeadlineKind.phaseout_step: (FlagKind.phaseout_deadline,),
    DeadlineKind.renegotiation: (FlagKind.renegotiation_due,),
}


class Deadline(BaseModel):
    """One dated obligation. `uid` is stable, so calendar clients update rather than duplicate."""

    uid: str
    kind: DeadlineKind
    date: date
    status: DeadlineStatus
    title: str
    description: str
    introduction_id: int | None
    nye_metoder_id: str
    method: str
    subject_type: SubjectType
    subject_id: int
    link: str
    open_flags: list[str] = Field(default_factory=list,
                                  description="Kinds of the open flags on this deadline.")
    sequence: int = Field(exclude=True, description="Revision number, for iCalendar SEQUENCE.")
    updated_at: datetime = Field(exclude=True)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def kind_label(self) -> str:
        return DEADLINE_LABELS[self.kind]


def _status(due: date, done: bool, as_of: date) -> DeadlineStatus:
    if done:
        return DeadlineStatus.done
    return DeadlineStatus.overdue if due < as_of else DeadlineStatus.upcoming


def _introductions(session: Session, as_of: date) -> list[Deadline]:
    decided = set(session.exec(
        select(ReassessmentCase.introduction_id).where(ReassessmentCase.state == CaseState.decided)
    ).all())
    rows = session.exec(
        select(TemporaryIntroduction, Method)
        .join(Method, col(Method.id) == TemporaryIntroduction.method_id)
    ).all()
    items = []
    for intro, method in rows:
        assert intro.id is not None
        done = intro.status == IntroductionStatus.concluded or intro.id in decided
        items.append(Deadline(
            uid=f"review-introduction-{intro.id}", kind=DeadlineKind.review,
            date=intro.review_date, status=_status(intro.review_date, done, as_of),
            title=f"Revurdering: {method_label(method)}",
            description=f"Revurderingskriterier: {intro.reassessment_criteria}",
            introduction_id=intro.id, nye_metoder_id=method.nye_metoder_id,
            method=method_label(method), subject_type=SubjectType.introduction,
            subject_id=intro.id, link=introduction_link(intro.id),
            # A decided case ends the review without changing the introduction: one more revision.
            sequence=intro.version - 1 + int(intro.id in decided), updated_at=intro.updated_at,
        ))
    return items


def _milestones(session: Session, as_of: date) -> list[Deadline]:
    rows = session.exec(
        select(Milestone, Method, DataSource)
        .join(TemporaryIntroduction, col(TemporaryIntroduction.id) == Milestone.introduction_id)
        .join(Method, col(Method.id) == TemporaryIntroduction.method_id)
        .join(DataSource, col(DataSource.id) == Milestone.data_source_id)
    ).all()
    cuts = delivered_cuts(session) if rows else {}
    items = []
    for milestone, method, source in rows:
        assert milestone.id is not None
        covered = milestone_covered(milestone, cuts)
        cut = f" (datakutt {nb_date(milestone.data_cut)})" if milestone.data_cut else ""
        items.append(Deadline(
            uid=f"milestone-{milestone.id}", kind=DeadlineKind.milestone,
            date=milestone.expected_date,
            # Done once a delivery from its source covers it (the rule of the delivery flags).
            status=_status(milestone.expected_date, covered, as_of),
            title=f"Datalevering fra {source.name}: {method_label(method)}",
            description=(f"{milestone.description.rstrip('. ')}{cut}. "
                         f"Ansvarlig: {milestone.responsible_party}."),
            introduction_id=milestone.introduction_id, nye_metoder_id=method.nye_metoder_id,
            method=method_label(method), subject_type=SubjectType.milestone,
            subject_id=milestone.id, link=introduction_link(milestone.introduction_id),
            # A delivery marks it done without changing the milestone: one more revision, so
            # calendar clients take the new summary.
            sequence=milestone.version - 1 + int(covered), updated_at=milestone.updated_at,
        ))
    return items


def _agreements(session: Session, as_of: date) -> list[Deadline]:
    rows = session.exec(
        select(PriceAgreement, Method)
        .join(Method, col(Method.id) == PriceAgreement.method_id)
        .where(col(PriceAgreement.end_date).is_not(None))
    ).all()
    items = []
    for agreement, method in rows:
        assert agreement.id is not None and agreement.end_date is not None
        done = agreement.status in (AgreementStatus.expired, AgreementStatus.terminated)
        items.append(Deadline(
            uid=f"agreement-end-{agreement.id}", kind=DeadlineKind.agreement_end,
            date=agreement.end_date, status=_status(agreement.end_date, done, as_of),
            title=f"Prisavtale utløper: {method_label(method)}",
            description=f"Avtaletype {TYPE_NB[agreement.type]}, status "
                        f"{STATUS_NB[agreement.status]}, "
                        f"gyldig fra {nb_date(agreement.start_date)}.",
            introduction_id=agreement.introduction_id, nye_metoder_id=method.nye_metoder_id,
            method=method_label(method), subject_type=SubjectType.agreement,
            subject_id=agreement.id, link=f"/api/v1/agreements/{agreement.id}",
            sequence=agreement.version - 1, updated_at=agreement.updated_at,
        ))
    return items


def _phaseout_steps(session: Session, as_of: date) -> list[Deadline]:
    rows = session.exec(
        select(PhaseOutStep, PhaseOutPlan, Method)
        .join(PhaseOutPlan, col(PhaseOutPlan.id) == PhaseOutStep.plan_id)
        .join(TemporaryIntroduction, col(TemporaryIntroduction.id) == PhaseOutPlan.introduction_id)
        .join(Method, col(Method.id) == TemporaryIntroduction.method_id)
    ).all()
    items = []
    for step, plan, method in rows:
        assert step.id is not None
        done = step.done_on is not None
        items.append(Deadline(
            uid=f"phaseout-step-{step.id}", kind=DeadlineKind.phaseout_step, date=step.due_date,
            status=_status(step.due_date, done, as_of),
            title=f"Utfasing: {method_label(method)}", description=step.description,
            introduction_id=plan.introduction_id, nye_metoder_id=method.nye_metoder_id,
            method=method_label(method), subject_type=SubjectType.phaseout_step,
            subject_id=step.id, link=f"/api/v1/phaseout-plans/{plan.id}",
            sequence=1 if done else 0, updated_at=step.updated_at,
        ))
    return items


def _renegotiations(session: Session, as_of: date) -> list[Deadline]:
    rows = session.exec(
        select(ReassessmentCase, Method)
        .join(TemporaryIntroduction,
              col(TemporaryIntroduction.id) == ReassessmentCase.introduction_id)
        .join(Method, col(Method.id) == TemporaryIntroduction.method_id)
        .where(col(ReassessmentCase.due_date).is_not(None))
    ).all()
    items = []
    for case, method in rows:
        assert case.id is not None and case.due_date is not None
        done = case.state == CaseState.decided
        items.append(Deadline(
            uid=f"renegotiation-{case.id}", kind=DeadlineKind.renegotiation, date=case.due_date,
            status=_status(case.due_date, done, as_of),
            title=f"Reforhandling: {method_label(method)}",
            description="Frist for ny prisforhandling (Sykehusinnkjøp) før ny beslutning.",
            introduction_id=case.introduction_id, nye_metoder_id=method.nye_metoder_id,
            method=method_label(method), subject_type=SubjectType.reassessment,
            subject_id=case.id, link=f"/api/v1/reassessments/{case.id}",
            sequence=case.version - 1, updated_at=case.updated_at,
        ))
    return items


def deadlines(*, session: Session, as_of: date, query: Any = None) -> list[Deadline]:
    """Return the deadline list on `as_of`, filtered, ordered by date."""
    items = (_introductions(session, as_of) + _milestones(session, as_of)
             + _agreements(session, as_of) + _phaseout_steps(session, as_of)
             + _renegotiations(session, as_of))
    flags: dict[tuple[str, int], list[str]] = defaultdict(list)
    for flag in session.exec(select(Flag).where(OPEN).order_by(col(Flag.id))).all():
        flags[(flag.subject_type, flag.subject_id)].append(flag.kind)
    for item in items:
        wanted = {str(kind) for kind in FLAG_KINDS[item.kind]}
        item.open_flags = [k for k in flags[(item.subject_type, item.subject_id)] if k in wanted]
    if query is not None:
        items = [item for item in items if _matches(item, query)]
    return sorted(items, key=lambda d: (d.date, d.kind, d.uid))


def _matches(item: Deadline, query: Any) -> bool:
    checks = [
        (query.kind, lambda: item.kind == query.kind),
        (query.status, lambda: item.status == query.status),
        (query.introduction_id, lambda: item.introduction_id == query.introduction_id),
        (query.date_from, lambda: item.date >= query.date_from),
        (query.date_to, lambda: item.date <= query.date_to),
    ]
    return all(check() for value, check in checks if value is not None)
