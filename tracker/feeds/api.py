"""HTTP endpoints of registry feeds: upload an extract, read deliveries and patients' endpoints."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response, current_app, g, request
from werkzeug.exceptions import RequestEntityTooLarge

from tracker.apispec import ApiBlueprint, PageParams, page_model, page_of
from tracker.auth import current_principal
from tracker.datasources import service as datasources_service
from tracker.db import get_session
from tracker.errors import InvalidInput, TrackerError, field_error
from tracker.feeds import schemas as s
from tracker.feeds import service
from tracker.feeds.models import FeedDelivery

bp = ApiBlueprint("feeds", __name__, tag="registry feeds", resource="feeds")

DeliveryPage = page_model(s.FeedDeliveryRead)
PatientPage = page_model(s.PatientEndpoints)


class PayloadTooLarge(TrackerError):
    """The upload is larger than the configured limit."""

    status_code = 413
    error = "payload_too_large"


def read_delivery(
    delivery: FeedDelivery, codes: dict[int, Any] | None = None
) -> s.FeedDeliveryRead:
    """Return the API shape of a delivery."""
    if codes is None:
        codes = service.source_codes(session=get_session(), ids={delivery.data_source_id})
    return s.FeedDeliveryRead.model_validate({
        **delivery.model_dump(),
        "source": codes.get(delivery.data_source_id, ""),
        "current": delivery.superseded_at is None,
    })


def _form() -> tuple[Any, str, date]:
    """Read the multipart form, naming every missing or bad field at once."""
    try:
        upload = request.files.get("file")
        source = (request.form.get("source") or "").strip()
        data_cut_text = (request.form.get("data_cut") or "").strip()
    except RequestEntityTooLarge as exc:
        limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
        raise PayloadTooLarge(
            f"The upload is larger than the limit of {limit // (1024 * 1024)} MB "
            "(TRACKER_MAX_UPLOAD_MB); split the extract or ask for a higher limit."
        ) from exc
    problems = []
    if upload is None:
        problems.append(field_error("file", "attach the extract as the multipart field 'file'"))
    if not source or not source.isprintable():
        problems.append(field_error("source", "name the data source by its code, e.g. INSPIRE"))
    data_cut = None
    try:
        data_cut = date.fromisoformat(data_cut_text)
    except ValueError:
        problems.append(field_error("data_cut", "give the data cut as an ISO date, YYYY-MM-DD"))
    if problems or data_cut is None:
        raise InvalidInput(
            "The upload must be multipart/form-data with fields file, source and data_cut.",
            problems,
        )
    return upload, source, data_cut


@bp.after_request
def _existing_delivery_is_ok(response: Response) -> Response:
    # The same file uploaded again answers 200 with the stored delivery instead of 201.
    if g.pop("feed_already_imported", False) and response.status_code == 201:
        response.status_code = 200
    return response


@bp.operation(
    "/introductions/<int:introduction_id>/feeds", "POST",
    summary="Import a registry extract (201; 200 with the stored delivery if the same file was "
    "imported before)",
    multipart=s.UPLOAD_FORM, response=s.FeedDeliveryRead, status=201, errors=[409, 413],
)
def import_feed(introduction_id: int) -> Any:
    upload, source, data_cut = _form()
    try:
        content = upload.read()
    except RequestEntityTooLarge as exc:  # streamed uploads without a declared length
        raise PayloadTooLarge("The upload is larger than the configured limit.") from exc
    finally:
        upload.close()  # a large upload is spooled to a temporary file: free it now
    delivery, created = service.import_extract(
        session=get_session(),
        introduction_id=introduction_id,
        source_code=source,
        data_cut=data_cut,
        file_name=upload.filename or "",
        content=content,
        uploader=current_principal().name,
    )
    g.feed_already_imported = not created
    return read_delivery(delivery)


@bp.operation(
    "/introductions/<int:introduction_id>/feeds", "GET",
    summary="List an introduction's deliveries with provenance, newest first",
    query=s.FeedDeliveryQuery, response=DeliveryPage,
)
def list_feeds(introduction_id: int, query: s.FeedDeliveryQuery) -> Any:
    session = get_session()
    source_id = None
    if query.source is not None:
        source_id = datasources_service.resolve_code(
            session=session, code=query.source, field="source"
        ).id
    rows = service.deliveries(session=session, introduction_id=introduction_id,
                              source_id=source_id)
    codes = service.source_codes(session=session, ids={d.data_source_id for d in rows})
    page = rows[query.offset : query.offset + query.limit]
    return page_of(DeliveryPage, page, len(rows), query, convert=lambda d: read_delivery(d, codes))


@bp.operation(
    "/feeds/<int:delivery_id>", "GET", summary="Read a delivery: provenance and warnings",
    response=s.FeedDeliveryRead,
)
def get_feed(delivery_id: int) -> Any:
    return read_delivery(service.get_delivery(session=get_session(), delivery_id=delivery_id))


@bp.operation(
    "/feeds/<int:delivery_id>/patients", "GET",
    summary="List a delivery's patients with their derived endpoints (OS, PFS, TTD)",
    query=PageParams, response=PatientPage, permission=("patient_level", "read"),
)
def list_feed_patients(delivery_id: int, query: PageParams) -> Any:
    rows, total = service.patient_endpoints(
        session=get_session(), delivery_id=delivery_id, limit=query.limit, offset=query.offset
    )
    return page_of(PatientPage, rows, total, query)
