"""The list of individual-access cases (the coordinator's queue; a trust's own cases) and the
published group exceptions.

The queue shows the open cases by state, oldest first, with the days each has waited in its
state and whether the next step is the reader's (002_e9fcae1246b76c56.txt L695–731). Trust users
see their own trust's cases only: the API scopes the list.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from tracker.access import require
from tracker.errors import Forbidden
from tracker.individual.enums import CaseState, PublicationStatus, Scheme
from tracker.timeutil import today
from tracker.web import forms
from tracker.web.lang import current_language
from tracker.web.pages import access_common as common
from tracker.web.pages.access_forms import slug_of
from tracker.web.pages.access_text import enum_label, options
from tracker.web.text import add, t

add({
    "acc.title": ("Individuell tilgang", "Individual access"),
    "acc.intro": (
        "Saker om tilgang for enkeltpasienter og pasientgrupper: unntaksordningen og "
        "Tilgangsordningen. Køen viser åpne saker etter status, de eldste først, og hvor lenge "
        "hver har ventet.",
        "Cases of access for single patients and patient groups: the exception scheme and "
        "Tilgangsordningen. The queue shows open cases by state, oldest first, and how long each "
        "has waited."),
    "acc.intro.trust": ("Sakene til {trust}.", "The cases of {trust}."),
    "acc.filter.show": ("Vis", "Show"),
    "acc.filter.open": ("Åpne saker", "Open cases"),
    "acc.filter.closed": ("Avsluttede saker", "Closed cases"),
    "acc.filter.all": ("Alle saker", "All cases"),
    "acc.filter.scheme": ("Ordning", "Scheme"),
    "acc.filter.state": ("Status", "State"),
    "acc.filter.trust": ("Helseforetak", "Trust"),
    "acc.filter.any": ("Alle", "All"),
    "acc.filter.go": ("Vis", "Show"),
    "acc.count": ("{n} saker", "{n} cases"),
    "acc.none": ("Ingen saker å vise.", "No cases to show."),
    "acc.yours": ("{n} saker venter på et steg du kan ta.",
                  "{n} cases await a step you may take."),
    "acc.yours.badge": ("venter på deg", "waiting for you"),
    "acc.by_state": ("Åpne saker etter status", "Open cases by state"),
    "acc.col.case": ("Sak", "Case"),
    "acc.col.scheme": ("Ordning", "Scheme"),
    "acc.col.method": ("Metode", "Method"),
    "acc.col.trust": ("Helseforetak", "Trust"),
    "acc.col.diagnosis": ("Diagnose", "Diagnosis"),
    "acc.col.state": ("Status", "State"),
    "acc.col.received": ("Mottatt", "Received"),
    "acc.col.waiting": ("Dager i status", "Days in state"),
    "acc.col.meeting": ("Møte", "Meeting"),
    "acc.col.outcome": ("Utfall", "Outcome"),
    "acc.case": ("Sak {id}", "Case {id}"),
    "acc.days": ("{n} d", "{n} d"),
    "acc.new": ("Registrer en ny sak", "Register a new case"),
    "acc.new.button.access_scheme": ("Ny søknad til Tilgangsordningen",
                                     "New Tilgangsordningen application"),
    "acc.new.button.individual_exception": ("Nytt unntak for enkeltpasient",
                                            "New exception for one patient"),
    "acc.new.button.group_exception": ("Nytt gruppeunntak", "New group exception"),
    "acc.links.groups": ("Publiserte gruppeunntak", "Published group exceptions"),
    "acc.links.committee": ("Vurderingskomitéen", "The assessment committee"),
    # the published group exceptions
    "grp.title": ("Gruppeunntak", "Group exceptions"),
    "grp.intro": (
        "Unntak for definerte pasientgrupper, besluttet av det interregionale "
        "fagdirektørmøtet: gjeldende, tidligere og avslåtte, med indikasjonsavgrensningen.",
        "Exceptions for defined patient groups, decided by the interregional medical "
        "directors' meeting: current, previous and refused, with their indication limits."),
    "grp.current": ("Gjeldende gruppeunntak", "Current group exceptions"),
    "grp.previous": ("Tidligere gruppeunntak", "Previous group exceptions"),
    "grp.refused": ("Avslåtte søknader om gruppeunntak",
                    "Refused applications for group exceptions"),
    "grp.none": ("Ingen.", "None."),
    "grp.col.method": ("Metode", "Method"),
    "grp.col.group": ("Pasientgruppe", "Patient group"),
    "grp.col.limits": ("Indikasjonsavgrensning", "Indication limits"),
    "grp.col.applicants": ("Søkere", "Applicants"),
    "grp.col.received": ("Søkt", "Applied"),
    "grp.col.decided": ("Besluttet", "Decided"),
    "grp.col.ended": ("Gjaldt til", "Applied until"),
    "grp.col.reason": ("Begrunnelse", "Reason"),
})

SHOW = ("open", "closed", "all")


def _all_cases(query: dict[str, Any]) -> list[Any]:
    """Every case the user may see that matches, page by page as the API serves them."""
    cases: list[Any] = []
    while True:
        page = forms.read("list_access_cases", query={**query, "limit": 500,
                                                       "offset": len(cases)})
        cases.extend(page.items)
        if not page.items or len(cases) >= page.total:
            return cases


def waiting_days(case: Any) -> int:
    """Days since the case's last step (how long it has waited in its state)."""
    last = case.steps[-1].at if case.steps else case.received_on
    return (today() - last).days


def yours(case: Any) -> bool:
    """Whether the case waits for a step the reader may take (withdrawing is always open to
    the trust and Nye metoder, so it does not count)."""
    return any(step.may and step.to != CaseState.withdrawn for step in case.allowed_next)


def _chosen(name: str, allowed: set[str]) -> str:
    value = request.args.get(name, "")
    return value if value in allowed else ""


def list_cases() -> Any:
    """The coordinator's queue, or a trust's own cases."""
    require("access_cases", "read")
    lang = current_language()
    own = common.own_trust()
    show = request.args.get("show", "open")
    show = show if show in SHOW else "open"
    scheme = _chosen("scheme", {str(s) for s in Scheme})
    state = _chosen("state", {str(s) for s in CaseState})
    trust_names = [name for name, _shown in common.trust_options()]
    trust = _chosen("trust", set(trust_names)) if own is None else ""
    query: dict[str, Any] = {"sort": "received_on"}
    if show != "all":
        query["open"] = show == "open"
    query.update({k: v for k, v in (("scheme", scheme), ("state", state),
                                    ("sending_trust", trust)) if v})
    no_trust = False
    try:
        cases = _all_cases(query)
    except Forbidden:  # a trust user whose account names no trust
        cases, no_trust = [], True
    order = {str(s): i for i, s in enumerate(CaseState)}
    cases.sort(key=lambda c: (order[str(c.state)], c.received_on, c.id))
    counts: dict[str, int] = {}
    for case in cases:
        counts[str(case.state)] = counts.get(str(case.state), 0) + 1
    return forms.render_page(
        "web/access_cases.html", cases=cases, counts=counts, show=show, scheme=scheme,
        state=state, trust=trust, own=own, no_trust=no_trust,
        shows=[(v, t(f"acc.filter.{v}", lang)) for v in SHOW],
        schemes=options("scheme", lang), states=options("state", lang),
        trusts=trust_names, mine=sum(yours(c) for c in cases), yours=yours,
        waiting_days=waiting_days, label=lambda kind, v: enum_label(kind, v, lang),
        may_register=common.may_register(), new_cases=[
            (str(s), f"/arbeid/tilgang/ny/{slug_of(s)}{common.lang_arg(lang)}")
            for s in (Scheme.access_scheme, Scheme.individual_exception, Scheme.group_exception)],
        may_committee=forms.may("committee", "read"),
        case_href=lambda case_id: common.case_href(case_id, lang), lang_arg=common.lang_arg(lang))


def group_exceptions() -> Any:
    """The published list of group exceptions (readable without logging in)."""
    require("group_exceptions", "read")
    lang = current_language()
    items = forms.read("list_group_exceptions", query={}).items
    sections = [(str(status), [item for item in items if item.status == status])
                for status in (PublicationStatus.current, PublicationStatus.previous,
                               PublicationStatus.refused)]
    return forms.render_page("web/group_exceptions.html", sections=sections,
                             label=lambda kind, v: enum_label(kind, v, lang))


def register(bp: Blueprint) -> None:
    """Add the routes."""
    bp.add_url_rule("/tilgang", view_func=list_cases, endpoint="access_cases")
    bp.add_url_rule("/gruppeunntak", view_func=group_exceptions, endpoint="group_exceptions")
