"""Helpers for flag tests: run the sweep as of a date, list flags."""

from __future__ import annotations

import socket
from typing import Any


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on (yet)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def sweep(client: Any, as_of: str) -> dict[str, Any]:
    """Run the on-demand sweep as of a date and return its report."""
    response = client.post("/api/v1/flags/sweep", json={"as_of": as_of})
    assert response.status_code == 200, response.json
    return dict(response.json)


def flags(client: Any, **filters: Any) -> list[dict[str, Any]]:
    """List flags with filters (open ones by default)."""
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    response = client.get(f"/api/v1/flags?limit=500&{query}")
    assert response.status_code == 200, response.json
    return list(response.json["items"])
