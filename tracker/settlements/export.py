"""The patient lines of a settlement as CSV and Excel, for Sykehusinnkjøp's spreadsheets.

Written through the one safe exporter (`tracker.exports`): no stored text can become a live
formula. The CSV keeps the API's keys and codes (for systems); the Excel sheet has Norwegian
headers and words (for people). `LABELS` is also where the pages take their Norwegian and
English words for classes, reasons, events and line kinds, so a sheet and a page never name
the same thing differently.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from tracker import exports

LABELS: dict[str, tuple[str, str]] = {
    "class.responder": ("responder", "responder"),
    "class.non_responder": ("ikke-responder", "non-responder"),
    "class.pending": ("avventer", "pending"),
    "class.excluded": ("ekskludert", "excluded"),
    "reason.window_open": ("vinduet er ikke over", "the window is not over"),
    "reason.followup_ends_in_window": ("oppfølgingen slutter i vinduet",
                                       "follow-up ends inside the window"),
    "reason.started_before_agreement": ("startet før avtalen", "started before the agreement"),
    "reason.outside_subgroup": ("utenfor undergruppen", "outside the subgroup"),
    "event.progression": ("progresjon", "progression"),
    "event.death": ("død", "death"),
    "event.stop_progression": ("stopp på grunn av progresjon", "stop for progression"),
    "event.stop_toxicity": ("stopp på grunn av toksisitet", "stop for toxicity"),
    "kind.original": ("opprinnelig", "original"),
    "kind.adjustment": ("korreksjon", "adjustment"),
}


def label(group: str, code: str | None, lang: str = "nb") -> str:
    """The word for a code (`label("class", "pending")` is "avventer"); empty for no code."""
    if not code:
        return ""
    nb, en = LABELS.get(f"{group}.{code}", (code, code))
    return en if lang == "en" else nb


# (key in the CSV, header in the Excel sheet, label group for the sheet's words or None)
COLUMNS: list[tuple[str, str, str | None]] = [
    ("id", "Linje nr.", None),
    ("kind", "Linjetype", "kind"),
    ("adjusts_line_id", "Korrigerer linje nr.", None),
    ("patient_id", "Pseudonym", None),
    ("health_trust", "Helseforetak", None),
    ("treatment_start", "Behandlingsstart", None),
    ("window_end", "Vinduet slutter", None),
    ("patient_class", "Klasse", "class"),
    ("reason", "Årsak", "reason"),
    ("event", "Hendelse", "event"),
    ("event_date", "Hendelsesdato", None),
    ("amount_nok", "Beløp (NOK)", None),
    ("delivery_id", "Leveranse nr.", None),
]
WIDTHS = (10, 13, 12, 16, 34, 16, 15, 15, 30, 22, 14, 14, 12)


def _value(line: Any, key: str) -> Any:
    return line[key] if isinstance(line, dict) else getattr(line, key)


def to_csv(lines: Iterable[Any]) -> str:
    """Return the lines as CSV (the API's keys and codes, ISO dates, a byte-order mark so that
    Excel reads æ, ø and å)."""
    rows = ([_value(line, key) for key, _, _ in COLUMNS] for line in lines)
    return exports.to_csv([key for key, _, _ in COLUMNS], rows, bom=True)


def to_xlsx(lines: Iterable[Any], *, sheet: str = "Oppgjør") -> bytes:
    """Return the lines as an Excel sheet with Norwegian headers and words, real dates."""

    def row(line: Any) -> Sequence[Any]:
        return [label(group, _value(line, key)) if group else _value(line, key)
                for key, _, group in COLUMNS]

    return exports.to_xlsx([header for _, header, _ in COLUMNS], (row(x) for x in lines),
                           sheet=sheet, widths=WIDTHS)
