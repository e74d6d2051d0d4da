"""CSV and Excel exports of the national statistics of individual access, one table at a time.

An export is the statistics answer (`GET /api/v1/access-statistics`) as the same reader sees it,
written through the one safe exporter (`tracker.exports`): the CSV keeps the answer's keys and
codes (for scripts), the Excel sheet has headers and labels in the reader's language (Norwegian
by default) and the same numbers. A count hidden from a reader without small-count access is
null in the answer and so an empty cell in both.

The labels here (column headers, schemes, row types, ICD-10 chapters) are also the ones the
statistics page shows, so a table reads the same on the page and in the spreadsheet.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from tracker import exports
from tracker.analytics.access_stats import UNKNOWN
from tracker.individual.diagnosis import CHAPTER_TITLES

StatisticsTable = Literal["year_region", "diagnosis_group", "method", "scheme", "rates",
                          "per_population"]
TABLES: tuple[str, ...] = StatisticsTable.__args__  # type: ignore[attr-defined]
Lang = Literal["nb", "en"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The keys of each table, and the columns it has when the answer has no row to read them from.
KEYS: dict[str, tuple[str, ...]] = {
    "year_region": ("year", "region"), "diagnosis_group": ("diagnosis_group",),
    "method": ("method",), "scheme": ("scheme",), "rates": ("region",),
    "per_population": ("region",),
}
_COUNTS = ("granted", "refused", "total")
DEFAULT_VALUES: dict[str, tuple[str, ...]] = {
    "year_region": _COUNTS, "diagnosis_group": _COUNTS, "method": _COUNTS, "scheme": _COUNTS,
    "rates": (*_COUNTS, "decided", "rate", "ci_lower", "ci_upper"),
    "per_population": ("applications", "granted", "population", "population_year",
                       "applications_per", "granted_per"),
}
INTERNAL = frozenset({"level"})  # how many keys a row fixes: the suppression's, not a reader's

HEADERS: dict[str, tuple[str, str]] = {
    "row_type": ("Rad", "Row"),
    "year": ("År", "Year"),
    "region": ("Region", "Region"),
    "diagnosis_group": ("Diagnosegruppe (ICD-10-kapittel)", "Diagnosis group (ICD-10 chapter)"),
    "method": ("Metode (ID i Nye metoder)", "Method (Nye metoder ID)"),
    "scheme": ("Ordning", "Scheme"),
    "granted": ("Innvilget", "Granted"),
    "refused": ("Avslått", "Refused"),
    "no_consensus": ("Ikke konsensus", "No consensus"),
    "withdrawn": ("Trukket", "Withdrawn"),
    "total": ("Totalt", "Total"),
    "decided": ("Avgjort", "Decided"),
    "rate": ("Andel innvilget", "Grant rate"),
    "ci_lower": ("95 % KI, nedre", "95 % CI, lower"),
    "ci_upper": ("95 % KI, øvre", "95 % CI, upper"),
    "applications": ("Søknader", "Applications"),
    "applications_per": ("Søknader per 100 000 innbyggere", "Applications per 100,000"),
    "granted_per": ("Innvilget per 100 000 innbyggere", "Granted per 100,000"),
    "population": ("Innbyggere", "Inhabitants"),
    "population_year": ("Befolkning per 1. januar", "Population on 1 January"),
}
ROW_TYPES: dict[str, tuple[str, str]] = {
    "cell": ("Enkeltrad", "Row"), "subtotal": ("Delsum", "Subtotal"), "total": ("Totalt", "Total"),
}
SCHEMES: dict[str, tuple[str, str]] = {
    "individual_exception": ("Unntak for enkeltpasient", "Exception for one patient"),
    "group_exception": ("Gruppeunntak", "Group exception"),
    "access_scheme": ("Tilgangsordningen", "Tilgangsordningen (access scheme)"),
}
SHEETS: dict[str, tuple[str, str]] = {
    "year_region": ("År og region", "Year and region"),
    "diagnosis_group": ("Diagnosegruppe", "Diagnosis group"),
    "method": ("Metode", "Method"),
    "scheme": ("Ordning", "Scheme"),
    "rates": ("Andel innvilget", "Grant rates"),
    "per_population": ("Per 100 000 innbyggere", "Per 100,000"),
}
# The ICD-10 chapters' English titles (WHO); the Norwegian ones are in diagnosis.CHAPTER_TITLES.
CHAPTER_TITLES_EN: dict[str, str] = {
    "I": "Certain infectious and parasitic diseases",
    "II": "Neoplasms",
    "III": "Diseases of the blood and blood-forming organs and certain disorders involving "
           "the immune mechanism",
    "IV": "Endocrine, nutritional and metabolic diseases",
    "V": "Mental and behavioural disorders",
    "VI": "Diseases of the nervous system",
    "VII": "Diseases of the eye and adnexa",
    "VIII": "Diseases of the ear and mastoid process",
    "IX": "Diseases of the circulatory system",
    "X": "Diseases of the respiratory system",
    "XI": "Diseases of the digestive system",
    "XII": "Diseases of the skin and subcutaneous tissue",
    "XIII": "Diseases of the musculoskeletal system and connective tissue",
    "XIV": "Diseases of the genitourinary system",
    "XV": "Pregnancy, childbirth and the puerperium",
    "XVI": "Certain conditions originating in the perinatal period",
    "XVII": "Congenital malformations, deformations and chromosomal abnormalities",
    "XVIII": "Symptoms, signs and abnormal clinical and laboratory findings",
    "XIX": "Injury, poisoning and certain other consequences of external causes",
    "XX": "External causes of morbidity and mortality",
    "XXI": "Factors influencing health status and contact with health services",
    "XXII": "Codes for special purposes",
}
WIDTHS = {"diagnosis_group": 60, "method": 26, "scheme": 34, "region": 20}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def header(key: str, lang: str) -> str:
    """A column's header in the reader's language."""
    return _pick(HEADERS[key], lang)


def scheme_label(code: str, lang: str) -> str:
    """A scheme's name (Tilgangsordningen, ...)."""
    return _pick(SCHEMES[code], lang)


def row_type_label(code: str, lang: str) -> str:
    """What kind of row: one group, a subtotal or the total."""
    return _pick(ROW_TYPES[code], lang)


def chapter_label(chapter: str, lang: str) -> str:
    """An ICD-10 chapter with its title ("II Svulster"); unknown where it is not recorded."""
    if chapter == UNKNOWN:
        return "Unknown" if lang == "en" else "Ukjent"
    titles = CHAPTER_TITLES_EN if lang == "en" else CHAPTER_TITLES
    title = titles.get(chapter)
    return f"{chapter} {title}" if title else chapter


def columns(name: str, rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """The columns of one table: row type, its keys, then every value the answer gives."""
    keys = KEYS[name]
    if not rows:
        return ["row_type", *keys, *DEFAULT_VALUES[name]]
    seen: dict[str, None] = {}
    for row in rows:
        seen.update(dict.fromkeys(row))
    values = [k for k in seen if k not in keys and k != "row_type" and k not in INTERNAL]
    return ["row_type", *keys, *values]


def _label(key: str, value: Any, lang: str) -> Any:
    if value is None:
        return None
    if key == "row_type":
        return row_type_label(value, lang)
    if key == "scheme":
        return scheme_label(value, lang)
    if key == "diagnosis_group":
        return chapter_label(value, lang)
    return value


def to_csv(answer: Mapping[str, Any], name: str) -> str:
    """One table of the statistics answer as CSV: the answer's keys as headers, hidden counts
    empty; a byte-order mark so that Excel reads æ, ø and å."""
    rows = _rows(answer, name)
    cols = columns(name, rows)
    return exports.to_csv(cols, ([row.get(c) for c in cols] for row in rows), bom=True)


def to_xlsx(answer: Mapping[str, Any], name: str, lang: str = "nb") -> bytes:
    """One table of the statistics answer as an Excel sheet with headers and labels in the
    reader's language (Norwegian by default); hidden counts are empty cells."""
    rows = _rows(answer, name)
    cols = columns(name, rows)
    return exports.to_xlsx(
        [header(c, lang) for c in cols],
        ([_label(c, row.get(c), lang) for c in cols] for row in rows),
        sheet=_pick(SHEETS[name], lang), widths=[WIDTHS.get(c, 14) for c in cols],
    )


def _rows(answer: Mapping[str, Any], name: str) -> list[Mapping[str, Any]]:
    if name == "rates":
        return list(answer.get("rates") or [])
    if name == "per_population":
        return list(answer.get("per_population") or [])
    return list((answer.get("tables") or {}).get(name) or [])


def filename(name: str, extension: str, *, scheme: str | None, year_from: int | None,
             year_to: int | None) -> str:
    """The download's name, saying which selection it holds (tilgang-statistikk-method-2024.csv)."""
    parts = ["tilgang-statistikk", name.replace("_", "-")]
    if scheme:
        parts.append(scheme.replace("_", "-"))
    if year_from and year_to:
        parts.append(str(year_from) if year_from == year_to else f"{year_from}-{year_to}")
    elif year_from or year_to:
        parts.append(f"fra-{year_from}" if year_from else f"til-{year_to}")
    return "-".join(parts) + f".{extension}"
