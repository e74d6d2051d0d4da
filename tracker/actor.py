"""Who is acting: the name recorded with changes (review-date history, analysis plans)."""

from __future__ import annotations

from flask import has_request_context, request


def current_actor(default: str = "system") -> str:
    """Return the acting user's name for the current request, or `default` outside one.

    Until accounts exist, clients name themselves in the `X-Tracker-User` header.
    """
    if has_request_context():
        name = (request.headers.get("X-Tracker-User") or "").strip()
        if name:
            return name[:200]
        return "anonymous"
    return default
