"""Assumed survival curves in the forms: from the inputs to the API's curve, and the live
preview of a curve as it is typed.

A curve's inputs hold every distribution's parameters (`parameters.rate`, `parameters.shape`,
...) and a table of points (`points.N.0` time, `points.N.1` survival); `clean` keeps what the
chosen distribution takes, so the page works without JavaScript. The preview validates the curve
with the API's schema (`CURVE_ADAPTER`) and evaluates it with `tracker.analytics.parametric`,
the code the registry comparisons use, so the drawn curve is the one that will be tested.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from pydantic import ValidationError
from werkzeug.datastructures import MultiDict

from tracker.analytics import parametric
from tracker.apispec import validation_details
from tracker.introductions.schemas import CURVE_ADAPTER
from tracker.web import forms
from tracker.web.lang import parse_number
from tracker.web.messages import translate
from tracker.web.text import t

DISTRIBUTIONS = tuple(parametric.DISTRIBUTIONS)  # exponential, weibull, ..., points
# Each parameter input with the distributions that take it (the page hides the others).
PARAMETERS: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    (name, tuple(d for d, names in parametric.DISTRIBUTIONS.items() if name in names))
    for name in ("rate", "scale", "shape", "mu", "sigma")
)
PREVIEW_STEPS = 120
LANDMARK_MONTHS = (12.0, 24.0, 36.0)
_LONGEST_MONTHS = 1200.0  # a median later than 100 years is "not reached"


def _number(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return parse_number(value)
        except ValueError:
            return value  # the schema reports it: "Input should be a valid number"
    return value


def clean(curve: Mapping[str, Any]) -> dict[str, Any]:
    """Keep the inputs the chosen distribution takes, as numbers: the API's curve."""
    out = dict(curve)
    distribution = out.get("distribution")
    if distribution == "points":
        out.pop("parameters", None)
        points = out.get("points") or []
        out["points"] = [[_number(x) for x in p] if isinstance(p, list) else p for p in points]
    elif distribution in parametric.DISTRIBUTIONS:
        out.pop("points", None)
        out.pop("interpolation", None)
        raw = out.get("parameters")
        wanted = parametric.DISTRIBUTIONS[distribution]
        out["parameters"] = {k: _number(v) for k, v in (raw or {}).items()
                             if k in wanted and v not in ("", None)} if isinstance(raw, dict) \
            else raw
    return out


def form_values(intro: Any, endpoint: str, lang: str) -> dict[str, str]:
    """The stored curve of an endpoint as its form shows it ({} when there is none)."""
    for curve in intro.assumptions.curves:
        if str(curve.endpoint) == endpoint:
            values = forms.flatten(curve.model_dump(), lang)
            return {k: v for k, v in values.items()
                    if not (k.startswith("points.") and k.count(".") == 1)}
    return {}


def field_label(rest: str, lang: str) -> str | None:
    """The label of one of a curve's inputs, by its name within the curve."""
    parts = rest.split(".")
    if parts[0] == "points" and len(parts) == 3 and parts[1].isdigit():
        what = "curve.point.time" if parts[2] == "0" else "curve.point.survival"
        return f"{t('curve.point', lang, n=int(parts[1]) + 1)}, {t(what, lang).lower()}"
    try:
        return t(f"curve.{rest}", lang)
    except KeyError:
        return None


# --- numbers of a curve -----------------------------------------------------------------------


def _survival(spec: Mapping[str, Any], times: Any) -> np.ndarray:
    return parametric.survival(spec, times, time_unit=spec["time_unit"])


def _crossing(spec: Mapping[str, Any], level: float) -> float | None:
    """The time a parametric curve falls to `level` (bisection; None: not within 100 years)."""
    limit = parametric.convert_time(_LONGEST_MONTHS, "months", spec["time_unit"])
    high = 1.0
    while float(_survival(spec, [high])[0]) > level:
        if high >= limit:
            return None
        high = min(high * 2.0, limit)
    low = 0.0
    for _ in range(80):
        middle = (low + high) / 2.0
        if float(_survival(spec, [middle])[0]) > level:
            low = middle
        else:
            high = middle
    return (low + high) / 2.0


def _knots(spec: Mapping[str, Any]) -> tuple[list[float], list[float]]:
    times = [0.0] + [float(p[0]) for p in spec["points"] if float(p[0]) > 0]
    return times, [float(s) for s in _survival(spec, times)]


def median(spec: Mapping[str, Any]) -> float | None:
    """The median of an assumed curve: the first time S(t) <= 0.5 (None: never)."""
    if spec["distribution"] != "points":
        return _crossing(spec, 0.5)
    times, values = _knots(spec)
    for i, value in enumerate(values):
        if value <= 0.5:
            if i == 0 or spec.get("interpolation") == "step":
                return times[i]
            t0, t1, v0 = times[i - 1], times[i], values[i - 1]
            return t0 + (v0 - 0.5) * (t1 - t0) / (v0 - value)
    return None


def _nice(value: float, unit: str) -> float:
    """Round a horizon up to a number a time axis is read by (whole years for months)."""
    if unit == "months" and 12 <= value <= 240:
        return math.ceil(value / 12.0) * 12.0
    magnitude = 10.0 ** math.floor(math.log10(value))
    for step in (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0):
        if value <= step * magnitude * (1 + 1e-9):
            return step * magnitude
    return 10.0 * magnitude


def horizon(spec: Mapping[str, Any], med: float | None) -> float:
    """How far in time the preview draws a curve."""
    unit = spec["time_unit"]
    if spec["distribution"] == "points":
        last = max(float(p[0]) for p in spec["points"])
        return _nice(last * 1.25 if last > 0 else 1.0, unit)
    cap = parametric.convert_time(600.0, "months", unit)
    end = _crossing(spec, 0.05)
    if end is None:
        end = 3.0 * med if med else parametric.convert_time(60.0, "months", unit)
    return _nice(max(min(end, cap), 1e-6), unit)


def _vertices(spec: Mapping[str, Any], end: float) -> list[tuple[float, float]]:
    if spec["distribution"] != "points":
        grid = np.linspace(0.0, end, PREVIEW_STEPS + 1)
        return list(zip(grid.tolist(), _survival(spec, grid).tolist(), strict=True))
    times, values = _knots(spec)
    out = [(0.0, values[0])]
    for i in range(1, len(times)):
        if spec.get("interpolation") == "step":
            out.append((times[i], values[i - 1]))
        out.append((times[i], values[i]))
    out.append((end, float(_survival(spec, [end])[0])))
    return out


def _fmt(value: float, digits: int, lang: str) -> str:
    text = f"{value:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "nb" else text


def preview(spec: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """What the preview draws and says for a valid curve (in its own time unit)."""
    unit = str(spec["time_unit"])
    unit_text = t(f"enum.time_unit.{unit}", lang)
    med = median(spec)
    end = horizon(spec, med)
    summary = (t("curve.median", lang, value=_fmt(med, 1, lang), unit=unit_text)
               if med is not None else t("curve.median.none", lang))
    months = t("enum.time_unit.months", lang)
    at = _survival(spec, parametric.convert_time(np.array(LANDMARK_MONTHS), "months", unit))
    return {
        "ok": True,
        "time_unit": unit,
        "unit_label": unit_text,
        "horizon": end,
        "points": [[round(x, 6), round(y, 6)] for x, y in _vertices(spec, end)],
        "median": med,
        "summary": summary,
        "landmarks": [t("curve.at", lang, time=_fmt(m, 0, lang), unit=months,
                        value=_fmt(float(s), 2, lang)) for m, s in zip(LANDMARK_MONTHS, at,
                                                                        strict=True)],
        "ticks": [[end * i / 4.0, _fmt(end * i / 4.0, 1, lang)] for i in range(5)],
        "label": t("curve.figure", lang, median=summary),
    }


def describe(curve: Any, lang: str) -> str:
    """A stored curve in words: its distribution, parameters and median."""
    spec = curve.model_dump(mode="json")
    name = t(f"enum.distribution.{spec['distribution']}", lang)
    unit = t(f"enum.time_unit.{spec['time_unit']}", lang)
    if spec["distribution"] == "points":
        detail = (f"{len(spec['points'])} {'punkter' if lang == 'nb' else 'points'}, "
                  f"{t('enum.interpolation.' + spec['interpolation'], lang).lower()}")
    else:
        detail = ", ".join(f"{t('curve.parameters.' + k, lang).lower()} {_fmt(v, 4, lang)}"
                           for k, v in spec["parameters"].items())
    med = median(spec)
    summary = (t("curve.median", lang, value=_fmt(med, 1, lang), unit=unit) if med is not None
               else t("curve.median.none", lang))
    return f"{name} ({detail}; {unit}). {summary}"


def describe_all(intro: Any, lang: str) -> dict[str, str]:
    """Each stored curve in words, by endpoint."""
    return {str(c.endpoint): describe(c, lang) for c in intro.assumptions.curves}


def preview_of_form(fields: MultiDict[str, str], lang: str) -> dict[str, Any]:
    """The preview of a curve's inputs (named within the curve), or its problems."""
    from tracker.introductions.api import CurveBody

    body, problems = forms.body_from_form(fields, CurveBody, lang=lang)
    body = clean(body)
    body.pop("version", None)
    body.setdefault("endpoint", "OS")  # the preview draws any endpoint alike
    if not body.get("distribution"):
        return {"ok": False, "errors": [], "message": t("curve.preview.empty", lang)}
    found: dict[str, str] = dict(problems)
    spec = None
    try:
        spec = CURVE_ADAPTER.validate_python(body).model_dump(mode="json")
    except ValidationError as exc:
        for detail in validation_details(exc):
            found.setdefault(detail["field"], detail["message"])
    if found or spec is None:
        errors = [{"field": name, "label": field_label(name, lang) or name,
                   "message": translate(message, lang)[0]} for name, message in found.items()]
        return {"ok": False, "errors": errors, "message": None}
    return preview(spec, lang)
