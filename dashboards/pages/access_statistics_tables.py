"""The tables of the access statistics page, drawn from the statistics answer as the API gives it.

Headers and labels come from `tracker.individual.statistics_export`, so a table reads the same
on the page as in its download. A count the API hides (null) reads "skjult": it is not always
under 5, since secondary suppression hides some larger counts too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dash import html

from dashboards.i18n import fmt_number, fmt_percent, t
from dashboards.layout import message, table
from tracker.analytics.access_stats import UNKNOWN
from tracker.db import get_session
from tracker.individual import statistics_export as labels
from tracker.methods import service as methods_service

OUTCOMES = ("granted", "refused", "no_consensus", "withdrawn")
ROW_CLASSES = {"cell": "", "subtotal": "row-subtotal", "total": "row-total"}


def count(value: Any, lang: str) -> Any:
    """A count, or "skjult" where the API hides it from this reader."""
    if value is None:
        return html.Span(t("ast.hidden", lang), className="hidden-count")
    return fmt_number(value, lang)


def _outcomes(rows: Sequence[dict[str, Any]]) -> list[str]:
    return [k for k in OUTCOMES if any(k in row for row in rows)]


def _empty(lang: str) -> Any:
    return message(t("ast.none", lang), "muted")


def _headers(keys: Sequence[str], lang: str) -> list[str]:
    return [labels.header(key, lang) for key in keys]


def _total_label(lang: str) -> html.Strong:
    return html.Strong(t("ast.total", lang))


def year_region(answer: dict[str, Any], lang: str) -> Any:
    """Year × region × outcome with a sum per year and the total: the shape of Table 1."""
    rows = answer["tables"].get("year_region") or []
    if not rows:
        return _empty(lang)
    outcomes = _outcomes(rows)
    body = []
    for row in rows:
        kind = row["row_type"]
        if kind == "cell":
            first: list[Any] = [row["year"], row["region"]]
        elif kind == "subtotal":
            first = [html.Strong(row["year"]),
                     html.Strong(f"{t('ast.sum', lang)} {t('ast.all_regions', lang)}")]
        else:
            first = [_total_label(lang), ""]
        body.append([*first, *[count(row.get(k), lang) for k in (*outcomes, "total")]])
    return table(_headers(["year", "region", *outcomes, "total"], lang), body,
                 id="stats-year_region", cls="numeric",
                 row_classes=[ROW_CLASSES[row["row_type"]] for row in rows])


def _method_names(codes: set[str]) -> dict[str, str]:
    session = get_session()
    names = {}
    for code in sorted(codes):
        method = methods_service.get_by_nye_metoder_id(session=session, nye_metoder_id=code)
        if method is not None:
            names[code] = f"{code} {method.active_substance}"
    return names


def key_label(key: str, value: str, lang: str, names: dict[str, str] | None = None) -> str:
    """What a key's value reads on the page: a scheme's name, a chapter with its title, a
    method's ID with its substance."""
    if key == "scheme":
        return labels.scheme_label(value, lang)
    if key == "diagnosis_group":
        return labels.chapter_label(value, lang)
    if value == UNKNOWN:
        return t("ast.unknown", lang)
    return (names or {}).get(value, value)


def by_key(answer: dict[str, Any], key: str, lang: str) -> Any:
    """One key × outcome with the total (diagnosis group, method or scheme)."""
    rows = answer["tables"].get(key) or []
    if not rows:
        return _empty(lang)
    outcomes = _outcomes(rows)
    names = _method_names({row[key] for row in rows if row.get(key)}) if key == "method" else {}
    body = []
    for row in rows:
        first = (_total_label(lang) if row["row_type"] == "total"
                 else key_label(key, row[key], lang, names))
        body.append([first, *[count(row.get(k), lang) for k in (*outcomes, "total")]])
    return table(_headers([key, *outcomes, "total"], lang), body, id=f"stats-{key}",
                 cls="numeric", row_classes=[ROW_CLASSES[row["row_type"]] for row in rows])


def _percent(value: Any, lang: str) -> Any:
    return count(None, lang) if value is None else fmt_percent(value, lang, 1)


def _interval(row: dict[str, Any], lang: str) -> Any:
    low, high = row.get("ci_lower"), row.get("ci_upper")
    if low is None or high is None:
        return count(None, lang) if row.get("decided") is None else "–"
    return f"{fmt_number(low * 100, lang, 1)}–{fmt_percent(high, lang, 1)}"


def rates(answer: dict[str, Any], lang: str) -> Any:
    """The grant rate per region with its exact 95 % interval."""
    rows = answer.get("rates") or []
    if not rows:
        return _empty(lang)
    outcomes = _outcomes(rows)
    body = []
    for row in rows:
        first = _total_label(lang) if row["row_type"] == "total" else row["region"]
        rate = row.get("rate")
        shown = _percent(rate, lang) if rate is not None or row.get("decided") is None else "–"
        body.append([first, *[count(row.get(k), lang) for k in (*outcomes, "decided")],
                     shown, _interval(row, lang)])
    headers = [*_headers(["region", *outcomes, "decided", "rate"], lang), t("ast.col.ci", lang)]
    return table(headers, body, id="stats-rates", cls="numeric",
                 row_classes=[ROW_CLASSES[row["row_type"]] for row in rows])


def _per(value: Any, lang: str) -> Any:
    return count(None, lang) if value is None else fmt_number(value, lang, 2)


def per_population(answer: dict[str, Any], lang: str) -> Any:
    """Applications and grants per 100 000 inhabitants, by the patients' region of residence."""
    rows = answer.get("per_population") or []
    if not rows:
        return _empty(lang)
    body = []
    for row in rows:
        first = _total_label(lang) if row["row_type"] == "total" else row["region"]
        body.append([first, count(row.get("applications"), lang),
                     _per(row.get("applications_per"), lang), count(row.get("granted"), lang),
                     _per(row.get("granted_per"), lang),
                     fmt_number(row.get("population"), lang)])
    keys = ["region", "applications", "applications_per", "granted", "granted_per", "population"]
    return table(_headers(keys, lang), body, id="stats-per_population", cls="numeric",
                 row_classes=[ROW_CLASSES[row["row_type"]] for row in rows])
