"""Services of notifications: who is told about which flag, by e-mail now or in a daily digest.

Recipients are the `responsible_emails` of the flag's introduction. Sending is at-least-once:
a notification is claimed (its row locked by the UPDATE) while the e-mail is sent, and committed
after; an SMTP failure rolls the claim back, records the error and the next sweep tries again.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from tracker.access import CONFIDENTIAL_READERS
from tracker.crud import get_or_404, paginate
from tracker.flags import mail, visibility
from tracker.flags.enums import NotificationChannel, NotificationMode
from tracker.flags.models import OPEN, Flag, Notification, NotificationPreference
from tracker.introductions.models import TemporaryIntroduction
from tracker.settings import Settings
from tracker.timeutil import utcnow
from tracker.users.models import User

log = logging.getLogger(__name__)


def normalise(address: str) -> str:
    """Return the form of an address used as a key (trimmed, lower case)."""
    return address.strip().lower()


def recipients_for(*, session: Session, introduction_id: int | None) -> list[str]:
    """Return the people responsible for an introduction (none for a flag without one)."""
    if introduction_id is None:
        return []
    intro = session.get(TemporaryIntroduction, introduction_id)
    if intro is None:
        return []
    return sorted({normalise(a) for a in intro.responsible_emails if a.strip()})


def reads_confidential(session: Session, address: str) -> bool:
    """Whether an address belongs to an active account whose role may read confidential terms.

    Notifications go to an introduction's responsible people by e-mail address; an address
    without such an account gets flags about price agreements without their details.
    """
    roles = session.exec(
        select(User.role).where(sa.func.lower(User.email) == normalise(address),
                                col(User.active).is_(True))
    ).all()
    return any(role in CONFIDENTIAL_READERS for role in roles)


def _modes(session: Session, recipients: list[str]) -> dict[str, str]:
    if not recipients:
        return {}
    rows = session.exec(
        select(NotificationPreference).where(col(NotificationPreference.recipient).in_(recipients))
    ).all()
    return {row.recipient: row.mode for row in rows}


def queue(*, session: Session, as_of: date) -> list[Notification]:
    """Queue a notification per recipient for each open, unsnoozed flag not yet notified."""
    due = session.exec(
        select(Flag)
        .where(OPEN, col(Flag.notified_at).is_(None),
               sa.or_(col(Flag.snoozed_until).is_(None), col(Flag.snoozed_until) <= as_of))
        .order_by(col(Flag.id))
    ).all()
    queued: list[Notification] = []
    for flag in due:
        # Claim the flag: a concurrent sweep's UPDATE waits on this row and then matches nothing.
        claimed = session.execute(
            sa.update(Flag)
            .where(col(Flag.id) == flag.id, col(Flag.notified_at).is_(None))
            .values(notified_at=utcnow()),
            execution_options={"synchronize_session": "fetch"},
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            continue
        assert flag.id is not None
        recipients = recipients_for(session=session, introduction_id=flag.introduction_id)
        if flag.kind in visibility.HIDDEN_KINDS:  # only for readers of confidential terms
            recipients = [r for r in recipients if reads_confidential(session, r)]
        modes = _modes(session, recipients)
        for recipient in recipients:
            digest = modes.get(recipient) == NotificationMode.daily_digest
            channel = NotificationChannel.digest if digest else NotificationChannel.email
            note = Notification(recipient=recipient, flag_id=flag.id, channel=str(channel),
                                created_on=as_of)
            session.add(note)
            queued.append(note)
    session.flush()
    return queued


def pending_email_ids(*, session: Session) -> list[int]:
    """Return the ids of immediate e-mails not sent yet (new ones and earlier failures)."""
    ids = session.exec(
        select(Notification.id)
        .where(Notification.channel == NotificationChannel.email,
               col(Notification.sent_at).is_(None))
        .order_by(col(Notification.id))
    ).all()
    return [i for i in ids if i is not None]


def send_pending_email(*, session: Session, notification_id: int, settings: Settings) -> bool:
    """Claim and send one immediate e-mail; return False if another sender has it already.

    Raises whatever smtplib raises: the caller rolls back (releasing the claim) and calls
    `record_failure`.
    """
    claimed = session.execute(
        sa.update(Notification)
        .where(col(Notification.id) == notification_id, col(Notification.sent_at).is_(None))
        .values(sent_at=utcnow(), attempts=Notification.attempts + 1, last_error=None),
        execution_options={"synchronize_session": "fetch"},
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return False
    note = session.get(Notification, notification_id)
    assert note is not None
    flag = session.get(Flag, note.flag_id)
    assert flag is not None
    subject, body = mail.flag_email(flag, settings,
                                    confidential=reads_confidential(session, note.recipient))
    mail.send_email(settings, to=note.recipient, subject=subject, body=body)
    return True


def record_failure(*, session: Session, notification_ids: list[int], error: BaseException) -> None:
    """Record a failed attempt so the next sweep retries; keep only the error's type and code."""
    code = getattr(error, "smtp_code", None)
    text = type(error).__name__ + (f" {code}" if code else "")
    session.execute(
        sa.update(Notification)
        .where(col(Notification.id).in_(notification_ids))
        .values(attempts=Notification.attempts + 1, last_error=text[:200]),
        execution_options={"synchronize_session": "fetch"},
    )
    session.flush()
    for notification_id in notification_ids:
        note = session.get(Notification, notification_id)
        log.warning("E-mail notification %s to %s failed (%s); it is retried by the next run.",
                    notification_id, note.recipient if note else "?", text)


def digest_recipients(*, session: Session, as_of: date) -> list[str]:
    """Return the recipients with digest notifications waiting on `as_of`."""
    rows = session.exec(
        select(Notification.recipient)
        .where(Notification.channel == NotificationChannel.digest,
               col(Notification.sent_at).is_(None), Notification.created_on <= as_of)
        .distinct()
    ).all()
    return sorted(rows)


def send_digest(*, session: Session, recipient: str, as_of: date, settings: Settings) -> int:
    """Send one recipient's digest for `as_of` unless already sent that day; return the count.

    The claim on the preference row (`last_digest_on`) makes it one digest per recipient per day
    even when two digest jobs run at once. Raises on SMTP failure; the caller rolls back.
    """
    claimed = session.execute(
        sa.update(NotificationPreference)
        .where(col(NotificationPreference.recipient) == recipient,
               sa.or_(col(NotificationPreference.last_digest_on).is_(None),
                      col(NotificationPreference.last_digest_on) < as_of))
        .values(last_digest_on=as_of),
        execution_options={"synchronize_session": "fetch"},
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return 0
    rows = session.exec(
        select(Notification, Flag)
        .join(Flag, col(Flag.id) == Notification.flag_id)
        .where(Notification.recipient == recipient,
               Notification.channel == NotificationChannel.digest,
               col(Notification.sent_at).is_(None), Notification.created_on <= as_of)
        .order_by(col(Flag.due_date), col(Flag.id))
    ).all()
    if not rows:
        return 0
    subject, body = mail.digest_email([flag for _, flag in rows], as_of, settings,
                                      confidential=reads_confidential(session, recipient))
    mail.send_email(settings, to=recipient, subject=subject, body=body)
    now = utcnow()
    for note, _flag in rows:
        note.sent_at = now
        note.attempts += 1
        session.add(note)
    session.flush()
    return len(rows)


def list_(
    *, session: Session, query: Any, hidden_kinds: frozenset[str] = frozenset()
) -> tuple[list[Any], int]:
    """List one recipient's notifications, newest first, with their flags, leaving out the flag
    kinds the reader may not see (whoever's notifications they are)."""
    statement = (
        select(Notification, Flag)
        .join(Flag, col(Flag.id) == Notification.flag_id)
        .where(Notification.recipient == normalise(query.recipient))
    )
    if hidden_kinds:
        statement = statement.where(col(Flag.kind).not_in(sorted(hidden_kinds)))
    if query.unread:
        statement = statement.where(col(Notification.read_at).is_(None))
    return paginate(session, statement, model=Notification, sort=query.sort, limit=query.limit,
                    offset=query.offset)


def get(*, session: Session, notification_id: int) -> Notification:
    """Return one notification."""
    return get_or_404(session, Notification, notification_id, label="Notification")


def mark_read(*, session: Session, notification_id: int) -> Notification:
    """Mark a notification as read in the in-app list (once; later calls keep the first time)."""
    note = get_or_404(session, Notification, notification_id, label="Notification")
    if note.read_at is None:
        note.read_at = utcnow()
        session.add(note)
        session.flush()
    return note


def get_preference(*, session: Session, recipient: str) -> NotificationPreference:
    """Return a recipient's preference (immediate e-mail when none is stored)."""
    key = normalise(recipient)
    found = session.get(NotificationPreference, key)
    return found or NotificationPreference(recipient=key, mode=NotificationMode.immediate)


def set_preference(
    *, session: Session, recipient: str, mode: NotificationMode
) -> NotificationPreference:
    """Choose immediate e-mails or a daily digest for a recipient."""
    key = normalise(recipient)
    found = session.get(NotificationPreference, key)
    if found is None:
        found = NotificationPreference(recipient=key, mode=str(mode))
    else:
        found.mode = str(mode)
        found.updated_at = utcnow()
    session.add(found)
    session.flush()
    return found
