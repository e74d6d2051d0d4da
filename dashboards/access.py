"""Every access decision of the dashboards, in one place, taken from the API's own matrix.

The dashboards obey the same rules as the API (`tracker.access`): who may read which resource,
who may see confidential prices, who may see patient-level counts. This module turns the
current caller into a `Viewer`, and pages ask the viewer; they never look at roles themselves.

Deny unless allowed: the public (not logged in) is a viewer with no role, and a field without a
visibility mark falls back to the framework's default marking (unit price, discount and terms
confidential) before the API's filter is applied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tracker import access as tracker_access
from tracker.agreements.schemas import VISIBLE_FIELDS, default_visibility
from tracker.users.enums import Role

PUBLIC_ROLE = "public"


@dataclass(frozen=True)
class Viewer:
    """Who is looking at a dashboard and what they may see."""

    role: str  # a Role value, or "public"
    can_see_confidential_prices: bool
    can_see_patient_level: bool
    readable: frozenset[str] = field(default_factory=frozenset)
    name: str | None = None

    def may_read(self, resource: str) -> bool:
        """Whether the API would let this viewer read the resource (e.g. "flags")."""
        return resource in self.readable

    @property
    def logged_in(self) -> bool:
        return self.role != PUBLIC_ROLE


def viewer_for(role: str | Role | None, name: str | None = None) -> Viewer:
    """Return the viewer of a role; None or an unknown role is the public."""
    known = Role(role) if role in {r.value for r in Role} else None
    readable = frozenset(
        resource
        for resource in tracker_access.MATRIX
        if tracker_access.allowed(resource, "read", known)
    )
    return Viewer(
        role=known.value if known else PUBLIC_ROLE,
        can_see_confidential_prices=known in tracker_access.CONFIDENTIAL_READERS,
        can_see_patient_level=tracker_access.allowed("patient_level", "read", known),
        readable=readable,
        name=name if known else None,
    )


def current_viewer() -> Viewer:
    """Return the viewer of the current request (login session or API token; else the public)."""
    from tracker.auth import current_principal

    principal = current_principal()
    return viewer_for(principal.role, principal.name)


def visible_agreement(agreement: Any, viewer: Viewer) -> dict[str, Any]:
    """Return the agreement's fields this viewer may see; confidential ones are left out.

    `agreement` is a PriceAgreement row or an AgreementRead. The API's filter decides; the
    result also lists `hidden_fields`, so a page can say that something is withheld.
    """
    names = ("id", "method_id", "introduction_id", *VISIBLE_FIELDS)
    data = {name: getattr(agreement, name) for name in names}
    data["terms"] = dict(data.get("terms") or {})
    marks = {
        **{k: str(v) for k, v in default_visibility().items()},
        **{k: str(v) for k, v in (getattr(agreement, "visibility", None) or {}).items()},
    }
    shown = tracker_access.visible_agreement(
        data, marks, confidential=viewer.can_see_confidential_prices
    )
    shown.pop("visibility", None)
    partly_hidden = len(shown.get("terms") or {}) < len(data["terms"])
    shown["hidden_fields"] = sorted(
        {n for n in VISIBLE_FIELDS if n not in shown} | ({"terms"} if partly_hidden else set())
    )
    return shown
