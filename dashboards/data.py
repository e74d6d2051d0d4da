"""What the pages read, fetched through the domain services (never SQL).

This is the one module that knows which service answers what, and it asks the viewer before
it reads what the API would not show them (flags, deliveries, reassessment cases). The pages
get plain rows and response models back, so they stay about layout.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from dashboards.access import Viewer, viewer_for, visible_agreement
from dashboards.figures import TimelineItem
from tracker.agreements import service as agreements_service
from tracker.datasources import service as datasources_service
from tracker.deadlines import service as deadlines_service
from tracker.decisions import service as decisions_service
from tracker.errors import Forbidden, InvalidInput, NotFound
from tracker.feeds import aggregation as feeds_aggregation
from tracker.feeds import service as feeds_service
from tracker.flags import feed_rules
from tracker.flags import service as flags_service
from tracker.flags import visibility as flag_visibility
from tracker.flags.enums import KIND_LABELS
from tracker.introductions import service as introductions_service
from tracker.introductions.schemas import IntroductionRead, MilestoneRead
from tracker.methods import service as methods_service
from tracker.outcomes import service as outcomes_service
from tracker.outcomes.analysis import MIN_CELL
from tracker.outcomes.schemas import Breakdown, Outcomes, OutcomesQuery
from tracker.reassessments import service as reassessments_service
from tracker.timeutil import local_date

MAX_ROWS = 500  # the list services' page limit; more introductions than this is not realistic


# --- flags -------------------------------------------------------------------------------------


# Flags that report what the data show rather than a deadline: their date is the data cut or the
# review date they concern, never something "due soon".
SIGNAL_KINDS = frozenset({"outcome_divergence", "volume_threshold"})


@dataclass(frozen=True)
class FlagView:
    """An open flag as the dashboards show it."""

    kind: str
    label: str
    message: str
    due_date: date | None
    state: str  # "overdue", "due" (a deadline ahead) or "signal" (what the data show)
    introduction_id: int | None
    subject_type: str
    subject_id: int
    # The flag's facts, only where the viewer may see them (agreement terms may be confidential).
    facts: dict[str, Any] = field(default_factory=dict)


def flag_state(kind: str, due_date: date | None, days_until: Any, as_of: date) -> str:
    """Overdue, due or signal: a deadline whose date has passed is overdue whatever its kind."""
    if kind in SIGNAL_KINDS:
        return "signal"
    passed = (isinstance(days_until, int) and days_until < 0) or (
        due_date is not None and due_date < as_of)
    return "overdue" if kind.endswith("overdue") or passed else "due"


def open_flags(
    *, session: Session, as_of: date, viewer: Viewer, introduction_id: int | None = None,
    subject_type: str | None = None,
) -> list[FlagView] | None:
    """Open flags (not snoozed), optionally of one introduction or kind of subject.

    None if the viewer may not read flags.
    """
    if not viewer.may_read("flags"):
        return None
    rows, _ = flags_service.list_(
        session=session, as_of=as_of, open=True, include_snoozed=False,
        introduction_id=introduction_id, subject_type=subject_type,
        hidden_kinds=flag_visibility.hidden_kinds(confidential=viewer.can_see_confidential_prices,
                                                  role=viewer.role),
        sort="due_date", limit=MAX_ROWS,
    )
    views = []
    for f in rows:
        label = KIND_LABELS.get(f.kind, f.kind)
        # Flags about agreements quote tier thresholds and dates from confidential terms.
        hide = flag_visibility.withheld(f.kind, confidential=viewer.can_see_confidential_prices)
        views.append(
            FlagView(
                kind=f.kind, label=label, message=label if hide else f.message,
                due_date=f.due_date,
                state=flag_state(f.kind, f.due_date, (f.facts or {}).get("days_until"), as_of),
                introduction_id=f.introduction_id, subject_type=f.subject_type,
                subject_id=f.subject_id, facts={} if hide else dict(f.facts or {}),
            )
        )
    return views


# --- introductions -----------------------------------------------------------------------------


@dataclass
class OverviewRow:
    """One temporary introduction on the overview."""

    id: int
    nye_metoder_id: str
    active_substance: str
    trade_name: str | None
    therapeutic_area: str | None
    status: str
    review_date: date
    milestones: list[MilestoneRead]
    next_milestone: MilestoneRead | None
    milestone_states: dict[int, str] = field(default_factory=dict)
    flags: list[FlagView] = field(default_factory=list)
    # Data-source names by code: a page shows the register's name, not its code.
    source_names: dict[str, str] = field(default_factory=dict)
    # The newest data cut delivered from any source (None: none yet, or not for this viewer).
    latest_cut: date | None = None
    # For viewers who may not see deliveries: the latest milestone whose date has passed (met
    # or not, they cannot be told), so that a passed deadline is never hidden from them.
    passed_milestone: MilestoneRead | None = None

    def source_name(self, code: str) -> str:
        return self.source_names.get(code, code)

    @property
    def label(self) -> str:
        return f"{self.nye_metoder_id} {self.active_substance}"


def overview_rows(*, session: Session, as_of: date, viewer: Viewer) -> list[OverviewRow]:
    """Every temporary introduction with its next milestone and the open flags on it.

    A fixed number of queries whatever the number of introductions: the list, the milestones
    of all of them, the open flags and (for viewers who may read feeds) the data cuts delivered.
    """
    rows, _ = introductions_service.list_(session=session, sort="review_date", limit=MAX_ROWS)
    ids = [intro.id for intro, _method, _decision in rows if intro.id is not None]
    milestones = introductions_service.milestones_of(session=session, introduction_ids=ids)
    cuts = delivered_cuts(session=session, introduction_ids=ids, viewer=viewer)
    flags = open_flags(session=session, as_of=as_of, viewer=viewer)
    source_names = datasources_service.names(session=session)
    by_intro: dict[int, list[FlagView]] = {}
    for f in flags or []:
        if f.introduction_id is not None:
            by_intro.setdefault(f.introduction_id, []).append(f)
    out = []
    for intro, method, decision in rows:
        summary = introductions_service.summary(intro=intro, method=method, decision=decision)
        planned = milestones.get(summary.id, [])
        states = milestone_states(planned, summary.id, cuts, as_of)
        # The next milestone is the first one not yet met, late ones included; without
        # deliveries to look at, the first one still ahead.
        unmet = [
            m for m in planned
            if states[m.id] in ("late", "pending") or m.expected_date >= as_of
        ]
        passed = [m for m in planned if states[m.id] == "unknown" and m.expected_date < as_of]
        own_cuts = [cut for (intro_id, _source), cut in (cuts or {}).items()
                    if intro_id == summary.id and cut is not None]
        out.append(
            OverviewRow(
                id=summary.id, nye_metoder_id=summary.nye_metoder_id,
                active_substance=summary.active_substance, trade_name=summary.trade_name,
                therapeutic_area=summary.therapeutic_area, status=str(summary.status),
                review_date=summary.review_date, milestones=planned,
                next_milestone=min(unmet, key=lambda m: m.expected_date, default=None),
                milestone_states=states,
                flags=by_intro.get(summary.id, []),
                source_names=source_names,
                latest_cut=max(own_cuts, default=None),
                passed_milestone=passed[-1] if passed else None,
            )
        )
    return out


def review_state(row: OverviewRow, as_of: date) -> str | None:
    """How urgent the review date is: its flags decide; a date passed is overdue for everyone
    (the public sees no flags) unless the introduction is concluded."""
    state = worst_state([f for f in row.flags if f.kind.startswith("review")])
    if row.review_date < as_of and row.status != "concluded":
        return "overdue"
    return state


def deadline_list(*, session: Session, as_of: date, viewer: Viewer) -> list[Any] | None:
    """The deadline list (reviews, milestones, agreement ends, phase-out steps, renegotiations);
    None for viewers who may not read it."""
    if not viewer.may_read("deadlines"):
        return None
    return list(deadlines_service.deadlines(session=session, as_of=as_of))


def timeline(
    *, rows: list[OverviewRow], deadlines: list[Any] | None, as_of: date
) -> list[TimelineItem]:
    """Dated deadlines of these introductions for the timeline.

    Viewers who may read the deadline list get all of it (agreement ends, phase-out steps and
    renegotiations too); the public gets the review dates and milestones of the introductions.
    A milestone tells its data source by name and what is to be delivered.
    """
    labels = {r.id: r.label for r in rows}
    planned = {m.id: f"{r.source_name(m.data_source)}: {m.description}"
               for r in rows for m in r.milestones}
    if deadlines is not None:
        items = []
        for d in deadlines:
            if d.introduction_id not in labels or str(d.status) == "done":
                continue
            state = "overdue" if str(d.status) == "overdue" else ("due" if d.open_flags else None)
            detail = planned.get(d.subject_id, "") if str(d.kind) == "milestone" else ""
            items.append(TimelineItem(labels[d.introduction_id], d.date, str(d.kind), state,
                                      detail))
        return items
    items = []
    for r in rows:
        items.append(TimelineItem(r.label, r.review_date, "review", review_state(r, as_of),
                                  ""))
        items += [
            TimelineItem(r.label, m.expected_date, "milestone",
                         "overdue" if r.milestone_states.get(m.id) == "late" else None,
                         planned[m.id])
            for m in r.milestones
        ]
    return items


def worst_state(flags: list[FlagView]) -> str | None:
    """The most urgent state among flags: overdue, then due, else None."""
    states = {f.state for f in flags}
    return "overdue" if "overdue" in states else ("due" if states else None)


def introduction(*, session: Session, introduction_id: int, viewer: Viewer) -> IntroductionRead:
    """The introduction with everything fixed at decision time (NotFound if unknown); a cost
    per QALY computed with a confidential price only for viewers who may see prices."""
    intro = introductions_service.get(session=session, introduction_id=introduction_id)
    return introductions_service.read(
        session=session, intro=intro, confidential=viewer.can_see_confidential_prices
    )


def source_names(*, session: Session) -> dict[str, str]:
    """Every data source's name by its code (one query)."""
    return datasources_service.names(session=session)


# --- registry feeds ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DeliveryView:
    """A registry delivery as the dashboards show it."""

    id: int
    source: str  # data-source code
    source_name: str
    data_cut: date
    received: date | None
    file_name: str
    rows: int
    synthetic: bool


def deliveries(
    *, session: Session, introduction_id: int, viewer: Viewer
) -> list[DeliveryView] | None:
    """Deliveries received, newest first; None if the viewer may not read feeds."""
    if not viewer.may_read("feeds"):
        return None
    found = feeds_service.deliveries(session=session, introduction_id=introduction_id)
    codes = feeds_service.source_codes(session=session, ids={d.data_source_id for d in found})
    names = datasources_service.names(session=session) if found else {}
    views = [
        DeliveryView(
            id=d.id, source=codes[d.data_source_id],
            source_name=names.get(codes[d.data_source_id], codes[d.data_source_id]),
            data_cut=d.data_cut,
            received=local_date(d.delivered_at), file_name=d.file_name, rows=d.row_count,
            synthetic=d.synthetic,
        )
        for d in found
        if d.id is not None
    ]
    return sorted(views, key=lambda v: (v.data_cut, v.id), reverse=True)


def received(views: list[DeliveryView]) -> list[tuple[str, int, date]]:
    """Per data source (by name): how many deliveries and the newest data cut, newest first."""
    by_source: dict[str, list[DeliveryView]] = {}
    for v in views:
        by_source.setdefault(v.source_name, []).append(v)
    summary = [(name, len(vs), max(v.data_cut for v in vs)) for name, vs in by_source.items()]
    return sorted(summary, key=lambda item: (item[2], item[0]), reverse=True)


def delivered_cuts(
    *, session: Session, introduction_ids: list[int], viewer: Viewer
) -> feed_rules.DeliveredCuts | None:
    """The newest data cut delivered per (introduction, data source), superseded deliveries
    included, in one query; None if the viewer may not read feeds."""
    if not viewer.may_read("feeds"):
        return None
    return feed_rules.delivered_cuts(session, introduction_ids) if introduction_ids else {}


def regions_of(
    *, session: Session, introduction_ids: list[int], viewer: Viewer
) -> dict[int, set[str]]:
    """The regions where each introduction has registry patients, in one query.

    A region with fewer than 5 patients counts only for viewers who may see small counts, so
    filtering by region reveals no count under 5.
    """
    return feeds_aggregation.regions(
        session=session, introduction_ids=introduction_ids,
        minimum=1 if viewer.can_see_patient_level else MIN_CELL)


def patients_per_year(
    *, session: Session, introduction_id: int, start: date, end: date, viewer: Viewer
) -> list[tuple[int, int]] | None:
    """Patients started per calendar year; None if the viewer may not read feeds."""
    if not viewer.may_read("feeds"):
        return None
    counts: Counter[int] = Counter()
    for year in range(start.year, end.year + 1):
        # The service counts starts in [lo, hi): the year, clipped to the agreement's period.
        lo, hi = max(start, date(year, 1, 1)), min(end + timedelta(days=1), date(year + 1, 1, 1))
        counts[year] = int(
            feeds_service.patients_started(
                session=session, introduction_id=introduction_id, start=lo, end=hi
            )
        )
    return sorted(counts.items())


# --- outcomes ----------------------------------------------------------------------------------


def outcomes(
    *, session: Session, introduction_id: int, endpoint: str, viewer: Viewer
) -> Outcomes | str:
    """Registry outcomes for one endpoint, or the i18n key of why there are none: no data source
    named for the endpoint (in.no_source), or nothing delivered from it yet (in.no_delivery_from).
    """
    try:
        return outcomes_service.outcomes(
            session=session,
            introduction_id=introduction_id,
            query=OutcomesQuery(endpoint=endpoint),  # type: ignore[arg-type]
            patient_level_access=viewer.can_see_patient_level,
        )
    except InvalidInput:
        return "in.no_source"
    except NotFound:
        return "in.no_delivery_from"
    except Forbidden:
        return "in.too_few"  # fewer than 5 patients: not shown without patient-level access


def breakdown(
    *, session: Session, introduction_id: int, endpoint: str, group_by: str, viewer: Viewer
) -> Breakdown | str:
    """Outcomes per region or subgroup, or the i18n key of why there are none."""
    try:
        return outcomes_service.breakdown(
            session=session, introduction_id=introduction_id, endpoint=endpoint,
            group_by=group_by, time_unit="months",
            patient_level_access=viewer.can_see_patient_level,
        )
    except InvalidInput:
        return "in.no_source"
    except NotFound:
        return "in.no_delivery_from"
    except Forbidden:
        return "in.too_few"  # fewer than 5 patients: not shown without patient-level access


# --- agreements --------------------------------------------------------------------------------


@dataclass
class AgreementView:
    """An agreement with only the fields the viewer may see, and its method."""

    fields: dict[str, Any]
    nye_metoder_id: str
    active_substance: str
    # The viewer sees fields the public may not (a confidential price, discount or terms).
    shows_confidential: bool = False


def agreements(
    *, session: Session, viewer: Viewer, introduction_id: int | None = None
) -> list[AgreementView]:
    """Price agreements, filtered field by field for the viewer, newest first."""
    rows, _ = agreements_service.list_(
        session=session, introduction_id=introduction_id, sort="-start_date", limit=MAX_ROWS
    )
    methods = methods_service.get_many(session=session, method_ids={r.method_id for r in rows})
    public = viewer_for(None)
    return [
        AgreementView(
            fields=visible_agreement(row, viewer),
            nye_metoder_id=methods[row.method_id].nye_metoder_id,
            active_substance=methods[row.method_id].active_substance,
            shows_confidential=viewer.can_see_confidential_prices
            and bool(visible_agreement(row, public)["hidden_fields"]),
        )
        for row in rows
    ]


# --- reassessments -----------------------------------------------------------------------------


def reassessment_case(*, session: Session, case_id: int, viewer: Viewer) -> Any | None:
    """The case with its steps (CaseRead); None if the viewer may not read cases."""
    if not viewer.may_read("reassessments"):
        return None
    case = reassessments_service.get(session=session, case_id=case_id)
    return reassessments_service.read(session=session, case=case)


def cases_of(*, session: Session, introduction_id: int, viewer: Viewer) -> list[Any]:
    """The reassessment cases of an introduction with their steps and phase-out plans
    (CaseRead), oldest first (empty if not allowed)."""
    if not viewer.may_read("reassessments"):
        return []
    return [
        reassessments_service.read(session=session, case=case)
        for case in reassessments_service.for_introduction(session=session,
                                                           introduction_id=introduction_id)
    ]


def open_cases(*, session: Session, viewer: Viewer) -> list[Any] | None:
    """Every undecided reassessment case, oldest first; None if the viewer may not read cases."""
    if not viewer.may_read("reassessments"):
        return None
    return reassessments_service.open_cases(session=session)


# --- the start of each role on the overview ---------------------------------------------------

SOON = timedelta(days=183)  # "the next six months"


def due_soon(deadlines: list[Any], as_of: date) -> tuple[list[Any], list[Any]]:
    """The deadlines overdue, and those in the next six months, each by date."""
    open_ = [d for d in deadlines if str(d.status) != "done"]
    overdue = [d for d in open_ if str(d.status) == "overdue"]
    soon = [d for d in open_ if str(d.status) != "overdue" and d.date <= as_of + SOON]
    return overdue, soon


def ending_agreements(views: list[AgreementView], as_of: date) -> list[AgreementView]:
    """Active agreements that end within six months (or have ended but are still active)."""
    return sorted(
        (v for v in views
         if str(v.fields.get("status")) == "active" and v.fields.get("end_date") is not None
         and v.fields["end_date"] <= as_of + SOON),
        key=lambda v: v.fields["end_date"],
    )


# --- decisions and milestones ------------------------------------------------------------------


def decision(*, session: Session, decision_id: int) -> Any:
    """The Beslutningsforum decision an introduction rests on."""
    found = decisions_service.get(session=session, decision_id=decision_id)
    return decisions_service.to_read(session=session, decision=found)


def milestone_states(
    milestones: list[MilestoneRead], introduction_id: int, cuts: feed_rules.DeliveredCuts | None,
    as_of: date,
) -> dict[int, str]:
    """Each milestone as met (a delivery from its source covers its data cut), late or pending.

    `cuts` (see `delivered_cuts`) None means the deliveries cannot be seen: every state is then
    "unknown". Met is the flags' own rule (`feed_rules.cut_covers`).
    """
    if cuts is None:
        return {m.id: "unknown" for m in milestones}
    states = {}
    for m in milestones:
        met = feed_rules.cut_covers(cuts.get((introduction_id, m.data_source_id)), m.data_cut)
        states[m.id] = "met" if met else ("late" if m.expected_date < as_of else "pending")
    return states
