"""Was the analysis plan fixed before the data? The one rule, for the API, the outcomes answer
and the working pages.

A plan is *pre-specified* when it was registered no later than the data cut of the
introduction's first registry delivery (the earliest data cut of any delivery imported for it,
superseded ones included): a plan registered after that could have been written with the data
in view. The registration moment is read as a date in Norway (Europe/Oslo), as the data cut is
a Norwegian calendar date; a plan registered on the day of the data cut still counts as before
it. The words are in `tracker.outcomes.wording.pre_specification_text`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, col

from tracker.feeds.models import FeedDelivery
from tracker.introductions import schemas as s
from tracker.introductions.models import AnalysisPlanVersion
from tracker.timeutil import local_date

__all__ = [
    "PRE_SPECIFICATION_RULES",
    "PreSpecification",
    "first_data_cut",
    "first_data_cuts",
    "pre_specification",
    "read",
]

#: The rule codes: before the first data cut, no delivery yet, or after the first data cut.
PRE_SPECIFICATION_RULES = ("before_first_data_cut", "no_data_yet", "after_first_data_cut")


@dataclass(frozen=True)
class PreSpecification:
    """Whether a plan version was registered before the data (``rule``: its code)."""

    pre_specified: bool
    rule: str
    first_data_cut: date | None


def pre_specification(registered_at: datetime, first_data_cut: date | None) -> PreSpecification:
    """Classify a plan version by its registration against the first delivery's data cut.

    Examples
    --------
    >>> pre_specification(datetime(2024, 3, 1, 9, tzinfo=UTC), date(2024, 2, 29)).rule
    'after_first_data_cut'
    >>> pre_specification(datetime(2024, 2, 29, 22, 30, tzinfo=UTC), date(2024, 3, 1)).rule
    'before_first_data_cut'
    >>> pre_specification(datetime(2024, 3, 1, 9, tzinfo=UTC), None).pre_specified
    True
    """
    if first_data_cut is None:
        return PreSpecification(True, "no_data_yet", None)
    if local_date(registered_at) > first_data_cut:
        return PreSpecification(False, "after_first_data_cut", first_data_cut)
    return PreSpecification(True, "before_first_data_cut", first_data_cut)


def first_data_cut(deliveries: Iterable[FeedDelivery]) -> date | None:
    """The first delivery's data cut among an introduction's deliveries (None if none)."""
    return min((d.data_cut for d in deliveries), default=None)


def first_data_cuts(session: Session, introduction_ids: Collection[int]) -> dict[int, date]:
    """The first delivery's data cut per introduction (those with a delivery), in one query."""
    if not introduction_ids:
        return {}
    rows = session.execute(
        sa.select(col(FeedDelivery.introduction_id), sa.func.min(col(FeedDelivery.data_cut)))
        .where(col(FeedDelivery.introduction_id).in_(list(introduction_ids)))
        .group_by(col(FeedDelivery.introduction_id))
    ).all()
    return {int(intro_id): cut for intro_id, cut in rows if cut is not None}


def read(version: AnalysisPlanVersion, first_data_cut: date | None) -> s.AnalysisPlanRead:
    """The API shape of a plan version, with whether it was pre-specified."""
    checked = pre_specification(version.registered_at, first_data_cut)
    return s.AnalysisPlanRead.model_validate({
        **version.model_dump(), "pre_specified": checked.pre_specified,
        "pre_specification": checked.rule, "first_data_cut": checked.first_data_cut,
    })
