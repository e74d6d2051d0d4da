"""E-mails about flags: the Norwegian texts and sending them with smtplib."""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from datetime import date
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from tracker.flags import visibility
from tracker.flags.enums import KIND_LABELS
from tracker.flags.models import Flag
from tracker.settings import Settings

FOOTER = (
    "Du får denne e-posten fordi du står som ansvarlig for den midlertidige innføringen.\n"
    "Du kan velge ett daglig sammendrag i stedet for én e-post per varsel."
)


def absolute(settings: Settings, path: str) -> str:
    """Return the link to a path, prefixed with the public base URL when one is set."""
    return settings.public_base_url.rstrip("/") + path


def _headline(flag: Flag) -> str:
    label = KIND_LABELS.get(flag.kind, flag.kind)
    method = flag.facts.get("method")
    return f"{label}: {method}" if method else label


def flag_email(flag: Flag, settings: Settings, *, confidential: bool) -> tuple[str, str]:
    """Return (subject, body) of the e-mail telling about one new flag.

    `confidential`: whether the recipient may read confidential agreement terms.
    """
    lines = [
        "Hei,",
        "",
        "Oppfølgingen av midlertidige innføringer i Nye metoder har et nytt varsel.",
        "",
        _headline(flag),
        visibility.message(flag.kind, flag.message, confidential=confidential),
        "",
    ]
    if flag.due_date is not None:
        lines.append(f"Frist: {flag.due_date}")
    lines += [
        f"Lenke: {absolute(settings, flag.link)}",
        f"Varsel nr. {flag.id}, åpnet {flag.opened_on}.",
        "",
        FOOTER,
    ]
    return f"[Nye metoder] {_headline(flag)}", "\n".join(lines) + "\n"


def digest_email(
    flags: Sequence[Flag], as_of: date, settings: Settings, *, confidential: bool
) -> tuple[str, str]:
    """Return (subject, body) of one recipient's daily digest of new flags."""
    count = len(flags)
    subject = f"[Nye metoder] Daglig sammendrag {as_of}: {count} nye varsler"
    lines = ["Hei,", "", f"Nye varsler i oppfølgingen av midlertidige innføringer ({as_of}):", ""]
    for number, flag in enumerate(flags, start=1):
        closed = " (allerede lukket)" if flag.closed_at is not None else ""
        lines += [
            f"{number}. {_headline(flag)}{closed}",
            f"   {visibility.message(flag.kind, flag.message, confidential=confidential)}",
            f"   Lenke: {absolute(settings, flag.link)}",
            "",
        ]
    lines.append(FOOTER.replace("Du kan velge ett daglig sammendrag i stedet for én e-post per "
                                "varsel.", "Du kan velge én e-post per varsel i stedet."))
    return subject, "\n".join(lines) + "\n"


def send_email(settings: Settings, *, to: str, subject: str, body: str) -> None:
    """Send one plain-text e-mail with the SMTP settings; raise on any failure."""
    message = EmailMessage()
    message["From"] = settings.smtp_sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    # A domain from the sender avoids make_msgid's slow DNS lookup of the host name.
    message["Message-ID"] = make_msgid(domain=settings.smtp_sender.rpartition("@")[2] or None)
    message.set_content(body)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port,
                      timeout=settings.smtp_timeout_seconds) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password or "")
        smtp.send_message(message)
