"""Open data: each public list as CSV and JSON, with a stable documented shape (`/offentlig/data`).

Every dataset is one `Dataset` entry: its name (the file name of the download), its title and
description in Norwegian and English, the row it is a list of (`tracker.public.schemas`) and the
service call that reads it. The columns, their order, their types and their documentation all
follow from the row, so adding a dataset is adding an entry.

The JSON object is the same in any language and at any time for the same data: its texts carry
both languages, and it has no "generated at" stamp, so a download can be compared byte for byte
with an earlier one, and an ETag of the data version stands for exactly one body. The CSV is
UTF-8 without a byte-order mark, comma-separated with a header row of the field names; an empty
cell is a null, dates are ISO 8601, times are UTC, and a text a spreadsheet would run as a formula
starts with an apostrophe (`tracker.exports`).
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from flask import Blueprint, Response, render_template, request
from pydantic import BaseModel
from sqlmodel import Session

from tracker import exports
from tracker.db import get_session
from tracker.errors import NotFound
from tracker.public import opendata_text as text
from tracker.public import schemas as s
from tracker.public import service
from tracker.public.views import PREFIX, kept
from tracker.web import lang as web_lang
from tracker.web.text import add

Pair = tuple[str, str]  # (Norwegian, English)
FORMATS = ("csv", "json")


@dataclass(frozen=True)
class Extract:
    """What a dataset's service call gives: the rows, and what the JSON adds about them."""

    rows: Sequence[BaseModel]
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Dataset:
    """One open dataset: a list of `row`, read by `read`."""

    name: str
    title: Pair
    description: Pair
    row: type[BaseModel]
    read: Callable[[Session], Extract]


def _listed(call: Callable[..., Sequence[BaseModel]]) -> Callable[[Session], Extract]:
    return lambda session: Extract(call(session=session))


def _committee(session: Session) -> Extract:
    published = service.committee_decisions(session=session)
    return Extract(published.rows, {"level": published.level})


def _statistics(session: Session) -> Extract:
    return Extract(service.statistics_rows(service.access_statistics(session=session)))


DATASETS: tuple[Dataset, ...] = (
    Dataset("introduksjoner", ("Midlertidige innføringer", "Temporary introductions"), (
        "Hver midlertidige innføring: metode, indikasjon, beslutningsdato, revurderingsdato og "
        "utfallet av siste revurdering.",
        "Every temporary introduction: method, indication, decision date, review date and the "
        "outcome of the latest reassessment."), s.IntroductionRow, _listed(service.introductions)),
    Dataset("revurderingsdatoer", ("Revurderingsdatoer og endringene av dem",
                                   "Review dates and their changes"), (
        "Hver revurderingsdato slik den ble satt ved beslutningen og hver senere endring, med "
        "gammel og ny dato og begrunnelsen.",
        "Every review date as set with the decision and every later change, with the old and "
        "the new date and the reason."), s.ReviewDateChangeRow,
        _listed(service.review_date_changes)),
    Dataset("endepunkter", ("Utfallsmål", "Outcome measures"), (
        "Utfallsmålene som ble fastsatt ved innføringen, med datakilde og når dataene ventes.",
        "The outcome measures fixed at introduction, with their data source and when the data "
        "are expected."), s.OutcomeMeasureRow, _listed(service.outcome_measures)),
    Dataset("milepaeler", ("Milepæler i datainnsamlingen", "Data-collection milestones"), (
        "Datainnsamlingsplanens milepæler, og om en mottatt leveranse dekker hver av dem.",
        "The milestones of the data-collection plan, and whether a delivery received covers "
        "each."), s.MilestoneRow, _listed(service.milestones)),
    Dataset("leveranser", ("Mottatte registerleveranser", "Registry deliveries received"), (
        "Registeruttrekkene som er mottatt: kilde, datakutt og mottaksdato, aldri dataene selv.",
        "The registry extracts received: source, data cut and date of receipt, never the data "
        "themselves."), s.DeliveryRow, _listed(service.deliveries)),
    Dataset("revurderinger", ("Revurderinger og utfall", "Reassessments and outcomes"), (
        "Revurderingene av de midlertidige innføringene, hvor de står og hva Beslutningsforum "
        "besluttet.",
        "The reassessments of the temporary introductions, where they stand and what "
        "Beslutningsforum decided."), s.ReassessmentRow, _listed(service.reassessments)),
    Dataset("analyseplaner", ("Analyseplaner, alle versjoner", "Analysis plans, every version"), (
        "Hver registrerte versjon av analyseplanene, ordrett, med SHA-256 og tidspunktet den "
        "ble fryst, og om den kom før de første dataene.",
        "Every registered version of the analysis plans, verbatim, with its SHA-256 and the "
        "time it was frozen, and whether it came before the first data."), s.AnalysisPlanRow,
        _listed(service.analysis_plans)),
    Dataset("avtaler", ("Prisavtalenes struktur", "Structure of the price agreements"), (
        "Prisavtalenes type, OECD-kategori og -nivå, periode og status. Priser, rabatter, "
        "andeler og beløp er fortrolige og står ikke her.",
        "The price agreements' type, OECD category and level, period and status. Prices, "
        "discounts, shares and amounts are confidential and are not here."), s.AgreementRow,
        _listed(service.agreements)),
    Dataset("gruppeunntak", ("Gruppeunntak", "Group exceptions"), (
        "Avgjorte gruppeunntak, publisert som gjeldende, tidligere eller avslått, med "
        "begrunnelse.",
        "Decided group exceptions, published as current, previous or refused, with the "
        "reason."), s.GroupExceptionRow, _listed(service.group_exceptions)),
    Dataset("tilgangsstatistikk", ("Statistikk over individuell tilgang",
                                   "Individual-access statistics"), (
        "Avgjorte søknader om individuell tilgang (unntak og Tilgangsordningen) etter år og "
        "region, diagnosegruppe, metode og ordning, én rad per celle, delsum og total. Tall "
        "under 5, og tall som ville avslørt dem, er tomme.",
        "Decided applications for individual access (exceptions and Tilgangsordningen) by year "
        "and region, diagnosis group, method and scheme, one row per cell, subtotal and total. "
        "Counts under 5, and counts that would reveal them, are empty."), s.StatisticsRow,
        _statistics),
    Dataset("komitevedtak", ("Vurderingskomitéens vedtak, anonymisert",
                             "The assessment committee's decisions, anonymised"), (
        "Vurderingskomitéens avgjørelser i Tilgangsordningen: metode, diagnosegruppe, utfall, "
        "vilkår og dager til avgjørelse, uten kjønn, fødselsår, helseforetak eller datoer. "
        "Listen vises så detaljert som mulig uten å avsløre tall under 5; nivået står i «level».",
        "The assessment committee's decisions in Tilgangsordningen: method, diagnosis group, "
        "outcome, grounds and days to decision, without sex, birth year, trust or dates. The "
        "list is as detailed as it can be without revealing a count under 5; the level is in "
        "“level”."), s.CommitteeDecisionRow, _committee),
)
BY_NAME = {d.name: d for d in DATASETS}


def get(name: str) -> Dataset:
    """Return the dataset of this name."""
    found = BY_NAME.get(name)
    if found is None:
        raise NotFound(f"No open dataset {name!r}; the datasets are: "
                       f"{', '.join(BY_NAME)} (as .csv or .json), described at {PREFIX}/data.")
    return found


# --- the shape ----------------------------------------------------------------------------------

_TYPES: dict[Any, str] = {int: "integer", str: "string", bool: "boolean", date: "date",
                          datetime: "datetime"}


def _type(annotation: Any) -> tuple[str, bool]:
    """The field's JSON type name and whether it may be empty."""
    args = typing.get_args(annotation)
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        present = [a for a in args if a is not type(None)]
        return _TYPES[present[0]], len(present) < len(args)
    return _TYPES[annotation], False


def fields(dataset: Dataset) -> list[dict[str, Any]]:
    """The documented columns of a dataset, in the row's order."""
    out = []
    for name, info in dataset.row.model_fields.items():
        kind, nullable = _type(info.annotation)
        nb, en = text.field_text(dataset.name, name, dataset.row)
        codes = text.values(dataset.name, name)
        out.append({
            "name": name, "type": kind, "nullable": nullable,
            "description": {"nb": nb, "en": en},
            "values": None if codes is None else [{"code": code, "nb": pair[0], "en": pair[1]}
                                                  for code, pair in codes.items()],
        })
    return out


def utc(value: datetime) -> datetime:
    """A stored time (UTC, naive or not by backend) as an aware time in UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _value(value: Any) -> Any:
    """A value as both formats write it: dates ISO, times ISO in UTC."""
    if isinstance(value, datetime):
        return utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _items(dataset: Dataset, rows: Sequence[BaseModel]) -> list[dict[str, Any]]:
    names = list(dataset.row.model_fields)
    return [{name: _value(getattr(row, name)) for name in names} for row in rows]


def base_url() -> str:
    """The site's address for absolute links: the configured public address, else the host the
    request came to."""
    from tracker import get_settings

    return (get_settings().public_base_url or request.url_root).rstrip("/")


def to_json(dataset: Dataset, extract: Extract) -> dict[str, Any]:
    """The dataset as the documented JSON object."""
    return {
        "dataset": dataset.name,
        "title": {"nb": dataset.title[0], "en": dataset.title[1]},
        "description": {"nb": dataset.description[0], "en": dataset.description[1]},
        "licence": service.LICENCE,
        "licence_url": service.LICENCE_URL,
        "source": f"{base_url()}{PREFIX}/data#{dataset.name}",
        **extract.extra,
        "fields": fields(dataset),
        "items": _items(dataset, extract.rows),
    }


def to_csv(dataset: Dataset, extract: Extract) -> str:
    """The dataset as CSV: the field names, then one line per row."""
    names = list(dataset.row.model_fields)
    return exports.to_csv(names, ([item[n] for n in names]
                                  for item in _items(dataset, extract.rows)))


# --- the routes ---------------------------------------------------------------------------------

@kept
def _answer(name: str, fmt: str) -> Response:
    dataset = get(name)
    extract = dataset.read(get_session())
    if fmt == "csv":
        return Response(to_csv(dataset, extract), mimetype="text/csv")
    body = json.dumps(to_json(dataset, extract), ensure_ascii=False, indent=1)
    return Response(body + "\n", mimetype="application/json")


def download(name: str, fmt: str) -> Response:
    """One dataset as CSV or JSON."""
    response = _answer(name=name, fmt=fmt)
    if fmt == "csv":
        # Set on every answer: the answer store keeps the body and its type, not the headers.
        response.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


add({
    "opendata.title": ("Åpne data", "Open data"),
    "opendata.lead": (
        "Alt det offentlige innsynet viser, kan lastes ned som tabeller i CSV og JSON. "
        "Adressene og kolonnene er faste; nye kolonner kommer til slutt.",
        "Everything the public section shows can be downloaded as tables in CSV and JSON. The "
        "addresses and the columns are fixed; new columns are added at the end."),
    "opendata.licence": ("Dataene kan brukes fritt under lisensen",
                         "The data may be used freely under the licence"),
    "opendata.licence.credit": ("Oppgi kilden når du bruker dem.",
                                "Name the source when you use them."),
    "opendata.feed": ("Nyheter som Atom-feed (nye beslutninger, endrede revurderingsdatoer og "
                      "avgjorte revurderinger):",
                      "News as an Atom feed (new decisions, changed review dates and decided "
                      "reassessments):"),
    "opendata.formats": ("Formatene", "The formats"),
    "opendata.csv": (
        "CSV: UTF-8 uten BOM, komma som skilletegn, første linje er feltnavnene. Tom celle "
        "betyr ingen verdi. Datoer skrives ÅÅÅÅ-MM-DD og tidspunkter i ISO 8601 i UTC. En "
        "tekst som et regneark ville lest som en formel (begynner med =, +, - eller @), får "
        "en apostrof foran.",
        "CSV: UTF-8 without BOM, comma-separated, the first line holds the field names. An "
        "empty cell means no value. Dates are written YYYY-MM-DD and times in ISO 8601 in UTC. "
        "A text a spreadsheet would read as a formula (starting with =, +, - or @) gets an "
        "apostrophe in front."),
    "opendata.json": (
        "JSON: ett objekt med «dataset», «title» og «description» (på norsk «nb» og engelsk "
        "«en»), «licence», «licence_url», «source», «fields» (navn, type, om feltet kan være "
        "tomt, beskrivelse og eventuelle koder) og «items», én oppføring per rad med de samme "
        "feltene som CSV-filen; tom verdi er null. Samme data gir alltid samme fil.",
        "JSON: one object with “dataset”, “title” and “description” (in Norwegian “nb” and "
        "English “en”), “licence”, “licence_url”, “source”, “fields” (name, type, whether it "
        "may be empty, description and any codes) and “items”, one entry per row with the same "
        "fields as the CSV file; an empty value is null. The same data always give the same "
        "file."),
    "opendata.contents": ("Tabellene", "The tables"),
    "opendata.download": ("Last ned", "Download"),
    "opendata.download.label": ("Last ned «{title}» som {format}",
                                "Download “{title}” as {format}"),
    "opendata.rows": ("{count} rader nå.", "{count} rows now."),
    "opendata.fields": ("Feltene i «{title}»", "The fields of “{title}”"),
    "opendata.field": ("Felt", "Field"),
    "opendata.type": ("Type", "Type"),
    "opendata.description": ("Beskrivelse", "Description"),
    "opendata.nullable": ("kan være tom", "may be empty"),
    "opendata.codes": ("Koder:", "Codes:"),
    "opendata.level": ("Listen vises nå på nivået: {level}.",
                       "The list is shown at the level: {level}."),
    "opendata.back": ("Til forsiden for offentlig innsyn", "To the public section's start page"),
})


@kept
def documentation() -> str:
    """The page that describes every dataset, its fields and the feed."""
    en = web_lang.current_language() == "en"
    pick = 1 if en else 0
    session = get_session()
    shown = []
    for dataset in DATASETS:
        extract = dataset.read(session)
        columns = []
        for column in fields(dataset):
            columns.append({
                **column, "type_text": text.TYPES[column["type"]][pick],
                "text": column["description"]["en" if en else "nb"],
                "codes": [(v["code"], v["en" if en else "nb"]) for v in column["values"] or []],
            })
        level = extract.extra.get("level")
        shown.append({
            "name": dataset.name, "title": dataset.title[pick], "rows": len(extract.rows),
            "description": dataset.description[pick], "columns": columns,
            "level": text.LEVELS[level][pick] if level else None,
        })
    query = "?lang=en" if en else ""
    return render_template(
        "public/data.html", datasets=shown, licence=service.LICENCE,
        licence_url=service.LICENCE_URL, feed_href=f"{PREFIX}/nyheter.atom{query}",
        feed_url=f"{base_url()}{PREFIX}/nyheter.atom{query}", home_href=f"{PREFIX}/{query}")


def register(bp: Blueprint) -> None:
    """Add the documentation page and the downloads to the public blueprint."""
    bp.add_url_rule("/data", "data", documentation)
    bp.add_url_rule(f"/data/<name>.<any({', '.join(FORMATS)}):fmt>", "dataset", download)
