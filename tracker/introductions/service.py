"""Services of temporary introductions ("midlertidig innføring") and their parts."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from tracker.crud import apply_values, check_version, get_or_404, paginate
from tracker.datasources import service as datasources_service
from tracker.datasources.models import DataSource
from tracker.decisions.enums import DecisionOutcome
from tracker.decisions.models import Decision
from tracker.errors import Conflict, InvalidInput, NotFound, field_error
from tracker.introductions import plans as plans_rule
from tracker.introductions import schemas as s
from tracker.introductions.enums import IntroductionStatus, PriceBasis
from tracker.introductions.models import (
    AnalysisPlanVersion,
    Milestone,
    ModelAssumption,
    OutcomeMeasure,
    ReviewDateChange,
    TemporaryIntroduction,
)
from tracker.methods.models import Method
from tracker.timeutil import utcnow

INITIAL_REVIEW_REASON = "Fastsatt i beslutningen (set in the decision)."


def _source_id(session: Session, code: str, field: str) -> int:
    source = datasources_service.resolve_code(session=session, code=code, field=field)
    assert source.id is not None
    return source.id


def _collect_source_ids(session: Session, data: s.IntroductionCreate) -> dict[str, int]:
    """Resolve every data-source code in the request, reporting all unknown ones at once."""
    ids: dict[str, int] = {}
    problems: list[dict[str, str]] = []
    named = [
        (f"outcome_measures.{i}.data_source", m.data_source)
        for i, m in enumerate(data.outcome_measures)
    ]
    named += [(f"milestones.{i}.data_source", m.data_source) for i, m in enumerate(data.milestones)]
    for field, code in named:
        try:
            ids[code] = _source_id(session, code, field)
        except InvalidInput as exc:
            problems.extend(exc.details or [])
    if problems:
        raise InvalidInput("The request names unknown data sources.", problems)
    return ids


def create(*, session: Session, data: s.IntroductionCreate, actor: str) -> TemporaryIntroduction:
    """Record a temporary introduction with everything fixed at decision time, in one unit."""
    decision = session.get(Decision, data.decision_id)
    if decision is None:
        raise InvalidInput(
            f"Decision {data.decision_id} does not exist.",
            [field_error("decision_id", f"no decision with id {data.decision_id}")],
        )
    if decision.outcome != DecisionOutcome.temporarily_introduced:
        raise InvalidInput(
            "Only a 'temporarily_introduced' decision can have a temporary introduction.",
            [field_error("decision_id", f"decision {decision.id} has outcome {decision.outcome}")],
        )
    if data.review_date <= decision.decision_date:
        raise InvalidInput(
            "The review date must come after the decision.",
            [
                field_error(
                    "review_date",
                    f"{data.review_date} is not after the decision date {decision.decision_date}",
                )
            ],
        )
    existing = session.exec(
        select(TemporaryIntroduction).where(TemporaryIntroduction.decision_id == decision.id)
    ).first()
    if existing is not None:
        raise Conflict(
            f"Decision {decision.id} already has temporary introduction {existing.id}.",
            {"introduction_id": existing.id},
        )
    source_ids = _collect_source_ids(session, data)

    intro = TemporaryIntroduction(
        decision_id=decision.id,  # type: ignore[arg-type]
        method_id=decision.method_id,
        uncertainty=data.uncertainty,
        key_parameters=data.key_parameters,
        documentation_duty=data.documentation_duty,
        review_date=data.review_date,
        reassessment_criteria=data.reassessment_criteria,
        phaseout_criteria=data.phaseout_criteria,
        responsible_emails=data.responsible_emails,
        **_exit_plan_columns(data.exit_plan),
        **_economics_columns(data.assumptions),
    )
    session.add(intro)
    session.flush()
    assert intro.id is not None
    for m in data.outcome_measures:
        session.add(
            OutcomeMeasure(
                introduction_id=intro.id,
                data_source_id=source_ids[m.data_source],
                **m.model_dump(exclude={"data_source"}),
            )
        )
    for ms in data.milestones:
        session.add(
            Milestone(
                introduction_id=intro.id,
                data_source_id=source_ids[ms.data_source],
                **ms.model_dump(exclude={"data_source"}),
            )
        )
    for curve in data.assumptions.curves:
        session.add(_assumption_row(intro.id, curve))
    session.add(
        ReviewDateChange(
            introduction_id=intro.id,
            old_date=None,
            new_date=data.review_date,
            reason=INITIAL_REVIEW_REASON,
            changed_by=actor,
        )
    )
    if data.analysis_plan is not None:
        _add_plan_version(session, intro.id, data.analysis_plan, actor)
    session.flush()
    return intro


def _exit_plan_columns(plan: s.ExitPlan) -> dict[str, Any]:
    return {
        "exit_new_patients": plan.new_patients,
        "exit_patients_on_treatment": plan.patients_on_treatment,
        "exit_subgroups": plan.subgroups,
    }


def _cost_columns(cost: s.CostPerQaly | None) -> dict[str, Any]:
    return {
        "cost_per_qaly": cost.value if cost else None,
        "cost_per_qaly_low": cost.low if cost else None,
        "cost_per_qaly_high": cost.high if cost else None,
        "cost_per_qaly_basis": str(cost.price_basis) if cost else None,
    }


def _economics_columns(assumptions: s.Assumptions) -> dict[str, Any]:
    return {
        "expected_patients_per_year": assumptions.expected_patients_per_year,
        "expected_treatment_duration_months": assumptions.expected_treatment_duration_months,
        **_cost_columns(assumptions.cost_per_qaly),
    }


def _assumption_row(introduction_id: int, curve: Any) -> ModelAssumption:
    data = curve.model_dump(mode="json")
    return ModelAssumption(
        introduction_id=introduction_id,
        endpoint=data["endpoint"],
        distribution=data["distribution"],
        parameters=data.get("parameters"),
        points=data.get("points"),
        interpolation=data.get("interpolation"),
        time_unit=data["time_unit"],
        source=data.get("source"),
    )


def _add_plan_version(
    session: Session, introduction_id: int, plan: s.AnalysisPlanIn, actor: str
) -> AnalysisPlanVersion:
    now = utcnow()
    previous = session.exec(
        select(AnalysisPlanVersion)
        .where(AnalysisPlanVersion.introduction_id == introduction_id)
        .order_by(col(AnalysisPlanVersion.version_no).desc())
    ).first()
    if previous is not None:
        previous.superseded_at = now
        session.add(previous)
    version = AnalysisPlanVersion(
        introduction_id=introduction_id,
        version_no=(previous.version_no + 1) if previous else 1,
        text=plan.text,
        text_sha256=hashlib.sha256(plan.text.encode("utf-8")).hexdigest(),
        landmarks_months=list(plan.landmarks_months),
        registered_at=now,
        registered_by=actor,
    )
    session.add(version)
    session.flush()
    return version


def get(*, session: Session, introduction_id: int) -> TemporaryIntroduction:
    """Return one temporary introduction."""
    return get_or_404(session, TemporaryIntroduction, introduction_id, label="Introduction")


def set_status(
    *, session: Session, introduction_id: int, status: IntroductionStatus
) -> TemporaryIntroduction:
    """Move an introduction to a status (the reassessment workflow drives it)."""
    intro = get(session=session, introduction_id=introduction_id)
    if apply_values(intro, {"status": status}):
        session.add(intro)
        session.flush()
    return intro


def register_analysis_plan(
    *, session: Session, introduction_id: int, plan: s.AnalysisPlanIn, actor: str
) -> AnalysisPlanVersion:
    """Register a new version of the analysis plan; earlier versions stay frozen on record."""
    get(session=session, introduction_id=introduction_id)
    return _add_plan_version(session, introduction_id, plan, actor)


def analysis_plan(*, session: Session, introduction_id: int) -> AnalysisPlanVersion | None:
    """Return the analysis plan in force (the latest registered version), if any."""
    return session.exec(
        select(AnalysisPlanVersion)
        .where(AnalysisPlanVersion.introduction_id == introduction_id)
        .order_by(col(AnalysisPlanVersion.version_no).desc())
    ).first()


def assumption(*, session: Session, introduction_id: int, endpoint: str) -> dict[str, Any] | None:
    """Return the assumed curve for an endpoint in its JSON shape, if one was fixed."""
    row = session.exec(
        select(ModelAssumption).where(
            ModelAssumption.introduction_id == introduction_id, ModelAssumption.endpoint == endpoint
        )
    ).first()
    return _curve_json(row) if row else None


def _curve_json(row: ModelAssumption) -> dict[str, Any]:
    data: dict[str, Any] = {
        "version": row.version,
        "endpoint": row.endpoint,
        "distribution": row.distribution,
        "time_unit": row.time_unit,
        "source": row.source,
    }
    if row.distribution == "points":
        data["points"] = row.points
        data["interpolation"] = row.interpolation
    else:
        data["parameters"] = row.parameters
    return data


def put_assumption(*, session: Session, introduction_id: int, curve: Any) -> ModelAssumption:
    """Set the first assumed curve for one endpoint, or replace the version the client read."""
    get(session=session, introduction_id=introduction_id)
    row = session.exec(
        select(ModelAssumption).where(
            ModelAssumption.introduction_id == introduction_id,
            ModelAssumption.endpoint == curve.endpoint,
        )
    ).first()
    new = _assumption_row(introduction_id, curve)
    where = f"introduction {introduction_id}"
    if row is None:
        if curve.version is not None:
            raise Conflict(
                f"There is no assumed {curve.endpoint} curve on {where} to replace (you sent "
                f"version {curve.version}); leave out version to set the first one.",
                {"current_version": None},
            )
        session.add(new)
        try:
            session.flush()
        except IntegrityError as exc:
            # Another request set the first curve for this endpoint at the same moment.
            raise Conflict(
                f"An assumed {curve.endpoint} curve was set on {where} at the same time; reload "
                "it and send your curve with its version to replace it."
            ) from exc
        return new
    if curve.version is None:
        raise Conflict(
            f"{where.capitalize()} already has an assumed {curve.endpoint} curve (version "
            f"{row.version}); send the version you read to replace it.",
            {"current_version": row.version},
        )
    check_version(row, curve.version, label="Assumed curve")
    # The same curve sent again changes nothing: no new version, no entry in the audit trail.
    fields = ("distribution", "parameters", "points", "interpolation", "time_unit", "source")
    apply_values(row, {key: getattr(new, key) for key in fields})
    session.add(row)
    session.flush()
    return row


def update(
    *, session: Session, introduction_id: int, data: s.IntroductionUpdate, actor: str
) -> TemporaryIntroduction:
    """Change an introduction; a new review date is kept in its history with reason and who."""
    intro = get(session=session, introduction_id=introduction_id)
    check_version(intro, data.version, label="Introduction")
    fields = data.model_dump(exclude_unset=True)
    if "review_date" in fields and data.review_date != intro.review_date:
        assert data.review_date is not None and data.review_date_reason is not None
        session.add(
            ReviewDateChange(
                introduction_id=introduction_id,
                old_date=intro.review_date,
                new_date=data.review_date,
                reason=data.review_date_reason,
                changed_by=actor,
            )
        )
    # The API nests the exit plan and cost per QALY; the table stores them as flat columns.
    values = data.model_dump(
        exclude_unset=True, exclude={"version", "review_date_reason", "exit_plan", "cost_per_qaly"}
    )
    if data.exit_plan is not None:
        values.update(_exit_plan_columns(data.exit_plan))
    if "cost_per_qaly" in fields:
        values.update(_cost_columns(data.cost_per_qaly))
    apply_values(intro, values)
    session.add(intro)
    session.flush()
    return intro


def add_outcome_measure(
    *, session: Session, introduction_id: int, data: s.OutcomeMeasureIn
) -> OutcomeMeasure:
    """Add an outcome measure to an introduction."""
    get(session=session, introduction_id=introduction_id)
    row = OutcomeMeasure(
        introduction_id=introduction_id,
        data_source_id=_source_id(session, data.data_source, "data_source"),
        **data.model_dump(exclude={"data_source"}),
    )
    session.add(row)
    session.flush()
    return row


def _child(session: Session, model: Any, introduction_id: int, child_id: int, label: str) -> Any:
    row = session.get(model, child_id)
    if row is None or row.introduction_id != introduction_id:
        raise NotFound(f"{label} {child_id} does not exist on introduction {introduction_id}.")
    return row


def update_outcome_measure(
    *, session: Session, introduction_id: int, measure_id: int, data: s.OutcomeMeasureUpdate
) -> OutcomeMeasure:
    """Change an outcome measure."""
    row = _child(session, OutcomeMeasure, introduction_id, measure_id, "Outcome measure")
    return _update_child(session, row, data)


def add_milestone(*, session: Session, introduction_id: int, data: s.MilestoneIn) -> Milestone:
    """Add a milestone to the data-collection plan."""
    get(session=session, introduction_id=introduction_id)
    row = Milestone(
        introduction_id=introduction_id,
        data_source_id=_source_id(session, data.data_source, "data_source"),
        **data.model_dump(exclude={"data_source"}),
    )
    session.add(row)
    session.flush()
    return row


def update_milestone(
    *, session: Session, introduction_id: int, milestone_id: int, data: s.MilestoneUpdate
) -> Milestone:
    """Change a milestone of the data-collection plan."""
    row = _child(session, Milestone, introduction_id, milestone_id, "Milestone")
    row = _update_child(session, row, data)
    if row.data_cut and row.data_cut > row.expected_date:
        raise InvalidInput(
            "The data cut is after the expected delivery date.",
            [field_error("data_cut", f"{row.data_cut} is after expected_date {row.expected_date}")],
        )
    return row


def _update_child(session: Session, row: Any, data: Any) -> Any:
    check_version(row, data.version, label=type(row).__name__)
    values = data.model_dump(exclude_unset=True, exclude={"data_source", "version"})
    if data.data_source is not None:
        # Through apply_values, so that a new data source alone is a new version too.
        values["data_source_id"] = _source_id(session, data.data_source, "data_source")
    apply_values(row, values)
    session.add(row)
    session.flush()
    return row


def list_(
    *,
    session: Session,
    status: IntroductionStatus | None = None,
    therapeutic_area: str | None = None,
    method_id: int | None = None,
    review_before: date | None = None,
    q: str | None = None,
    sort: str = "review_date",
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[tuple[TemporaryIntroduction, Method, Decision]], int]:
    """List introductions joined with their method and decision (one query, and one to count)."""
    stmt = (
        select(TemporaryIntroduction, Method, Decision)
        .join(Method, Method.id == TemporaryIntroduction.method_id)  # type: ignore[arg-type]
        .join(Decision, Decision.id == TemporaryIntroduction.decision_id)  # type: ignore[arg-type]
    )
    if status is not None:
        stmt = stmt.where(TemporaryIntroduction.status == status)
    if therapeutic_area is not None:
        stmt = stmt.where(Method.therapeutic_area == therapeutic_area)
    if method_id is not None:
        stmt = stmt.where(TemporaryIntroduction.method_id == method_id)
    if review_before is not None:
        stmt = stmt.where(TemporaryIntroduction.review_date <= review_before)
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(
            or_(
                func.lower(Method.active_substance).like(like),
                func.lower(Method.trade_name).like(like),
                func.lower(Method.nye_metoder_id).like(like),
            )
        )
    return paginate(
        session, stmt, model=TemporaryIntroduction, sort=sort, limit=limit, offset=offset
    )


def summary(
    *, intro: TemporaryIntroduction, method: Method, decision: Decision
) -> s.IntroductionSummary:
    """Return the list-row shape of an introduction."""
    return s.IntroductionSummary(
        id=intro.id,
        decision_id=intro.decision_id,
        method_id=intro.method_id,  # type: ignore[arg-type]
        nye_metoder_id=method.nye_metoder_id,
        active_substance=method.active_substance,
        trade_name=method.trade_name,
        therapeutic_area=method.therapeutic_area,
        status=intro.status,
        decision_date=decision.decision_date,
        review_date=intro.review_date,
        version=intro.version,
    )


def cost_is_confidential(intro: TemporaryIntroduction) -> bool:
    """Whether the cost per QALY would reveal a confidential price (no basis: assume it would)."""
    return intro.cost_per_qaly_basis != PriceBasis.list_price


def read(
    *, session: Session, intro: TemporaryIntroduction, confidential: bool
) -> s.IntroductionRead:
    """Return the full API shape of an introduction with all its parts.

    `confidential`: whether the reader may see confidential prices; if not, a cost per QALY
    computed with the confidential price is left out and named in `withheld_fields`.
    """
    return read_many(session=session, intros=[intro], confidential=confidential)[0]


def _by_introduction(
    session: Session, model: Any, ids: Sequence[int], order: Any
) -> dict[int, list[Any]]:
    """The rows of one child table for these introductions, in order, grouped by introduction."""
    found: dict[int, list[Any]] = {i: [] for i in ids}
    rows = session.exec(
        select(model).where(col(model.introduction_id).in_(ids)).order_by(order, model.id)
    ).all()
    for row in rows:
        found[row.introduction_id].append(row)
    return found


def _source_codes(session: Session) -> dict[int | None, str]:
    return {d.id: d.code for d in session.exec(select(DataSource)).all()}


def milestones_of(
    *, session: Session, introduction_ids: Sequence[int]
) -> dict[int, list[s.MilestoneRead]]:
    """Return the milestones of these introductions by expected date, in two queries."""
    if not introduction_ids:
        return {}
    return _milestones(session, introduction_ids, _source_codes(session))


def _milestones(
    session: Session, ids: Sequence[int], codes: dict[int | None, str]
) -> dict[int, list[s.MilestoneRead]]:
    # Plain rows, not ORM objects: a page of introductions can have thousands of milestones,
    # and building a SQLModel instance costs more than the whole row otherwise does.
    found: dict[int, list[s.MilestoneRead]] = {i: [] for i in ids}
    table = sa.inspect(Milestone).local_table
    rows = session.execute(
        sa.select(table)
        .where(table.c.introduction_id.in_(ids))
        .order_by(table.c.expected_date, table.c.id)
    ).mappings()
    for row in rows:
        found[row["introduction_id"]].append(
            s.MilestoneRead.model_validate({**row, "data_source": codes[row["data_source_id"]]})
        )
    return found


def read_many(
    *, session: Session, intros: Sequence[TemporaryIntroduction], confidential: bool
) -> list[s.IntroductionRead]:
    """Return the full API shape of these introductions, in their order, in eight queries.

    The method and decision come in one join, each part (milestones, measures, curves, plans,
    review-date history, the first data cut the plans are checked against) in one query over all
    the introductions: never a query per row.
    """
    ids = [intro.id for intro in intros if intro.id is not None]
    if not ids:
        return []
    parents = {
        intro_id: (method, decision)
        for intro_id, method, decision in session.execute(
            sa.select(col(TemporaryIntroduction.id), Method, Decision)
            .join(Method, col(Method.id) == TemporaryIntroduction.method_id)
            .join(Decision, col(Decision.id) == TemporaryIntroduction.decision_id)
            .where(col(TemporaryIntroduction.id).in_(ids))
        ).all()
    }
    codes = _source_codes(session)
    measures = _by_introduction(session, OutcomeMeasure, ids, OutcomeMeasure.id)
    milestones = _milestones(session, ids, codes)
    curves = _by_introduction(session, ModelAssumption, ids, ModelAssumption.endpoint)
    plans = _by_introduction(session, AnalysisPlanVersion, ids, AnalysisPlanVersion.version_no)
    first_cuts = plans_rule.first_data_cuts(session, ids)
    history = _by_introduction(session, ReviewDateChange, ids, ReviewDateChange.changed_at)
    return [
        _read(
            intro,
            *parents[intro.id],
            measures=[
                s.OutcomeMeasureRead.model_validate(
                    {**m.model_dump(), "data_source": codes[m.data_source_id]}
                )
                for m in measures[intro.id]
            ],
            milestones=milestones[intro.id],
            curves=[_curve_json(a) for a in curves[intro.id]],
            plans=[plans_rule.read(p, first_cuts.get(intro.id)) for p in plans[intro.id]],
            history=[s.ReviewDateChangeRead.model_validate(h.model_dump())
                     for h in history[intro.id]],
            confidential=confidential,
        )
        for intro in intros
        if intro.id is not None
    ]


def _read(
    intro: TemporaryIntroduction,
    method: Method,
    decision: Decision,
    *,
    measures: list[s.OutcomeMeasureRead],
    milestones: list[s.MilestoneRead],
    curves: list[dict[str, Any]],
    plans: list[s.AnalysisPlanRead],
    history: list[s.ReviewDateChangeRead],
    confidential: bool,
) -> s.IntroductionRead:
    cost = None
    withheld = []
    if intro.cost_per_qaly is not None and cost_is_confidential(intro) and not confidential:
        withheld.append(s.COST_FIELD)
    elif intro.cost_per_qaly is not None:
        cost = s.CostPerQaly(
            value=intro.cost_per_qaly,
            low=intro.cost_per_qaly_low,
            high=intro.cost_per_qaly_high,
            price_basis=intro.cost_per_qaly_basis or PriceBasis.confidential_price,
        )
    base = summary(intro=intro, method=method, decision=decision).model_dump()
    return s.IntroductionRead.model_validate(
        {
            **base,
            "uncertainty": intro.uncertainty,
            "key_parameters": intro.key_parameters,
            "documentation_duty": intro.documentation_duty,
            "reassessment_criteria": intro.reassessment_criteria,
            "phaseout_criteria": intro.phaseout_criteria,
            "exit_plan": s.ExitPlan(
                new_patients=intro.exit_new_patients,
                patients_on_treatment=intro.exit_patients_on_treatment,
                subgroups=intro.exit_subgroups,
            ),
            "responsible_emails": intro.responsible_emails,
            "outcome_measures": measures,
            "milestones": milestones,
            "assumptions": {
                "curves": curves,
                "expected_patients_per_year": intro.expected_patients_per_year,
                "expected_treatment_duration_months": intro.expected_treatment_duration_months,
                "cost_per_qaly": cost,
            },
            "analysis_plan": plans[-1] if plans else None,
            "analysis_plan_history": plans,
            "review_date_history": history,
            "withheld_fields": withheld,
            "created_at": intro.created_at,
            "updated_at": intro.updated_at,
        }
    )
