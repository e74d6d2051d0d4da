"""HTTP endpoints of temporary introductions and their parts."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field, RootModel

from tracker.access import may_see_confidential_prices
from tracker.actor import current_actor
from tracker.apispec import ApiBlueprint, list_query_model, page_model, page_of
from tracker.db import get_session
from tracker.errors import InvalidInput, field_error
from tracker.introductions import plans, service
from tracker.introductions import schemas as s
from tracker.introductions.enums import Endpoint, IntroductionStatus

bp = ApiBlueprint(
    "introductions", __name__, tag="temporary introductions", resource="introductions"
)

IntroductionQuery = list_query_model(
    "IntroductionQuery",
    sortable=["review_date", "status", "created_at", "id"],
    default_sort="review_date",
    filters={
        "status": (IntroductionStatus | None, None),
        "therapeutic_area": (str | None, None),
        "method_id": (int | None, Field(default=None, ge=1)),
        "review_before": (date | None, Field(default=None, description="Review on or before.")),
        "q": (str | None, Field(default=None, description="Search ID, substance or trade name.")),
    },
)
IntroductionPage = page_model(s.IntroductionSummary)


class CurveBody(RootModel[s.CurveAssumption]):
    """An assumed survival curve for one endpoint."""


def _read(intro: Any) -> s.IntroductionRead:
    return service.read(
        session=get_session(), intro=intro, confidential=may_see_confidential_prices()
    )


def _reread(introduction_id: int) -> s.IntroductionRead:
    return _read(service.get(session=get_session(), introduction_id=introduction_id))


@bp.operation(
    "/introductions",
    "GET",
    summary="List temporary introductions",
    query=IntroductionQuery,
    response=IntroductionPage,
    keep_answers=True,
)
def list_introductions(query: Any) -> Any:
    rows, total = service.list_(
        session=get_session(), status=query.status, therapeutic_area=query.therapeutic_area,
        method_id=query.method_id, review_before=query.review_before, q=query.q,
        sort=query.sort, limit=query.limit, offset=query.offset,
    )
    return page_of(
        IntroductionPage,
        rows,
        total,
        query,
        convert=lambda row: service.summary(intro=row[0], method=row[1], decision=row[2]),
    )


@bp.operation(
    "/introductions",
    "POST",
    summary="Record a temporary introduction with all its parts in one request",
    body=s.IntroductionCreate,
    response=s.IntroductionRead,
    status=201,
    errors=[409],
)
def create_introduction(body: s.IntroductionCreate) -> Any:
    return _read(service.create(session=get_session(), data=body, actor=current_actor()))


@bp.operation(
    "/introductions/<int:introduction_id>",
    "GET",
    summary="Read a temporary introduction",
    response=s.IntroductionRead,
    keep_answers=True,
)
def get_introduction(introduction_id: int) -> Any:
    return _read(service.get(session=get_session(), introduction_id=introduction_id))


@bp.operation(
    "/introductions/<int:introduction_id>",
    "PATCH",
    summary="Change a temporary introduction (a new review date needs a reason)",
    body=s.IntroductionUpdate,
    response=s.IntroductionRead,
    errors=[409],
)
def update_introduction(introduction_id: int, body: s.IntroductionUpdate) -> Any:
    intro = service.update(
        session=get_session(), introduction_id=introduction_id, data=body, actor=current_actor()
    )
    return _read(intro)


@bp.operation(
    "/introductions/<int:introduction_id>/outcome-measures",
    "POST",
    summary="Add an outcome measure",
    body=s.OutcomeMeasureIn,
    response=s.IntroductionRead,
    status=201,
)
def add_outcome_measure(introduction_id: int, body: s.OutcomeMeasureIn) -> Any:
    service.add_outcome_measure(session=get_session(), introduction_id=introduction_id, data=body)
    return _reread(introduction_id)


@bp.operation(
    "/introductions/<int:introduction_id>/outcome-measures/<int:measure_id>",
    "PATCH",
    summary="Change an outcome measure",
    body=s.OutcomeMeasureUpdate,
    response=s.IntroductionRead,
)
def update_outcome_measure(introduction_id: int, measure_id: int, body: Any) -> Any:
    service.update_outcome_measure(
        session=get_session(), introduction_id=introduction_id, measure_id=measure_id, data=body
    )
    return _reread(introduction_id)


@bp.operation(
    "/introductions/<int:introduction_id>/milestones",
    "POST",
    summary="Add a data-collection milestone",
    body=s.MilestoneIn,
    response=s.IntroductionRead,
    status=201,
)
def add_milestone(introduction_id: int, body: s.MilestoneIn) -> Any:
    service.add_milestone(session=get_session(), introduction_id=introduction_id, data=body)
    return _reread(introduction_id)


@bp.operation(
    "/introductions/<int:introduction_id>/milestones/<int:milestone_id>",
    "PATCH",
    summary="Change a data-collection milestone",
    body=s.MilestoneUpdate,
    response=s.IntroductionRead,
)
def update_milestone(introduction_id: int, milestone_id: int, body: Any) -> Any:
    service.update_milestone(
        session=get_session(), introduction_id=introduction_id, milestone_id=milestone_id, data=body
    )
    return _reread(introduction_id)


@bp.operation(
    "/introductions/<int:introduction_id>/assumptions/<endpoint>",
    "PUT",
    summary="Set the assumed curve of an endpoint (OS, PFS or TTD)",
    body=CurveBody,
    response=s.IntroductionRead,
)
def put_assumption(introduction_id: int, endpoint: str, body: CurveBody) -> Any:
    if endpoint not in {e.value for e in Endpoint}:
        raise InvalidInput(
            "Unknown endpoint.", [field_error("endpoint", "use OS, PFS or TTD in the path")]
        )
    if body.root.endpoint != endpoint:
        raise InvalidInput(
            "The curve's endpoint does not match the path.",
            [field_error("endpoint", f"body says {body.root.endpoint}, path says {endpoint}")],
        )
    service.put_assumption(session=get_session(), introduction_id=introduction_id, curve=body.root)
    return _reread(introduction_id)


@bp.operation(
    "/introductions/<int:introduction_id>/analysis-plans",
    "POST",
    summary="Register a new version of the pre-specified analysis plan (frozen once registered)",
    body=s.AnalysisPlanIn,
    response=s.AnalysisPlanRead,
    status=201,
)
def register_analysis_plan(introduction_id: int, body: s.AnalysisPlanIn) -> Any:
    version = service.register_analysis_plan(
        session=get_session(), introduction_id=introduction_id, plan=body, actor=current_actor()
    )
    cuts = plans.first_data_cuts(get_session(), [introduction_id])
    return plans.read(version, cuts.get(introduction_id))
