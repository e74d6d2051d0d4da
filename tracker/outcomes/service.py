"""Real-world outcomes against the assumptions made at introduction.

The registry rows are aggregated in the database to counts per time and event
(`feeds_service.count_table`); every estimate here is computed from those counts. One path
(`tracker.outcomes.analysis`): the delivery's count table -- rounded to multiples of 5 for readers
without small-count access, so that nothing in their answer can reveal a count under 5 -- and the
assumed curve, parsed once, give the numbers; the catalogue (`tracker.outcomes.wording`) gives the
words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pydantic import TypeAdapter
from sqlmodel import Session, col, select

from tracker.analytics import parametric, survival, thinning
from tracker.analytics.disclosure import round_counts
from tracker.analytics.parametric import AssumedCurve
from tracker.datasources.models import DataSource
from tracker.errors import Forbidden, InvalidInput, NotFound, field_error
from tracker.feeds import service as feeds_service
from tracker.introductions import plans
from tracker.introductions import service as introductions_service
from tracker.introductions.models import OutcomeMeasure
from tracker.outcomes import analysis, evidence, history, plan, records
from tracker.outcomes import schemas as s
from tracker.outcomes.analysis import MIN_CELL, hide, num

RISK_TABLE_STEP_MONTHS = 6.0
ASSUMED_GRID_POINTS = 241
COMPLETENESS_FLAG = 0.10


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
    source = session.exec(
        select(DataSource)
        .join(OutcomeMeasure, col(OutcomeMeasure.data_source_id) == DataSource.id)
        .where(OutcomeMeasure.introduction_id == introduction_id, OutcomeMeasure.kind == endpoint)
        .order_by(col(OutcomeMeasure.id))
    ).first()
    if source is None:
        raise InvalidInput(
            f"The introduction has no {endpoint} outcome measure, so no data source is named.",
            [field_error("source", f"name a data source with ?source=CODE for {endpoint}")],
        )
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


def _curve(session: Session, introduction_id: int, endpoint: str) -> tuple[
    AssumedCurve | None, dict[str, Any] | None
]:
    """The assumed curve for the endpoint, parsed once (and its stored JSON)."""
    spec = introductions_service.assumption(
        session=session, introduction_id=introduction_id, endpoint=endpoint
    )
    return (AssumedCurve.from_spec(spec) if spec else None), spec


def _too_small(filters: dict[str, Any]) -> Forbidden:
    chosen = ", ".join(f"{k}={v}" for k, v in filters.items())
    return Forbidden(
        f"Fewer than {MIN_CELL} patients match {chosen or 'this request'}: results for so few "
        "patients are shown only to users with access to patient-level data, since they could "
        "reveal individual patients.",
        {"filters": filters, "minimum_patients": MIN_CELL},
    )


def _assumed(curve: AssumedCurve, spec: dict[str, Any], unit: str, horizon: float,
             max_follow_up: float) -> s.Assumed:
    end = min(horizon, curve.covers_until(unit))
    grid = np.linspace(0.0, end, ASSUMED_GRID_POINTS)
    values = np.asarray(curve.survival(grid, unit), dtype=np.float64)
    covers = curve.covers_until(unit)
    return s.Assumed(
        distribution=curve.distribution,
        source=spec.get("source"),
        curve=_CURVE.validate_python([
            {"time": t, "survival": v, "extrapolated": t > max_follow_up}
            for t, v in zip(grid.tolist(), values.tolist(), strict=True)
        ]),
        median=curve.median(unit),
        covers_until=None if math.isinf(covers) else covers,
    )


def _median(km: pd.DataFrame) -> s.Median:
    med = survival.median_survival(km)
    return s.Median(
        value=num(med["median"]), ci_lower=num(med["ci_lower"]), ci_upper=num(med["ci_upper"])
    )


def _rmst(km: pd.DataFrame, curve: AssumedCurve | None, unit: str, n_total: int
          ) -> s.Rmst | None:
    try:
        tau = survival.default_tau(km, n_total=n_total)
    except ValueError:
        return None
    if tau <= 0:
        return None
    r = survival.rmst(km, tau)
    km_value = s.RmstValue(
        rmst=r["rmst"], se=num(r["se"]), ci_lower=num(r["ci_lower"]), ci_upper=num(r["ci_upper"])
    )
    assumed = None
    if curve is not None and tau <= curve.covers_until(unit):
        assumed = s.RmstValue(rmst=curve.restricted_mean(tau, time_unit=unit))
    return s.Rmst(
        tau=tau,
        km=km_value,
        assumed=assumed,
        difference=(km_value.rmst - assumed.rmst) if assumed else None,
    )


def _risk_times(max_follow_up: float, unit: str) -> list[float]:
    step = parametric.convert_time(RISK_TABLE_STEP_MONTHS, "months", unit)
    count = int(max_follow_up // step) + 1
    return [float(i * step) for i in range(count)]


def _counts(values: Any, suppress: bool) -> list[int | None]:
    """`hide` for a whole column at once; every count is withheld when suppressed, so that
    numbers at risk appear only in the at-risk table."""
    arr = np.asarray(values, dtype=np.float64)
    if suppress:
        return [None] * arr.size
    missing = np.isnan(arr)
    counts = np.rint(np.where(missing, 0.0, arr)).astype(np.int64)
    out: list[int | None] = counts.tolist()
    for i in np.flatnonzero(missing).tolist():
        out[i] = None
    return out


def _floats(values: Any) -> list[float | None]:
    """`num` for a whole column at once."""
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
    km: pd.DataFrame, suppress: bool, curve: AssumedCurve | None, unit: str
) -> list[s.KmStep]:
    # Column by column, then validated in one call: a few hundred rows per response.
    times = km["time"].to_numpy(dtype=np.float64)
    if curve is not None:
        assumed_values = curve.survival(times, unit)
        assumed = _floats(np.where(times <= curve.covers_until(unit), assumed_values, np.nan))
    else:
        assumed = [None] * len(times)
    surv = km["survival"].to_numpy(dtype=np.float64)
    at_zero = surv <= 0  # the band is not estimable where the estimate is 0 (R: NA)
    rows = zip(
        times.tolist(),
        surv.tolist(),
        _floats(np.where(at_zero, np.nan, km["ci_lower"])),
        _floats(np.where(at_zero, np.nan, km["ci_upper"])),
        _counts(km["at_risk"], suppress),
        _counts(km["events"], suppress),
        _counts(km["censored"], suppress),
        assumed,
        strict=True,
    )
    return _STEPS.validate_python([dict(zip(_STEP_FIELDS, row, strict=True)) for row in rows])


@dataclass
class _Analysis:
    """What every answer about one endpoint starts from: the delivery and the comparison of its
    count table (rounded if suppressed) with the assumed curve."""

    introduction: Any
    source: DataSource
    delivery: Any
    filters: dict[str, Any]
    spec: dict[str, Any] | None
    comparison: analysis.Comparison
    suppress: bool
    landmarks: plan.Landmarks


def _analyse(
    session: Session, introduction_id: int, query: s.OutcomesQuery, suppress: bool
) -> _Analysis:
    intro = introductions_service.get(session=session, introduction_id=introduction_id)
    endpoint, unit = str(query.endpoint), str(query.time_unit)
    source = _source_for(session, introduction_id, endpoint, query.source)
    delivery = _delivery(session, introduction_id, source)
    filters = {
        k: v for k in ("subgroup", "region", "health_trust") if (v := getattr(query, k)) is not None
    }
    table = records.count_table(session, delivery, endpoint, filters, unit)
    n_patients = int(table["events"].sum() + table["censored"].sum()) if len(table) else 0
    if n_patients == 0:
        raise NotFound(
            "No patients in the delivery match these filters.",
            {"filters": filters, "delivery_id": delivery.id},
        )
    if suppress and n_patients < MIN_CELL:
        raise _too_small(filters)
    curve, spec = _curve(session, introduction_id, endpoint)
    landmarks = plan.landmarks(session, introduction_id)
    c = analysis.compare(analysis.table_for(table, suppress), curve, landmarks.times(unit), unit,
                         suppress)
    return _Analysis(introduction=intro, source=source, delivery=delivery, filters=filters,
                     spec=spec, comparison=c, suppress=suppress, landmarks=landmarks)


def _completeness(session: Session, delivery: Any, suppress: bool) -> list[s.Completeness]:
    out = []
    for variable, (missing, total) in records.completeness(session, delivery).items():
        if suppress:
            missing, total = (int(v) for v in round_counts([missing, total], MIN_CELL))
        share = missing / total if total else None
        out.append(s.Completeness(
            variable=variable, missing=missing, share=share,
            flagged=share is not None and share > COMPLETENESS_FLAG,
        ))
    return out


def outcomes(
    *, session: Session, introduction_id: int, query: s.OutcomesQuery, patient_level_access: bool
) -> s.Outcomes:
    """Compare registry survival for one endpoint with the curve assumed at introduction."""
    suppress = not patient_level_access
    a = _analyse(session, introduction_id, query, suppress)
    c = a.comparison
    assert a.source.id is not None
    unit, endpoint = str(query.time_unit), str(query.endpoint)
    thinned = thinning.thin_curve(c.km)
    horizon = max([c.max_follow_up, *c.landmark_times])
    risk_times = _risk_times(c.max_follow_up, unit)
    at_risk = survival.numbers_at_risk(c.prepared, risk_times)
    first_landmark = c.landmark_times[0] if c.landmark_times else parametric.convert_time(
        plan.DEFAULT_LANDMARKS_MONTHS[0], "months", unit)

    # Every delivery of the introduction, superseded ones included, in one read: the evidence
    # history and the plan's first data cut come from it.
    found = feeds_service.deliveries(session=session, introduction_id=introduction_id)
    verdict = analysis.verdict(c, endpoint, unit)

    def hidden(value: Any) -> int | None:
        return hide(value, suppress)

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
        n_patients=hidden(c.n_patients),
        n_events=hidden(c.events),
        max_follow_up=c.max_follow_up,
        km=s.KaplanMeier(
            steps=_steps(thinned, suppress, c.curve, unit),
            thinned=len(thinned) < len(c.km),
            original_steps=len(c.km),
        ),
        numbers_at_risk=[
            s.AtRisk(time=t, at_risk=hidden(n)) for t, n in zip(risk_times, at_risk, strict=True)
        ],
        median=_median(c.km),
        assumed=(_assumed(c.curve, a.spec or {}, unit, horizon, c.max_follow_up)
                 if c.curve else None),
        landmarks=c.landmarks,
        landmarks_source=a.landmarks.source,  # type: ignore[arg-type]
        analysis_plan=plan.check(a.landmarks, plans.first_data_cut(found)),
        rmst=_rmst(c.km, c.curve, unit, c.n_patients),
        one_sample_logrank=c.logrank,
        verdict=verdict,
        small_counts_suppressed=suppress,
        counts_rounded_to=MIN_CELL if suppress else None,
        hazards=evidence.hazard_block(c.prepared, c.curve, unit, c.max_follow_up, hidden),
        log_cumulative_hazard=evidence.log_cumulative_hazard_block(
            c.km, c.curve, unit, c.max_follow_up),
        extrapolation=(evidence.extrapolation_block(c.km, c.curve, unit, c.max_follow_up)
                       if c.curve else None),
        maturity=evidence.maturity_block(
            table=c.prepared, curve=c.curve, unit=unit, n_patients=c.n_patients,
            events=c.events,
            max_follow_up=c.max_follow_up, first_landmark=first_landmark,
            data_cut=a.delivery.data_cut, review_date=a.introduction.review_date,
            completeness=_completeness(session, a.delivery, suppress), hide=hidden),
        history=s.History(
            deliveries=history.deliveries(
                session, found=found, source_id=a.source.id,
                source_code=a.source.code, current=a.delivery, current_comparison=c,
                current_verdict=verdict,
                endpoint=endpoint, filters=a.filters, curve=c.curve,
                landmark_times=c.landmark_times, unit=unit, suppress=suppress),
            calendar=history.calendar(
                session, delivery=a.delivery, endpoint=endpoint, filters=a.filters,
                curve=c.curve, spec=a.spec, unit=unit, suppress=suppress),
        ),
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
    curve, _spec = _curve(session, introduction_id, endpoint)
    landmarks = plan.landmarks(session, introduction_id)
    landmark_times = landmarks.times(time_unit)
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
        shown = analysis.table_for(table, suppress)
        km = survival.kaplan_meier(shown)
        groups.append(
            s.GroupSummary(
                group=label,
                n_patients=int(shown["entered"].sum()) if suppress else n,
                n_events=hide(int(shown["events"].sum()), suppress),
                median=_median(km),
                landmarks=analysis.landmarks(
                    km, shown, landmark_times, curve, time_unit, float(shown["time"].max()),
                    suppress,
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
        landmarks_source=landmarks.source,  # type: ignore[arg-type]
    )


def latest_verdict(*, session: Session, introduction_id: int, endpoint: str) -> s.Verdict | None:
    """Return the verdict on the newest data for an endpoint, or None if it cannot be computed.

    Computes only what the verdict rests on (KM, landmarks, the one-sample log-rank test), not
    the curve, hazards, maturity or history of the full outcomes: the verdict is the same.
    """
    query = s.OutcomesQuery(endpoint=endpoint)  # type: ignore[arg-type]
    try:
        a = _analyse(session, introduction_id, query, suppress=False)
    except (NotFound, InvalidInput):
        return None
    return analysis.verdict(a.comparison, endpoint, str(query.time_unit))
