"""The page shell (header, navigation, language toggle) and small layout helpers the pages share."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from dash import dcc, html
from flask import current_app

from dashboards.access import Viewer
from dashboards.i18n import t

BASE = "/dashboards/"


def href(path: str, lang: str) -> str:
    """Return a dashboard link that keeps the chosen language."""
    return f"{BASE}{path.lstrip('/')}" + ("?lang=en" if lang == "en" else "")


def shell() -> html.Div:
    """The static layout; the route callback fills the header and the page."""
    return html.Div(
        [
            dcc.Location(id="url"),
            dcc.Store(id="lang-store", storage_type="local"),
            html.Div(id="lang-sink", hidden=True),
            html.Header(id="header", className="site-header"),
            html.Main(id="page", className="page"),
        ],
        className="app",
    )


def header(pathname: str, lang: str, viewer: Viewer) -> list[Any]:
    """The header: title, navigation, who is looking, and the language toggle."""
    other = "nb" if lang == "en" else "en"
    toggle = f"{pathname}?lang={other}"
    role = t(f"role.{viewer.role}", lang)
    if viewer.name:
        role = f"{viewer.name} ({role})"
    from tracker.auth import csrf_token, current_principal
    from tracker.web import nav

    account: Any = None
    if current_principal().via_session:
        account = html.Form(
            [
                dcc.Input(type="hidden", name="csrf_token", value=csrf_token()),
                html.Button(t("logout", lang), type="submit", id="logout-button",
                            className="lang-toggle"),
            ],
            method="post", action="/logout", className="logout-form",
        )
    elif not viewer.logged_in and "auth.login" in current_app.view_functions:
        account = html.A(t("login.link", lang), href=f"/login?next={pathname}", id="login-link",
                         className="lang-toggle")
    links: list[Any] = []
    nav_props: dict[str, Any] = {"aria-label": t("nav.label", lang)}
    for item in nav.items_for(viewer.role):
        if item.path.startswith(BASE):  # a Dash page: no reload
            links.append(dcc.Link(item.label(lang), href=href(item.path[len(BASE):], lang),
                                  id=f"nav-{item.key}"))
        else:
            links.append(html.A(item.label(lang), href=nav.href(item, lang), id=f"nav-{item.key}"))
    return [
        html.Div(
            [
                dcc.Link(t("app.title", lang), href=href("", lang), className="brand"),
                html.Nav(links, className="nav", **nav_props),
                html.Div(
                    [
                        html.Span(f"{t('viewer', lang)}: {role}", className="viewer-role",
                                  id="viewer-role"),
                        account,
                        dcc.Link(
                            t("lang.switch", lang), href=toggle, id="lang-toggle",
                            className="lang-toggle",
                        ),
                    ],
                    className="header-tools",
                ),
            ],
            className="header-inner",
        ),
        html.P(t("app.demo", lang), className="demo-note"),
    ]


def section(title: str, *children: Any, id: str | None = None, cls: str = "") -> html.Section:
    """A titled card."""
    props: dict[str, Any] = {"className": f"card {cls}".strip()}
    if id:
        props["id"] = id
    return html.Section([html.H3(title), *children], **props)


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    id: str | None = None,
    row_classes: Sequence[str] | None = None,
    cls: str = "",
) -> html.Table:
    """A plain HTML table (cheap to render; no client-side copy of hidden data)."""
    body = []
    for i, row in enumerate(rows):
        props: dict[str, Any] = {}
        if row_classes and row_classes[i]:
            props["className"] = row_classes[i]
        body.append(html.Tr([html.Td(cell) for cell in row], **props))
    props = {"className": f"table {cls}".strip()}
    if id:
        props["id"] = id
    return html.Table(
        [html.Thead(html.Tr([html.Th(h) for h in headers])), html.Tbody(body)], **props
    )


def definition_list(items: Iterable[tuple[str, Any]]) -> html.Dl:
    """Label/value pairs."""
    children: list[Any] = []
    for term, value in items:
        children += [html.Dt(term), html.Dd(value if value not in (None, "") else "–")]
    return html.Dl(children, className="deflist")


def message(text: str, kind: str = "info", id: str | None = None) -> html.P:
    """A short notice (info, warning)."""
    props: dict[str, Any] = {"className": f"notice notice-{kind}"}
    if id:
        props["id"] = id
    return html.P(text, **props)
