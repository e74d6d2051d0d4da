"""Flag rules of settlements, run by the daily sweep (`tracker.flags.rules`).

- a settlement due: an outcome-based agreement with a period that has ended and is not settled;
- a cap approaching (90 %) and exceeded: spending to date in the agreement year against the cap;
- patients pending without data: the latest settlement left patients pending whose window ended
  longer ago than the terms' `pending_grace_days`.

All are about confidential terms (`tracker.flags.visibility`): readers without price access see
that a flag exists, not its wording; cap flags are not shown to them at all.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from pydantic import ValidationError
from sqlmodel import Session, col, select

from tracker.agreements.enums import AgreementStatus, AgreementType
from tracker.agreements.models import PriceAgreement
from tracker.agreements.schemas import CapTerms, PaymentByResultTerms
from tracker.errors import TrackerError
from tracker.flags.enums import FlagKind, SubjectType
from tracker.flags.rules import API, FlagCandidate, rule
from tracker.flags.say import EN, NB
from tracker.settings import Settings
from tracker.settlements.models import Settlement, SettlementLine
from tracker.settlements.service import PERIOD_MONTHS, period_of

CAP_WARNING = 0.9


def _agreements(session: Session, kind: AgreementType) -> list[PriceAgreement]:
    return list(session.exec(select(PriceAgreement).where(
        PriceAgreement.type == kind, PriceAgreement.status == AgreementStatus.active,
        col(PriceAgreement.introduction_id).is_not(None))).all())


def _first_period(start: date, period: str) -> date:
    months = PERIOD_MONTHS[period]
    return date(start.year, (start.month - 1) // months * months + 1, 1)


def _link(agreement: PriceAgreement) -> str:
    return f"{API}/agreements/{agreement.id}"


@rule(FlagKind.settlement_due)
def settlements_due(session: Session, as_of: date, settings: Settings) -> list[FlagCandidate]:
    """Outcome-based agreements with an ended period that has no settlement."""
    out = []
    for agreement in _agreements(session, AgreementType.payment_by_result):
        try:
            terms = PaymentByResultTerms.model_validate(agreement.terms)
        except ValidationError:
            continue
        settled = set(session.exec(select(col(Settlement.period_start)).where(
            Settlement.agreement_id == agreement.id)).all())
        start = _first_period(agreement.start_date, terms.settlement_period)
        unsettled = []
        while True:
            first, last = period_of(start, terms.settlement_period)
            if last >= as_of or (agreement.end_date and first > agreement.end_date):
                break
            if first not in settled:
                unsettled.append((first, last))
            start = last + timedelta(days=1)
        if not unsettled:
            continue
        first, last = unsettled[0]
        assert agreement.id is not None
        out.append(FlagCandidate(
            kind=FlagKind.settlement_due, subject_type=SubjectType.agreement,
            subject_id=agreement.id, introduction_id=agreement.introduction_id,
            link=_link(agreement),
            message=(f"Perioden {NB.date(first)}–{NB.date(last)} er ikke gjort opp"
                     + (f" ({len(unsettled)} perioder i alt)." if len(unsettled) > 1 else ".")),
            message_en=(f"The period {EN.date(first)}–{EN.date(last)} has not been settled"
                        + (f" ({len(unsettled)} periods in all)." if len(unsettled) > 1
                           else ".")),
            facts={"period_start": first.isoformat(), "period_end": last.isoformat(),
                   "unsettled": len(unsettled)},
            due_date=last + timedelta(days=1)))
    return out


@rule(FlagKind.cap_approaching, FlagKind.cap_exceeded)
def caps(session: Session, as_of: date, settings: Settings) -> list[FlagCandidate]:
    """Cap agreements whose spending this agreement year has reached 90 % of the cap or more."""
    from tracker.settlements import financial

    out = []
    for agreement in _agreements(session, AgreementType.cap):
        try:
            terms = CapTerms.model_validate(agreement.terms)
            year = as_of.year if as_of.month >= terms.year_start_month else as_of.year - 1
            reckoning = financial.reckon(session=session, agreement_id=agreement.id or 0,
                                         year=year, as_of=as_of)
        except (ValidationError, TrackerError):
            continue
        share = reckoning["share_of_cap"]
        if share < CAP_WARNING:
            continue
        kind = FlagKind.cap_exceeded if share > 1 else FlagKind.cap_approaching
        out.append(FlagCandidate(
            kind=kind, subject_type=SubjectType.agreement, subject_id=agreement.id or 0,
            introduction_id=agreement.introduction_id, link=_link(agreement),
            message=(f"Utgiftene i avtaleåret fra {NB.date(reckoning['year_start'])} er "
                     f"{share:.0%} av taket".replace(".", ",") + (
                         f"; {reckoning['excess_nok']:,.0f} kr over taket skal tilbakebetales."
                         .replace(",", " ") if share > 1 else ".")),
            message_en=(f"Spending in the agreement year from {EN.date(reckoning['year_start'])} "
                        f"is {share:.0%} of the cap" + (
                            f"; NOK {reckoning['excess_nok']:,.0f} above the cap is to be repaid."
                            if share > 1 else ".")),
            facts={"share_of_cap": share, "year": year}, due_date=None))
    return out


@rule(FlagKind.pending_overdue)
def pending_without_data(session: Session, as_of: date,
                         settings: Settings) -> list[FlagCandidate]:
    """Patients left pending by the latest settlement, whose window ended long ago."""
    out = []
    for agreement in _agreements(session, AgreementType.payment_by_result):
        try:
            terms = PaymentByResultTerms.model_validate(agreement.terms)
        except ValidationError:
            continue
        limit = as_of - timedelta(days=terms.pending_grace_days)
        # Each patient's latest line (the highest id), counted in SQL: an agreement of a large
        # introduction has hundreds of thousands of lines.
        latest = (select(sa.func.max(SettlementLine.id).label("id"))
                  .where(SettlementLine.agreement_id == agreement.id)
                  .group_by(col(SettlementLine.patient_id)).subquery())
        count, oldest = session.execute(
            select(sa.func.count(), sa.func.min(SettlementLine.window_end))
            .join(latest, latest.c.id == SettlementLine.id)
            .where(SettlementLine.patient_class == "pending",
                   col(SettlementLine.window_end) < limit)).one()
        if not count:
            continue
        waiting = int(count)
        out.append(FlagCandidate(
            kind=FlagKind.pending_overdue, subject_type=SubjectType.agreement,
            subject_id=agreement.id or 0, introduction_id=agreement.introduction_id,
            link=_link(agreement),
            message=(f"{NB.count(waiting, 'pasient', 'pasienter')} avventer "
                     f"vurdering; vinduet endte for mer enn "
                     f"{NB.days(terms.pending_grace_days)} siden uten nye data. Be om data "
                     "eller en ny leveranse."),
            message_en=(f"{EN.count(waiting, 'patient', 'patients')} pending "
                        f"assessment; the window ended more than "
                        f"{EN.days(terms.pending_grace_days)} ago with no new data. Ask for data "
                        "or a new delivery."),
            facts={"patients": waiting, "oldest_window_end": oldest.isoformat()},
            due_date=oldest + timedelta(days=terms.pending_grace_days)))
    return out
