"""The analysis plan an outcomes answer follows: the landmarks it declares (12, 24 and 36 months
when no plan declares any), and whether it was registered before the data
(`tracker.introductions.plans`, the one rule the API and the working pages use too).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from tracker.analytics.parametric import convert_time
from tracker.introductions import plans
from tracker.introductions import service as introductions_service
from tracker.introductions.models import AnalysisPlanVersion
from tracker.outcomes import schemas as s
from tracker.outcomes import wording

DEFAULT_LANDMARKS_MONTHS = (12.0, 24.0, 36.0)


@dataclass(frozen=True)
class Landmarks:
    """The landmarks of an answer, in months, and where they came from."""

    months: tuple[float, ...]
    source: str  # "plan" or "default"
    plan: AnalysisPlanVersion | None

    def times(self, unit: str) -> list[float]:
        """The landmark times in ``unit``."""
        return [float(convert_time(m, "months", unit)) for m in self.months]


def landmarks(session: Session, introduction_id: int) -> Landmarks:
    """The landmarks of the analysis plan in force, or the defaults if it declares none."""
    plan = introductions_service.analysis_plan(session=session, introduction_id=introduction_id)
    if plan is not None and plan.landmarks_months:
        return Landmarks(tuple(float(m) for m in plan.landmarks_months), "plan", plan)
    return Landmarks(DEFAULT_LANDMARKS_MONTHS, "default", plan)


def check(used: Landmarks, cut: date | None) -> s.PlanCheck:
    """Where the landmarks came from and whether the plan came before the first data cut
    (``cut``: `tracker.introductions.plans.first_data_cut` of the introduction's deliveries)."""
    plan = used.plan
    version_no = plan.version_no if plan is not None else None
    checked = plans.pre_specification(plan.registered_at, cut) if plan is not None else None
    words = {
        lang: (wording.landmarks_text(used.source, used.months, lang=lang, version_no=version_no),
               wording.pre_specification_text(checked.rule, cut, lang=lang) if checked else None)
        for lang in ("en", "nb")
    }
    return s.PlanCheck(
        landmarks_source=used.source,  # type: ignore[arg-type]
        landmarks_months=list(used.months), version_no=version_no,
        registered_at=plan.registered_at if plan is not None else None,
        pre_specified=checked.pre_specified if checked else None,
        pre_specification=checked.rule if checked else None,  # type: ignore[arg-type]
        first_data_cut=cut, text=words["en"][0], text_nb=words["nb"][0],
        warning=words["en"][1], warning_nb=words["nb"][1])
