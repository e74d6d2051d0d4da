"""Reassessment tests sweep flags too: keep their e-mails away from any real server."""

from __future__ import annotations

from typing import Any

import pytest

from tests.flags.helpers import free_port


@pytest.fixture(autouse=True)
def _no_real_mail_server(settings: Any) -> None:
    settings.smtp_host = "127.0.0.1"
    settings.smtp_port = free_port()
