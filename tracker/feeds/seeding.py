"""Load synthetic registry extracts for the demo introductions (idempotent: same bytes, same hash).

Which introductions get extracts, with which data cuts and whether the real world is made worse
than the assumption is declared in seeds/feeds/feeds.json. Every source that the introduction's
OS, PFS and TTD outcome measures name delivers the same synthetic cohort (the config's `source`
when they name none).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from tracker.datasources.models import DataSource
from tracker.decisions.models import Decision
from tracker.feeds import service
from tracker.feeds.synthetic import SyntheticPlan, extract_bytes, file_name
from tracker.introductions import service as introductions_service
from tracker.introductions.models import OutcomeMeasure, TemporaryIntroduction
from tracker.methods import service as methods_service
from tracker.settings import PROJECT_ROOT

CONFIG = PROJECT_ROOT / "seeds" / "feeds" / "feeds.json"
UPLOADER = "seed (syntetiske data)"
TIME_TO_EVENT = ("OS", "PFS", "TTD")
# NPR holds treatment start and stop and deaths but no effect measures (DOMAIN.md §3).
SOURCE_LACKS = {"NPR": ("progression_date", "best_response")}
MIN_PATIENTS = 20


@dataclass
class FeedSeedReport:
    """What a run imported, what was there already, and which introductions were not found."""

    added: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    skipped_future: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        lines = [f"synthetic deliveries: {len(self.added)} added, "
                 f"{len(self.existing)} already there"]
        lines += [f"  added {name}" for name in self.added]
        if self.skipped_future:
            lines.append(f"  not yet due (data cut after today): {', '.join(self.skipped_future)}")
        if self.missing:
            lines.append(f"  introductions not found (run `tracker seed demo` first): "
                         f"{', '.join(self.missing)}")
        return "\n".join(lines)


def _introduction(session: Session, nye_metoder_id: str, decision_date: str) -> Any:
    method = methods_service.get_by_nye_metoder_id(session=session, nye_metoder_id=nye_metoder_id)
    if method is None:
        return None
    decision = session.exec(
        select(Decision).where(
            Decision.method_id == method.id,
            Decision.decision_date == date.fromisoformat(decision_date),
            Decision.outcome == "temporarily_introduced",
        )
    ).first()
    if decision is None:
        return None
    intro = session.exec(
        select(TemporaryIntroduction).where(TemporaryIntroduction.decision_id == decision.id)
    ).first()
    return (intro, decision) if intro is not None else None


def plan_for(
    *, session: Session, intro: TemporaryIntroduction, decision_date: date,
    settings: dict[str, Any], key: str,
) -> SyntheticPlan:
    """Build the simulation plan of one introduction from its assumptions and the seed config."""
    assert intro.id is not None
    cuts = tuple(sorted(date.fromisoformat(d) for d in settings["data_cuts"]))
    years = (cuts[-1] - decision_date).days / 365.25
    per_year = intro.expected_patients_per_year or 30
    patients = int(min(settings["max_patients"], max(MIN_PATIENTS, round(per_year * years))))

    def curve(endpoint: str) -> dict[str, Any] | None:
        return introductions_service.assumption(
            session=session, introduction_id=intro.id, endpoint=endpoint  # type: ignore[arg-type]
        )

    return SyntheticPlan(
        key=key,
        first_start=decision_date,
        data_cuts=cuts,
        patients=patients,
        os=curve("OS"),
        pfs=curve("PFS"),
        ttd=curve("TTD"),
        treatment_months=intro.expected_treatment_duration_months,
        os_factor=float(settings["os_factor"]),
        pfs_factor=float(settings["pfs_factor"]),
        ttd_factor=float(settings["ttd_factor"]),
        late_deaths=int(settings["late_deaths"]),
        delayed_entry_share=float(settings["delayed_entry_share"]),
        lost_to_follow_up_share=float(settings["lost_to_follow_up_share"]),
        subgroups=tuple(settings["subgroups"]),
        treatment_lines=tuple(int(x) for x in settings["treatment_lines"]),
        diagnosis=settings.get("diagnosis"),
    )


def seed_feeds(
    *, session: Session, as_of: date, out_dir: Path | None = None, config: Path = CONFIG
) -> FeedSeedReport:
    """Write and import the synthetic extracts of every configured demo introduction."""
    seed = json.loads(config.read_text(encoding="utf-8"))
    report = FeedSeedReport()
    for item in seed["introductions"]:
        settings = {**seed["defaults"], **item}
        key = item["nye_metoder_id"]
        found = _introduction(session, key, item["decision_date"])
        if found is None:
            report.missing.append(key)
            continue
        intro, decision = found
        plan = plan_for(session=session, intro=intro, decision_date=decision.decision_date,
                        settings=settings, key=key)
        for source in _sources(session, intro.id, item["source"]):
            for position, cut in enumerate(plan.data_cuts):
                name = file_name(plan, source, cut)
                if cut > as_of:
                    report.skipped_future.append(name)
                    continue
                # Every delivery but the last misses a few recent deaths (reporting lag).
                content = extract_bytes(plan, cut, report_lag=position < len(plan.data_cuts) - 1,
                                        omit=SOURCE_LACKS.get(source, ()))
                if out_dir is not None:
                    out_dir.mkdir(parents=True, exist_ok=True)
                    (out_dir / name).write_bytes(content)
                _, created = service.import_extract(
                    session=session, introduction_id=intro.id, source_code=source,
                    data_cut=cut, file_name=name, content=content, uploader=UPLOADER,
                    synthetic=True, as_of=as_of,
                )
                (report.added if created else report.existing).append(name)
    return report


def _sources(session: Session, introduction_id: Any, fallback: str) -> list[str]:
    """Return the sources the introduction's OS, PFS and TTD measures name (else `fallback`)."""
    rows = session.exec(
        select(DataSource.code)
        .join(OutcomeMeasure, col(OutcomeMeasure.data_source_id) == col(DataSource.id))
        .where(OutcomeMeasure.introduction_id == introduction_id,
               col(OutcomeMeasure.kind).in_(TIME_TO_EVENT))
        .order_by(col(OutcomeMeasure.id))
    ).all()
    return list(dict.fromkeys(rows)) or [fallback]
