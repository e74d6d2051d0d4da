"""The flag rules: small read-only functions that say which flags *should* be open on a date.

Each rule has the signature ``(session, as_of, settings) -> list[FlagCandidate]`` and is
registered for the kinds it raises with ``@rule(FlagKind.x, ...)``. The sweep
(`tracker.flags.service.sweep`) opens a flag for every candidate that has no open flag yet and
closes every open flag of a registered kind that no rule asks for any more. A rule therefore only
describes the cause; it never writes, never commits and never reads the clock.

How to add a rule (`tracker.flags.feed_rules.data_deliveries` is the full version of this)::

    @rule(FlagKind.data_delivery_due, FlagKind.data_delivery_overdue)
    def data_deliveries(session: Session, as_of: date, settings: Settings) -> list[FlagCandidate]:
        \"\"\"Milestones near or past their date that no delivery from their source covers.\"\"\"
        return [FlagCandidate(kind=..., subject_type=SubjectType.milestone, subject_id=m.id,
                              introduction_id=m.introduction_id, link=introduction_link(...),
                              message="...", message_en="...", facts={...},
                              due_date=m.expected_date), ...]

Put it in this module, or in the owning domain and add that module's name to `RULE_MODULES` so its
decorator runs. Kinds without a registered rule are never closed by the sweep, so a new rule is
the only change needed. Write `message` in Norwegian and `message_en` in English for users
(`tracker.flags.say`), and put the dates and numbers behind them in `facts` (JSON-safe values:
ISO date strings, ints, floats, short strings).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, col, select

from tracker.agreements.enums import TYPE_EN, TYPE_NB, AgreementStatus
from tracker.agreements.models import PriceAgreement
from tracker.decisions.models import Decision
from tracker.flags.enums import FlagKind, SubjectType
from tracker.flags.say import EN, NB
from tracker.introductions.enums import IntroductionStatus
from tracker.introductions.models import AnalysisPlanVersion, TemporaryIntroduction
from tracker.methods.models import Method
from tracker.reassessments.enums import STATE_LABELS, STATE_LABELS_EN, CaseState
from tracker.reassessments.models import PhaseOutPlan, PhaseOutStep, ReassessmentCase
from tracker.settings import Settings

API = "/api/v1"


@dataclass(frozen=True)
class FlagCandidate:
    """A flag a rule says should be open on the sweep date."""

    kind: FlagKind
    subject_type: SubjectType
    subject_id: int
    introduction_id: int | None
    link: str
    message: str  # Norwegian (the API, the e-mails and the Norwegian pages)
    message_en: str  # the same in English (`tracker.flags.say` writes both)
    facts: dict[str, Any] = field(default_factory=dict)
    due_date: date | None = None

    @property
    def key(self) -> tuple[str, int, str]:
        return (str(self.subject_type), self.subject_id, str(self.kind))


RuleFunc = Callable[[Session, date, Settings], list[FlagCandidate]]


@dataclass(frozen=True)
class Rule:
    """A rule function and the kinds it is responsible for (opens and closes)."""

    kinds: frozenset[FlagKind]
    func: RuleFunc

    @property
    def name(self) -> str:
        return self.func.__name__


REGISTRY: list[Rule] = []


def rule(*kinds: FlagKind) -> Callable[[RuleFunc], RuleFunc]:
    """Register a rule function for the kinds it raises."""

    def register(func: RuleFunc) -> RuleFunc:
        # Identify by name, so re-importing a module replaces its rules instead of clashing.
        name = (func.__module__, func.__qualname__)
        others = [r for r in REGISTRY if (r.func.__module__, r.func.__qualname__) != name]
        clash = {k for r in others for k in r.kinds} & set(kinds)
        if clash:
            raise ValueError(f"kinds {sorted(clash)} already have a rule; one rule per kind")
        REGISTRY[:] = [*others, Rule(kinds=frozenset(kinds), func=func)]
        return func

    return register


# Modules of other domains whose @rule functions join the registry, e.g. "tracker.feeds.flags".
# `tracker.flags.feed_rules` holds the rules that read the registry feeds (data deliveries,
# patient volume of pris–volum agreements, outcomes against the assumptions).
RULE_MODULES: tuple[str, ...] = ("tracker.flags.feed_rules", "tracker.individual.flag_rules",
                                 "tracker.settlements.flag_rules")


def load_rules() -> list[Rule]:
    """Return every registered rule, importing the rule modules of other domains first."""
    for name in RULE_MODULES:
        importlib.import_module(name)
    return list(REGISTRY)


# --- helpers -----------------------------------------------------------------------------------


def introduction_link(introduction_id: int) -> str:
    return f"{API}/introductions/{introduction_id}"


def method_label(method: Method) -> str:
    name = f" ({method.trade_name})" if method.trade_name else ""
    return f"{method.nye_metoder_id} {method.active_substance}{name}"


def _date_facts(due: date, as_of: date, lead_days: int) -> dict[str, Any]:
    return {"due_date": due.isoformat(), "checked_on": as_of.isoformat(),
            "days_until": (due - as_of).days, "lead_days": lead_days}


def _open_introductions(session: Session) -> list[tuple[TemporaryIntroduction, Method, Decision]]:
    rows = session.exec(
        select(TemporaryIntroduction, Method, Decision)
        .join(Method, col(Method.id) == TemporaryIntroduction.method_id)
        .join(Decision, col(Decision.id) == TemporaryIntroduction.decision_id)
        .where(TemporaryIntroduction.status != IntroductionStatus.concluded)
        .order_by(col(TemporaryIntroduction.id))
    ).all()
    return [(intro, method, decision) for intro, method, decision in rows]


# --- rules -------------------------------------------------------------------------------------


@rule(FlagKind.review_upcoming, FlagKind.review_overdue)
def review_deadlines(session: Session, as_of: date, settings: Settings) -> list[FlagCandidate]:
    """Introductions whose review date is within the lead time or passed, with no decision yet."""
    decided = set(session.exec(
        select(ReassessmentCase.introduction_id).where(ReassessmentCase.state == CaseState.decided)
    ).all())
    found = []
    for intro, method, _decision in _open_introductions(session):
        assert intro.id is not None
        if intro.id in decided:
            continue
        days = (intro.review_date - as_of).days
        if days > settings.review_lead_days:
            continue
        due = intro.review_date
        if days < 0:
            kind = FlagKind.review_overdue
            message = (f"Revurderingen skulle vært gjennomført {NB.date(due)} "
                       f"({NB.days(-days)} over fristen), og ingen revurderingsbeslutning er "
                       "fattet.")
            message_en = (f"The reassessment was due {EN.date(due)} ({EN.days(-days)} overdue), "
                          "and no reassessment decision has been made.")
        else:
            kind = FlagKind.review_upcoming
            message = f"Revurdering forfaller {NB.date(due)} ({NB.when(due, as_of)})."
            message_en = f"Reassessment due {EN.date(due)} ({EN.when(due, as_of)})."
        found.append(FlagCandidate(
            kind=kind, subject_type=SubjectType.introduction, subject_id=intro.id,
            introduction_id=intro.id, link=introduction_link(intro.id), message=message,
            message_en=message_en,
            facts={"method": method_label(method), "review_date": intro.review_date.isoformat(),
                   "introduction_status": str(intro.status),
                   **_date_facts(intro.review_date, as_of, settings.review_lead_days)},
            due_date=intro.review_date,
        ))
    return found


@rule(FlagKind.agreement_expiring)
def expiring_agreements(session: Session, as_of: date, settings: Settings) -> list[FlagCandidate]:
    """Active price agreements that end within the expiry window (or ended but are still active)."""
    horizon = as_of + timedelta(days=settings.agreement_expiry_days)
    rows = session.exec(
        select(PriceAgreement, Method)
        .join(Method, col(Method.id) == PriceAgreement.method_id)
        .where(PriceAgreement.status == AgreementStatus.active,
               col(PriceAgreement.end_date).is_not(None),
               col(PriceAgreement.end_date) <= horizon)
        .order_by(col(PriceAgreement.id))
    ).all()
    found = []
    for agreement, method in rows:
        assert agreement.id is not None and agreement.end_date is not None
        end = agreement.end_date
        kind_nb, kind_en = TYPE_NB[agreement.type], TYPE_EN[agreement.type]
        if end >= as_of:
            message = (f"Prisavtalen ({kind_nb}) utløper {NB.date(end)} "
                       f"({NB.when(end, as_of)}).")
            message_en = (f"The price agreement ({kind_en}) ends {EN.date(end)} "
                          f"({EN.when(end, as_of)}).")
        else:
            message = (f"Prisavtalen ({kind_nb}) utløp {NB.date(end)} "
                       f"({NB.when(end, as_of)}), men står fortsatt som aktiv.")
            message_en = (f"The price agreement ({kind_en}) ended {EN.date(end)} "
                          f"({EN.when(end, as_of)}) but is still marked active.")
        found.append(FlagCandidate(
            kind=FlagKind.agreement_expiring, subject_type=SubjectType.agreement,
            subject_id=agreement.id, introduction_id=agreement.introduction_id,
            link=f"{API}/agreements/{agreement.id}", message=message, message_en=message_en,
            facts={"method": method_label(method), "agreement_type": agreement.type,
                   "start_date": agreement.start_date.isoformat(), "end_date": end.isoformat(),
                   **_date_facts(end, as_of, settings.agreement_expiry_days)},
            due_date=end,
        ))
    return found


@rule(FlagKind.analysis_plan_missing)
def missing_analysis_plans(
    session: Session, as_of: date, settings: Settings
) -> list[FlagCandidate]:
    """Temporary introductions with no registered analysis plan after the grace period."""
    with_plan = set(session.exec(select(AnalysisPlanVersion.introduction_id)).all())
    found = []
    for intro, method, decision in _open_introductions(session):
        assert intro.id is not None
        deadline = decision.decision_date + timedelta(days=settings.analysis_plan_grace_days)
        if intro.id in with_plan or as_of < deadline:
            continue
        found.append(FlagCandidate(
            kind=FlagKind.analysis_plan_missing, subject_type=SubjectType.introduction,
            subject_id=intro.id, introduction_id=intro.id, link=introduction_link(intro.id),
            message=(f"Ingen analyseplan er registrert "
                     f"{NB.days((as_of - decision.decision_date).days)} "
                     "etter beslutningen om midlertidig innføring "
                     f"{NB.date(decision.decision_date)} "
                     f"(frist {NB.date(deadline)})."),
            message_en=(f"No analysis plan has been registered "
                        f"{EN.days((as_of - decision.decision_date).days)} after the decision "
                        f"on temporary introduction of {EN.date(decision.decision_date)} "
                        f"(deadline {EN.date(deadline)})."),
            facts={"method": method_label(method),
                   "decision_date": decision.decision_date.isoformat(),
                   "grace_days": settings.analysis_plan_grace_days,
                   **_date_facts(deadline, as_of, settings.analysis_plan_grace_days)},
            due_date=deadline,
        ))
    return found


@rule(FlagKind.phaseout_deadline)
def phaseout_deadlines(session: Session, as_of: date, settings: Settings) -> list[FlagCandidate]:
    """Steps of phase-out plans near or past their date and not marked done."""
    horizon = as_of + timedelta(days=settings.followup_lead_days)
    rows = session.exec(
        select(PhaseOutStep, PhaseOutPlan, Method)
        .join(PhaseOutPlan, col(PhaseOutPlan.id) == PhaseOutStep.plan_id)
        .join(TemporaryIntroduction,
              col(TemporaryIntroduction.id) == PhaseOutPlan.introduction_id)
        .join(Method, col(Method.id) == TemporaryIntroduction.method_id)
        .where(col(PhaseOutStep.done_on).is_(None), PhaseOutStep.due_date <= horizon)
        .order_by(col(PhaseOutStep.id))
    ).all()
    found = []
    for step, plan, method in rows:
        assert step.id is not None
        due = step.due_date
        # The step's description is the user's own text (in Norwegian) in both languages.
        if due >= as_of:
            message = f"{step.description} Frist {NB.date(due)} ({NB.when(due, as_of)})."
            message_en = f"{step.description} Deadline {EN.date(due)} ({EN.when(due, as_of)})."
        else:
            message = (f"{step.description} Fristen {NB.date(due)} er passert "
                       f"({NB.when(due, as_of)}) uten at steget er markert utført.")
            message_en = (f"{step.description} The deadline {EN.date(due)} has passed "
                          f"({EN.when(due, as_of)}) without the step being marked done.")
        found.append(FlagCandidate(
            kind=FlagKind.phaseout_deadline, subject_type=SubjectType.phaseout_step,
            subject_id=step.id, introduction_id=plan.introduction_id,
            link=f"{API}/phaseout-plans/{plan.id}", message=message, message_en=message_en,
            facts={"method": method_label(method), "plan_id": plan.id, "step": step.key,
                   "outcome": plan.outcome,
                   **_date_facts(due, as_of, settings.followup_lead_days)},
            due_date=due,
        ))
    return found


@rule(FlagKind.renegotiation_due)
def renegotiation_deadlines(
    session: Session, as_of: date, settings: Settings
) -> list[FlagCandidate]:
    """Follow-up cases of a renegotiation decision whose deadline is near or passed, undecided."""
    horizon = as_of + timedelta(days=settings.followup_lead_days)
    rows = session.exec(
        select(ReassessmentCase, Method)
        .join(TemporaryIntroduction,
              col(TemporaryIntroduction.id) == ReassessmentCase.introduction_id)
        .join(Method, col(Method.id) == TemporaryIntroduction.method_id)
        .where(ReassessmentCase.state != CaseState.decided,
               col(ReassessmentCase.due_date).is_not(None),
               col(ReassessmentCase.due_date) <= horizon)
        .order_by(col(ReassessmentCase.id))
    ).all()
    found = []
    for case, method in rows:
        assert case.id is not None and case.due_date is not None
        due = case.due_date
        verb = "skal være ferdig" if due >= as_of else "skulle vært ferdig"
        verb_en = "is to be completed" if due >= as_of else "was to be completed"
        found.append(FlagCandidate(
            kind=FlagKind.renegotiation_due, subject_type=SubjectType.reassessment,
            subject_id=case.id, introduction_id=case.introduction_id,
            link=f"{API}/reassessments/{case.id}",
            message=(f"Reforhandlingen {verb} {NB.date(due)} ({NB.when(due, as_of)}); saken står "
                     f"i steget «{STATE_LABELS[case.state]}»."),
            message_en=(f"The renegotiation {verb_en} {EN.date(due)} ({EN.when(due, as_of)}); "
                        f"the case is at the step “{STATE_LABELS_EN[case.state]}”."),
            facts={"method": method_label(method), "case_state": case.state,
                   "follows_case_id": case.follows_case_id,
                   **_date_facts(due, as_of, settings.followup_lead_days)},
            due_date=due,
        ))
    return found
