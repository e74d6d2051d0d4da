"""One navigation for every page, Dash analytics and server-rendered forms alike.

Each item names the access-matrix permission it needs, so a role sees only where it may go.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker import access
from tracker.users.enums import Role


@dataclass(frozen=True)
class NavItem:
    key: str
    nb: str
    en: str
    path: str
    resource: str
    action: access.Action = "read"

    def label(self, lang: str) -> str:
        return self.en if lang == "en" else self.nb


ITEMS: tuple[NavItem, ...] = (
    NavItem("overview", "Oversikt", "Overview", "/dashboards/", "introductions"),
    NavItem("agreements", "Prisavtaler", "Price agreements", "/dashboards/avtaler",
            "agreements"),
    NavItem("flags", "Varsler", "Flags", "/arbeid/varsler", "flags"),
    NavItem("deadlines", "Frister", "Deadlines", "/arbeid/frister", "deadlines"),
    NavItem("reassessments", "Revurderinger", "Reassessments", "/arbeid/revurderinger",
            "reassessments"),
    NavItem("register", "Registrer", "Register", "/arbeid/metoder", "methods", "write"),
)


def items_for(role: Role | str | None) -> list[NavItem]:
    """Return the navigation items a role may follow."""
    known = Role(role) if role in {r.value for r in Role} else None
    return [item for item in ITEMS if access.allowed(item.resource, item.action, known)]


def href(item: NavItem, lang: str) -> str:
    """The item's link, keeping English when it is chosen."""
    return item.path + ("?lang=en" if lang == "en" else "")
