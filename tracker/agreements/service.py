"""Services of price agreements."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from tracker.access import visible_agreement, withheld
from tracker.agreements import schemas as s
from tracker.agreements.enums import AgreementStatus, AgreementType, oecd_category_for
from tracker.agreements.models import PriceAgreement
from tracker.apispec import validation_details
from tracker.crud import apply_values, check_version, get_or_404, paginate
from tracker.errors import InvalidInput, field_error
from tracker.feeds.models import FeedDelivery, FeedRecord
from tracker.introductions.models import TemporaryIntroduction
from tracker.methods.models import Method

TERMS_MODELS: dict[str, type[Any]] = {
    AgreementType.flat_discount: s.FlatDiscountTerms,
    AgreementType.price_volume: s.PriceVolumeTerms,
    AgreementType.volume_discount: s.VolumeDiscountTerms,
    AgreementType.cap: s.CapTerms,
    AgreementType.indication_based: s.IndicationBasedTerms,
    AgreementType.weighted_discount: s.WeightedDiscountTerms,
    AgreementType.payment_by_result: s.PaymentByResultTerms,
    AgreementType.coverage_with_evidence: s.CoverageWithEvidenceTerms,
}


def _check_links(session: Session, method_id: int, introduction_id: int | None) -> None:
    problems = []
    if session.get(Method, method_id) is None:
        problems.append(field_error("method_id", f"no method with id {method_id}"))
    if introduction_id is not None:
        intro = session.get(TemporaryIntroduction, introduction_id)
        if intro is None:
            problems.append(field_error("introduction_id", f"no introduction {introduction_id}"))
        elif intro.method_id != method_id:
            problems.append(
                field_error(
                    "introduction_id",
                    f"introduction {introduction_id} belongs to method {intro.method_id}, "
                    f"not {method_id}",
                )
            )
    if problems:
        raise InvalidInput("The agreement refers to records that do not fit.", problems)


def create(*, session: Session, data: s.AgreementCreate) -> PriceAgreement:
    """Record a price agreement; its OECD category follows from its type."""
    body = data.root
    _check_links(session, body.method_id, body.introduction_id)
    visibility = {**s.default_visibility(), **body.visibility}
    agreement = PriceAgreement(
        **body.model_dump(exclude={"terms", "visibility"}),
        oecd_category=oecd_category_for(AgreementType(body.type)),
        terms=body.terms.model_dump(mode="json"),
        visibility={k: str(v) for k, v in visibility.items()},
    )
    session.add(agreement)
    session.flush()
    return agreement


def get(*, session: Session, agreement_id: int) -> PriceAgreement:
    """Return one agreement."""
    return get_or_404(session, PriceAgreement, agreement_id, label="Agreement")


def for_introduction(*, session: Session, introduction_id: int) -> list[PriceAgreement]:
    """Return the agreements attached to an introduction, newest first."""
    stmt = select(PriceAgreement).where(PriceAgreement.introduction_id == introduction_id)
    return list(session.exec(stmt.order_by(PriceAgreement.start_date.desc())).all())  # type: ignore[attr-defined]


def list_(
    *,
    session: Session,
    method_id: int | None = None,
    introduction_id: int | None = None,
    type: AgreementType | str | None = None,
    status: AgreementStatus | str | None = None,
    ending_before: date | None = None,
    sort: str = "-start_date",
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[PriceAgreement], int]:
    """List agreements with filters, sort and paging."""
    stmt = select(PriceAgreement)
    filters = {"method_id": method_id, "introduction_id": introduction_id, "type": type,
               "status": status}
    for name, value in filters.items():
        if value is not None:
            stmt = stmt.where(getattr(PriceAgreement, name) == value)
    if ending_before is not None:
        stmt = stmt.where(PriceAgreement.end_date <= ending_before)  # type: ignore[operator]
    return paginate(
        session, stmt, model=PriceAgreement, sort=sort, limit=limit, offset=offset
    )


def update(*, session: Session, agreement_id: int, data: s.AgreementUpdate) -> PriceAgreement:
    """Change an agreement; new terms are checked against its type."""
    agreement = get(session=session, agreement_id=agreement_id)
    check_version(agreement, data.version, label="Agreement")
    values = data.model_dump(exclude_unset=True, exclude={"version"})
    required = [
        k
        for k in ("status", "start_date", "oecd_level", "terms", "visibility")
        if k in values and values[k] is None
    ]
    if required:
        raise InvalidInput(
            "Required fields cannot be null.",
            [field_error(k, "cannot be null; leave it out to keep it") for k in required],
        )
    if "terms" in values:
        try:
            terms = TERMS_MODELS[agreement.type].model_validate(values["terms"])
        except ValidationError as exc:
            raise InvalidInput(
                f"The terms do not fit a {agreement.type} agreement.",
                validation_details(exc, prefix="terms"),
            ) from exc
        values["terms"] = terms.model_dump(mode="json")
    if "visibility" in values:
        values["visibility"] = {
            **agreement.visibility,
            **{k: str(v) for k, v in values["visibility"].items()},
        }
    apply_values(agreement, values)
    if agreement.end_date is not None and agreement.end_date < agreement.start_date:
        raise InvalidInput(
            "The agreement ends before it starts.",
            [field_error("end_date", f"{agreement.end_date} is before {agreement.start_date}")],
        )
    session.add(agreement)
    session.flush()
    return agreement


def to_read(agreement: PriceAgreement, *, confidential: bool) -> dict[str, Any]:
    """Return the agreement as JSON for a reader, leaving out what the reader may not see."""
    full = s.AgreementRead.model_validate(agreement, from_attributes=True).model_dump(mode="json")
    marks = dict(agreement.visibility)
    data = visible_agreement(full, marks, confidential=confidential)
    data["withheld_fields"] = list(withheld(marks, confidential=confidential))
    return data


@dataclass(frozen=True)
class Volume:
    """Patients started per calendar year in an agreement's period ("pasientvolum"), as the
    registry data delivered for its introduction show them."""

    per_year: list[tuple[int, int]]  # (year, patients started); years without starts count 0
    expected_per_year: int | None  # the introduction's assumption at decision time
    data_cut: date | None  # the newest data cut delivered; None: nothing delivered yet


def volumes(
    *, session: Session, agreement_ids: Collection[int], as_of: date
) -> dict[int, Volume]:
    """Return the patient volume of each agreement linked to an introduction, by agreement id.

    Two queries whatever the number of agreements. A patient counts once per calendar year in
    the introduction's current deliveries, from the agreement's start to its end, today or the
    newest data cut, whichever comes first (later starts are not known yet).
    """
    if not agreement_ids:
        return {}
    ids = list(agreement_ids)
    cuts = (
        sa_select(col(FeedDelivery.introduction_id).label("introduction_id"),
               func.max(FeedDelivery.data_cut).label("cut"))
        .group_by(col(FeedDelivery.introduction_id))
        .subquery()
    )
    periods = session.execute(
        sa_select(col(PriceAgreement.id), col(PriceAgreement.start_date),
               col(PriceAgreement.end_date),
               col(TemporaryIntroduction.expected_patients_per_year), cuts.c.cut)
        .join(TemporaryIntroduction,
              col(TemporaryIntroduction.id) == col(PriceAgreement.introduction_id))
        .outerjoin(cuts, cuts.c.introduction_id == col(PriceAgreement.introduction_id))
        .where(col(PriceAgreement.id).in_(ids))
    ).all()
    year = func.extract("year", col(FeedRecord.treatment_start))
    started = session.execute(
        sa_select(col(PriceAgreement.id), year, func.count(func.distinct(FeedRecord.patient_id)))
        .join(FeedDelivery,
              col(FeedDelivery.introduction_id) == col(PriceAgreement.introduction_id))
        .join(FeedRecord, col(FeedRecord.delivery_id) == col(FeedDelivery.id))
        .join(cuts, cuts.c.introduction_id == col(PriceAgreement.introduction_id))
        .where(
            col(PriceAgreement.id).in_(ids),
            col(FeedDelivery.superseded_at).is_(None),
            col(FeedRecord.treatment_start) >= col(PriceAgreement.start_date),
            col(FeedRecord.treatment_start) <= func.coalesce(col(PriceAgreement.end_date), as_of),
            col(FeedRecord.treatment_start) <= as_of,
            col(FeedRecord.treatment_start) <= cuts.c.cut,
        )
        .group_by(col(PriceAgreement.id), year)
    ).all()
    counts = {(int(agreement_id), int(y)): int(n) for agreement_id, y, n in started}
    found = {}
    for agreement_id, start, end, expected, cut in periods:
        per_year: list[tuple[int, int]] = []
        if cut is not None:
            last = min(end or as_of, as_of, cut)
            per_year = [(y, counts.get((agreement_id, y), 0))
                        for y in range(start.year, last.year + 1)]
        found[int(agreement_id)] = Volume(per_year=per_year, expected_per_year=expected,
                                          data_cut=cut)
    return found
