"""HTTP endpoints of individual-access cases and the published group exceptions."""

from __future__ import annotations

import warnings
from typing import Any

from flask import Response
from pydantic import BaseModel, Field

from tracker.apispec import ApiBlueprint, list_query_model, page_model, page_of
from tracker.auth import current_principal
from tracker.db import get_session
from tracker.individual import committee, reads, service, statistics_export, trusts
from tracker.individual import schemas as s
from tracker.individual.enums import CaseState, Outcome, PublicationStatus, Scheme
from tracker.individual.statistics_export import XLSX, Lang, StatisticsTable
from tracker.timeutil import today

bp = ApiBlueprint("individual", __name__, tag="individual access", resource="access_cases")


def _read(case: Any) -> s.CaseRead:
    return reads.read(session=get_session(), case=case, principal=current_principal())


def _create(scheme: Scheme, body: Any) -> s.CaseRead:
    case = service.create(session=get_session(), scheme=scheme, data=body,
                          principal=current_principal(), today=today())
    return _read(case)


@bp.operation("/access-cases/access-scheme", "POST",
              summary="Register a Tilgangsordningen application (Part 2 of the form; 422 names "
                      "the rule when the method is not eligible)",
              body=s.AccessCaseCreate, response=s.CaseRead, status=201, errors=[403])
def create_access_case(body: s.AccessCaseCreate) -> Any:
    return _create(Scheme.access_scheme, body)


@bp.operation("/access-cases/exceptions", "POST",
              summary="Register an application for an exception for one patient",
              body=s.ExceptionCaseCreate, response=s.CaseRead, status=201, errors=[403])
def create_exception_case(body: s.ExceptionCaseCreate) -> Any:
    return _create(Scheme.individual_exception, body)


@bp.operation("/access-cases/group-exceptions", "POST",
              summary="Register an application for a group exception",
              body=s.GroupCaseCreate, response=s.CaseRead, status=201, errors=[403])
def create_group_case(body: s.GroupCaseCreate) -> Any:
    return _create(Scheme.group_exception, body)


CaseQuery = list_query_model(
    "AccessCaseQuery",
    sortable=["id", "received_on", "decided_on", "state"],
    default_sort="-received_on",
    filters={
        "scheme": (Scheme | None, None),
        "state": (CaseState | None, None),
        "outcome": (Outcome | None, None),
        "method_id": (int | None, Field(default=None, ge=1)),
        "region": (str | None, Field(default=None, max_length=40)),
        "sending_trust": (str | None, Field(default=None, max_length=120)),
        "meeting_id": (int | None, Field(default=None, ge=1)),
        "open": (bool | None, Field(default=None, description="Only open (or closed) cases.")),
    },
)
CasePage = page_model(s.CaseRead)


@bp.operation("/access-cases", "GET", summary="List the access cases you may see",
              query=CaseQuery, response=CasePage)
def list_access_cases(query: Any) -> Any:
    items, total = service.list_(session=get_session(), query=query,
                                 principal=current_principal())
    return page_of(CasePage, [_read(case) for case in items], total, query)


@bp.operation("/access-cases/<int:case_id>", "GET", summary="Read an access case",
              response=s.CaseRead)
def get_access_case(case_id: int) -> Any:
    return _read(service.get(session=get_session(), case_id=case_id,
                             principal=current_principal()))


@bp.operation("/access-cases/<int:case_id>", "PATCH",
              summary="Supplement the application (while applied, received or returned)",
              body=s.ApplicationUpdate, response=s.CaseRead, errors=[403, 409])
def update_access_case(case_id: int, body: s.ApplicationUpdate) -> Any:
    return _read(service.update_application(session=get_session(), case_id=case_id, data=body,
                                            principal=current_principal()))


@bp.operation("/access-cases/<int:case_id>/steps", "POST",
              summary="Take the next step of a case (409 lists the allowed next steps)",
              body=s.StepIn, response=s.CaseRead, errors=[403, 409])
def step_access_case(case_id: int, body: s.StepIn) -> Any:
    return _read(service.step(session=get_session(), case_id=case_id, body=body,
                              principal=current_principal(), today=today()))


@bp.operation("/access-cases/<int:case_id>/committee-decision", "POST",
              summary="Record the committee's decision (409 without quorum, consensus or papers "
                      "in time)",
              body=s.CommitteeDecisionIn, response=s.CaseRead, errors=[403, 409])
def decide_access_case(case_id: int, body: s.CommitteeDecisionIn) -> Any:
    return _read(committee.decide(session=get_session(), case_id=case_id, body=body,
                                  principal=current_principal(), today=today()))


class GroupExceptionList(BaseModel):
    items: list[s.GroupExceptionRead]


class GroupExceptionQuery(BaseModel):
    status: PublicationStatus | None = None


@bp.operation("/group-exceptions", "GET",
              summary="The published group exceptions: current, previous and refused",
              query=GroupExceptionQuery, response=GroupExceptionList,
              permission=("group_exceptions", "read"))
def list_group_exceptions(query: Any) -> Any:
    return GroupExceptionList(items=reads.group_exceptions(session=get_session(),
                                                           status=query.status))


class Trust(BaseModel):
    name: str
    region: str


class TrustList(BaseModel):
    items: list[Trust]


@bp.operation("/health-trusts", "GET", summary="The health trusts and their regions",
              response=TrustList, permission=("meta", "read"))
def list_health_trusts() -> Any:
    return TrustList(items=[Trust(name=name, region=region)
                            for name, region in trusts.TRUST_REGIONS.items()])


class StatisticsQuery(BaseModel):
    scheme: Scheme | None = Field(default=None, description="One scheme (default: all).")
    year_from: int | None = Field(default=None, ge=2000, le=2100)
    year_to: int | None = Field(default=None, ge=2000, le=2100)


class StatisticsRead(BaseModel):
    """Counts, rates, rates per 100,000 and the variation across regions of decided cases.

    For readers without small-count access, counts of 1–4 are null (with secondary suppression),
    and rates, funnel points and test statistics that would give them back are withheld."""

    cases: int | None = Field(description="Decided cases in the selection (null: withheld, as "
                                          "it would give a hidden count back).")
    suppressed: bool
    tables: dict[str, list[dict[str, Any]]]
    rates: list[dict[str, Any]]
    per_population: list[dict[str, Any]]
    population_year: int | None
    variation: dict[str, Any] | None
    variation_withheld: str | None
    funnel: dict[str, Any] | None
    withheld_tables: list[str] = Field(
        default_factory=list, description="Tables not given for this selection: for readers "
        "without small-count access, the tables by diagnosis group, method and scheme and the "
        "rates per inhabitant are given for all years only.")


@bp.operation("/access-statistics", "GET",
              summary="National statistics of individual access (small counts suppressed)",
              query=StatisticsQuery, response=StatisticsRead,
              permission=("access_statistics", "read"))
def get_access_statistics(query: Any) -> Any:
    return _statistics(query)


def _statistics(query: StatisticsQuery) -> StatisticsRead:
    """The statistics answer for this reader; the exports write the same answer."""
    from tracker.access import may_see_patient_level
    from tracker.analytics import StatisticalWarning
    from tracker.individual import statistics

    with warnings.catch_warnings():
        # Small expected counts make the chi-square test warn; the answer says so itself
        # (min_expected, and the exact test beside it), so the warning adds nothing and, where
        # warnings are errors, would turn the answer into a 500.
        warnings.simplefilter("ignore", StatisticalWarning)
        result = statistics.for_reader(session=get_session(),
                                       suppress=not may_see_patient_level(),
                                       scheme=query.scheme, year_from=query.year_from,
                                       year_to=query.year_to)
    return StatisticsRead.model_validate(result, from_attributes=True)


class StatisticsExportQuery(StatisticsQuery):
    table: StatisticsTable = Field(default="year_region",
                                   description="Which table of the statistics answer.")
    lang: Lang = Field(default="nb", description="Language of the Excel headers and labels.")


def _download(query: StatisticsExportQuery, extension: str) -> Response:
    answer = _statistics(query).model_dump(mode="json")
    name = statistics_export.filename(query.table, extension, scheme=query.scheme,
                                      year_from=query.year_from, year_to=query.year_to)
    if extension == "csv":
        content: str | bytes = statistics_export.to_csv(answer, query.table)
        mimetype = "text/csv"
    else:
        content = statistics_export.to_xlsx(answer, query.table, query.lang)
        mimetype = XLSX
    return Response(content, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.operation("/access-statistics.csv", "GET",
              summary="One table of the access statistics as CSV (the answer's keys; hidden "
                      "counts empty)",
              query=StatisticsExportQuery, response_media="text/csv",
              permission=("access_statistics", "read"))
def export_access_statistics_csv(query: Any) -> Any:
    return _download(query, "csv")


@bp.operation("/access-statistics.xlsx", "GET",
              summary="One table of the access statistics as an Excel sheet (Norwegian headers "
                      "by default; hidden counts empty)",
              query=StatisticsExportQuery, response_media=XLSX,
              permission=("access_statistics", "read"))
def export_access_statistics_xlsx(query: Any) -> Any:
    return _download(query, "xlsx")
