"""The secretariat uploads a registry extract ("registeruttrekk") in the browser.

The upload runs the API's own `import_feed` operation (multipart: file, source, data_cut) through
`tracker.apispec.execute`, so the browser checks access, validates and stores exactly as the API
does. A refused extract shows its problems (row, column, problem), the first 1,000 on the page
and all of them in a CSV download; those problems are kept for a day in the instance folder,
under a random token bound to the user who uploaded, never in the database. An accepted extract
shows its provenance and links to the new registry curves.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, current_app, flash, g, redirect, render_template, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from tracker import apispec, exports
from tracker.access import require
from tracker.auth import current_principal
from tracker.errors import Conflict, InvalidInput, NotFound
from tracker.feeds.api import PayloadTooLarge
from tracker.feeds.problems import MAX_LISTED, ExtractRejected
from tracker.timeutil import utcnow
from tracker.web import forms
from tracker.web import lang as web_lang
from tracker.web.lang import current_language
from tracker.web.messages import translate
from tracker.web.text import add, t

add({
    "feeds.upload.title": ("Last opp registeruttrekk", "Upload a registry extract"),
    "feeds.upload.intro": (
        "Et pseudonymisert uttrekk på pasientnivå fra en datakilde, én rad per "
        "behandlingsforløp. Hele filen kontrolleres før noe lagres: er noe galt, lagres ingenting,"
        " og du får en liste over problemene.",
        "A pseudonymised patient-level extract from a data source, one row per treatment "
        "course. The whole file is checked before anything is stored: if anything is wrong, "
        "nothing is stored and you get a list of the problems.",
    ),
    "feeds.upload.legend": ("Uttrekket", "The extract"),
    "feeds.upload.go": ("Last opp og kontroller", "Upload and check"),
    "feeds.upload.not_allowed": (
        "Bare sekretariatet kan laste opp registeruttrekk. Du kan se leveransene nedenfor.",
        "Only the secretariat can upload registry extracts. You can see the deliveries below.",
    ),
    "feeds.back": ("Til innføringen med registerkurvene", "To the introduction and its curves"),
    "feed.source": ("Datakilde", "Data source"),
    "feed.source.hint": ("Registeret eller studien som leverte uttrekket.",
                         "The registry or study that delivered the extract."),
    "feed.data_cut": ("Datakutt", "Data cut"),
    "feed.data_cut.hint": ("Datoen uttrekket er tatt ut per; ingen dato i filen kan være senere.",
                           "The date the extract was cut; no date in the file may be later."),
    "feed.file": ("Fil", "File"),
    "feed.file.hint": (
        "CSV (komma eller semikolon, UTF-8) eller Parquet, med kolonnenavnene i formatet "
        "(patient_id, treatment_start, last_followup, …). Høyst {size}.",
        "CSV (comma or semicolon, UTF-8) or Parquet, with the format's column names "
        "(patient_id, treatment_start, last_followup, …). At most {size}.",
    ),
    "feed.file.missing": ("Velg filen med uttrekket.", "Choose the file with the extract."),
    "feed.file.again": ("Velg filen på nytt før du laster opp igjen.",
                        "Choose the file again before you upload it again."),
    "feed.source.missing": ("Velg datakilden.", "Choose the data source."),
    "feeds.progress": ("Opplasting", "Upload"),
    "feeds.progress.sending": ("Laster opp …", "Uploading …"),
    "feeds.progress.checking": ("Lastet opp. Filen kontrolleres …",
                                "Uploaded. The file is being checked …"),
    "feeds.progress.failed": (
        "Opplastingen ble avbrutt (nettverksfeil). Prøv igjen.",
        "The upload was interrupted (network error). Please try again.",
    ),
    "feeds.too_large": (
        "Filen er for stor: grensen er {size}. Del uttrekket opp (for eksempel etter periode), "
        "eller be en administrator øke grensen (TRACKER_MAX_UPLOAD_MB). Ingenting er lagret.",
        "The file is too large: the limit is {size}. Split the extract (for example by period) "
        "or ask an administrator for a higher limit (TRACKER_MAX_UPLOAD_MB). Nothing was stored.",
    ),
    "feeds.imported": ("Uttrekket er importert: {rows} behandlingsforløp.",
                       "The extract was imported: {rows} treatment courses."),
    "feeds.already": (
        "Denne filen var allerede importert; her er leveransen som ble lagret da.",
        "This file had already been imported; here is the delivery stored then.",
    ),
    "feeds.problems.title": ("Problemer i uttrekket", "Problems in the extract"),
    "feeds.problems.refused": (
        "Uttrekket ble avvist, og ingenting er lagret: {total} problem(er). Rett filen og last "
        "den opp på nytt.",
        "The extract was refused and nothing was stored: {total} problem(s). Correct the file "
        "and upload it again.",
    ),
    "feeds.problems.first": ("Tabellen viser de første {shown} av {total} problemene.",
                             "The table shows the first {shown} of the {total} problems."),
    "feeds.problems.kept": (
        "Nedlastingen har de første {kept} problemene; rett dem og last opp igjen for å se "
        "resten.",
        "The download holds the first {kept} problems; correct them and upload again to see the "
        "rest.",
    ),
    "feeds.problems.download": ("Last ned alle problemene (CSV)", "Download all problems (CSV)"),
    "feeds.problems.download.kept": ("Tilgjengelig i {hours} timer.",
                                     "Available for {hours} hours."),
    "feeds.problems.row": ("Rad", "Row"),
    "feeds.problems.column": ("Kolonne", "Column"),
    "feeds.problems.problem": ("Problem", "Problem"),
    "feeds.problems.position": ("kolonne {n}", "column {n}"),
    "feeds.problems.file": ("hele filen", "the whole file"),
    "feeds.problems.caption": ("Problemer i uttrekket: rad, kolonne og problem",
                               "Problems in the extract: row, column and problem"),
    "feeds.problems.gone": (
        "Problemlisten finnes ikke lenger (den tas vare på i {hours} timer). Last opp filen på "
        "nytt for å få en ny liste.",
        "The list of problems is no longer kept (it is kept for {hours} hours). Upload the file "
        "again for a new list.",
    ),
    "feeds.deliveries": ("Leveranser til denne innføringen", "Deliveries to this introduction"),
    "feeds.deliveries.none": ("Ingen registerdata mottatt ennå.", "No registry data received yet."),
    "feeds.delivery.title": ("Leveranse {id}", "Delivery {id}"),
    "feeds.delivery.provenance": ("Opphav", "Provenance"),
    "feeds.delivery.rows": ("Behandlingsforløp (rader)", "Treatment courses (rows)"),
    "feeds.delivery.file_name": ("Filnavn", "File name"),
    "feeds.delivery.sha256": ("Sjekksum (SHA-256)", "Checksum (SHA-256)"),
    "feeds.delivery.uploader": ("Lastet opp av", "Uploaded by"),
    "feeds.delivery.delivered_at": ("Lastet opp", "Uploaded"),
    "feeds.delivery.synthetic": ("Syntetiske demodata", "Synthetic demo data"),
    "feeds.delivery.status": ("Status", "Status"),
    "feeds.delivery.current": ("I bruk i analysene (nyeste datakutt fra kilden)",
                               "Used in the analyses (the source's latest data cut)"),
    "feeds.delivery.superseded": ("Erstattet av leveranse {id} {when}",
                                  "Superseded by delivery {id} {when}"),
    "feeds.delivery.warnings": ("Merknader", "Notes"),
    "feeds.delivery.no_warnings": ("Ingen merknader.", "No notes."),
    "feeds.delivery.extra": ("Kolonner som ikke ble importert", "Columns not imported"),
    "feeds.delivery.curves": ("Se registerkurvene for innføringen",
                              "See the introduction's registry curves"),
    "feeds.delivery.another": ("Last opp et nytt uttrekk", "Upload another extract"),
    "feeds.delivery.show": ("Vis", "Show"),
    "feeds.at": ("{day} kl. {time}", "{day}, {time}"),
})

REPORT_FOLDER = "refused-extracts"
REPORT_HOURS = 24
_TOKEN = re.compile(r"[A-Za-z0-9_-]{24,64}")
_POSITION = re.compile(r"column (\d+)$")
OSLO = ZoneInfo("Europe/Oslo")
FIELDS = ("source", "data_cut", "file")


def _suffix(lang: str) -> str:
    return "?lang=en" if lang == "en" else ""


def _count(n: int, lang: str) -> str:
    """A count as users read it: 1 000 in Norwegian, 1,000 in English."""
    return f"{n:,}".replace(",", "\u00a0" if lang == "nb" else ",")


def at_time(value: datetime | None, lang: str) -> str:
    """A moment in Norwegian time: 16.03.2026 kl. 14:05."""
    if value is None:
        return "–"
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    local = value.astimezone(OSLO)
    return t("feeds.at", lang, day=web_lang.fmt_date(local, lang), time=local.strftime("%H:%M"))


def _introduction(introduction_id: int) -> Any:
    return forms.read("get_introduction", {"introduction_id": introduction_id})


def _source_names() -> dict[str, str]:
    page = forms.read("list_data_sources", query={"limit": 500})
    return {source.code: source.name for source in page.items}


def _source_options() -> list[tuple[str, str]]:
    page = forms.read("list_data_sources", query={"limit": 500})
    return [(s.code, f"{s.name} ({s.code})") for s in page.items if s.patient_level]


def _labels(lang: str) -> dict[str, str]:
    return {name: t(f"feed.{name}", lang) for name in FIELDS}


def _max_size() -> str:
    """The upload limit (MAX_CONTENT_LENGTH) as users read it: 512 MB, or 64 KB."""
    limit = int(current_app.config.get("MAX_CONTENT_LENGTH") or 0)
    if limit >= 1024 * 1024:
        return f"{limit // (1024 * 1024)} MB"
    return f"{max(1, limit // 1024)} KB"


# --- the upload ------------------------------------------------------------------------------


@dataclass
class Report:
    """The problems of a refused extract as the page shows them."""

    token: str
    total: int
    kept: int
    rows: list[tuple[str, str, str, bool]] = field(default_factory=list)


@contextmanager
def _api_form(values: dict[str, str]) -> Iterator[None]:
    """Let the API's multipart view read the form fields as the API documents them (the data cut
    as an ISO date), while the browser's form is typed the Norwegian way. The file is read as
    sent."""
    req = request._get_current_object()  # type: ignore[attr-defined]
    typed = req.form
    req.__dict__["form"] = ImmutableMultiDict(values)
    try:
        yield
    finally:
        req.__dict__["form"] = typed


def _import(introduction_id: int, lang: str) -> tuple[Any, forms.Outcome, Report | None, int]:
    """Run the API's import on the posted form; return (delivery, outcome, report, status)."""
    outcome = forms.Outcome()
    source = (request.form.get("source") or "").strip()
    typed_cut = (request.form.get("data_cut") or "").strip()
    upload = request.files.get("file")
    if not source:
        outcome.errors["source"] = [t("feed.source.missing", lang)]
    data_cut = ""
    if not typed_cut:
        outcome.add("data_cut", "Field required", lang)
    else:
        try:
            data_cut = web_lang.parse_date(typed_cut).isoformat()
        except ValueError as exc:
            nb, en = forms._COERCION_TEXT[str(exc)]
            outcome.errors["data_cut"] = [en if lang == "en" else nb]
    if upload is None or not upload.filename:
        outcome.errors["file"] = [t("feed.file.missing", lang)]
    if outcome.errors:
        return None, outcome, None, 422
    endpoint = apispec.operation_named("import_feed")
    try:
        with _api_form({"source": source, "data_cut": data_cut}):
            delivery = apispec.execute(endpoint, {"introduction_id": introduction_id})
    except ExtractRejected as exc:
        return None, outcome, _keep_report(exc, introduction_id, lang), 422
    except InvalidInput as exc:
        for detail in exc.details or []:
            name = str(detail.get("field", ""))
            outcome.add(name if name in FIELDS else "_form", str(detail.get("message", "")), lang)
        if not outcome.errors:
            outcome.message = translate(exc.message, lang)[0]
        return None, outcome, None, 422
    except PayloadTooLarge:
        outcome.message = t("feeds.too_large", lang, size=_max_size())
        return None, outcome, None, 413
    except Conflict as exc:
        outcome.message = translate(exc.message, lang)[0]
        return None, outcome, None, 409
    return delivery, outcome, None, 200


def upload_extract(introduction_id: int) -> Any:
    """Show the upload form with the introduction's deliveries; import a posted extract."""
    require("feeds", "read")
    lang = current_language()
    intro = _introduction(introduction_id)
    outcome: forms.Outcome | None = None
    report: Report | None = None
    values: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        require("feeds", "write")
        values = {"source": request.form.get("source", ""),
                  "data_cut": request.form.get("data_cut", "")}
        delivery, outcome, report, status = _import(introduction_id, lang)
        if delivery is not None:
            created = not g.pop("feed_already_imported", False)
            flash(t("feeds.imported", lang, rows=_count(delivery.row_count, lang)) if created
                  else t("feeds.already", lang), "saved")
            return redirect(f"/arbeid/innforinger/{introduction_id}/leveranser/{delivery.id}"
                            + _suffix(lang))
    deliveries = forms.read("list_feeds", {"introduction_id": introduction_id},
                            {"limit": 100}).items
    html = render_template(
        "web/feed_upload.html", intro=intro, values=values,
        errors=outcome.errors if outcome else {}, outcome=outcome, labels=_labels(lang),
        report=report, sources=_source_options(), names=_source_names(), deliveries=deliveries,
        may_write=forms.may("feeds"), max_size=_max_size(), max_bytes=current_app.config.get(
            "MAX_CONTENT_LENGTH") or 0, at_time=lambda v: at_time(v, lang),
        count=lambda n: _count(n, lang), report_hours=REPORT_HOURS, listed=MAX_LISTED)
    return html, status


# --- the problems of a refused extract, kept for the download --------------------------------


def _folder() -> Path:
    return Path(current_app.instance_path) / REPORT_FOLDER


def _purge(folder: Path) -> None:
    """Forget the problems of uploads refused more than REPORT_HOURS ago."""
    oldest = time.time() - REPORT_HOURS * 3600
    for path in folder.glob("*.json"):
        try:
            if path.stat().st_mtime < oldest:
                path.unlink()
        except OSError:
            continue  # removed by another worker meanwhile


def _position(detail: dict[str, Any]) -> int | None:
    if detail.get("column") is not None:
        return None
    found = _POSITION.search(str(detail.get("field", "")))
    return int(found.group(1)) if found else None


def _keep_report(exc: ExtractRejected, introduction_id: int, lang: str) -> Report:
    """Keep every problem of a refused extract for its download; return what the page shows."""
    problems = [[d.get("row"), d.get("column"), _position(d), str(d.get("message", ""))]
                for d in exc.report()]
    folder = _folder()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    _purge(folder)
    token = secrets.token_urlsafe(24)
    principal = current_principal()
    kept = {"user_id": principal.user_id, "user": principal.name,
            "introduction_id": introduction_id, "refused_at": utcnow().isoformat(),
            "total": exc.total_problems, "problems": problems}
    descriptor = os.open(folder / f"{token}.json", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        json.dump(kept, out, ensure_ascii=False)
    report = Report(token=token, total=exc.total_problems, kept=len(problems))
    report.rows = [_shown(problem, lang) for problem in problems[:MAX_LISTED]]
    return report


def _shown(problem: list[Any], lang: str) -> tuple[str, str, str, bool]:
    """(row, column, problem in the language, whether it is still in English) of one problem."""
    row, column, position, message = problem
    if column is not None:
        where = str(column)
    elif position is not None:
        where = t("feeds.problems.position", lang, n=position)
    else:
        where = t("feeds.problems.file", lang) if row is None else ""
    text, known = translate(message, lang)
    return ("" if row is None else str(row)), where, text, not known


def _kept_report(introduction_id: int, token: str) -> dict[str, Any]:
    """The kept problems of an upload this user made; 404 for anyone else or when forgotten."""
    if not _TOKEN.fullmatch(token):
        raise NotFound("No such list of problems.")
    path = _folder() / f"{token}.json"
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise NotFound("No such list of problems.") from None
    principal = current_principal()
    mine = kept.get("user_id") == principal.user_id and kept.get("user") == principal.name
    if not mine or kept.get("introduction_id") != introduction_id:
        raise NotFound("No such list of problems.")
    if path.stat().st_mtime < time.time() - REPORT_HOURS * 3600:
        raise NotFound("No such list of problems.")
    return dict(kept)


def download_problems(introduction_id: int, token: str) -> Any:
    """Every problem of a refused extract as CSV, through the project's guarded exporter."""
    require("feeds", "write")
    lang = current_language()
    try:
        kept = _kept_report(introduction_id, token)
    except NotFound:
        return render_template("web/error.html", text=t("feeds.problems.gone", lang,
                                                        hours=REPORT_HOURS)), 404
    headers = [t(f"feeds.problems.{key}", lang) for key in ("row", "column", "problem")]
    rows = ([row, where, text] for row, where, text, _ in
            (_shown(problem, lang) for problem in kept["problems"]))
    text = exports.to_csv(headers, rows, bom=True)
    name = "uttrekk-problemer.csv" if lang == "nb" else "extract-problems.csv"
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


# --- an accepted delivery --------------------------------------------------------------------


def show_delivery(introduction_id: int, delivery_id: int) -> Any:
    """The provenance of a delivery, with a link to the introduction's registry curves."""
    require("feeds", "read")
    lang = current_language()
    delivery = forms.read("get_feed", {"delivery_id": delivery_id})
    if delivery.introduction_id != introduction_id:
        raise NotFound(f"Delivery {delivery_id} is not one of introduction {introduction_id}'s.")
    intro = _introduction(introduction_id)
    warnings = [(w, *translate(w.message, lang)) for w in delivery.warnings]
    return forms.render_page(
        "web/feed_delivery.html", intro=intro, delivery=delivery, names=_source_names(),
        warnings=warnings, may_write=forms.may("feeds"), at_time=lambda v: at_time(v, lang),
        count=lambda n: _count(n, lang))


def _too_large(exc: RequestEntityTooLarge) -> tuple[str, int]:
    """A body over MAX_CONTENT_LENGTH is refused before it is read, in the user's language."""
    lang = current_language()
    return render_template("web/error.html", text=t("feeds.too_large", lang, size=_max_size())), 413


def register(bp: Blueprint) -> None:
    """Add the routes."""
    bp.add_url_rule("/innforinger/<int:introduction_id>/leveranser/ny",
                    view_func=upload_extract, endpoint="upload_extract",
                    methods=["GET", "POST"])
    bp.add_url_rule("/innforinger/<int:introduction_id>/leveranser/<int:delivery_id>",
                    view_func=show_delivery, endpoint="delivery")
    bp.add_url_rule("/innforinger/<int:introduction_id>/leveranser/problemer/<token>.csv",
                    view_func=download_problems, endpoint="extract_problems")
    bp.register_error_handler(RequestEntityTooLarge, _too_large)
