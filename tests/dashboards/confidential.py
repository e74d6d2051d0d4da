"""The confidential figures of the demo agreements, as the strings that must never be shown."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from tracker.agreements.schemas import default_visibility
from tracker.seeding import SEEDS

PRICE_FIELDS = ("list_price_nok", "unit_price_nok", "discount_percent")


def number_forms(value: float) -> set[str]:
    """How a number may be written on a page: raw, Norwegian and English thousands."""
    whole = float(value).is_integer()
    forms = {repr(float(value)), f"{value:g}"}
    if whole:
        n = int(value)
        forms |= {str(n), f"{n:,}", f"{n:,}".replace(",", "\u00a0"), f"{n:,}".replace(",", " ")}
    return forms


def _walk(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for v in value.values():
            yield from _walk(v)
    elif isinstance(value, list):
        for v in value:
            yield from _walk(v)
    else:
        yield value


def _needles(value: Any) -> set[str]:
    """Distinctive strings of a value: long numbers and long texts (short ones match anything)."""
    found: set[str] = set()
    for leaf in _walk(value):
        if isinstance(leaf, bool):
            continue
        if isinstance(leaf, int | float) and abs(leaf) >= 1000:
            found |= number_forms(leaf)
        elif isinstance(leaf, str) and len(leaf) >= 20:
            found.add(leaf)
    return found


def confidential_needles() -> list[str]:
    """Every confidential price, discount and term of the demo agreements, and every cost per
    QALY computed with a confidential price, as search strings."""
    demo = json.loads((SEEDS / "demo" / "demo.json").read_text(encoding="utf-8"))
    needles: set[str] = set()
    for agreement in demo["agreements"]:
        marks = {**{k: str(v) for k, v in default_visibility().items()},
                 **agreement.get("visibility", {})}
        for name in PRICE_FIELDS:
            if marks.get(name) != "public" and agreement.get(name) is not None:
                needles |= _needles(agreement[name])
        for key, value in (agreement.get("terms") or {}).items():
            if marks.get(f"terms.{key}", marks.get("terms")) != "public":
                needles |= _needles(value)
    # A cost per QALY computed with the agreed price reveals it (introductions.enums.PriceBasis).
    for intro in demo["introductions"]:
        cost = (intro.get("assumptions") or {}).get("cost_per_qaly")
        if cost and cost.get("price_basis", "confidential_price") != "list_price":
            needles |= _needles({k: v for k, v in cost.items() if k != "price_basis"})
    # A public field may hold the same figure (a list price equal to a cap, say): not a leak.
    public: set[str] = set()
    for agreement in demo["agreements"]:
        marks = {**{k: str(v) for k, v in default_visibility().items()},
                 **agreement.get("visibility", {})}
        for name in PRICE_FIELDS:
            if marks.get(name) == "public" and agreement.get(name) is not None:
                public |= _needles(agreement[name])
    return sorted(needles - public)


def leaks(needles: list[str], text: str) -> list[str]:
    """The needles found in `text` as whole tokens.

    Not inside hashes, ids or timestamps, nor inside a run of comma-separated numbers (the
    coordinates of a drawn SVG path), where any 5-digit figure turns up by chance.
    """
    found = []
    for needle in needles:
        pattern = r"(?<![\w.,])" + re.escape(needle) + r"(?![\w,]|\.\d)"
        match = re.search(pattern, text)
        if match:
            found.append(f"{needle!r} in …{text[max(0, match.start() - 80):match.end() + 40]}…")
    return found
