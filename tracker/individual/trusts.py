"""The health trusts ("helseforetak") and their regional health authority, as a reference table.

The public trusts with patient treatment, and the private non-profit hospitals with an operating
agreement that apply for access on their own behalf. A case names trusts by these names; the
region a case counts under in the statistics is the region of its trust.
"""

from __future__ import annotations

from tracker.errors import InvalidInput, field_error

TRUST_REGIONS: dict[str, str] = {
    "Akershus universitetssykehus HF": "Helse Sør-Øst",
    "Oslo universitetssykehus HF": "Helse Sør-Øst",
    "Sunnaas sykehus HF": "Helse Sør-Øst",
    "Sykehuset Innlandet HF": "Helse Sør-Øst",
    "Sykehuset Østfold HF": "Helse Sør-Øst",
    "Sykehuset Telemark HF": "Helse Sør-Øst",
    "Sykehuset i Vestfold HF": "Helse Sør-Øst",
    "Sørlandet sykehus HF": "Helse Sør-Øst",
    "Vestre Viken HF": "Helse Sør-Øst",
    "Lovisenberg diakonale sykehus": "Helse Sør-Øst",
    "Diakonhjemmet sykehus": "Helse Sør-Øst",
    "Helse Bergen HF": "Helse Vest",
    "Helse Fonna HF": "Helse Vest",
    "Helse Førde HF": "Helse Vest",
    "Helse Stavanger HF": "Helse Vest",
    "Haraldsplass diakonale sykehus": "Helse Vest",
    "Helse Møre og Romsdal HF": "Helse Midt-Norge",
    "Helse Nord-Trøndelag HF": "Helse Midt-Norge",
    "St. Olavs hospital HF": "Helse Midt-Norge",
    "Finnmarkssykehuset HF": "Helse Nord",
    "Helgelandssykehuset HF": "Helse Nord",
    "Nordlandssykehuset HF": "Helse Nord",
    "Universitetssykehuset Nord-Norge HF": "Helse Nord",
}
_BY_LOWER = {name.lower(): name for name in TRUST_REGIONS}


def canonical(name: str, *, field: str) -> str:
    """Return the trust's name as listed (any letter case), or refuse it saying what is known."""
    found = _BY_LOWER.get(" ".join(name.split()).lower())
    if found is None:
        raise InvalidInput(
            f"{name!r} is not a health trust the tracker knows.",
            [field_error(field, "write the trust's name as listed, e.g. 'Helse Bergen HF'; "
                                "GET /api/v1/health-trusts lists them")],
        )
    return found


def region_of(trust: str) -> str:
    """Return the regional health authority of a listed trust."""
    return TRUST_REGIONS[trust]
