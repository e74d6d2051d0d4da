"""What the public section shows, read from the records: the same for every visitor.

The public section (`/offentlig/`) answers as the public, whoever is signed in: every function
here picks the fields a public row declares (`tracker.public.schemas`) and nothing else, so a
price, a share, an amount, a patient count or a staff member's name cannot reach it by a field
being added elsewhere. Small counts follow the statistics' own suppression
(`tracker.individual.statistics`), and the committee's decisions are listed at the finest level
that reveals no count under 5 (`tracker.public.disclosure`).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from tracker.agreements.enums import PERFORMANCE_BASED
from tracker.agreements.models import PriceAgreement
from tracker.analytics import access_stats
from tracker.datasources.models import DataSource
from tracker.decisions.models import Decision
from tracker.errors import NotFound
from tracker.feeds.models import FeedDelivery
from tracker.flags import feed_rules
from tracker.individual import reads as access_reads
from tracker.individual import statistics as individual_statistics
from tracker.individual.enums import CaseState, Scheme
from tracker.individual.models import AccessCase
from tracker.introductions import plans as plans_rule
from tracker.introductions.models import (
    AnalysisPlanVersion,
    Milestone,
    OutcomeMeasure,
    ReviewDateChange,
    TemporaryIntroduction,
)
from tracker.methods.models import Method
from tracker.public import disclosure
from tracker.public import schemas as s
from tracker.reassessments.models import ReassessmentCase
from tracker.timeutil import local_date

LICENCE = "NLOD 2.0"
LICENCE_URL = "https://data.norge.no/nlod/no/2.0"


def _joined(session: Session, introduction_ids: Sequence[int] | None = None) -> list[Any]:
    stmt = (
        sa.select(TemporaryIntroduction, Method, Decision)
        .join(Method, col(Method.id) == TemporaryIntroduction.method_id)
        .join(Decision, col(Decision.id) == TemporaryIntroduction.decision_id)
        .order_by(col(Decision.decision_date).desc(), col(TemporaryIntroduction.id))
    )
    if introduction_ids is not None:
        stmt = stmt.where(col(TemporaryIntroduction.id).in_(list(introduction_ids)))
    return list(session.execute(stmt).all())


def _sources(session: Session) -> dict[int, DataSource]:
    return {d.id: d for d in session.exec(select(DataSource)).all() if d.id is not None}


def _method_name(method: Method) -> str:
    return method.trade_name or method.active_substance


def introductions(*, session: Session, introduction_ids: Sequence[int] | None = None
                  ) -> list[s.IntroductionRow]:
    """Return the temporary introductions (all, or these), newest decision first."""
    return _rows(session, _joined(session, introduction_ids))


def _rows(session: Session, joined: list[Any]) -> list[s.IntroductionRow]:
    ids = [intro.id for intro, _, _ in joined]
    counted = (sa.select(col(ReviewDateChange.introduction_id), sa.func.count())
               .where(col(ReviewDateChange.old_date).is_not(None),
                      col(ReviewDateChange.introduction_id).in_(ids))
               .group_by(col(ReviewDateChange.introduction_id)))
    changes = {int(i): int(n) for i, n in session.execute(counted).all()}
    latest = _latest_outcomes(session, ids)
    return [
        s.IntroductionRow(
            id=intro.id, nye_metoder_id=method.nye_metoder_id,
            active_substance=method.active_substance, trade_name=method.trade_name,
            therapeutic_area=method.therapeutic_area, indication=decision.indication,
            status=str(intro.status), decision_date=decision.decision_date,
            review_date=intro.review_date, review_date_changes=changes.get(intro.id, 0),
            latest_reassessment_outcome=latest.get(intro.id),
        )
        for intro, method, decision in joined
    ]


def _latest_outcomes(session: Session, ids: Sequence[int]) -> dict[int, str]:
    rows = session.exec(
        select(ReassessmentCase)
        .where(col(ReassessmentCase.introduction_id).in_(list(ids)),
               col(ReassessmentCase.outcome).is_not(None))
        .order_by(col(ReassessmentCase.decided_on), col(ReassessmentCase.id))
    ).all()
    return {row.introduction_id: str(row.outcome) for row in rows}


def introduction(*, session: Session, introduction_id: int) -> dict[str, Any]:
    """Return one introduction with everything the public may read about it."""
    joined = _joined(session, [introduction_id])
    if not joined:
        raise NotFound(f"No temporary introduction with id {introduction_id}.")
    intro, method, decision = joined[0]
    row = _rows(session, joined)[0]
    sources = _sources(session)
    return {
        "introduction": row,
        "method": {"nye_metoder_id": method.nye_metoder_id, "name": _method_name(method),
                   "active_substance": method.active_substance,
                   "trade_name": method.trade_name, "ma_holder": method.ma_holder,
                   "indications": list(method.indications or [])},
        "decision": {"date": decision.decision_date, "outcome": str(decision.outcome),
                     "indication": decision.indication, "text": decision.decision_text,
                     "start_criteria": decision.start_criteria,
                     "stop_criteria": decision.stop_criteria,
                     "effective_date": decision.effective_date,
                     "reference": decision.reference},
        "uncertainty": intro.uncertainty,
        "documentation_duty": intro.documentation_duty,
        "reassessment_criteria": intro.reassessment_criteria,
        "phaseout_criteria": intro.phaseout_criteria,
        "exit_plan": {"new_patients": intro.exit_new_patients,
                      "patients_on_treatment": intro.exit_patients_on_treatment,
                      "subgroups": intro.exit_subgroups},
        "outcome_measures": outcome_measures(session=session, introduction_ids=[intro.id],
                                             sources=sources),
        "milestones": milestones(session=session, introduction_ids=[intro.id], sources=sources),
        "deliveries": deliveries(session=session, introduction_ids=[intro.id], sources=sources),
        "review_dates": review_date_changes(session=session, introduction_ids=[intro.id]),
        "reassessments": reassessments(session=session, introduction_ids=[intro.id]),
        "analysis_plans": analysis_plans(session=session, introduction_ids=[intro.id]),
        "agreements": agreements(session=session, introduction_ids=[intro.id]),
    }


def outcome_measures(*, session: Session, introduction_ids: Sequence[int] | None = None,
                     sources: dict[int, DataSource] | None = None) -> list[s.OutcomeMeasureRow]:
    """Return the outcome measures fixed at introduction."""
    sources = sources if sources is not None else _sources(session)
    stmt = select(OutcomeMeasure).order_by(col(OutcomeMeasure.introduction_id),
                                           col(OutcomeMeasure.id))
    if introduction_ids is not None:
        stmt = stmt.where(col(OutcomeMeasure.introduction_id).in_(list(introduction_ids)))
    return [
        s.OutcomeMeasureRow(
            introduction_id=m.introduction_id, name=m.name, kind=str(m.kind),
            definition=m.definition, data_source=sources[m.data_source_id].code,
            data_source_name=sources[m.data_source_id].name,
            responsible_party=m.responsible_party, data_expected_by=m.data_expected_by)
        for m in session.exec(stmt).all()
    ]


def milestones(*, session: Session, introduction_ids: Sequence[int] | None = None,
               sources: dict[int, DataSource] | None = None) -> list[s.MilestoneRow]:
    """Return the data-collection plan's milestones and whether a delivery covers each."""
    sources = sources if sources is not None else _sources(session)
    stmt = select(Milestone).order_by(col(Milestone.introduction_id),
                                      col(Milestone.expected_date), col(Milestone.id))
    if introduction_ids is not None:
        stmt = stmt.where(col(Milestone.introduction_id).in_(list(introduction_ids)))
    cuts = feed_rules.delivered_cuts(session, introduction_ids)
    return [
        s.MilestoneRow(
            introduction_id=m.introduction_id, data_source=sources[m.data_source_id].code,
            data_source_name=sources[m.data_source_id].name, description=m.description,
            expected_date=m.expected_date, data_cut=m.data_cut,
            responsible_party=m.responsible_party,
            delivered=feed_rules.milestone_covered(m, cuts))
        for m in session.exec(stmt).all()
    ]


def deliveries(*, session: Session, introduction_ids: Sequence[int] | None = None,
               sources: dict[int, DataSource] | None = None) -> list[s.DeliveryRow]:
    """Return the registry extracts that have arrived: source and dates, never their data."""
    sources = sources if sources is not None else _sources(session)
    stmt = sa.select(col(FeedDelivery.introduction_id), col(FeedDelivery.data_source_id),
                     col(FeedDelivery.data_cut), col(FeedDelivery.delivered_at),
                     col(FeedDelivery.superseded_at)).order_by(
        col(FeedDelivery.introduction_id), col(FeedDelivery.delivered_at), col(FeedDelivery.id))
    if introduction_ids is not None:
        stmt = stmt.where(col(FeedDelivery.introduction_id).in_(list(introduction_ids)))
    return [
        s.DeliveryRow(introduction_id=intro_id, data_source=sources[source_id].code,
                      data_source_name=sources[source_id].name, data_cut=cut,
                      delivered_on=local_date(delivered), superseded=superseded is not None)
        for intro_id, source_id, cut, delivered, superseded in session.execute(stmt).all()
    ]


def review_date_changes(*, session: Session, introduction_ids: Sequence[int] | None = None
                        ) -> list[s.ReviewDateChangeRow]:
    """Return every review date as set and changed, with its reason, oldest first."""
    stmt = (sa.select(ReviewDateChange, col(Method.nye_metoder_id))
            .join(TemporaryIntroduction,
                  col(TemporaryIntroduction.id) == ReviewDateChange.introduction_id)
            .join(Method, col(Method.id) == TemporaryIntroduction.method_id)
            .order_by(col(ReviewDateChange.introduction_id), col(ReviewDateChange.changed_at),
                      col(ReviewDateChange.id)))
    if introduction_ids is not None:
        stmt = stmt.where(col(ReviewDateChange.introduction_id).in_(list(introduction_ids)))
    return [
        s.ReviewDateChangeRow(introduction_id=change.introduction_id, nye_metoder_id=nm_id,
                              old_date=change.old_date, new_date=change.new_date,
                              reason=change.reason, changed_at=change.changed_at)
        for change, nm_id in session.execute(stmt).all()
    ]


def reassessments(*, session: Session, introduction_ids: Sequence[int] | None = None
                  ) -> list[s.ReassessmentRow]:
    """Return the reassessments and what Beslutningsforum decided in each.

    A renegotiation shows that the price is renegotiated and by when, not what is renegotiated
    (that is Sykehusinnkjøp's brief)."""
    stmt = (sa.select(ReassessmentCase, col(Method.nye_metoder_id))
            .join(TemporaryIntroduction,
                  col(TemporaryIntroduction.id) == ReassessmentCase.introduction_id)
            .join(Method, col(Method.id) == TemporaryIntroduction.method_id)
            .order_by(col(ReassessmentCase.introduction_id), col(ReassessmentCase.opened_on),
                      col(ReassessmentCase.id)))
    if introduction_ids is not None:
        stmt = stmt.where(col(ReassessmentCase.introduction_id).in_(list(introduction_ids)))
    out = []
    for case, nm_id in session.execute(stmt).all():
        decision = case.decision or {}
        subgroups = [g.get("name", "") for g in decision.get("subgroups") or []]
        out.append(s.ReassessmentRow(
            introduction_id=case.introduction_id, nye_metoder_id=nm_id,
            opened_on=case.opened_on, state=str(case.state),
            outcome=str(case.outcome) if case.outcome else None, decided_on=case.decided_on,
            criteria=decision.get("criteria"),
            new_patients_stop_date=decision.get("new_patients_stop_date")
            or decision.get("rest_phaseout_date"),
            subgroups="; ".join(subgroups) or None,
            follow_up_date=decision.get("follow_up_date") or decision.get("deadline"),
            note=decision.get("note")))
    return out


def analysis_plans(*, session: Session, introduction_ids: Sequence[int] | None = None
                   ) -> list[s.AnalysisPlanRow]:
    """Return every registered version of the analysis plans, with its hash and freeze time."""
    stmt = (sa.select(AnalysisPlanVersion, col(Method.nye_metoder_id))
            .join(TemporaryIntroduction,
                  col(TemporaryIntroduction.id) == AnalysisPlanVersion.introduction_id)
            .join(Method, col(Method.id) == TemporaryIntroduction.method_id)
            .order_by(col(AnalysisPlanVersion.introduction_id),
                      col(AnalysisPlanVersion.version_no)))
    if introduction_ids is not None:
        stmt = stmt.where(col(AnalysisPlanVersion.introduction_id).in_(list(introduction_ids)))
    rows = session.execute(stmt).all()
    cuts = plans_rule.first_data_cuts(session, {plan.introduction_id for plan, _ in rows})
    out = []
    for plan, nm_id in rows:
        read = plans_rule.read(plan, cuts.get(plan.introduction_id))
        landmarks = "; ".join(f"{m:g}" for m in read.landmarks_months or []) or None
        out.append(s.AnalysisPlanRow(
            introduction_id=plan.introduction_id, nye_metoder_id=nm_id,
            version_no=read.version_no, text=read.text, text_sha256=read.text_sha256,
            landmarks_months=landmarks, registered_at=read.registered_at,
            superseded_at=read.superseded_at, pre_specified=read.pre_specified,
            first_data_cut=read.first_data_cut))
    return out


def agreements(*, session: Session, introduction_ids: Sequence[int] | None = None
               ) -> list[s.AgreementRow]:
    """Return the structure of the price agreements: type, OECD category and level, period and
    status (003_97107964a711e165.txt L676–680: the structure is public, the price is not)."""
    stmt = (sa.select(PriceAgreement, col(Method.nye_metoder_id))
            .join(Method, col(Method.id) == PriceAgreement.method_id)
            .order_by(col(PriceAgreement.start_date).desc(), col(PriceAgreement.id)))
    if introduction_ids is not None:
        stmt = stmt.where(col(PriceAgreement.introduction_id).in_(list(introduction_ids)))
    return [
        s.AgreementRow(id=a.id, nye_metoder_id=nm_id, introduction_id=a.introduction_id,
                       type=str(a.type), oecd_category=a.oecd_category,
                       oecd_level=a.oecd_level, status=str(a.status),
                       start_date=a.start_date, end_date=a.end_date,
                       outcome_based=a.type in PERFORMANCE_BASED)
        for a, nm_id in session.execute(stmt).all()
    ]


def group_exceptions(*, session: Session) -> list[s.GroupExceptionRow]:
    """Return the group exceptions as published (000_3134ab22afa02640.txt L492–495)."""
    return [
        s.GroupExceptionRow(**{**g.model_dump(), "status": str(g.status),
                               "trusts": "; ".join(g.trusts)})
        for g in access_reads.group_exceptions(session=session)
    ]


def access_statistics(*, session: Session, scheme: Scheme | None = None,
                      year_from: int | None = None, year_to: int | None = None
                      ) -> individual_statistics.Statistics:
    """Return the individual-access statistics as the public sees them (small counts hidden)."""
    from tracker.analytics import StatisticalWarning

    with warnings.catch_warnings():
        # The answer carries min_expected and the exact test; the warning adds nothing.
        warnings.simplefilter("ignore", StatisticalWarning)
        return individual_statistics.for_reader(session=session, suppress=True, scheme=scheme,
                                            year_from=year_from, year_to=year_to)


def statistics_rows(stats: individual_statistics.Statistics) -> list[s.StatisticsRow]:
    """The statistics' count tables as one long table (one row per cell, subtotal or total)."""
    out = []
    for table, rows in stats.tables.items():
        for row in rows:
            out.append(s.StatisticsRow(
                table=table, row_type=row["row_type"], year=row.get("year"),
                region=row.get("region"), diagnosis_group=row.get("diagnosis_group"),
                method=row.get("method"), scheme=row.get("scheme"),
                granted=row.get("granted"), refused=row.get("refused"),
                total=row.get("total")))
    return out


def committee_decisions(*, session: Session) -> disclosure.Published:
    """Return the committee's decisions, anonymised, at the finest level that hides no count
    under 5 (see `tracker.public.disclosure`)."""
    cases = session.execute(
        sa.select(AccessCase, Method)
        .join(Method, col(Method.id) == AccessCase.method_id)
        .where(col(AccessCase.scheme) == Scheme.access_scheme,
               col(AccessCase.decided_on).is_not(None),
               col(AccessCase.outcome).in_(["granted", "refused", "no_consensus"]),
               col(AccessCase.state).in_([CaseState.decided, CaseState.sent]))
        .order_by(col(AccessCase.decided_on), col(AccessCase.id))).all()
    decisions = [
        disclosure.Decision(
            nye_metoder_id=method.nye_metoder_id, method=_method_name(method),
            diagnosis_group=case.diagnosis_group or access_stats.UNKNOWN,
            outcome=str(case.outcome),
            grounds=tuple((case.decision or {}).get("grounds") or ()),
            days_to_decision=(case.decided_on - case.received_on).days)
        for case, method in cases
    ]
    return disclosure.publish(decisions, access_statistics(session=session,
                                                           scheme=Scheme.access_scheme))


def news(*, session: Session) -> list[s.NewsEntry]:
    """Return the news of the public feed, newest first: temporary-introduction decisions,
    changed review dates and decided reassessments."""
    entries: list[s.NewsEntry] = []
    joined = _joined(session)
    names = {intro.id: (method.nye_metoder_id, _method_name(method))
             for intro, method, _ in joined}
    for intro, method, decision in joined:
        entries.append(s.NewsEntry(
            key=f"decision-{decision.id}", kind="decision", introduction_id=intro.id,
            nye_metoder_id=method.nye_metoder_id, method=_method_name(method),
            at=_at(decision.decision_date), new_date=intro.review_date,
            text=decision.decision_text))
    for change in review_date_changes(session=session):
        if change.old_date is None:
            continue  # set with the decision: that entry says it
        nm_id, name = names[change.introduction_id]
        entries.append(s.NewsEntry(
            key=f"review-date-{change.introduction_id}-{change.changed_at.isoformat()}",
            kind="review_date", introduction_id=change.introduction_id, nye_metoder_id=nm_id,
            method=name, at=change.changed_at, old_date=change.old_date,
            new_date=change.new_date, reason=change.reason))
    for case in reassessments(session=session):
        if case.outcome is None or case.decided_on is None:
            continue
        nm_id, name = names[case.introduction_id]
        entries.append(s.NewsEntry(
            key=f"reassessment-{case.introduction_id}-{case.opened_on}-{case.decided_on}",
            kind="reassessment", introduction_id=case.introduction_id, nye_metoder_id=nm_id,
            method=name, at=_at(case.decided_on), outcome=case.outcome, text=case.note,
            new_date=case.new_patients_stop_date))
    return sorted(entries, key=lambda e: (e.at, e.key), reverse=True)


def _at(day: date) -> datetime:
    """A date as the start of that day in UTC (a decision has a date, not a time)."""
    return datetime.combine(day, time(0), tzinfo=UTC)
