"""Which scheme a method may be applied for under, on a given day; each refusal names its rule.

- An exception (for one patient or a group) only while the method is under assessment: never
  after Beslutningsforum decided not to introduce it (000_3134ab22afa02640.txt L246–249), and not
  from the day a yes-decision applies (000 L1337–1346); patients who started before the decision
  may finish (000 L251–253).
- Tilgangsordningen only for methods decided not introduced or under reassessment
  (002_e9fcae1246b76c56.txt L17–18, L58–62); a question for a group of patients is outside the
  committee's mandate and goes to Nye metoder as a subgroup assessment (002 L46–49).
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from tracker.decisions.enums import DecisionOutcome
from tracker.decisions.models import Decision
from tracker.errors import InvalidInput, field_error
from tracker.individual.enums import Scheme
from tracker.introductions.enums import IntroductionStatus
from tracker.introductions.models import TemporaryIntroduction
from tracker.timeutil import nb_date

YES = frozenset({DecisionOutcome.introduced, DecisionOutcome.introduced_with_criteria,
                 DecisionOutcome.temporarily_introduced})


class RuleBroken(InvalidInput):
    """A case the source documents do not allow; `rule` names which rule (422)."""

    def __init__(self, rule: str, message: str, field: str = "nye_metoder_id") -> None:
        super().__init__(message, [{**field_error(field, message), "rule": rule}])
        self.rule = rule


def _decisions(session: Session, method_id: int, on: date) -> list[Decision]:
    return list(session.exec(
        select(Decision).where(Decision.method_id == method_id, Decision.decision_date <= on)
        .order_by(col(Decision.decision_date), col(Decision.id))
    ).all())


def _under_reassessment(session: Session, method_id: int) -> bool:
    found = session.exec(
        select(TemporaryIntroduction.id).where(
            TemporaryIntroduction.method_id == method_id,
            TemporaryIntroduction.status == IntroductionStatus.under_reassessment,
        )
    ).first()
    return found is not None


def check_exception(
    *, session: Session, method_id: int, nye_metoder_id: str, on: date,
    already_started_on: date | None = None,
) -> None:
    """Refuse an exception for a method that is no longer under assessment on this day."""
    for decision in _decisions(session, method_id, on):
        started_before = already_started_on is not None and already_started_on < \
            decision.decision_date
        if decision.outcome == DecisionOutcome.not_introduced and not started_before:
            raise RuleBroken(
                "exception_after_not_introduced",
                f"Beslutningsforum decided on {nb_date(decision.decision_date)} not to introduce "
                f"{nye_metoder_id}; an exception cannot be applied for after a no-decision, even "
                "if the case is taken up again (000 L246–249). Patients who started before the "
                "decision may finish: give the start date in already_started_on. For a clinically "
                "exceptional patient, apply under Tilgangsordningen.",
            )
        applies_from = decision.effective_date or decision.decision_date
        if decision.outcome in YES and applies_from <= on and not started_before:
            raise RuleBroken(
                "exception_after_introduction",
                f"{nye_metoder_id} was introduced by Beslutningsforum on "
                f"{nb_date(decision.decision_date)}, applying from {nb_date(applies_from)}; the "
                "exception scheme applies only until the yes-decision takes effect (000 "
                "L1337–1346). Treat the patient under the decision's criteria.",
            )


def check_access_scheme(
    *, session: Session, method_id: int, nye_metoder_id: str, on: date, concerns_group: bool,
) -> None:
    """Refuse a Tilgangsordningen case for a method that is neither not introduced nor under
    reassessment, or a question about a group of patients."""
    if concerns_group:
        raise RuleBroken(
            "group_outside_mandate",
            "Tilgangsordningen assesses single, clinically exceptional patients; a question for a "
            "group of patients is outside the committee's mandate (002 L46–49). Propose a "
            "subgroup assessment in Nye metoder instead.",
            field="application.concerns_group",
        )
    decisions = _decisions(session, method_id, on)
    latest = decisions[-1] if decisions else None
    if latest is not None and latest.outcome == DecisionOutcome.not_introduced:
        return
    if _under_reassessment(session, method_id):
        return
    if latest is None:
        raise RuleBroken(
            "access_scheme_under_assessment",
            f"{nye_metoder_id} has no decision yet: it is under assessment, and Tilgangsordningen "
            "is only for methods decided not introduced or under reassessment (002 L17–18). "
            "Apply for an exception in the patient's trust (the exception scheme).",
        )
    raise RuleBroken(
        "access_scheme_introduced",
        f"{nye_metoder_id} was decided {latest.outcome.replace('_', ' ')} on "
        f"{nb_date(latest.decision_date)}; Tilgangsordningen is only for methods decided not "
        "introduced or under reassessment (002 L17–18).",
    )


def check(
    *, session: Session, scheme: Scheme, method_id: int, nye_metoder_id: str, on: date,
    already_started_on: date | None = None, concerns_group: bool = False,
) -> None:
    """Refuse a case the rules of its scheme do not allow on this day (422 naming the rule)."""
    if scheme == Scheme.access_scheme:
        check_access_scheme(session=session, method_id=method_id, nye_metoder_id=nye_metoder_id,
                            on=on, concerns_group=concerns_group)
    else:
        check_exception(session=session, method_id=method_id, nye_metoder_id=nye_metoder_id,
                        on=on, already_started_on=already_started_on)
