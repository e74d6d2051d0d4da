"""How many patients each settlement counted as responders, non-responders and pending: for
clinicians and the secretariat, without amounts, and with counts of 1–4 hidden (issue #17 item 5).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel

from tracker.access import may_see_confidential_prices
from tracker.apispec import ApiBlueprint
from tracker.db import get_session
from tracker.settlements import service

bp = ApiBlueprint("settlement_counts", __name__, tag="settlements",
                  resource="settlement_counts")
CLASSES = ("responder", "non_responder", "pending", "excluded")


class PeriodCounts(BaseModel):
    period_start: date
    period_end: date
    patients: int | None
    responder: int | None
    non_responder: int | None
    pending: int | None
    excluded: int | None
    hidden: list[str]


class CountsRead(BaseModel):
    """Counts per settled period; null where a count of 1–4 (or one that would give it away)
    is hidden from a reader without small-count access."""

    agreement_id: int
    periods: list[PeriodCounts]


def hide_small(counts: dict[str, int]) -> dict[str, int | None]:
    """Hide counts of 1–4, and the next smallest when one hidden count would follow from the
    total; hide the total too when every class is hidden."""
    shown: dict[str, int | None] = dict(counts)
    small = [k for k in CLASSES if 1 <= counts[k] <= 4]
    for key in small:
        shown[key] = None
    if len(small) == 1:
        others = [k for k in CLASSES if k not in small and counts[k] > 0]
        if others:
            shown[min(others, key=lambda k: counts[k])] = None
        else:
            shown["patients"] = None
    if 1 <= counts["patients"] <= 4:
        shown = dict.fromkeys(shown)
    return shown


@bp.operation("/agreements/<int:agreement_id>/settlement-counts", "GET",
              summary="Responders, non-responders and pending per settled period (no amounts)",
              response=CountsRead)
def get_settlement_counts(agreement_id: int) -> Any:
    settlements = service.for_agreement(session=get_session(), agreement_id=agreement_id)
    # Small counts are hidden from everyone who does not see the settlement itself: the issue
    # asks it for clinicians, who elsewhere see patient-level data.
    suppress = not may_see_confidential_prices()
    periods = []
    for settlement in settlements:
        counts = {k: int(settlement.totals.get(k, 0)) for k in ("patients", *CLASSES)}
        shown: dict[str, int | None] = hide_small(counts) if suppress else dict(counts)
        periods.append(PeriodCounts(period_start=settlement.period_start,
                                    period_end=settlement.period_end,
                                    hidden=sorted(k for k, v in shown.items() if v is None),
                                    **shown))
    return CountsRead(agreement_id=agreement_id, periods=periods)
