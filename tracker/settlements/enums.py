"""Enumerations of settlements and credit notes."""

from enum import StrEnum


class LineKind(StrEnum):
    """A settlement line: the first classification of a patient, or a later correction."""

    original = "original"
    adjustment = "adjustment"  # refers to the original line; settled lines are never edited


class CreditNoteState(StrEnum):
    """Where a credit note ("kreditnota") stands."""

    draft = "draft"  # utkast
    issued = "issued"  # sendt leverandøren
    accepted = "accepted"  # godtatt
    disputed = "disputed"  # bestridt (with a reason)
    settled = "settled"  # oppgjort


TRANSITIONS: dict[CreditNoteState, tuple[CreditNoteState, ...]] = {
    CreditNoteState.draft: (CreditNoteState.issued,),
    CreditNoteState.issued: (CreditNoteState.accepted, CreditNoteState.disputed),
    CreditNoteState.disputed: (CreditNoteState.issued, CreditNoteState.accepted),
    CreditNoteState.accepted: (CreditNoteState.settled,),
    CreditNoteState.settled: (),
}
