"""HTTP endpoints of real-world outcomes against the assumptions at introduction."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from tracker.access import may_see_patient_level
from tracker.apispec import ApiBlueprint
from tracker.db import get_session
from tracker.introductions.enums import Endpoint, TimeUnit
from tracker.outcomes import schemas as s
from tracker.outcomes import service

bp = ApiBlueprint("outcomes", __name__, tag="outcomes", resource="outcomes")


class BreakdownQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    endpoint: Endpoint
    by: s.GroupBy = Field(description="region, health_trust or subgroup")
    source: str | None = None
    time_unit: TimeUnit = TimeUnit.months


@bp.operation(
    "/introductions/<int:introduction_id>/outcomes",
    "GET",
    summary="Registry survival (Kaplan-Meier) against the curve assumed at introduction",
    query=s.OutcomesQuery,
    response=s.Outcomes,
    errors=(403, 404),
    # A pure function of the request, the viewer and the stored data, and the heaviest answer
    # the API gives: kept while the data is unchanged (tracker.answers).
    keep_answers=True,
)
def get_outcomes(introduction_id: int, query: s.OutcomesQuery) -> Any:
    return service.outcomes(
        session=get_session(),
        introduction_id=introduction_id,
        query=query,
        patient_level_access=may_see_patient_level(),
    )


@bp.operation(
    "/introductions/<int:introduction_id>/outcomes/breakdown",
    "GET",
    summary="Outcomes per region, health trust or subgroup (small counts suppressed)",
    query=BreakdownQuery,
    response=s.Breakdown,
)
def get_breakdown(introduction_id: int, query: BreakdownQuery) -> Any:
    return service.breakdown(
        session=get_session(),
        introduction_id=introduction_id,
        endpoint=str(query.endpoint),
        group_by=query.by,
        time_unit=str(query.time_unit),
        source=query.source,
        patient_level_access=may_see_patient_level(),
    )
