"""Synthetic registry extracts ("SYNTETISKE DATA") for the demo and the tests.

Each patient's true history is drawn once: overall survival, progression and time on treatment
from the curves assumed at introduction (times multiplied by a factor, so the real world can be
made worse or better than the assumption), treatment starts spread from the decision to the last
data cut, regions and trusts weighted by population. An extract at a data cut shows what a
registry would know then: follow-up is censored at the cut, a few patients were lost to
follow-up earlier, patients entering the registry late have an ``entry_date``, and a few deaths
are missing from the first delivery (reporting lag) and appear in the next one.

The draw is seeded from the plan's key, so the same plan always gives the same bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.stats import norm

from tracker.analytics.parametric import MONTH_DAYS, survival
from tracker.feeds.columns import COLUMNS

# Share of the population per regional health authority (SSB, rounded), and the largest trusts.
REGION_WEIGHTS = {
    "Helse Sør-Øst": 0.565, "Helse Vest": 0.205, "Helse Midt-Norge": 0.14, "Helse Nord": 0.09,
}
TRUSTS: dict[str, dict[str, float]] = {
    "Helse Sør-Øst": {
        "Oslo universitetssykehus HF": 0.30, "Akershus universitetssykehus HF": 0.16,
        "Vestre Viken HF": 0.14, "Sykehuset Innlandet HF": 0.11, "Sykehuset i Vestfold HF": 0.08,
        "Sørlandet sykehus HF": 0.08, "Sykehuset Østfold HF": 0.08, "Sykehuset Telemark HF": 0.05,
    },
    "Helse Vest": {
        "Helse Bergen HF": 0.42, "Helse Stavanger HF": 0.33, "Helse Fonna HF": 0.15,
        "Helse Førde HF": 0.10,
    },
    "Helse Midt-Norge": {
        "St. Olavs hospital HF": 0.50, "Helse Møre og Romsdal HF": 0.35,
        "Helse Nord-Trøndelag HF": 0.15,
    },
    "Helse Nord": {
        "Universitetssykehuset Nord-Norge HF": 0.45, "Nordlandssykehuset HF": 0.30,
        "Helgelandssykehuset HF": 0.13, "Finnmarkssykehuset HF": 0.12,
    },
}
RESPONSES = {"CR": 0.10, "PR": 0.35, "SD": 0.30, "PD": 0.15, "NE": 0.10}
OTHER_STOPS = {"toxicity": 0.45, "completed": 0.30, "patient_choice": 0.15, "other": 0.10}
DEFAULT_OS = {"distribution": "weibull", "parameters": {"scale": 24.0, "shape": 1.1},
              "time_unit": "months"}
CORRELATION = 0.95  # between the normal scores of death, progression and treatment stop
_GRID_MONTHS = np.linspace(0.0, 1200.0, 48_001)  # 100 years in steps of 0.025 months


@dataclass(frozen=True)
class SyntheticPlan:
    """What to simulate for one introduction (see seeds/feeds/feeds.json)."""

    key: str  # seeds the random draw, e.g. the Nye metoder ID
    first_start: date  # treatment starts from here (the decision date) ...
    data_cuts: tuple[date, ...]  # ... to shortly before the last cut
    patients: int
    os: Mapping[str, Any] | None = None  # assumed curves in their JSON shape
    pfs: Mapping[str, Any] | None = None
    ttd: Mapping[str, Any] | None = None
    treatment_months: float | None = None  # expected duration, when no TTD curve
    os_factor: float = 1.0
    pfs_factor: float = 1.0
    ttd_factor: float = 1.0
    late_deaths: int = 3
    delayed_entry_share: float = 0.06
    lost_to_follow_up_share: float = 0.03
    subgroups: tuple[str, ...] = ("ECOG 0", "ECOG 1-2")
    treatment_lines: tuple[int, ...] = (1, 2, 3)
    diagnosis: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _rng(key: str) -> np.random.Generator:
    seed = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big")
    return np.random.default_rng(seed)


def draw_days(
    spec: Mapping[str, Any] | None, u: npt.NDArray[np.float64], factor: float = 1.0
) -> npt.NDArray[np.float64]:
    """Turn uniform draws into event times in days by inverting S(t); inf if never."""
    curve = np.asarray(survival(dict(spec or DEFAULT_OS), _GRID_MONTHS, "months"))
    # The first grid time where S(t) <= u; past the grid (a plateau) the event never happens.
    index = np.searchsorted(-curve, -u, side="left")
    months = np.where(index < curve.size, _GRID_MONTHS[np.minimum(index, curve.size - 1)], np.inf)
    # Whole days rounded down, so a draw never falls past the end of a curve that reaches 0.
    return np.maximum(np.floor(months * factor * MONTH_DAYS), 1.0)


def _correlated_uniforms(
    rng: np.random.Generator, n: int, k: int, rho: float
) -> npt.NDArray[np.float64]:
    """Draw k uniforms per patient from a Gaussian copula with correlation rho to the first.

    Progression, treatment stop and death of one patient go together; drawing them independent
    would make "first of progression and death" far worse than the assumed PFS curve (which
    already counts deaths), so they are tied closely to the survival draw.
    """
    base = rng.standard_normal(n)
    columns = [base] + [rho * base + np.sqrt(1 - rho**2) * rng.standard_normal(n)
                        for _ in range(k - 1)]
    return np.asarray(norm.sf(np.stack(columns)))


def _choice(rng: np.random.Generator, weights: Mapping[str, float], n: int) -> npt.NDArray[Any]:
    names = list(weights)
    p = np.array([weights[k] for k in names], dtype=float)
    return np.array(names, dtype=object)[rng.choice(len(names), size=n, p=p / p.sum())]


def histories(plan: SyntheticPlan) -> pd.DataFrame:
    """Draw every patient's true history (days from treatment start; inf: did not happen)."""
    rng = _rng(plan.key)
    n = plan.patients
    last_cut = max(plan.data_cuts)
    span = max((last_cut - plan.first_start).days - 30, 1)
    start = np.sort(rng.integers(0, span, size=n))
    u_os, u_pfs, u_ttd = _correlated_uniforms(rng, n, 3, CORRELATION)
    os_days = draw_days(plan.os, u_os, plan.os_factor)
    if plan.ttd is not None:
        ttd_days = draw_days(plan.ttd, u_ttd, plan.ttd_factor)
    else:
        mean = (plan.treatment_months or 9.0) * MONTH_DAYS * plan.ttd_factor
        ttd_days = np.maximum(np.ceil(-np.log(u_ttd) * mean), 1.0)
    if plan.pfs is not None:
        pfs_days = draw_days(plan.pfs, u_pfs, plan.pfs_factor)
    else:
        pfs_days = np.ceil(ttd_days * rng.uniform(0.8, 1.5, size=n))
    regions = _choice(rng, REGION_WEIGHTS, n)
    trusts = np.empty(n, dtype=object)
    for region, weights in TRUSTS.items():
        here = regions == region
        trusts[here] = _choice(rng, weights, int(here.sum()))
    return pd.DataFrame({
        "patient_id": [f"SYN-{i + 1:06d}" for i in range(n)],
        "start": start.astype(np.int64),
        "os": os_days,
        "pfs": np.where(pfs_days < os_days, pfs_days, np.inf),  # death first: no progression
        "ttd": np.where(ttd_days < os_days, ttd_days, np.inf),  # on treatment until death
        "entry": np.where(rng.uniform(size=n) < plan.delayed_entry_share,
                          rng.integers(30, 240, size=n), 0),
        "lost": np.where(rng.uniform(size=n) < plan.lost_to_follow_up_share,
                         rng.integers(60, 700, size=n), np.inf),
        "region": regions,
        "health_trust": trusts,
        "age": np.clip(np.round(rng.normal(64, 11, size=n)), 18, 90),
        "sex": np.where(rng.uniform(size=n) < 0.5, "K", "M"),
        "subgroup": np.array(plan.subgroups, dtype=object)[rng.integers(0, len(plan.subgroups), n)],
        "treatment_line": np.array(plan.treatment_lines)[
            rng.integers(0, len(plan.treatment_lines), n)],
        "best_response": _choice(rng, RESPONSES, n),
        "other_stop": _choice(rng, OTHER_STOPS, n),
        "late_death_rank": rng.permutation(n),
    })


def extract(
    plan: SyntheticPlan, data_cut: date, *, report_lag: bool = False, omit: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Return the rows a registry would deliver at `data_cut` (columns of the feed format).

    With `report_lag`, `late_deaths` of the deaths in the last 120 days before the cut are not
    registered yet: those patients look alive until the cut (death-ascertainment lag).
    """
    h = histories(plan)
    cut = (data_cut - plan.first_start).days  # days since first_start
    h = h[h["start"] <= cut].copy()
    horizon = (cut - h["start"]).to_numpy(dtype=float)  # follow-up available at the cut
    known = np.minimum(horizon, h["lost"].to_numpy())  # known alive until here ...
    dead = h["os"].to_numpy() <= known  # ... unless they died before
    if report_lag and plan.late_deaths > 0:
        recent = dead & (h["os"].to_numpy() > horizon - 120)
        rank = np.where(recent, h["late_death_rank"].to_numpy(), np.iinfo(np.int64).max)
        lagging = recent & (rank <= np.sort(rank)[min(plan.late_deaths, len(rank)) - 1])
        dead &= ~lagging
        known = np.where(lagging, horizon, known)
    end = np.where(dead, h["os"].to_numpy(), known)
    entered = (h["entry"].to_numpy() == 0) | (h["entry"].to_numpy() < end)
    h, end, dead = h[entered], end[entered], dead[entered]

    def day(offsets: Any) -> pd.Series:
        values = pd.Series(np.asarray(offsets, dtype=float), index=h.index)
        as_dates = [(plan.first_start + timedelta(days=int(s + v))).isoformat()
                    if np.isfinite(v) else "" for s, v in zip(h["start"], values, strict=True)]
        return pd.Series(as_dates, index=h.index)

    progressed = h["pfs"].to_numpy() <= end
    stopped = h["ttd"].to_numpy() <= end
    reason = np.where(h["pfs"] <= h["ttd"] + 14, "progression", h["other_stop"])
    start_year = np.array([(plan.first_start + timedelta(days=int(s))).year for s in h["start"]])
    rows = pd.DataFrame({
        "patient_id": h["patient_id"],
        "treatment_start": day(np.zeros(len(h))),
        "last_followup": day(end),
        "health_trust": h["health_trust"],
        "region": h["region"],
        "birth_year": (start_year - h["age"]).astype(int),
        "sex": h["sex"],
        "diagnosis": plan.diagnosis or "",
        "subgroup": h["subgroup"],
        "treatment_line": h["treatment_line"],
        "treatment_stop": day(np.where(stopped, h["ttd"], np.inf)),
        "stop_reason": np.where(stopped, reason, ""),
        "progression_date": day(np.where(progressed, h["pfs"], np.inf)),
        "death_date": day(np.where(dead, h["os"], np.inf)),
        "best_response": h["best_response"],
        "entry_date": day(np.where(h["entry"] > 0, h["entry"], np.inf)),
    })
    for name in omit:  # what this source does not hold
        rows[name] = ""
    return rows[list(COLUMNS)].reset_index(drop=True)


def extract_bytes(
    plan: SyntheticPlan, data_cut: date, *, report_lag: bool = False, omit: tuple[str, ...] = ()
) -> bytes:
    """Return the extract as the CSV a registry sends: semicolons, UTF-8 with BOM."""
    frame = extract(plan, data_cut, report_lag=report_lag, omit=omit)
    return b"\xef\xbb\xbf" + frame.to_csv(index=False, sep=";", lineterminator="\n").encode()


def file_name(plan: SyntheticPlan, source: str, data_cut: date) -> str:
    """Name a synthetic extract so nobody takes it for a real one."""
    return f"SYNTETISK_{plan.key}_{source}_{data_cut:%Y%m%d}.csv"
