"""A settled period in the synthetic demo, so Sykehusinnkjøp's settlement page has something
to show after `tracker seed feeds` (the registry deliveries it is computed from).

Each demo outcome-based agreement whose terms give a cost per window gets its first period
with patients (the one in which the window of the first patient started under it ends) settled
from the introduction's current delivery, once: an agreement with a settlement already is left
alone, so running the seeding again changes nothing. The later periods are left for the user
to settle through the page.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from sqlmodel import Session, col, select

from tracker.agreements.enums import AgreementType
from tracker.agreements.models import PriceAgreement
from tracker.agreements.schemas import PaymentByResultTerms
from tracker.settlements import service
from tracker.settlements.models import Settlement

SEED_ACTOR = "seed (syntetiske data)"


def first_period(*, session: Session, delivery_id: int, agreement_start: date, period: str,
                 window_weeks: int) -> date | None:
    """The first day of the first settlement period with a patient in it: the one in which the
    window of the first patient started under the agreement ends (None: no such patient)."""
    starts = service.patients(session=session, delivery_id=delivery_id)["treatment_start"]
    starts = starts[starts >= pd.Timestamp(agreement_start)]
    if starts.empty:
        return None
    day = starts.min().date() + timedelta(weeks=window_weeks)
    months = service.PERIOD_MONTHS[period]
    return date(day.year, (day.month - 1) // months * months + 1, 1)


def seed_settlements(*, session: Session, as_of: date) -> list[str]:
    """Settle the first period of each demo outcome-based agreement that has none yet; return
    what was settled ("<agreement id> <period start>")."""
    agreements = session.exec(select(PriceAgreement).where(
        PriceAgreement.type == AgreementType.payment_by_result,
        col(PriceAgreement.introduction_id).is_not(None)).order_by(col(PriceAgreement.id))).all()
    done = []
    for agreement in agreements:
        terms = PaymentByResultTerms.model_validate(agreement.terms)
        has_cost = terms.cost_per_window_nok or (terms.units_per_window
                                                 and agreement.unit_price_nok)
        settled = session.exec(select(Settlement.id).where(
            Settlement.agreement_id == agreement.id)).first()
        assert agreement.introduction_id is not None and agreement.id is not None
        delivery = service.current_delivery(session=session,
                                            introduction_id=agreement.introduction_id)
        if not has_cost or settled is not None or delivery is None:
            continue
        start = first_period(session=session, delivery_id=delivery.id or 0,
                             agreement_start=agreement.start_date,
                             period=terms.settlement_period,
                             window_weeks=terms.evaluation_window_weeks)
        if start is None:
            continue
        _, end = service.period_of(start, terms.settlement_period)
        if end >= as_of:
            continue
        service.create(session=session, agreement_id=agreement.id, period_start=start,
                       as_of=as_of, actor=SEED_ACTOR)
        done.append(f"{agreement.id} {start.isoformat()}")
    return done
