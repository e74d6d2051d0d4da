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
from dashboards.pages import role_start
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


def flag_text(f: data.FlagView, lang: str) -> list[Any]:
    """A flag as a badge reads: its state, what it is, and its date (a signal: the data cut)."""
    when = ""
    if f.state == "signal":
        cuts = [c for c in (f.facts.get("data_cuts") or {}).values() if isinstance(c, str)]
        if cuts:
            when = f" ({t('flag.as_of', lang, date=fmt_date(date.fromisoformat(max(cuts)), lang))})"
    elif f.due_date:
        when = f" ({fmt_date(f.due_date, lang)})"
    return [html.Strong(t(f"flag.{f.state}", lang) + ": "), label("flagkind", f.kind, lang), when]


def flag_detail(f: data.FlagView) -> str | None:
    """What a flag is about, for its tooltip: the milestone's description, never the service's
    message (it quotes data-source codes and ISO dates)."""
    detail = f.facts.get("description")
    return str(detail) if detail else None


def _flag_badges(flags: list[data.FlagView], lang: str) -> list[Any]:
    return [
        html.Span(flag_text(f, lang), className=f"flag flag-{f.state}",
                  title=flag_detail(f))
        for f in flags
    ]


def _milestone_cell(row: data.OverviewRow, lang: str) -> Any:
    ms = row.next_milestone
    passed = row.passed_milestone
    if passed is not None:  # the viewer cannot see deliveries: never hide a passed date
        lines: list[Any] = [html.Span(
            t("ov.ms.passed", lang, date=fmt_date(passed.expected_date, lang),
              source=row.source_name(passed.data_source)),
            className="date-passed", title=t("ov.ms.passed_hint", lang),
        )]
        if ms is not None:
            lines.append(html.Span(t("ov.ms.next", lang, date=fmt_date(ms.expected_date, lang),
                                     source=row.source_name(ms.data_source))))
        return html.Div(lines, className="milestone-lines")
    if ms is None:
        return "–"
    late = row.milestone_states.get(ms.id) == "late"
    return html.Span(
        [f"{fmt_date(ms.expected_date, lang)} · {row.source_name(ms.data_source)}",
         html.Span(f" ({t('in.ms.late', lang).lower()})", className="date-overdue") if late
         else None]
    )


def _review_cell(row: data.OverviewRow, as_of: date, lang: str) -> Any:
    state = data.review_state(row, as_of)
    return html.Span(
        [fmt_date(row.review_date, lang),
         html.Span(f" ({t('ov.review_passed', lang)})", className="review-passed")
         if row.review_date < as_of and state == "overdue" else None],
        className=f"review-date date-{state or 'ok'}",
    )


def _table(rows: list[data.OverviewRow], as_of: date, lang: str) -> Any:
    if not rows:
        return message(t("ov.empty", lang))
    body = []
    for r in rows:
        body.append(
            [
                dcc.Link(r.nye_metoder_id, href=href(f"introduksjon/{r.id}", lang)),
                r.active_substance + (f" ({r.trade_name})" if r.trade_name else ""),
                r.therapeutic_area or "–",
                label("status", r.status, lang),
                _review_cell(r, as_of, lang),
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


def _timeline(rows: list[data.OverviewRow], deadlines: list[Any] | None, as_of: date,
              lang: str) -> Any:
    items = data.timeline(rows=rows, deadlines=deadlines, as_of=as_of)
    return timeline_figure(items, as_of, lang)


DECORATIVE: dict[str, Any] = {"aria-hidden": "true"}  # the text beside it says the same
LEGEND_SYMBOLS = {"review": "◆", "milestone": "●", "agreement_end": "■", "phaseout_step": "✕",
                  "renegotiation": "▲"}


def timeline_legend(kinds: list[str], lang: str) -> html.Div:
    """What the timeline's symbols and colours mean: the symbol is the kind of deadline, the
    colour its state (the figure's own legend would mix the two)."""
    shapes = [html.Span([html.Span(LEGEND_SYMBOLS[k], className="tl-symbol", **DECORATIVE),
                         t(f"tl.{k}", lang)], className="tl-item")
              for k in LEGEND_SYMBOLS if k in kinds]
    colours = [html.Span([html.Span(className=f"tl-swatch tl-{state}", **DECORATIVE),
                          t(f"tl.legend.{state}", lang)], className="tl-item")
               for state in ("overdue", "due", "ok")]
    props: dict[str, Any] = {"aria-label": t("tl.legend.label", lang)}
    return html.Div(
        [html.Span(t("tl.legend.shape", lang), className="tl-heading"), *shapes,
         html.Span(t("tl.legend.colour", lang), className="tl-heading"), *colours],
        className="timeline-legend", id="timeline-legend", role="group", **props,
    )


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
                f"{label('flagkind', f.kind, lang)} "
                f"({f.due_date.isoformat() if f.due_date else ''})" for f in r.flags
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
    session = get_session()
    rows = data.overview_rows(session=session, as_of=as_of, viewer=viewer)
    deadlines = data.deadline_list(session=session, as_of=as_of, viewer=viewer)
    areas = sorted({r.therapeutic_area for r in rows if r.therapeutic_area})
    statuses = [(s.value, label("status", s.value, lang)) for s in IntroductionStatus]
    kinds = sorted({str(d.kind) for d in deadlines}) if deadlines is not None else [
        "review", "milestone"]
    return html.Div(
        [
            dcc.Store(id="overview-ctx", data={"lang": lang}),
            role_start.card(viewer, rows, deadlines, as_of, lang),
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
            html.Div(_table(rows, as_of, lang), id="overview-table-wrap",
                     className="table-wrap"),
            html.H3(t("ov.timeline", lang)),
            timeline_legend(kinds, lang),
            dcc.Graph(
                id="timeline-figure", figure=_timeline(rows, deadlines, as_of, lang),
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
        session = get_session()
        rows = data.overview_rows(session=session, as_of=as_of, viewer=viewer)
        chosen = _filtered(rows, area, status, region, viewer)
        count = t("ov.count", lang, n=len(chosen), total=len(rows))
        deadlines = data.deadline_list(session=session, as_of=as_of, viewer=viewer)
        return (_table(chosen, as_of, lang), _timeline(chosen, deadlines, as_of, lang), count)

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
