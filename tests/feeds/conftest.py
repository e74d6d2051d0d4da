"""Fixtures of the registry-feed tests."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import create_temporary_introduction


@pytest.fixture
def intro(client: Any) -> dict[str, Any]:
    """A temporary introduction (decided 2024-03-18) with the INSPIRE data source."""
    return create_temporary_introduction(client)
