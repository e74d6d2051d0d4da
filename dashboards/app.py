"""The Dash application: the shell, the routes and the language, on the tracker's Flask server.

Callbacks are registered on this app object (never with the global `dash.callback` or
`use_pages`), because tests create a new Flask app, and so a new Dash app, per test.
"""

from __future__ import annotations

import json
import re
from typing import Any

import dash
from dash import Input, Output, State, html
from flask import Flask

from dashboards.access import Viewer, current_viewer
from dashboards.i18n import LANGUAGES, language_from, t
from dashboards.layout import BASE, header, message, shell
from dashboards.pages import access_statistics, agreements, brief, introduction, overview

ROUTES: list[tuple[re.Pattern[str], Any]] = [
    (re.compile(r"^/?$"), lambda lang, viewer: overview.render(lang, viewer)),
    (
        re.compile(r"^/introduksjon/(\d+)/?$"),
        lambda lang, viewer, id: introduction.render(int(id), lang, viewer),
    ),
    (re.compile(r"^/avtaler/?$"), lambda lang, viewer: agreements.render(lang, viewer)),
    (
        re.compile(r"^/revurdering/(\d+)/?$"),
        lambda lang, viewer, id: brief.render(int(id), lang, viewer),
    ),
    (
        re.compile(r"^/tilgang/statistikk/?$"),
        lambda lang, viewer: access_statistics.render(lang, viewer),
    ),
]

INDEX = """<!DOCTYPE html>
<html lang="nb">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
    </head>
    <body>
        {%app_entry%}
        <footer>
            {%config%}
            {%scripts%}
            {%renderer%}
        </footer>
    </body>
</html>"""


def page_for(pathname: str, lang: str, viewer: Viewer) -> Any:
    """Return the page body for a path under /dashboards/."""
    rest = pathname[len(BASE) - 1 :] if pathname.startswith(BASE[:-1]) else pathname
    for pattern, render in ROUTES:
        match = pattern.match(rest)
        if match:
            return render(lang, viewer, *match.groups())
    return message(t("not_found", lang), "warning", id="not-found")


def build_dash(server: Flask) -> dash.Dash:
    """Create the Dash app on the given Flask server."""
    default_language = server.extensions["tracker_settings"].default_language
    app = dash.Dash(
        __name__,
        server=server,  # type: ignore[arg-type]
        url_base_pathname=BASE,
        title=f"{t('app.title', default_language)} – Nye metoder",
        suppress_callback_exceptions=True,
        serve_locally=True,
        update_title="",  # keep the tab title still while callbacks run
    )
    app.index_string = INDEX
    app.layout = shell()

    @app.callback(
        Output("header", "children"),
        Output("page", "children"),
        Output("lang-store", "data"),
        Input("url", "pathname"),
        Input("url", "search"),
        State("lang-store", "data"),
    )
    def route(pathname: str | None, search: str | None, stored: str | None) -> Any:
        from flask import request

        # The choice made on any page (kept in the `lang` cookie) wins over this browser's
        # stored one, so the working pages and the dashboards speak the same language.
        chosen = request.cookies.get("lang")
        lang = language_from(search, chosen if chosen in ("nb", "en") else stored,
                             default_language)
        path = pathname or BASE
        viewer = current_viewer()
        return header(path, lang, viewer), html.Div(page_for(path, lang, viewer)), lang

    # Keep <html lang> and the tab's title in step with the toggle (screen readers,
    # hyphenation, spell checking; the title as the working pages write it).
    titles = json.dumps({lang: f"{t('app.title', lang)} – Nye metoder" for lang in LANGUAGES})
    app.clientside_callback(
        f"function(lang) {{ var titles = {titles}; document.documentElement.lang = lang || 'nb';"
        " document.title = titles[lang] || titles.nb; return lang; }",
        Output("lang-sink", "children"),
        Input("lang-store", "data"),
        prevent_initial_call=True,
    )
    for page in (overview, introduction, agreements, brief, access_statistics):
        page.register(app)
    return app
