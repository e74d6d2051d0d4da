"""The public section's pages (`/offentlig/`), in Norwegian and English, without login.

Server-rendered HTML in the shared shell: every list and text reads without JavaScript, every
filter is a plain GET form, and each page prints on A4 without navigation. The data come from
`tracker.public.service` only (what the public may read, the same for every visitor), and each
page is kept in the answer store while the data are unchanged (`tracker.public.views.kept`).
The list of introductions is one service call, so its first render stays fast.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Blueprint, jsonify, render_template, request
from werkzeug.wrappers import Response

from tracker.db import get_session
from tracker.errors import NotFound
from tracker.individual import statistics_export
from tracker.individual.enums import Scheme
from tracker.introductions.enums import IntroductionStatus
from tracker.methods import service as methods_service
from tracker.outcomes import wording
from tracker.public import funnel as funnel_svg
from tracker.public import page_text as text
from tracker.public import schemas as s
from tracker.public import service
from tracker.public.views import kept
from tracker.web.lang import current_language
from tracker.web.text import t

OUTCOMES = ("granted", "refused", "no_consensus", "withdrawn")
ROW_CLASSES = {"cell": "", "subtotal": "row-subtotal", "total": "row-total"}
SCHEMES = (Scheme.individual_exception, Scheme.group_exception, Scheme.access_scheme)
# The downloads each page links to, by dataset name (tracker.public.page_text.DATASETS).
INTRODUCTION_DATA = ("introduksjoner", "revurderingsdatoer", "endepunkter", "milepaeler",
                     "leveranser", "revurderinger", "analyseplaner", "avtaler")
ACCESS_DATA = ("tilgangsstatistikk", "komitevedtak")
PAGES = frozenset({"public.start", "public.introduction", "public.agreements",
                   "public.group_exceptions", "public.access"})


def _render(template: str, *, status: int = 200, **context: Any) -> tuple[str, int]:
    lang = current_language()
    return render_template(template, **text.common(lang), **context), status


# --- the list of every temporary introduction --------------------------------------------------


def matches(row: s.IntroductionRow, q: str) -> bool:
    """Whether a free-text search finds the introduction (any word, in any of its names)."""
    haystack = " ".join(v or "" for v in (
        row.nye_metoder_id, row.active_substance, row.trade_name, row.therapeutic_area,
        row.indication)).casefold()
    return all(word in haystack for word in q.casefold().split())


def filtered(rows: Sequence[s.IntroductionRow], *, q: str, status: str, area: str
             ) -> list[s.IntroductionRow]:
    """The introductions the list's filters leave (blank filters leave all)."""
    return [row for row in rows
            if (not q or matches(row, q)) and (not status or row.status == status)
            and (not area or row.therapeutic_area == area)]


def start() -> Any:
    """The start of the public section: what it is, its parts, and every introduction."""
    lang = current_language()
    rows = service.introductions(session=get_session())
    q = request.args.get("q", "").strip()
    status = request.args.get("status", "")
    area = request.args.get("area", "")
    statuses = [str(v) for v in IntroductionStatus]
    areas = sorted({row.therapeutic_area for row in rows if row.therapeutic_area})
    shown = filtered(rows, q=q, status=status if status in statuses else "",
                     area=area if area in areas else "")
    return _render(
        "public/start.html", rows=shown, total=len(rows), q=q, chosen_status=status, area=area,
        statuses=[(v, text.label("status", v, lang)) for v in statuses], areas=areas,
        changes=lambda n: text.review_changes(n, lang), downloads=tuple(text.DATASETS))


# --- one introduction ---------------------------------------------------------------------------


def introduction(introduction_id: int) -> Any:
    """Everything the public may read about one temporary introduction."""
    lang = current_language()
    data = service.introduction(session=get_session(), introduction_id=introduction_id)
    plans: list[s.AnalysisPlanRow] = data["analysis_plans"]
    late = {p.version_no: wording.pre_specification_text("after_first_data_cut",
                                                         p.first_data_cut, lang=lang)
            for p in plans if p.pre_specified is False}
    current = next((p for p in reversed(plans) if p.superseded_at is None), None)
    return _render("public/introduction.html", d=data, row=data["introduction"],
                   plans=plans, current_plan=current, late=late,
                   changes=lambda n: text.review_changes(n, lang), downloads=INTRODUCTION_DATA)


# --- price agreements and group exceptions ------------------------------------------------------


def agreements() -> Any:
    """The structure of every price agreement, never a price."""
    return _render("public/agreements.html",
                   agreements=service.agreements(session=get_session()), downloads=("avtaler",))


def group_exceptions() -> Any:
    """The group exceptions as published: current, previous and refused, with the reason."""
    rows = service.group_exceptions(session=get_session())
    sections = [(status, [row for row in rows if row.status == status])
                for status in ("current", "previous", "refused")]
    return _render("public/group_exceptions.html", sections=sections,
                   downloads=("gruppeunntak",))


# --- individual access --------------------------------------------------------------------------


def _year(name: str) -> tuple[int | None, str | None]:
    """A year filter: the year, or None and the text typed when it is not a year."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return None, None
    if raw.isdigit() and 1900 <= int(raw) <= 2100:
        return int(raw), None
    return None, raw


def _method_names(codes: set[str]) -> dict[str, str]:
    session = get_session()
    names = {}
    for code in sorted(codes):
        method = methods_service.get_by_nye_metoder_id(session=session, nye_metoder_id=code)
        if method is not None:
            names[code] = method.trade_name or method.active_substance
    return names


def _funnel(stats: Any, lang: str) -> Any:
    if not stats.funnel or not stats.funnel.get("points"):
        return None
    p0 = stats.funnel["p0"]
    number = text.common(lang)["number"]
    p0_text = text.i18n.fmt_percent(p0, lang, 1)
    words = funnel_svg.FunnelWords(
        title=text.i18n.t("ast.funnel", lang),
        description=t("pub.access.funnel.svg", lang, p0=p0_text),
        x_title=text.i18n.t("ast.funnel.x", lang), y_title=text.i18n.t("ast.funnel.y", lang),
        national=text.i18n.t("ast.funnel.national", lang),
        limit_95=text.i18n.t("ast.funnel.95", lang),
        limit_998=text.i18n.t("ast.funnel.998", lang), number=number)
    points = stats.funnel["points"]
    return {"svg": funnel_svg.funnel_svg(points, stats.funnel["limits"], p0, words),
            "points": [{**p, "position": funnel_svg.position(p)} for p in points],
            "p0": p0_text}


def access() -> Any:
    """The individual-access statistics and the committee's decisions, as the public sees
    them."""
    lang = current_language()
    scheme_arg = request.args.get("scheme", "")
    scheme = Scheme(scheme_arg) if scheme_arg in {str(v) for v in SCHEMES} else None
    year_from, bad_from = _year("year_from")
    year_to, bad_to = _year("year_to")
    session = get_session()
    stats = service.access_statistics(session=session, scheme=scheme, year_from=year_from,
                                      year_to=year_to)
    codes = {row["method"] for row in stats.tables.get("method", []) if row.get("method")}
    committee = service.committee_decisions(session=session)
    withheld = stats.variation_withheld or ("regions" if stats.variation is None else None)
    return _render(
        "public/access.html", stats=stats, committee=committee,
        scheme=str(scheme) if scheme else "", year_from=request.args.get("year_from", ""),
        year_to=request.args.get("year_to", ""), ignored=[v for v in (bad_from, bad_to) if v],
        schemes=[(str(v), text.label("scheme", v, lang)) for v in SCHEMES],
        method_names=_method_names(codes), withheld=withheld, funnel=_funnel(stats, lang),
        outcomes=lambda rows: [k for k in OUTCOMES if any(k in row for row in rows)],
        header=lambda key: statistics_export.header(key, lang),
        row_class=lambda row: ROW_CLASSES.get(row["row_type"], ""), downloads=ACCESS_DATA)


# --- registration -------------------------------------------------------------------------------


def _not_found(exc: NotFound) -> Response | tuple[Any, int]:
    """An unknown introduction is a page in the reader's language; elsewhere (the downloads)
    the error stays JSON, as the API's."""
    if request.endpoint not in PAGES:
        return jsonify(exc.to_dict()), exc.status_code
    introduction_id = (request.view_args or {}).get("introduction_id")
    return _render("public/not_found.html", status=404, introduction_id=introduction_id)


def register(bp: Blueprint) -> None:
    """Add this module's routes to the public blueprint."""
    bp.add_url_rule("/", view_func=kept(start), endpoint="start")
    bp.add_url_rule("/innforinger/<int:introduction_id>", view_func=kept(introduction),
                    endpoint="introduction")
    bp.add_url_rule("/avtaler", view_func=kept(agreements), endpoint="agreements")
    bp.add_url_rule("/gruppeunntak", view_func=kept(group_exceptions),
                    endpoint="group_exceptions")
    bp.add_url_rule("/individuell-tilgang", view_func=kept(access), endpoint="access")
    bp.register_error_handler(NotFound, _not_found)

