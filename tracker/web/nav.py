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
    NavItem("public", "Offentlig", "Public", "/offentlig/", "meta"),
    NavItem("overview", "Oversikt", "Overview", "/dashboards/", "introductions"),
    NavItem("agreements", "Prisavtaler", "Price agreements", "/dashboards/avtaler",
            "agreements"),
    NavItem("access-statistics", "Tilgangsstatistikk", "Access statistics",
            "/dashboards/tilgang/statistikk", "access_statistics"),
    NavItem("flags", "Varsler", "Flags", "/arbeid/varsler", "flags"),
    NavItem("deadlines", "Frister", "Deadlines", "/arbeid/frister", "deadlines"),
    NavItem("settlements", "Oppgjør", "Settlements", "/arbeid/oppgjor", "settlements"),
    NavItem("reassessments", "Revurderinger", "Reassessments", "/arbeid/revurderinger",
            "reassessments"),
    NavItem("access", "Individuell tilgang", "Individual access", "/arbeid/tilgang",
            "access_cases"),
    NavItem("committee", "Vurderingskomitéen", "Assessment committee", "/arbeid/komite",
            "committee"),
    NavItem("register", "Registrer", "Register", "/arbeid/metoder", "methods", "write"),
    NavItem("sources", "Datakilder", "Data sources", "/arbeid/datakilder", "data_sources",
            "write"),
    NavItem("notifications", "Mine varslinger", "My notifications", "/arbeid/varslinger",
            "notifications"),
)


def items_for(role: Role | str | None) -> list[NavItem]:
    """Return the navigation items a role may follow."""
    known = Role(role) if role in {r.value for r in Role} else None
    return [item for item in ITEMS if access.allowed(item.resource, item.action, known)]


def href(item: NavItem, lang: str) -> str:
    """The item's link, keeping English when it is chosen."""
    return item.path + ("?lang=en" if lang == "en" else "")


@dataclass(frozen=True)
class Action:
    """A link from a record's page to a working page, shown to roles that may use it."""

    key: str
    nb: str
    en: str
    path: str  # with {id}: the record's id
    resource: str
    action: access.Action = "write"

    def label(self, lang: str) -> str:
        return self.en if lang == "en" else self.nb


INTRODUCTION_ACTIONS: tuple[Action, ...] = (
    Action("edit-introduction", "Endre innføringen", "Edit the introduction",
           "/arbeid/innforinger/{id}", "introductions"),
    Action("upload-extract", "Last opp registeruttrekk", "Upload a registry extract",
           "/arbeid/innforinger/{id}/leveranser/ny", "feeds"),
    Action("analysis-plan", "Analyseplan", "Analysis plan",
           "/arbeid/innforinger/{id}/analyseplan", "introductions"),
    Action("open-reassessment", "Revurdering", "Reassessment",
           "/arbeid/innforinger/{id}/revurdering", "reassessments"),
    Action("new-agreement", "Ny prisavtale", "New price agreement",
           "/arbeid/avtaler/ny?introduction_id={id}", "agreements"),
)


def actions_for(actions: tuple[Action, ...], record_id: int, role: Role | str | None,
                lang: str) -> list[tuple[Action, str]]:
    """Return (action, link) for the actions a role may take on a record."""
    known = Role(role) if role in {r.value for r in Role} else None
    out = []
    for act in actions:
        if access.allowed(act.resource, act.action, known):
            link = act.path.format(id=record_id)
            if lang == "en":
                link += ("&" if "?" in link else "?") + "lang=en"
            out.append((act, link))
    return out
