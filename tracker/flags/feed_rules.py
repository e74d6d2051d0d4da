"""Flag rules that read the registry feeds: data deliveries, patient volume and outcomes.

Loaded by the sweep through `tracker.flags.rules.RULE_MODULES`. Like every rule they read the
*current* rows (a delivery counts once it is imported, whatever `as_of` says); `as_of` only moves
the clock against the dates (milestone dates, the agreement year, the review date).

- ``data_delivery_due`` / ``data_delivery_overdue`` (milestone): the milestone is not covered
  (`milestone_covered`) and its expected date is within ``delivery_lead_days`` or passed.
- ``volume_threshold`` (agreement): an active pris–volum agreement whose patient count in the
  current agreement year has reached a tier above zero patients. No discount is ever shown.
- ``outcome_divergence`` (introduction): the newest registry data differ from the curve assumed
  at introduction in a way that calls for attention (`outcomes.wording.MEANINGS`): more deaths
  or progressions than assumed (OS, PFS), or time on treatment longer or shorter (TTD).
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from tracker.agreements.enums import AgreementStatus, AgreementType
from tracker.agreements.models import PriceAgreement
from tracker.datasources.models import DataSource
from tracker.feeds import service as feeds_service
from tracker.feeds.aggregation import current_delivery_ids
from tracker.feeds.models import FeedDelivery, FeedRecord
from tracker.flags.enums import FlagKind, SubjectType
from tracker.flags.rules import (
    API,
    FlagCandidate,
    _date_facts,
    _open_introductions,
    introduction_link,
    method_label,
    rule,
)
from tracker.flags.say import EN, NB
from tracker.introductions.enums import Endpoint, IntroductionStatus
from tracker.introductions.models import Milestone, ModelAssumption, TemporaryIntroduction
from tracker.methods.models import Method
from tracker.outcomes import service as outcomes_service
from tracker.outcomes import wording
from tracker.settings import Settings

log = logging.getLogger(__name__)

# --- data deliveries -------------------------------------------------------------------------

DeliveredCuts = Mapping[tuple[int, int], date]


def delivered_cuts(
    session: Session, introduction_ids: Collection[int] | None = None
) -> dict[tuple[int, int], date]:
    """Return the newest data cut delivered per (introduction, data source).

    Every delivery counts, superseded ones included: a milestone once delivered stays delivered.
    """
    stmt = select(FeedDelivery.introduction_id, FeedDelivery.data_source_id,
                  func.max(FeedDelivery.data_cut))
    if introduction_ids is not None:
        stmt = stmt.where(col(FeedDelivery.introduction_id).in_(list(introduction_ids)))
    rows = session.exec(
        stmt.group_by(col(FeedDelivery.introduction_id), col(FeedDelivery.data_source_id))
    ).all()
    return {(int(intro), int(source)): cut for intro, source, cut in rows}


def milestone_covered(milestone: Milestone, cuts: DeliveredCuts) -> bool:
    """Tell whether a delivery covers a milestone of the data-collection plan.

    Covered when the introduction has a delivery from the milestone's data source (superseded or
    not) whose data cut is on or after the milestone's `data_cut`. A milestone without a data cut
    asks only for "a delivery from this source", so any delivery from the source covers it (give
    recurring milestones a data cut, or the first delivery covers them all).
    """
    return cut_covers(cuts.get((milestone.introduction_id, milestone.data_source_id)),
                      milestone.data_cut)


def cut_covers(latest: date | None, wanted: date | None) -> bool:
    """Tell whether the newest data cut delivered (None: nothing) covers the cut a milestone
    asks for (None: any delivery from its source); see `milestone_covered`."""
    return latest is not None and (wanted is None or latest >= wanted)


@rule(FlagKind.data_delivery_due, FlagKind.data_delivery_overdue)
def data_deliveries(session: Session, as_of: date, settings: Settings) -> list[FlagCandidate]:
    """Milestones near or past their expected date that no delivery from their source covers."""
    horizon = as_of + timedelta(days=settings.delivery_lead_days)
    rows = session.exec(
        select(Milestone, Method, DataSource)
        .join(TemporaryIntroduction, col(TemporaryIntroduction.id) == Milestone.introduction_id)
        .join(Method, col(Method.id) == TemporaryIntroduction.method_id)
        .join(DataSource, col(DataSource.id) == Milestone.data_source_id)
        .where(TemporaryIntroduction.status != IntroductionStatus.concluded,
               Milestone.expected_date <= horizon)
        .order_by(col(Milestone.id))
    ).all()
    if not rows:
        return []
    cuts = delivered_cuts(session, {m.introduction_id for m, _, _ in rows})
    found = []
    for milestone, method, source in rows:
        assert milestone.id is not None
        if milestone_covered(milestone, cuts):
            continue
        due = milestone.expected_date
        cut = milestone.data_cut
        wanted = f" med datakutt {NB.date(cut)}" if cut else ""
        wanted_en = f" with data cut {EN.date(cut)}" if cut else ""
        latest = cuts.get((milestone.introduction_id, milestone.data_source_id))
        if due < as_of:
            kind = FlagKind.data_delivery_overdue
            message = (f"Datalevering fra {source.name}{wanted} skulle vært levert {NB.date(due)} "
                       f"({NB.when(due, as_of)}), og ingen levering dekker den.")
            message_en = (f"A delivery from {source.name}{wanted_en} was due {EN.date(due)} "
                          f"({EN.when(due, as_of)}), and no delivery covers it.")
        else:
            kind = FlagKind.data_delivery_due
            message = (f"Datalevering fra {source.name}{wanted} forventes {NB.date(due)} "
                       f"({NB.when(due, as_of)}).")
            message_en = (f"A delivery from {source.name}{wanted_en} is expected "
                          f"{EN.date(due)} ({EN.when(due, as_of)}).")
        if latest:
            message += f" Siste levering fra {source.name} har datakutt {NB.date(latest)}."
            message_en += f" The latest delivery from {source.name} has data cut {EN.date(latest)}."
        else:
            message += f" Ingen levering fra {source.name} er importert."
            message_en += f" No delivery from {source.name} has been imported."
        found.append(FlagCandidate(
            kind=kind, subject_type=SubjectType.milestone, subject_id=milestone.id,
            introduction_id=milestone.introduction_id,
            link=introduction_link(milestone.introduction_id), message=message,
            message_en=message_en,
            facts={"method": method_label(method), "data_source": source.code,
                   "description": milestone.description,
                   "responsible_party": milestone.responsible_party,
                   "expected_date": due.isoformat(),
                   "data_cut": milestone.data_cut.isoformat() if milestone.data_cut else None,
                   "latest_data_cut": latest.isoformat() if latest else None,
                   **_date_facts(due, as_of, settings.delivery_lead_days)},
            due_date=due,
        ))
    return found


# --- patient volume of pris–volum agreements -------------------------------------------------


def agreement_year_start(as_of: date, year_start_month: int = 1) -> date:
    """Return the first day of the agreement year that contains `as_of`."""
    year = as_of.year if as_of.month >= year_start_month else as_of.year - 1
    return date(year, year_start_month, 1)


def _date_reached(
    session: Session, introduction_id: int, start: date, end: date, patients: int
) -> date | None:
    """Return the treatment start of the patient that brought the count in [start, end) to
    `patients`: the same distinct patients `feeds_service.patients_started` counts."""
    ids = current_delivery_ids(session=session, introduction_id=introduction_id)
    if not ids or patients < 1:
        return None
    first = (
        select(func.min(FeedRecord.treatment_start).label("first"))
        .where(col(FeedRecord.delivery_id).in_(ids), col(FeedRecord.treatment_start) >= start,
               col(FeedRecord.treatment_start) < end)
        .group_by(col(FeedRecord.patient_id))
        .subquery()
    )
    value = session.execute(
        select(first.c.first).order_by(first.c.first).offset(patients - 1).limit(1)
    ).scalar()
    return value if isinstance(value, date) else None


@rule(FlagKind.volume_threshold)
def volume_thresholds(session: Session, as_of: date, settings: Settings) -> list[FlagCandidate]:
    """Active pris–volum agreements whose patients this agreement year reached a tier above 0.

    The flag names the tier by its patient threshold only; discounts are confidential and never
    appear in a flag. The due date is the day the tier was reached, so a higher tier reached
    later in the year moves it and the sweep rewrites the open flag's message and facts.
    """
    rows = session.exec(
        select(PriceAgreement, Method)
        .join(Method, col(Method.id) == PriceAgreement.method_id)
        .where(PriceAgreement.status == AgreementStatus.active,
               PriceAgreement.type == AgreementType.price_volume,
               col(PriceAgreement.introduction_id).is_not(None),
               PriceAgreement.start_date <= as_of)
        .order_by(col(PriceAgreement.id))
    ).all()
    found = []
    for agreement, method in rows:
        assert agreement.id is not None and agreement.introduction_id is not None
        terms: dict[str, Any] = agreement.terms or {}
        thresholds = sorted(int(t["min_patients"]) for t in terms.get("tiers") or [])
        year_start = agreement_year_start(as_of, int(terms.get("year_start_month") or 1))
        next_year = date(year_start.year + 1, year_start.month, 1)
        counted_from = max(year_start, agreement.start_date)
        end = as_of + timedelta(days=1)
        count = feeds_service.patients_started(
            session=session, introduction_id=agreement.introduction_id, start=counted_from, end=end
        )
        reached = [i for i, threshold in enumerate(thresholds) if threshold <= count]
        if not reached or thresholds[reached[-1]] == 0:
            continue
        tier = reached[-1]
        threshold = thresholds[tier]
        next_threshold = thresholds[tier + 1] if tier + 1 < len(thresholds) else None
        reached_on = _date_reached(session, agreement.introduction_id, counted_from, end,
                                   threshold)
        message = (f"Pasientvolumet i pris–volum-avtalen nådde trinnet fra {threshold} pasienter "
                   f"(trinn {tier + 1} av {len(thresholds)})"
                   f"{f' den {NB.date(reached_on)}' if reached_on else ''}, i avtaleåret som "
                   f"startet {NB.date(year_start)}. Per {NB.date(as_of)} har {count} pasienter "
                   "startet behandling i avtaleåret.")
        message += (f" Neste trinn er {next_threshold} pasienter." if next_threshold is not None
                    else " Det er avtalens høyeste trinn.")
        message_en = (f"The patient volume of the price–volume agreement reached the tier from "
                      f"{threshold} patients (tier {tier + 1} of {len(thresholds)})"
                      f"{f' on {EN.date(reached_on)}' if reached_on else ''}, in the agreement "
                      f"year that began {EN.date(year_start)}. As of {EN.date(as_of)}, {count} "
                      "patients have started treatment in the agreement year.")
        message_en += (f" The next tier is {next_threshold} patients."
                       if next_threshold is not None else " It is the agreement's highest tier.")
        found.append(FlagCandidate(
            kind=FlagKind.volume_threshold, subject_type=SubjectType.agreement,
            subject_id=agreement.id, introduction_id=agreement.introduction_id,
            link=f"{API}/agreements/{agreement.id}", message=message, message_en=message_en,
            facts={"method": method_label(method), "agreement_type": agreement.type,
                   "patients": count, "tier": tier + 1, "tiers": len(thresholds),
                   "tier_min_patients": threshold, "next_tier_min_patients": next_threshold,
                   "year_start": year_start.isoformat(),
                   "year_end": (next_year - timedelta(days=1)).isoformat(),
                   "counted_from": counted_from.isoformat(),
                   "reached_on": reached_on.isoformat() if reached_on else None,
                   "checked_on": as_of.isoformat()},
            due_date=reached_on or year_start,
        ))
    return found


# --- outcomes against the assumptions ----------------------------------------------------------

def _current_cuts(session: Session) -> tuple[dict[int, dict[str, str]], dict[str, str]]:
    """Return, per introduction with data, the data cut of each source's current delivery
    (by source code), and the sources' names by code."""
    rows = session.exec(
        select(col(FeedDelivery.introduction_id), col(DataSource.code), col(DataSource.name),
               col(FeedDelivery.data_cut))
        .join(DataSource, col(DataSource.id) == FeedDelivery.data_source_id)
        .where(col(FeedDelivery.superseded_at).is_(None))
    ).all()
    found: dict[int, dict[str, str]] = {}
    names: dict[str, str] = {}
    for intro_id, code, name, cut in rows:
        found.setdefault(int(intro_id), {})[str(code)] = cut.isoformat()
        names[str(code)] = str(name)
    return found, names


@rule(FlagKind.outcome_divergence)
def outcome_divergence(session: Session, as_of: date, settings: Settings) -> list[FlagCandidate]:
    """Introductions, not concluded, whose newest data differ from the assumption in a way that
    calls for attention (the verdict's `concern`) for an endpoint.

    Only introductions with a current delivery and only endpoints with an assumed curve are
    analysed (`outcomes_service.latest_verdict`, one full analysis each), so a sweep costs one
    analysis per endpoint that can have a verdict at all.
    """
    cuts, source_names = _current_cuts(session)
    if not cuts:
        return []
    assumed: dict[int, set[str]] = {}
    for intro_id, endpoint in session.exec(
        select(ModelAssumption.introduction_id, ModelAssumption.endpoint)
        .where(col(ModelAssumption.introduction_id).in_(list(cuts)),
               col(ModelAssumption.endpoint).in_([str(e) for e in Endpoint]))
    ).all():
        assumed.setdefault(int(intro_id), set()).add(str(endpoint))
    found = []
    for intro, method, _decision in _open_introductions(session):
        assert intro.id is not None
        if intro.id not in cuts or intro.id not in assumed:
            continue
        verdicts: dict[str, str] = {}
        rules: dict[str, str] = {}
        concerns: dict[str, str] = {}  # endpoint -> kind, where the verdict calls for attention
        for endpoint in Endpoint:
            if str(endpoint) not in assumed[intro.id]:
                continue
            try:
                verdict = outcomes_service.latest_verdict(
                    session=session, introduction_id=intro.id, endpoint=str(endpoint))
            except (ValueError, ArithmeticError) as exc:  # one odd data set must not stop a sweep
                log.warning("no verdict for introduction %s %s: %s", intro.id, endpoint, exc)
                continue
            if verdict is not None:
                verdicts[str(endpoint)] = verdict.verdict
                rules[str(endpoint)] = verdict.rule_nb
                if verdict.concern and verdict.kind is not None:
                    concerns[str(endpoint)] = verdict.kind
        # What a difference means depends on the endpoint (outcomes.wording.MEANINGS): more
        # deaths or progressions are worse; time on treatment longer or shorter than assumed is
        # a cost or tolerability question, flagged in its own words.
        if not concerns:
            continue
        flagged = list(concerns)
        delivered = [(source_names[code], date.fromisoformat(cut))
                     for code, cut in sorted(cuts[intro.id].items())]
        data = ", ".join(f"{name} datakutt {NB.date(cut)}" for name, cut in delivered)
        data_en = ", ".join(f"{name} data cut {EN.date(cut)}" for name, cut in delivered)
        review = intro.review_date
        found.append(FlagCandidate(
            kind=FlagKind.outcome_divergence, subject_type=SubjectType.introduction,
            subject_id=intro.id, introduction_id=intro.id, link=introduction_link(intro.id),
            message=(f"Registerdataene ({data}) {wording.divergence_text(concerns)} Revurdering "
                     f"{NB.date(review)} ({NB.when(review, as_of)})."),
            message_en=(f"The registry data ({data_en}) "
                        f"{wording.divergence_text(concerns, 'en')} Reassessment "
                        f"{EN.date(review)} ({EN.when(review, as_of)})."),
            facts={"method": method_label(method), "endpoints": flagged,
                   "rules": {e: rules[e] for e in flagged}, "verdicts": verdicts,
                   "meanings": {e: wording.meaning(e, k).code for e, k in concerns.items()},
                   "data_cuts": cuts[intro.id], "review_date": review.isoformat(),
                   "checked_on": as_of.isoformat()},
            due_date=review,
        ))
    return found
