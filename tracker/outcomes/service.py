"""Real-world outcomes against the assumptions made at introduction.

The registry rows are aggregated in the database to counts per time and event
(`feeds_service.count_table`); every estimate here is computed from those counts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pydantic import TypeAdapter
from sqlmodel import Session, select

from tracker.analytics import comparison, parametric, survival, thinning
from tracker.datasources.models import DataSource
from tracker.errors import InvalidInput, NotFound, field_error
from tracker.feeds import service as feeds_service
from tracker.introductions import service as introductions_service
from tracker.introductions.models import OutcomeMeasure
from tracker.outcomes import schemas as s

DEFAULT_LANDMARKS_MONTHS = (12.0, 24.0, 36.0)
MIN_CELL = 5  # registries publish no count below 5
RISK_TABLE_STEP_MONTHS = 6.0
ASSUMED_GRID_POINTS = 241


def _source_for(
    session: Session, introduction_id: int, endpoint: str, code: str | None
) -> DataSource:
    """Return the data source to analyse: the one named, else the endpoint's outcome measure's."""
    if code is not None:
        source = session.exec(select(DataSource).where(DataSource.code == code)).first()
        if source is None:
            raise InvalidInput(
                f"Unknown data source {code!r}.",
                [field_error("source", f"no data source with code {code!r}")],
            )
        return source
    measure = session.exec(
        select(OutcomeMeasure)
        .where(OutcomeMeasure.introduction_id == introduction_id, OutcomeMeasure.kind == endpoint)
        .order_by(OutcomeMeasure.id)  # type: ignore[arg-type]
    ).first()
    if measure is None:
        raise InvalidInput(
            f"The introduction has no {endpoint} outcome measure, so no data source is named.",
            [field_error("source", f"name a data source with ?source=CODE for {endpoint}")],
        )
    source = session.get(DataSource, measure.data_source_id)
    assert source is not None
    return source


def _delivery(session: Session, introduction_id: int, source: DataSource) -> Any:
    delivery = feeds_service.current_delivery(
        session=session, introduction_id=introduction_id, source_id=source.id
    )
    if delivery is None:
        raise NotFound(
            f"No data delivery from {source.code} has been imported for introduction "
            f"{introduction_id} yet."
        )
    return delivery


def _landmark_times(session: Session, introduction_id: int, unit: str) -> list[float]:
    plan = introductions_service.analysis_plan(session=session, introduction_id=introduction_id)
    months = plan.landmarks_months if plan and plan.landmarks_months else DEFAULT_LANDMARKS_MONTHS
    return [float(parametric.convert_time(float(m), "months", unit)) for m in months]


def _small(count: Any) -> Any:
    """Counts registries do not publish: 1 to 4 (for a number or a numpy array)."""
    return (count > 0) & (count < MIN_CELL)


def _hide(value: int | float | None, suppress: bool) -> int | None:
    """Return a count, or None if it is a small count the user may not see."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    count = int(round(value))
    if suppress and _small(count):
        return None
    return count


def _num(value: Any) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) or math.isinf(value) else value


def _landmarks(
    km: pd.DataFrame,
    table: pd.DataFrame,
    times: list[float],
    spec: dict[str, Any] | None,
    unit: str,
    max_follow_up: float,
    suppress: bool,
) -> list[s.Landmark]:
    if not times:
        return []
    at = survival.survival_at(km, times, table=table)
    assumed = parametric.survival(spec, times, time_unit=unit) if spec else [None] * len(times)
    out = []
    for row, assumed_value in zip(at.itertuples(index=False), assumed, strict=True):
        reached = row.time <= max_follow_up
        lo, hi = (_num(row.ci_lower), _num(row.ci_upper)) if reached else (None, None)
        a = _num(assumed_value)
        inside = None
        if reached and a is not None and lo is not None and hi is not None:
            inside = bool(lo <= a <= hi)
        out.append(
            s.Landmark(
                time=float(row.time),
                km=_num(row.survival) if reached else None,
                ci_lower=lo,
                ci_upper=hi,
                assumed=a,
                assumed_inside_ci=inside,
                at_risk=_hide(row.at_risk, suppress),
            )
        )
    return out


def _median(km: pd.DataFrame) -> s.Median:
    med = survival.median_survival(km)
    return s.Median(
        value=_num(med["median"]), ci_lower=_num(med["ci_lower"]), ci_upper=_num(med["ci_upper"])
    )


def _assumed(spec: dict[str, Any], unit: str, horizon: float) -> s.Assumed:
    grid = np.linspace(0.0, horizon, ASSUMED_GRID_POINTS)
    curve = parametric.survival(spec, grid, time_unit=unit)
    below = np.flatnonzero(curve <= 0.5)
    if below.size:
        median = float(grid[below[0]])
    else:
        median = None
    return s.Assumed(
        distribution=spec["distribution"],
        source=spec.get("source"),
        curve=_CURVE.validate_python([
            {"time": t, "survival": v}
            for t, v in zip(grid.tolist(), np.asarray(curve, dtype=np.float64).tolist(),
                            strict=True)
        ]),
        median=median,
    )


def _rmst(km: pd.DataFrame, spec: dict[str, Any] | None, unit: str, n_total: int) -> s.Rmst | None:
    try:
        tau = survival.default_tau(km, n_total=n_total)
    except ValueError:
        return None
    if tau <= 0:
        return None
    r = survival.rmst(km, tau)
    km_value = s.RmstValue(
        rmst=r["rmst"], se=_num(r["se"]), ci_lower=_num(r["ci_lower"]), ci_upper=_num(r["ci_upper"])
    )
    assumed = None
    if spec is not None:
        assumed = s.RmstValue(rmst=parametric.restricted_mean(spec, tau, time_unit=unit))
    return s.Rmst(
        tau=tau,
        km=km_value,
        assumed=assumed,
        difference=(km_value.rmst - assumed.rmst) if assumed else None,
    )


def _logrank(
    table: pd.DataFrame, spec: dict[str, Any], unit: str
) -> tuple[s.OneSampleLogrank | None, ValueError | None]:
    try:
        result = comparison.one_sample_logrank(
            table, lambda t: parametric.cumulative_hazard(spec, t, time_unit=unit)
        )
    except ValueError as exc:
        return None, exc
    lo, hi = result["ratio_ci"]
    return s.OneSampleLogrank(
        observed=result["observed"],
        expected=result["expected"],
        ratio=_num(result["ratio"]),
        ratio_ci=(float(lo), _num(hi)),
        chi2=_num(result["chi2"]),
        p_value=_num(result["p_value"]),
    ), None


def _risk_times(max_follow_up: float, unit: str) -> list[float]:
    step = parametric.convert_time(RISK_TABLE_STEP_MONTHS, "months", unit)
    count = int(max_follow_up // step) + 1
    return [float(i * step) for i in range(count)]


def _verdict(
    *,
    events: int,
    max_follow_up: float,
    landmarks: list[s.Landmark],
    logrank: s.OneSampleLogrank | None,
    problem: ValueError | None,
    spec: dict[str, Any] | None,
    unit: str,
    first_landmark: float,
) -> s.Verdict:
    if spec is None:
        return s.Verdict(
            verdict="too_little_data",
            label=s.VERDICT_LABELS_NB["too_little_data"],
            rule="No assumed curve was fixed for this endpoint at introduction, so there is "
            "nothing to compare with.",
            rule_nb="Ingen antatt kurve ble fastsatt for dette endepunktet ved innføringen, så "
            "det er ingenting å sammenligne med.",
        )
    if logrank is None or logrank.ratio_ci is None or logrank.ratio_ci[1] is None:
        return s.Verdict(
            verdict="too_little_data",
            label=s.VERDICT_LABELS_NB["too_little_data"],
            rule=comparison.undefined_rule(problem, unit, "en"),
            rule_nb=comparison.undefined_rule(problem, unit, "nb"),
        )
    quoted = [
        {
            "time": lm.time,
            "observed": lm.km,
            "ci_lower": lm.ci_lower,
            "ci_upper": lm.ci_upper,
            "assumed": lm.assumed,
        }
        for lm in landmarks
        if lm.km is not None
    ]
    result = comparison.verdict(
        events=events,
        max_follow_up=max_follow_up,
        first_landmark=first_landmark,
        ratio_ci=(logrank.ratio_ci[0], logrank.ratio_ci[1]),
        landmarks=quoted,
        time_unit=unit,
    )
    return s.Verdict(
        verdict=result["verdict"],
        label=s.VERDICT_LABELS_NB[result["verdict"]],
        rule=result["rule"],
        rule_nb=result["rule_nb"],
    )


def _counts(values: Any, suppress: bool) -> list[int | None]:
    """`_hide` for a whole column at once."""
    arr = np.asarray(values, dtype=np.float64)
    missing = np.isnan(arr)
    counts = np.rint(np.where(missing, 0.0, arr)).astype(np.int64)
    hidden = missing | (suppress & _small(counts))
    out: list[int | None] = counts.tolist()
    for i in np.flatnonzero(hidden).tolist():
        out[i] = None
    return out


def _floats(values: Any) -> list[float | None]:
    """`_num` for a whole column at once."""
    arr = np.asarray(values, dtype=np.float64)
    out: list[float | None] = arr.tolist()
    for i in np.flatnonzero(~np.isfinite(arr)).tolist():
        out[i] = None
    return out


_STEPS = TypeAdapter(list[s.KmStep])
_CURVE = TypeAdapter(list[s.CurvePoint])
_STEP_FIELDS = (
    "time", "survival", "ci_lower", "ci_upper", "at_risk", "events", "censored", "assumed",
)


def _steps(
    km: pd.DataFrame, suppress: bool, spec: dict[str, Any] | None, unit: str
) -> list[s.KmStep]:
    # Column by column, then validated in one call: a few hundred rows per response.
    times = km["time"].to_numpy(dtype=np.float64)
    assumed = (_floats(parametric.survival(spec, times, time_unit=unit)) if spec is not None
               else [None] * len(times))
    rows = zip(
        times.tolist(),
        km["survival"].to_numpy(dtype=np.float64).tolist(),
        _floats(km["ci_lower"]),
        _floats(km["ci_upper"]),
        _counts(km["at_risk"], suppress),
        _counts(km["events"], suppress),
        _counts(km["censored"], suppress),
        assumed,
        strict=True,
    )
    return _STEPS.validate_python([dict(zip(_STEP_FIELDS, row, strict=True)) for row in rows])


@dataclass
class _Analysis:
    """What every answer about one endpoint starts from: the delivery, its counts, the KM
    estimate, the assumed curve and the landmarks, and the one-sample log-rank test."""

    source: DataSource
    delivery: Any
    filters: dict[str, Any]
    table: pd.DataFrame
    n_patients: int
    events: int
    max_follow_up: float
    km: pd.DataFrame
    spec: dict[str, Any] | None
    landmark_times: list[float]
    landmarks: list[s.Landmark]
    logrank: s.OneSampleLogrank | None
    problem: ValueError | None


def _analyse(
    session: Session, introduction_id: int, query: s.OutcomesQuery, suppress: bool
) -> _Analysis:
    introductions_service.get(session=session, introduction_id=introduction_id)
    endpoint, unit = str(query.endpoint), str(query.time_unit)
    source = _source_for(session, introduction_id, endpoint, query.source)
    delivery = _delivery(session, introduction_id, source)
    filters = {
        k: v for k in ("subgroup", "region", "health_trust") if (v := getattr(query, k)) is not None
    }
    table = feeds_service.count_table(
        session=session,
        delivery_id=delivery.id,
        endpoint=endpoint,
        filters=filters or None,
        time_unit=unit,
    )
    n_patients = int(table["events"].sum() + table["censored"].sum()) if len(table) else 0
    if n_patients == 0:
        raise NotFound(
            "No patients in the delivery match these filters.",
            {"filters": filters, "delivery_id": delivery.id},
        )
    km = survival.kaplan_meier(table)
    spec = introductions_service.assumption(
        session=session, introduction_id=introduction_id, endpoint=endpoint
    )
    max_follow_up = float(table["time"].max())
    landmark_times = _landmark_times(session, introduction_id, unit)
    logrank, problem = _logrank(table, spec, unit) if spec else (None, None)
    return _Analysis(
        source=source, delivery=delivery, filters=filters, table=table, n_patients=n_patients,
        events=int(table["events"].sum()), max_follow_up=max_follow_up, km=km, spec=spec,
        landmark_times=landmark_times,
        landmarks=_landmarks(km, table, landmark_times, spec, unit, max_follow_up, suppress),
        logrank=logrank, problem=problem,
    )


def _verdict_of(a: _Analysis, unit: str) -> s.Verdict:
    return _verdict(
        events=a.events,
        max_follow_up=a.max_follow_up,
        landmarks=a.landmarks,
        logrank=a.logrank,
        problem=a.problem,
        spec=a.spec,
        unit=unit,
        first_landmark=a.landmark_times[0] if a.landmark_times else 0.0,
    )


def outcomes(
    *, session: Session, introduction_id: int, query: s.OutcomesQuery, patient_level_access: bool
) -> s.Outcomes:
    """Compare registry survival for one endpoint with the curve assumed at introduction."""
    suppress = not patient_level_access
    a = _analyse(session, introduction_id, query, suppress)
    unit = str(query.time_unit)
    thinned = thinning.thin_curve(a.km)
    horizon = max([a.max_follow_up, *a.landmark_times])
    risk_times = _risk_times(a.max_follow_up, unit)
    at_risk = survival.numbers_at_risk(a.table, risk_times)
    return s.Outcomes(
        introduction_id=introduction_id,
        endpoint=query.endpoint,
        time_unit=query.time_unit,
        delivery=s.DeliveryRef(
            id=a.delivery.id,
            source=a.source.code,
            data_cut=a.delivery.data_cut,
            file_name=a.delivery.file_name,
        ),
        filters=a.filters,
        n_patients=_hide(a.n_patients, suppress),
        n_events=_hide(a.events, suppress),
        max_follow_up=a.max_follow_up,
        km=s.KaplanMeier(
            steps=_steps(thinned, suppress, a.spec, unit),
            thinned=len(thinned) < len(a.km),
            original_steps=len(a.km),
        ),
        numbers_at_risk=[
            s.AtRisk(time=t, at_risk=_hide(n, suppress))
            for t, n in zip(risk_times, at_risk, strict=True)
        ],
        median=_median(a.km),
        assumed=_assumed(a.spec, unit, horizon) if a.spec else None,
        landmarks=a.landmarks,
        rmst=_rmst(a.km, a.spec, unit, a.n_patients),
        one_sample_logrank=a.logrank,
        verdict=_verdict_of(a, unit),
        small_counts_suppressed=suppress,
    )


def breakdown(
    *,
    session: Session,
    introduction_id: int,
    endpoint: str,
    group_by: str,
    time_unit: str = "months",
    source: str | None = None,
    patient_level_access: bool,
) -> s.Breakdown:
    """Summarise registry survival per region, health trust or subgroup."""
    introductions_service.get(session=session, introduction_id=introduction_id)
    src = _source_for(session, introduction_id, endpoint, source)
    delivery = _delivery(session, introduction_id, src)
    grouped = feeds_service.count_table(
        session=session,
        delivery_id=delivery.id,
        endpoint=endpoint,
        group_by=group_by,
        time_unit=time_unit,
    )
    spec = introductions_service.assumption(
        session=session, introduction_id=introduction_id, endpoint=endpoint
    )
    landmark_times = _landmark_times(session, introduction_id, time_unit)
    suppress = not patient_level_access
    groups = []
    for name, table in grouped.groupby(group_by, sort=True, dropna=False):
        label = (
            "Ukjent"
            if name is None or (isinstance(name, float) and math.isnan(name))
            else str(name)
        )
        table = table.drop(columns=[group_by]).reset_index(drop=True)
        n = int(table["events"].sum() + table["censored"].sum())
        events = int(table["events"].sum())
        if suppress and n < MIN_CELL:
            groups.append(
                s.GroupSummary(
                    group=label,
                    n_patients=None,
                    n_events=None,
                    median=None,
                    landmarks=[],
                    suppressed=True,
                )
            )
            continue
        km = survival.kaplan_meier(table)
        groups.append(
            s.GroupSummary(
                group=label,
                n_patients=n,
                n_events=_hide(events, suppress),
                median=_median(km),
                landmarks=_landmarks(
                    km, table, landmark_times, spec, time_unit, float(table["time"].max()), suppress
                ),
                suppressed=False,
            )
        )
    return s.Breakdown(
        introduction_id=introduction_id,
        endpoint=endpoint,
        time_unit=time_unit,  # type: ignore[arg-type]
        group_by=group_by,
        delivery=s.DeliveryRef(
            id=delivery.id,
            source=src.code,  # type: ignore[arg-type]
            data_cut=delivery.data_cut,
            file_name=delivery.file_name,
        ),
        groups=groups,
        small_counts_suppressed=suppress,
    )


def latest_verdict(*, session: Session, introduction_id: int, endpoint: str) -> s.Verdict | None:
    """Return the verdict on the newest data for an endpoint, or None if it cannot be computed.

    Computes only what the verdict rests on (KM, landmarks, the one-sample log-rank test), not
    the curve, risk table, median or RMST of the full outcomes: the verdict is the same.
    """
    query = s.OutcomesQuery(endpoint=endpoint)  # type: ignore[arg-type]
    try:
        analysis = _analyse(session, introduction_id, query, suppress=False)
    except (NotFound, InvalidInput):
        return None
    return _verdict_of(analysis, str(query.time_unit))
