"""Fixtures for flags: a real SMTP server (aiosmtpd) and helpers that move time with `as_of`."""

from __future__ import annotations

from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.flags.helpers import free_port


class Mailbox:
    """Collects what the SMTP server receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in m["X-Envelope-To"]]

    @staticmethod
    def body(message: EmailMessage) -> str:
        part = message.get_body(preferencelist=("plain",))
        assert part is not None
        return str(part.get_content())  # type: ignore[attr-defined]


@pytest.fixture
def mailbox(settings: Any) -> Iterator[Mailbox]:
    """A real SMTP server on 127.0.0.1; the test's settings send to it."""
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.smtp_host = "127.0.0.1"
    settings.smtp_port = controller.port
    try:
        yield box
    finally:
        controller.stop()


@pytest.fixture(autouse=True)
def _no_real_mail_server(settings: Any) -> None:
    """Point e-mail at a closed local port unless a test asks for the mailbox."""
    settings.smtp_host = "127.0.0.1"
    settings.smtp_port = free_port()
    settings.smtp_timeout_seconds = 2
