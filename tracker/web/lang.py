"""The language of a page, and dates and numbers as Norwegian (or English) users write them."""

from __future__ import annotations

import re
from datetime import date, datetime

from flask import Flask, current_app, has_request_context, request
from werkzeug.wrappers import Response

from tracker.timeutil import en_date, local_date, nb_date
from tracker.web.text import LANGUAGES

COOKIE = "lang"
_DATE = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*$")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")


def current_language() -> str:
    """Return the language asked for (?lang=), else the one chosen before (cookie), else the
    site's default."""
    default = "nb"
    if not has_request_context():
        return default
    settings = current_app.extensions.get("tracker_settings")
    if settings is not None:
        default = settings.default_language
    for candidate in (request.args.get("lang"), request.cookies.get(COOKIE)):
        if candidate in LANGUAGES:
            return candidate
    return default


def remember_language(response: Response) -> Response:
    """Keep a language chosen with ?lang= for the next pages (Dash pages read it too)."""
    chosen = request.args.get("lang")
    if chosen in LANGUAGES and request.cookies.get(COOKIE) != chosen:
        response.set_cookie(COOKIE, chosen, max_age=365 * 24 * 3600, samesite="Lax",
                            secure=True, httponly=False)
    return response


def init_app(app: Flask) -> None:
    """Remember a chosen language on every page."""
    app.after_request(remember_language)


def fmt_date(value: date | datetime | None, lang: str) -> str:
    """Write a date as users read it: 31.12.2026 (Norwegian), 31 Dec 2026 (English)."""
    if value is None:
        return "–"
    if isinstance(value, datetime):
        value = local_date(value)
    return en_date(value) if lang == "en" else nb_date(value)


def input_date(value: date | datetime | str | None) -> str:
    """A date as a form shows it, always dd.mm.yyyy (the format the form asks for)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = local_date(value)
    return value.strftime("%d.%m.%Y")


def parse_date(text: str) -> date:
    """Read dd.mm.yyyy (or yyyy-mm-dd); raise ValueError with what to type instead."""
    match = _DATE.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        iso = _ISO_DATE.match(text)
        if not iso:
            raise ValueError("date_format")
        year, month, day = (int(g) for g in iso.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError("date_invalid") from None


def parse_number(text: str) -> float:
    """Read a number as Norwegians type it: 12 000,5 or 12000.5 (spaces and a decimal comma)."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "").replace("\u2212", "-")
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    return float(cleaned)


def input_number(value: float | int | None, lang: str) -> str:
    """A number as a form shows it: a decimal comma in Norwegian, no thousands separator."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        text = str(int(value))
    else:
        text = repr(value) if isinstance(value, float) else str(value)
    return text.replace(".", ",") if lang == "nb" else text
