"""Overview for the secretariat: every temporary introduction, its deadlines and open flags."""

from __future__ import annotations

from datetime import date
from typing import Any

import dash
from dash import Input, Output, State, dcc, html

from dashboards import data
from dashboards.access import Viewer, current_viewer
from dashboards.figures import timeline_figure
from dashboards.i18n import fmt_date, label, t
from dashboards.layout import href, message, table
from tracker import exports
from tracker.db import get_session
from tracker.feeds.columns import REGION_NAMES
from tracker.introductions.enums import IntroductionStatus
from tracker.timeutil import today


def _filtered(
    rows: list[data.OverviewRow], area: str | None, status: str | None, region: str | None,
    viewer: Viewer,
) -> list[data.OverviewRow]:
    chosen = [
        r for r in rows
        if (not area or r.therapeutic_area == area) and (not status or r.status == status)
    ]
    if region:
        regions = data.regions_of(session=get_session(), viewer=viewer,
                                  introduction_ids=[r.id for r in chosen])
        chosen = [r for r in chosen if region in regions.get(r.id, set())]
    return chosen


def _flag_badges(flags: list[data.FlagView], lang: str) -> list[Any]:
    return [
        html.Span(
            [html.Strong(t(f"flag.{f.state}", lang) + ": "), f.label,
             f" ({fmt_date(f.due_date, lang)})" if f.due_date else ""],
            className=f"flag flag-{f.state}",
            title=f.message,
        )
        for f in flags
    ]


def _milestone_cell(row: data.OverviewRow, lang: str) -> Any:
    ms = row.next_milestone
    if ms is None:
        return "–"
    late = row.milestone_states.get(ms.id) == "late"
    return html.Span(
        [f"{fmt_date(ms.expected_date, lang)} · {row.source_name(ms.data_source)}",
         html.Span(f" ({t('in.ms.late', lang).lower()})", className="date-overdue") if late
         else None]
    )


def _table(rows: list[data.OverviewRow], lang: str) -> Any:
    if not rows:
        return message(t("ov.empty", lang))
    body = []
    for r in rows:
        review_flags = [f for f in r.flags if f.kind.startswith("review")]
        body.append(
            [
                dcc.Link(r.nye_metoder_id, href=href(f"introduksjon/{r.id}", lang)),
                r.active_substance + (f" ({r.trade_name})" if r.trade_name else ""),
                r.therapeutic_area or "–",
                label("status", r.status, lang),
                html.Span(
                    fmt_date(r.review_date, lang),
                    className=f"review-date date-{data.worst_state(review_flags) or 'ok'}",
                ),
                _milestone_cell(r, lang),
                html.Div(_flag_badges(r.flags, lang), className="flags") if r.flags else "–",
            ]
        )
    headers = [
        t(k, lang)
        for k in ("ov.col.method", "ov.col.substance", "ov.col.area", "ov.col.status",
                  "ov.col.review", "ov.col.milestone", "ov.col.flags")
    ]
    classes = [f"row-{data.worst_state(r.flags)}" if r.flags else "" for r in rows]
    return table(headers, body, id="overview-table", row_classes=classes)


def _timeline(rows: list[data.OverviewRow], as_of: date, lang: str, viewer: Viewer) -> Any:
    items = data.timeline(session=get_session(), rows=rows, as_of=as_of, viewer=viewer)
    return timeline_figure(items, as_of, lang)


def _export_table(rows: list[data.OverviewRow], lang: str) -> tuple[list[str], list[list[Any]]]:
    headers = [t(f"ov.col.{key}", lang) for key in
               ("method", "substance", "area", "status", "review", "milestone", "flags")]
    cells = [
        [
            r.nye_metoder_id,
            r.active_substance,
            r.therapeutic_area or "",
            label("status", r.status, lang),
            r.review_date,
            r.next_milestone.expected_date if r.next_milestone else None,
            "; ".join(
                f"{f.label} ({f.due_date.isoformat() if f.due_date else ''})" for f in r.flags
            ),
        ]
        for r in rows
    ]
    return headers, cells


def _dropdown(id: str, options: list[tuple[str, str]], lang: str, title: str) -> html.Label:
    return html.Label(
        [
            title,
            dcc.Dropdown(
                id=id,
                options=[{"label": text, "value": value} for value, text in options],
                placeholder=t("ov.filter.all", lang),
                clearable=True,
            ),
        ],
        className="filter",
    )


def render(lang: str, viewer: Viewer) -> Any:
    """The overview page."""
    as_of = today()
    rows = data.overview_rows(session=get_session(), as_of=as_of, viewer=viewer)
    areas = sorted({r.therapeutic_area for r in rows if r.therapeutic_area})
    statuses = [(s.value, label("status", s.value, lang)) for s in IntroductionStatus]
    return html.Div(
        [
            dcc.Store(id="overview-ctx", data={"lang": lang}),
            html.H2(t("ov.heading", lang)),
            html.Div(
                [
                    _dropdown("filter-area", [(a, a) for a in areas], lang,
                              t("ov.filter.area", lang)),
                    _dropdown("filter-status", statuses, lang, t("ov.filter.status", lang)),
                    _dropdown("filter-region", [(g, g) for g in REGION_NAMES], lang,
                              t("ov.filter.region", lang)),
                    html.Div(
                        [
                            html.Button(t("ov.export.csv", lang), id="export-csv",
                                        className="button"),
                            html.Button(t("ov.export.xlsx", lang), id="export-xlsx",
                                        className="button"),
                            dcc.Download(id="overview-download"),
                        ],
                        className="export no-print",
                    ),
                ],
                className="filters no-print",
            ),
            html.P(t("ov.count", lang, n=len(rows), total=len(rows)), id="overview-count"),
            None if viewer.may_read("flags") else message(
                t("login.flags", lang), "warning", id="flags-note"
            ),
            html.Div(_table(rows, lang), id="overview-table-wrap", className="table-wrap"),
            html.H3(t("ov.timeline", lang)),
            dcc.Graph(
                id="timeline-figure", figure=_timeline(rows, as_of, lang, viewer),
                config={"displaylogo": False, "responsive": True},
            ),
        ]
    )


def register(app: dash.Dash) -> None:
    """Register the overview's callbacks on this Dash app."""

    @app.callback(
        Output("overview-table-wrap", "children"),
        Output("timeline-figure", "figure"),
        Output("overview-count", "children"),
        Input("filter-area", "value"),
        Input("filter-status", "value"),
        Input("filter-region", "value"),
        State("overview-ctx", "data"),
        prevent_initial_call=True,
    )
    def filter_rows(area: str | None, status: str | None, region: str | None,
                    ctx: dict[str, str]) -> tuple[Any, Any, str]:
        lang = ctx["lang"]
        as_of = today()
        viewer = current_viewer()
        rows = data.overview_rows(session=get_session(), as_of=as_of, viewer=viewer)
        chosen = _filtered(rows, area, status, region, viewer)
        count = t("ov.count", lang, n=len(chosen), total=len(rows))
        return _table(chosen, lang), _timeline(chosen, as_of, lang, viewer), count

    @app.callback(
        Output("overview-download", "data"),
        Input("export-csv", "n_clicks"),
        Input("export-xlsx", "n_clicks"),
        State("filter-area", "value"),
        State("filter-status", "value"),
        State("filter-region", "value"),
        State("overview-ctx", "data"),
        prevent_initial_call=True,
    )
    def export(_csv: int | None, _xlsx: int | None, area: str | None, status: str | None,
               region: str | None, ctx: dict[str, str]) -> Any:
        lang = ctx["lang"]
        viewer = current_viewer()
        rows = data.overview_rows(session=get_session(), as_of=today(), viewer=viewer)
        headers, cells = _export_table(_filtered(rows, area, status, region, viewer), lang)
        name = f"midlertidige-innforinger-{today().isoformat()}"
        if dash.ctx.triggered_id == "export-xlsx":
            workbook = exports.to_xlsx(headers, cells, sheet=t("ov.export.sheet", lang),
                                       widths=(12, 24, 18, 22, 12, 12, 60))
            return dcc.send_bytes(workbook, f"{name}.xlsx")
        return dcc.send_string(exports.to_csv(headers, cells, bom=True), f"{name}.csv")
