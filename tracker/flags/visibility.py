"""What a flag may show to a reader who may not see confidential agreement terms.

Flags about price agreements and their renegotiation are worded from the agreement's terms:
tier thresholds, the patient count that reached them, negotiation dates. Readers without the
right to confidential prices (tracker.access.CONFIDENTIAL_READERS) see that such a flag exists,
its kind, subject and due date, but not its wording or the numbers behind it: in the API, in
notifications and e-mails, in the audit trail and on the dashboards alike.

Patient-volume tier flags are not shown to them at all: the day a tier was reached (the flag's
due date, or the day it opened), together with the registry's patient counts that clinicians
may see, would give the tier's threshold away.
"""

from __future__ import annotations

from typing import Any, TypeVar

from tracker.flags.enums import KIND_LABELS, KIND_LABELS_EN, FlagKind

Text = TypeVar("Text", str, str | None)

CONFIDENTIAL_KINDS = frozenset({
    FlagKind.agreement_expiring, FlagKind.volume_threshold, FlagKind.renegotiation_due,
    FlagKind.settlement_due, FlagKind.cap_approaching, FlagKind.cap_exceeded,
    FlagKind.pending_overdue,
})
# Kinds of individual access, and the roles that see them.
ACCESS_KINDS = frozenset({
    FlagKind.committee_papers_due, FlagKind.access_check_waiting, FlagKind.access_no_meeting,
    FlagKind.subgroup_assessment_suggested,
})
ACCESS_FLAG_READERS = frozenset({"coordinator", "secretariat", "admin"})
# Kinds left out entirely for readers without confidential access.
HIDDEN_KINDS = frozenset({FlagKind.volume_threshold, FlagKind.cap_approaching,
                          FlagKind.cap_exceeded})
# Facts of those flags that say nothing about the terms.
OPEN_FACTS = frozenset({"method", "agreement_type", "checked_on", "case_state"})
# Fields of a flag left out for such readers (the reasons are typed by those who may see).
WITHHELD_FIELDS = frozenset({"message", "message_en", "facts", "acknowledged_reason",
                             "snoozed_reason"})
# ... and in addition for a hidden kind, the dates that tell when a tier was reached.
HIDDEN_DATES = frozenset({"due_date", "opened_on", "opened_at"})
WITHHELD_NOTE = "Detaljene er konfidensielle (prisavtale); de vises for roller med tilgang."
WITHHELD_NOTE_EN = ("The details are confidential (price agreement); they are shown to roles "
                    "with access.")


def withheld(kind: str, *, confidential: bool) -> bool:
    """Tell whether a flag of this kind is shown without its wording and numbers."""
    return not confidential and kind in CONFIDENTIAL_KINDS


def message(kind: str, text: Text, *, confidential: bool, lang: str = "nb") -> str | Text:
    """The flag's message in `lang` (`message_en` is None for a flag not swept since it had
    one), or its kind's label and a note when the reader may not see it."""
    if withheld(kind, confidential=confidential):
        if lang == "en":
            return f"{KIND_LABELS_EN.get(kind, kind)}. {WITHHELD_NOTE_EN}"
        return f"{KIND_LABELS.get(kind, kind)}. {WITHHELD_NOTE}"
    return text


def facts(kind: str, values: dict[str, Any] | None, *, confidential: bool) -> dict[str, Any]:
    """The flag's facts, without those drawn from confidential terms when the reader may not."""
    values = dict(values or {})
    if withheld(kind, confidential=confidential):
        return {k: v for k, v in values.items() if k in OPEN_FACTS}
    return values



def hidden_kinds(*, confidential: bool, role: str | None = "admin") -> frozenset[str]:
    """The flag kinds this reader may not see at all.

    Flags on individual-access cases and the committee's meetings are the coordinator's and the
    secretariat's work list; other roles (a clinician of another trust among them) do not see
    them.
    """
    hidden = set() if confidential else {str(kind) for kind in HIDDEN_KINDS}
    if role not in ACCESS_FLAG_READERS:
        hidden |= {str(kind) for kind in ACCESS_KINDS}
    return frozenset(hidden)
