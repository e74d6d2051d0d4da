"""What a price–volume or cap agreement owes in an agreement year, per trust, from the registry.

Read-only reckonings (nothing is stored): the patients started in the agreement year against
the tiers, with the day each tier was reached and the rebate owed; or the spending to date
against the cap and the amount above it. The arithmetic is `tracker.analytics.financial`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from sqlmodel import Session

from tracker.agreements import service as agreements_service
from tracker.agreements.enums import AgreementType
from tracker.agreements.schemas import CapTerms, PriceVolumeTerms
from tracker.analytics import financial
from tracker.errors import Conflict, InvalidInput, field_error
from tracker.settlements.service import current_delivery, patients


def _year_start(year: int, month: int) -> date:
    return date(year, month, 1)


def _per_trust(frame: pd.DataFrame, value: str) -> list[dict[str, Any]]:
    grouped = frame.groupby(frame["health_trust"].fillna("ukjent helseforetak"), sort=True)
    return [{"health_trust": str(trust), "patients": int(len(rows)),
             value: round(float(rows[value].sum()), 2)} for trust, rows in grouped]


def reckon(*, session: Session, agreement_id: int, year: int, as_of: date) -> dict[str, Any]:
    """Return what a price–volume or cap agreement owes for an agreement year, as of a day."""
    agreement = agreements_service.get(session=session, agreement_id=agreement_id)
    if agreement.type not in (AgreementType.price_volume, AgreementType.cap):
        raise InvalidInput("Only price–volume and cap agreements are reckoned per year.",
                           [field_error("agreement_id", "choose such an agreement")])
    if agreement.introduction_id is None:
        raise InvalidInput("The agreement is not linked to a temporary introduction.",
                           [field_error("introduction_id", "link the agreement first")])
    delivery = current_delivery(session=session, introduction_id=agreement.introduction_id)
    if delivery is None or delivery.id is None:
        raise Conflict("The introduction has no registry delivery to reckon from.")
    frame = patients(session=session, delivery_id=delivery.id)
    out: dict[str, Any] = {"agreement_id": agreement_id, "type": agreement.type, "year": year,
                           "as_of": as_of, "delivery_id": delivery.id}
    if agreement.type == AgreementType.price_volume:
        terms = PriceVolumeTerms.model_validate(agreement.terms)
        if terms.cost_per_patient_nok is None:
            raise InvalidInput("The terms give no cost per patient.", [field_error(
                "terms.cost_per_patient_nok", "give what one patient's treatment costs")])
        start = _year_start(year, terms.year_start_month)
        rows = financial.price_volume_rebates(
            frame["treatment_start"], cost_per_patient=terms.cost_per_patient_nok,
            thresholds=[t.min_patients for t in terms.tiers],
            discounts=[t.discount_percent for t in terms.tiers],
            year_start_month=terms.year_start_month, mode=terms.tier_mode)
        chosen = frame.assign(**rows)[(rows["agreement_year"] == year)
                                      & (frame["treatment_start"] <= pd.Timestamp(as_of))]
        reached = []
        for tier in terms.tiers:
            hit = chosen[chosen["place"] == max(tier.min_patients, 1)]
            reached.append({"min_patients": tier.min_patients,
                            "discount_percent": tier.discount_percent,
                            "reached_on": hit["treatment_start"].min().date() if len(hit)
                            else None})
        out.update(year_start=start, patients=int(len(chosen)), tiers=reached,
                   rebate_nok=round(float(chosen["rebate"].sum()), 2),
                   per_trust=_per_trust(chosen, "rebate"))
        return out
    cap = CapTerms.model_validate(agreement.terms)
    if cap.monthly_cost_nok is None:
        raise InvalidInput("The terms give no monthly cost per patient.", [field_error(
            "terms.monthly_cost_nok", "give the cost per patient-month on treatment")])
    start = _year_start(year, cap.year_start_month)
    spend = financial.cap_spending(frame, year_start=np.datetime64(start),
                                   as_of=np.datetime64(as_of), monthly_cost=cap.monthly_cost_nok)
    chosen = frame.assign(spending=spend)[spend > 0]
    total = round(float(spend.sum()), 2)
    out.update(year_start=start, patients=int(len(chosen)), spending_nok=total,
               cap_nok=cap.annual_cap_nok, share_of_cap=round(total / cap.annual_cap_nok, 4),
               excess_nok=financial.cap_excess(total, cap.annual_cap_nok),
               per_trust=_per_trust(chosen, "spending"))
    return out
