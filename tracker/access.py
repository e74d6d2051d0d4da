"""Who may read and write what: one matrix, deny unless allowed.

Every API operation declares the resource and action it needs (`tracker.apispec`); services
that other interfaces call (dashboards, exports, calendar) check the same matrix, and field-level
rules (confidential prices, patient-level rows, small counts) live here too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from tracker.errors import Forbidden, Unauthorized
from tracker.users.enums import Role

Action = Literal["read", "write"]
PUBLIC = "public"  # the role-less public, i.e. anyone
EVERYONE = frozenset({PUBLIC, *Role})
LOGGED_IN = frozenset(Role)
SECRETARIAT = frozenset({Role.secretariat, Role.admin})

MATRIX: dict[str, dict[str, frozenset[Any]]] = {
    "meta": {"read": EVERYONE},
    "methods": {"read": EVERYONE, "write": SECRETARIAT},
    "decisions": {"read": EVERYONE, "write": SECRETARIAT},
    "introductions": {"read": EVERYONE, "write": SECRETARIAT},
    "data_sources": {"read": EVERYONE, "write": SECRETARIAT},
    "agreements": {"read": EVERYONE, "write": frozenset({Role.procurement, Role.admin})},
    "outcomes": {"read": EVERYONE},  # aggregates; small counts suppressed unless patient_level
    "feeds": {"read": LOGGED_IN, "write": SECRETARIAT},
    "patient_level": {"read": frozenset({Role.secretariat, Role.clinician, Role.admin})},
    "flags": {"read": LOGGED_IN, "write": SECRETARIAT | {Role.procurement}},
    "notifications": {"read": LOGGED_IN, "write": LOGGED_IN},
    "reassessments": {"read": LOGGED_IN, "write": SECRETARIAT | {Role.forum}},
    "deadlines": {"read": LOGGED_IN},
    "audit": {"read": frozenset({Role.secretariat, Role.procurement, Role.forum, Role.admin})},
    # Individual access: steps are checked per role (and trust) in tracker.individual.workflow.
    "access_cases": {
        "read": frozenset({Role.secretariat, Role.coordinator, Role.committee,
                           Role.medical_director, Role.clinician, Role.procurement, Role.forum}),
        "write": frozenset({Role.secretariat, Role.coordinator, Role.medical_director,
                            Role.clinician, Role.procurement}),
    },
    "committee": {
        "read": frozenset({Role.secretariat, Role.coordinator, Role.committee, Role.forum}),
        "write": frozenset({Role.coordinator}),
    },
    "group_exceptions": {"read": EVERYONE},
    "access_statistics": {"read": EVERYONE},  # aggregates; small counts suppressed
    # Amounts owed under outcome-based agreements: confidential, like the prices they come from.
    "settlements": {"read": frozenset({Role.procurement, Role.forum}),
                    "write": frozenset({Role.procurement})},
    # ... while how many responded is for the staff who follow the introduction up.
    "settlement_counts": {"read": LOGGED_IN},
    "users": {"read": frozenset({Role.admin}), "write": frozenset({Role.admin})},
}
CONFIDENTIAL_READERS = frozenset({Role.procurement, Role.forum, Role.admin})


def _role_key(role: Role | None) -> Any:
    return role if role is not None else PUBLIC


def allowed(resource: str, action: Action, role: Role | None) -> bool:
    """Return whether a role (None: the public) may do this.

    Administrators may do everything; anything not in the matrix is denied to everyone else.
    """
    if role == Role.admin:
        return True
    return _role_key(role) in MATRIX.get(resource, {}).get(action, frozenset())


def require(resource: str, action: Action = "read") -> None:
    """Raise 401 for the public and 403 for a role that may not do this."""
    from tracker.auth import current_principal

    principal = current_principal()
    if allowed(resource, action, principal.role):
        return
    if principal.role is None:
        raise Unauthorized("Log in or send an API token (Authorization: Bearer <token>).")
    raise Forbidden(
        f"The role {principal.role.value} may not {action} {resource.replace('_', ' ')}."
    )


def roles_allowed(resource: str, action: Action) -> list[str]:
    """Return the roles (and 'public') allowed, for documentation."""
    return sorted(str(r) for r in MATRIX.get(resource, {}).get(action, frozenset()))


def may_see_patient_level() -> bool:
    """Return whether the current user may see patient-level rows and counts under 5."""
    from tracker.auth import current_principal

    return allowed("patient_level", "read", current_principal().role)


def may_see_confidential_prices() -> bool:
    """Return whether the current user may see fields marked confidential."""
    from tracker.auth import current_principal

    return current_principal().role in CONFIDENTIAL_READERS


def visible_agreement(
    data: dict[str, Any], marks: dict[str, str], *, confidential: bool
) -> dict[str, Any]:
    """Return the agreement fields a user may see: confidential ones are left out, not blanked.

    `marks` maps a field (or `terms.<key>`) to "public" or "confidential". A mark on a term key
    overrides the mark on `terms` as a whole.
    """
    if confidential:
        return dict(data)
    out = {
        k: v for k, v in data.items() if marks.get(k, "public") != "confidential" or k == "terms"
    }
    terms = data.get("terms") or {}
    whole_secret = marks.get("terms") == "confidential"
    shown = {
        key: value
        for key, value in terms.items()
        if marks.get(f"terms.{key}", "confidential" if whole_secret else "public") == "public"
    }
    if shown or not whole_secret:
        out["terms"] = shown
    else:
        out.pop("terms", None)
    # The marks themselves are public (structure), so the reader knows what is withheld.
    return out


def withheld(marks: dict[str, str], *, confidential: bool) -> Iterable[str]:
    """Return the names of fields withheld from this user."""
    if confidential:
        return []
    return sorted(k for k, v in marks.items() if v == "confidential")


def require_own_address(recipient: str | None) -> None:
    """Let a user reach only their own notifications; the secretariat and admins reach all."""
    from tracker.auth import current_principal

    principal = current_principal()
    if principal.role in SECRETARIAT:
        return
    own = (principal.email or "").lower()
    if not recipient or recipient.lower() != own:
        raise Forbidden(
            "You may only see your own notifications; ask with recipient="
            f"{own or '<your e-mail address>'}."
        )
