"""Page bodies. Pages call services, never SQL."""

from __future__ import annotations

from typing import Any

from dash import html

from tracker.db import get_session
from tracker.introductions import service as introductions_service


class _Query:
    status = None
    therapeutic_area = None
    method_id = None
    review_before = None
    q = None
    sort = "review_date"
    limit = 500
    offset = 0


def render(pathname: str) -> Any:
    """Return the page for a path under /dashboards/."""
    return overview()


def overview() -> Any:
    """List every temporary introduction with its next review date."""
    rows, total = introductions_service.list_(session=get_session(), query=_Query())
    header = html.Tr(
        [html.Th("Metode"), html.Th("Virkestoff"), html.Th("Status"), html.Th("Revurdering")]
    )
    body = [
        html.Tr(
            [
                html.Td(m.nye_metoder_id),
                html.Td(m.active_substance),
                html.Td(i.status),
                html.Td(i.review_date.isoformat()),
            ]
        )
        for i, m, _d in rows
    ]
    return html.Div(
        [
            html.H2(f"Midlertidige innføringer ({total})"),
            html.Table([html.Thead(header), html.Tbody(body)], id="introductions-table"),
        ]
    )
