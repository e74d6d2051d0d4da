"""Load reference and demo data idempotently, by natural key, through the services."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from tracker.agreements import service as agreements_service
from tracker.agreements.models import PriceAgreement
from tracker.agreements.schemas import AgreementCreate
from tracker.datasources import service as datasources_service
from tracker.datasources.models import DataSourceCreate
from tracker.decisions import service as decisions_service
from tracker.decisions.models import Decision, DecisionCreate
from tracker.errors import InvalidInput
from tracker.introductions import service as introductions_service
from tracker.introductions.models import TemporaryIntroduction
from tracker.introductions.schemas import IntroductionCreate
from tracker.methods import service as methods_service
from tracker.methods.models import MethodCreate
from tracker.settings import PROJECT_ROOT

SEEDS = PROJECT_ROOT / "seeds"
SEED_ACTOR = "seed"


@dataclass
class SeedReport:
    """What a seeding run added and what it found already there."""

    added: dict[str, int] = field(default_factory=dict)
    existing: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, added: bool) -> None:
        target = self.added if added else self.existing
        target[kind] = target.get(kind, 0) + 1

    def __str__(self) -> str:
        kinds = sorted(set(self.added) | set(self.existing))
        return "\n".join(
            f"{kind}: {self.added.get(kind, 0)} added, {self.existing.get(kind, 0)} already there"
            for kind in kinds
        )


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _validated(model: Any, data: Any, where: str) -> Any:
    from tracker.apispec import parse_model

    try:
        return parse_model(model, data, where=where)
    except InvalidInput as exc:
        raise InvalidInput(f"Seed file: {where}: {exc.message}", exc.details) from exc


def seed_reference(session: Session, report: SeedReport | None = None) -> SeedReport:
    """Load the data-source catalogue (idempotent by code)."""
    report = report or SeedReport()
    for i, item in enumerate(_load(SEEDS / "reference" / "data_sources.json")):
        existing = datasources_service.get_by_code(session=session, code=item["code"])
        if existing is None:
            data = _validated(DataSourceCreate, item, f"data_sources[{i}]")
            datasources_service.create(session=session, data=data)
        report.count("data sources", existing is None)
    return report


def _method_id(session: Session, nye_metoder_id: str) -> int:
    method = methods_service.get_by_nye_metoder_id(session=session, nye_metoder_id=nye_metoder_id)
    if method is None or method.id is None:
        raise InvalidInput(f"Seed file refers to unknown method {nye_metoder_id}.")
    return method.id


def _decision(
    session: Session, method_id: int, decision_date: str, outcome: str
) -> Decision | None:
    return session.exec(
        select(Decision).where(
            Decision.method_id == method_id,
            Decision.decision_date == date.fromisoformat(decision_date),
            Decision.outcome == outcome,
        )
    ).first()


def _introduction_of(session: Session, method_id: int, decision_date: str,
                     where: str) -> TemporaryIntroduction:
    decision = _decision(session, method_id, decision_date, "temporarily_introduced")
    intro = session.exec(
        select(TemporaryIntroduction).where(
            TemporaryIntroduction.decision_id == (decision.id if decision else -1)
        )
    ).first()
    if intro is None or intro.id is None:
        raise InvalidInput(
            f"{where}: no temporary introduction decided on {decision_date} for this method; "
            "fix introduction_decision_date."
        )
    return intro


def seed_review_date_changes(session: Session, items: list[dict[str, Any]], report: SeedReport,
                             as_of: date | None = None) -> None:
    """Move each demo review date as the secretariat would, through the introductions' update
    with its reason (idempotent: a date already moved there is left as it is)."""
    from datetime import UTC, datetime, time

    from tracker.introductions.models import ReviewDateChange
    from tracker.introductions.schemas import IntroductionUpdate
    from tracker.timeutil import today

    def moved(intro_id: int | None, new_date: date) -> ReviewDateChange | None:
        return session.exec(select(ReviewDateChange).where(
            ReviewDateChange.introduction_id == intro_id,
            col(ReviewDateChange.old_date).is_not(None),
            ReviewDateChange.new_date == new_date)).first()

    for i, item in enumerate(items):
        where = f"review_date_changes[{i}]"
        method_id = _method_id(session, item["nye_metoder_id"])
        intro = _introduction_of(session, method_id, item["introduction_decision_date"], where)
        new_date = date.fromisoformat(item["review_date"])
        todo = intro.review_date != new_date and moved(intro.id, new_date) is None
        report.count("review date changes", todo)
        if not todo:
            continue
        data = _validated(IntroductionUpdate, {"review_date": item["review_date"],
                                               "review_date_reason": item["reason"],
                                               "version": intro.version}, where)
        introductions_service.update(session=session, introduction_id=intro.id or 0, data=data,
                                     actor=SEED_ACTOR)
        # The demo's timeline is synthetic: the change is dated where it belongs in it (never
        # after the seeding day), as the plans are (`_date_demo_plan`).
        change = moved(intro.id, new_date)
        assert change is not None
        changed_on = min(date.fromisoformat(item["changed_on"]), as_of or today())
        change.changed_at = datetime.combine(changed_on, time(12), UTC)
        session.add(change)
        session.flush()


def seed_reassessments(session: Session, items: list[dict[str, Any]], report: SeedReport) -> None:
    """Open each demo case, take its steps and record its decision, through the services, as
    Beslutningsforum and the secretariat would (idempotent: an introduction with a case is left
    as it is)."""
    from tracker.reassessments import service as reassessments_service
    from tracker.reassessments.enums import CaseState
    from tracker.reassessments.schemas import DecisionIn

    for i, item in enumerate(items):
        where = f"reassessments[{i}]"
        method_id = _method_id(session, item["nye_metoder_id"])
        intro = _introduction_of(session, method_id, item["introduction_decision_date"], where)
        assert intro.id is not None
        existing = reassessments_service.for_introduction(session=session,
                                                          introduction_id=intro.id)
        report.count("reassessment cases", not existing)
        if existing:
            continue
        case = reassessments_service.open_case(
            session=session, introduction_id=intro.id, actor=SEED_ACTOR, note=item.get("note"),
            at=date.fromisoformat(item["opened_on"]))
        case_id = case.id
        assert case_id is not None
        for step in item.get("steps", []):
            case = reassessments_service.transition(
                session=session, case_id=case_id, version=case.version, to=CaseState(step["to"]),
                at=date.fromisoformat(step["at"]), actor=SEED_ACTOR, note=step.get("note"))
        if "decision" not in item:
            continue
        decision = _validated(DecisionIn, {**item["decision"], "version": case.version},
                              f"{where}.decision").root
        case = reassessments_service.decide(
            session=session, case_id=case_id, version=case.version, decision=decision,
            actor=SEED_ACTOR, today=decision.at)
        plan = reassessments_service.read(session=session, case=case).phaseout_plan
        for done in item.get("steps_done", []):
            step_read = next((st for st in (plan.steps if plan else [])
                              if str(st.key) == done["key"]), None)
            if plan is None or step_read is None:
                raise InvalidInput(f"{where}: the decision has no phase-out step {done['key']}.")
            reassessments_service.mark_step_done(
                session=session, plan_id=plan.id, step_id=step_read.id,
                version=step_read.version, at=date.fromisoformat(done["at"]), actor=SEED_ACTOR,
                note=done.get("note"))


def raise_flags(session: Session, report: SeedReport, as_of: date | None = None) -> None:
    """Run the flag sweep as of today, so the demo opens with its flags raised instead of
    waiting for the scheduler's next run (idempotent, like every sweep). No e-mail is sent:
    the scheduler's sweep queues notifications for the flags it finds open."""
    from tracker.flags import service as flags_service
    from tracker.settings import Settings
    from tracker.timeutil import today

    session.flush()
    swept = flags_service.sweep(session=session, as_of=as_of or today(), settings=Settings())
    report.added["open flags"] = report.added.get("open flags", 0) + len(swept.opened)
    report.existing["open flags"] = swept.open_total - len(swept.opened)


def seed_demo(session: Session, as_of: date | None = None) -> SeedReport:
    """Load the synthetic demo data set (idempotent by natural keys), then raise its flags."""
    report = seed_reference(session)
    demo = _load(SEEDS / "demo" / "demo.json")

    for i, item in enumerate(demo["methods"]):
        method = methods_service.get_by_nye_metoder_id(
            session=session, nye_metoder_id=item["nye_metoder_id"]
        )
        if method is None:
            methods_service.create(
                session=session, data=_validated(MethodCreate, item, f"methods[{i}]")
            )
        report.count("methods", method is None)

    for i, item in enumerate(demo["decisions"]):
        item = dict(item)
        method_id = _method_id(session, item.pop("nye_metoder_id"))
        found = _decision(session, method_id, item["decision_date"], item["outcome"])
        if found is None:
            data = _validated(DecisionCreate, {**item, "method_id": method_id}, f"decisions[{i}]")
            decisions_service.create(session=session, data=data)
        report.count("decisions", found is None)

    for i, item in enumerate(demo["introductions"]):
        item = dict(item)
        method_id = _method_id(session, item.pop("nye_metoder_id"))
        decision = _decision(
            session, method_id, item.pop("decision_date"), "temporarily_introduced"
        )
        if decision is None:
            raise InvalidInput(f"introductions[{i}]: no temporary decision to attach it to.")
        existing = session.exec(
            select(TemporaryIntroduction).where(TemporaryIntroduction.decision_id == decision.id)
        ).first()
        if existing is None:
            data = _validated(
                IntroductionCreate, {**item, "decision_id": decision.id}, f"introductions[{i}]"
            )
            created = introductions_service.create(session=session, data=data,
                                                   actor=SEED_ACTOR)
            _date_demo_plan(session, created.id, decision.decision_date)
            _date_demo_review_date(session, created.id, decision.decision_date)
        report.count("temporary introductions", existing is None)

    for i, item in enumerate(demo["agreements"]):
        item = dict(item)
        method_id = _method_id(session, item.pop("nye_metoder_id"))
        intro_decision_date = item.pop("introduction_decision_date", None)
        intro_id = None
        if intro_decision_date:
            decision = _decision(session, method_id, intro_decision_date, "temporarily_introduced")
            intro = session.exec(
                select(TemporaryIntroduction).where(
                    TemporaryIntroduction.decision_id == (decision.id if decision else -1)
                )
            ).first()
            if intro is None:
                raise InvalidInput(
                    f"agreements[{i}]: no temporary introduction decided on {intro_decision_date} "
                    "for this method; fix introduction_decision_date."
                )
            intro_id = intro.id
        agreement = session.exec(
            select(PriceAgreement).where(
                PriceAgreement.method_id == method_id,
                PriceAgreement.type == item["type"],
                PriceAgreement.start_date == date.fromisoformat(item["start_date"]),
            )
        ).first()
        if agreement is None:
            data = _validated(
                AgreementCreate,
                {**item, "method_id": method_id, "introduction_id": intro_id},
                f"agreements[{i}]",
            )
            agreements_service.create(session=session, data=data)
        report.count("agreements", agreement is None)
    seed_review_date_changes(session, demo.get("review_date_changes", []), report, as_of)
    seed_reassessments(session, demo.get("reassessments", []), report)
    seed_demo_users(session, report)
    seed_individual_access(session, report, as_of)
    raise_flags(session, report, as_of)
    return report


def _date_demo_plan(session: Session, introduction_id: int | None, decided: date) -> None:
    """Date a demo introduction's analysis plan two weeks after its decision, as the
    secretariat registers it in practice: the demo's timeline is synthetic, and a plan stamped
    with the seeding day would come after every past data cut (not pre-specified)."""
    from datetime import UTC, datetime, time, timedelta

    from tracker.introductions.models import AnalysisPlanVersion

    for version in session.exec(select(AnalysisPlanVersion).where(
            AnalysisPlanVersion.introduction_id == introduction_id)).all():
        version.registered_at = datetime.combine(decided + timedelta(days=14), time(12), UTC)
        session.add(version)
    session.flush()


def _date_demo_review_date(session: Session, introduction_id: int | None, decided: date) -> None:
    """Date the review date set with a demo decision on the decision's day, so that a change
    the demo records later (`seed_review_date_changes`) comes after it in the history."""
    from datetime import UTC, datetime, time

    from tracker.introductions.models import ReviewDateChange

    for change in session.exec(select(ReviewDateChange).where(
            ReviewDateChange.introduction_id == introduction_id,
            col(ReviewDateChange.old_date).is_(None))).all():
        change.changed_at = datetime.combine(decided, time(12), UTC)
        session.add(change)
    session.flush()


DEMO_PASSWORD = "demo-passord-2026"  # noqa: S105 - demo only; `seed demo` refuses in production
DEMO_USERS = {
    "demo-sekretariat": "secretariat",
    "demo-innkjop": "procurement",
    "demo-kliniker": "clinician",
    "demo-forum": "forum",
    "demo-admin": "admin",
    "demo-koordinator": "coordinator",
    "demo-komite": "committee",
    "demo-fagdirektor": "medical_director",
}
# The trust a demo user acts for (individual access is scoped by trust).
DEMO_TRUSTS = {"demo-kliniker": "Helse Bergen HF", "demo-fagdirektor": "Helse Bergen HF"}


def seed_individual_access(session: Session, report: SeedReport, as_of: date | None) -> None:
    """Add the synthetic individual-access cases, roster and meetings (once per database)."""
    from tracker.individual import demo
    from tracker.timeutil import today

    for kind, count in demo.seed(session, as_of or today()).items():
        report.added[kind] = report.added.get(kind, 0) + count


def seed_demo_users(session: Session, report: SeedReport) -> None:
    """Add one demo login per role (password DEMO_PASSWORD), for trying the product locally."""
    from tracker.users import service as users_service

    for name, role in DEMO_USERS.items():
        existing = users_service.get_by_name(session=session, name=name)
        if existing is None:
            users_service.create_user(session=session, name=name, role=role,
                                      email=f"{name}@example.org", password=DEMO_PASSWORD,
                                      health_trust=DEMO_TRUSTS.get(name))
        report.count("demo users", existing is None)


SEEDERS: dict[str, Callable[[Session], SeedReport]] = {
    "reference": lambda session: seed_reference(session),
    "demo": seed_demo,
}
