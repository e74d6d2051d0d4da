"""API shapes of flags, notifications and notification preferences."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from tracker.crud import VERSION_HELP
from tracker.flags import visibility
from tracker.flags.enums import (
    KIND_LABELS,
    FlagKind,
    NotificationChannel,
    NotificationMode,
    SubjectType,
)
from tracker.flags.models import Flag, Notification, NotificationPreference


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AcknowledgeIn(_In):
    reason: str = Field(min_length=1, description="Why it is seen and what is being done.")
    version: int = Field(ge=1, description=VERSION_HELP)


class SnoozeIn(_In):
    until: date = Field(description="Hidden from the default list until (not including) this day.")
    reason: str = Field(min_length=1)
    as_of: date | None = Field(default=None, description="Today (defaults to the server's date).")
    version: int = Field(ge=1, description=VERSION_HELP)


class SweepIn(_In):
    as_of: date | None = Field(default=None, description="Sweep as of this date (default today).")


class SweepResult(BaseModel):
    as_of: date
    opened: list[int]
    closed: list[int]
    refreshed: list[int]
    open_total: int
    notifications_queued: int
    emails_sent: int
    emails_failed: int


class FlagRead(BaseModel):
    id: int
    kind: FlagKind
    kind_label: str = Field(description="The kind in Norwegian.")
    subject_type: SubjectType
    subject_id: int
    introduction_id: int | None
    link: str = Field(description="API path of the flag's subject.")
    introduction_link: str | None
    message: str = Field(description="Why the flag is raised, in Norwegian.")
    message_en: str | None = Field(
        description="The same in English (null for a flag not rewritten since it was raised "
                    "before the English wording existed; the next sweep writes it).")
    facts: dict[str, Any] = Field(description="The dates and numbers behind the flag.")
    details_withheld: bool = Field(
        description="True if the message, the facts drawn from a confidential price agreement "
        "and the reasons given when acknowledging or snoozing are left out for this reader's role."
    )
    due_date: date | None
    is_open: bool
    opened_on: date
    opened_at: datetime
    closed_on: date | None
    closed_at: datetime | None
    close_reason: str | None
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    acknowledged_reason: str | None
    snoozed_until: date | None
    snoozed_by: str | None
    snoozed_reason: str | None
    notified_at: datetime | None
    version: int = Field(description="Changes when the flag is acknowledged, snoozed, refreshed "
                                     "or closed; send it back to acknowledge or snooze.")


def flag_read(flag: Flag, *, confidential: bool) -> FlagRead:
    """Return the API shape of a flag, as a reader with or without confidential access sees it."""
    intro_link = (f"/api/v1/introductions/{flag.introduction_id}"
                  if flag.introduction_id is not None else None)
    withheld = visibility.withheld(flag.kind, confidential=confidential)
    return FlagRead.model_validate({
        **flag.model_dump(),
        **({"acknowledged_reason": None, "snoozed_reason": None} if withheld else {}),
        "message": visibility.message(flag.kind, flag.message, confidential=confidential),
        "message_en": visibility.message(flag.kind, flag.message_en, confidential=confidential,
                                         lang="en"),
        "facts": visibility.facts(flag.kind, flag.facts, confidential=confidential),
        "details_withheld": withheld,
        "kind_label": KIND_LABELS.get(flag.kind, flag.kind),
        "introduction_link": intro_link,
        "is_open": flag.closed_at is None,
    })


class FlagBrief(BaseModel):
    id: int
    kind: FlagKind
    kind_label: str
    message: str
    message_en: str | None
    link: str
    due_date: date | None
    is_open: bool


class NotificationRead(BaseModel):
    id: int
    recipient: str
    channel: NotificationChannel
    created_on: date
    created_at: datetime
    sent_at: datetime | None
    read_at: datetime | None
    attempts: int
    flag: FlagBrief


def notification_read(note: Notification, flag: Flag, *, confidential: bool) -> NotificationRead:
    """Return the API shape of a notification with a summary of its flag."""
    return NotificationRead.model_validate({
        **note.model_dump(exclude={"flag_id", "last_error"}),
        "flag": {"id": flag.id, "kind": flag.kind,
                 "kind_label": KIND_LABELS.get(flag.kind, flag.kind),
                 "message": visibility.message(flag.kind, flag.message, confidential=confidential),
                 "message_en": visibility.message(flag.kind, flag.message_en,
                                                  confidential=confidential, lang="en"),
                 "link": flag.link, "due_date": flag.due_date,
                 "is_open": flag.closed_at is None},
    })


class PreferenceIn(_In):
    mode: NotificationMode


class PreferenceRead(BaseModel):
    recipient: str
    mode: NotificationMode
    last_digest_on: date | None


def preference_read(pref: NotificationPreference) -> PreferenceRead:
    return PreferenceRead(recipient=pref.recipient, mode=NotificationMode(pref.mode),
                          last_digest_on=pref.last_digest_on)

