"""Who is acting: the name recorded with changes (review-date history, analysis plans, steps)."""

from __future__ import annotations


def current_actor(default: str = "system") -> str:
    """Return the name of the logged-in user (or the job/CLI principal outside a request)."""
    from tracker.auth import current_principal

    principal = current_principal()
    return principal.name if principal.authenticated else default
