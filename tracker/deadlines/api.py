"""HTTP endpoints of the deadline list: JSON, CSV, Excel and the iCalendar feed."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response
from pydantic import BaseModel, ConfigDict, Field

from tracker import get_settings
from tracker.apispec import ApiBlueprint
from tracker.db import get_session
from tracker.deadlines import export, ical
from tracker.deadlines.service import Deadline, DeadlineKind, DeadlineStatus, deadlines
from tracker.timeutil import today

bp = ApiBlueprint("deadlines", __name__, tag="deadlines", resource="deadlines")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class DeadlineQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: DeadlineKind | None = None
    status: DeadlineStatus | None = None
    introduction_id: int | None = Field(default=None, ge=1)
    date_from: date | None = Field(default=None, description="On or after this date.")
    date_to: date | None = Field(default=None, description="On or before this date.")
    as_of: date | None = Field(default=None, description="Status as of (default today).")


class DeadlineList(BaseModel):
    as_of: date
    items: list[Deadline]


def _items(query: DeadlineQuery) -> tuple[date, list[Deadline]]:
    as_of = query.as_of or today()
    return as_of, deadlines(session=get_session(), as_of=as_of, query=query)


def _download(content: str | bytes, mimetype: str, name: str) -> Response:
    return Response(content, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.operation("/deadlines", "GET", summary="The deadline list with status and open flags",
              query=DeadlineQuery, response=DeadlineList)
def list_deadlines(query: DeadlineQuery) -> Any:
    as_of, items = _items(query)
    return DeadlineList(as_of=as_of, items=items)


@bp.operation("/deadlines.csv", "GET", summary="The deadline list as CSV", query=DeadlineQuery,
              response_media="text/csv")
def export_deadlines_csv(query: DeadlineQuery) -> Any:
    as_of, items = _items(query)
    return _download(export.to_csv(items), "text/csv", f"frister-{as_of}.csv")


@bp.operation("/deadlines.xlsx", "GET", summary="The deadline list as an Excel workbook",
              query=DeadlineQuery, response_media=XLSX)
def export_deadlines_xlsx(query: DeadlineQuery) -> Any:
    as_of, items = _items(query)
    return _download(export.to_xlsx(items), XLSX, f"frister-{as_of}.xlsx")


@bp.operation("/calendar.ics", "GET",
              summary="iCalendar feed of review dates, milestones and other deadlines",
              query=DeadlineQuery, response_media="text/calendar")
def calendar_feed(query: DeadlineQuery) -> Any:
    _, items = _items(query)
    text = ical.calendar(items, base_url=get_settings().public_base_url)
    return Response(text, mimetype="text/calendar",
                    headers={"Content-Disposition": 'inline; filename="nye-metoder-frister.ics"'})
