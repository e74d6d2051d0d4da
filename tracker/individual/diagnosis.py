"""ICD-10 codes grouped by chapter: the diagnosis group the statistics count by."""

from __future__ import annotations

import re

# (first code, last code, chapter number, Norwegian title) of the ICD-10 chapters.
CHAPTERS: tuple[tuple[str, str, str, str], ...] = (
    ("A00", "B99", "I", "Visse infeksjonssykdommer og parasittsykdommer"),
    ("C00", "D48", "II", "Svulster"),
    ("D50", "D89", "III", "Sykdommer i blod og bloddannende organer og visse immunforstyrrelser"),
    ("E00", "E90", "IV", "Endokrine sykdommer, ernæringssykdommer og metabolske forstyrrelser"),
    ("F00", "F99", "V", "Psykiske lidelser og atferdsforstyrrelser"),
    ("G00", "G99", "VI", "Sykdommer i nervesystemet"),
    ("H00", "H59", "VII", "Sykdommer i øyet og øyets omgivelser"),
    ("H60", "H95", "VIII", "Sykdommer i øre og ørebensknute"),
    ("I00", "I99", "IX", "Sykdommer i sirkulasjonssystemet"),
    ("J00", "J99", "X", "Sykdommer i åndedrettssystemet"),
    ("K00", "K93", "XI", "Sykdommer i fordøyelsessystemet"),
    ("L00", "L99", "XII", "Sykdommer i hud og underhud"),
    ("M00", "M99", "XIII", "Sykdommer i muskel-skjelettsystemet og bindevev"),
    ("N00", "N99", "XIV", "Sykdommer i urin- og kjønnsorganer"),
    ("O00", "O99", "XV", "Svangerskap, fødsel og barseltid"),
    ("P00", "P96", "XVI", "Visse tilstander med opprinnelse i perinatalperioden"),
    ("Q00", "Q99", "XVII", "Medfødte misdannelser, deformiteter og kromosomavvik"),
    ("R00", "R99", "XVIII", "Symptomer, tegn, unormale kliniske funn og laboratoriefunn"),
    ("S00", "T98", "XIX", "Skader, forgiftninger og visse andre konsekvenser av ytre årsaker"),
    ("V01", "Y98", "XX", "Ytre årsaker til sykdom og død"),
    ("Z00", "Z99", "XXI",
     "Faktorer som har betydning for helsetilstand og kontakt med helsetjenesten"),
    ("U00", "U99", "XXII", "Koder for spesielle formål"),
)
CODE = re.compile(r"^[A-Z][0-9]{2}(\.?[0-9A-Z]{1,4})?$")


def normalise(code: str) -> str:
    """Return an ICD-10 code in upper case with a dot after three characters (C341 -> C34.1)."""
    code = code.strip().upper()
    if not CODE.match(code):
        raise ValueError(
            f"'{code}' is not an ICD-10 code; write a letter and two digits, optionally a "
            "subdivision, e.g. C34 or C34.1."
        )
    code = code.replace(".", "")
    return code if len(code) == 3 else f"{code[:3]}.{code[3:]}"


def chapter(code: str) -> str:
    """Return the chapter (e.g. 'II') of an ICD-10 code; the group the statistics count by."""
    head = normalise(code)[:3]
    for first, last, number, _title in CHAPTERS:
        if first <= head <= last:
            return number
    raise ValueError(f"'{code}' is in no ICD-10 chapter.")


CHAPTER_TITLES = {number: title for _first, _last, number, title in CHAPTERS}
