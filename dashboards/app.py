"""The Dash application: layout shell and page routing (Norwegian by default)."""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, dcc, html
from flask import Flask

from dashboards import pages


def build_dash(server: Flask) -> dash.Dash:
    """Create the Dash app on the given Flask server."""
    app = dash.Dash(
        __name__,
        server=server,  # type: ignore[arg-type]
        url_base_pathname="/dashboards/",
        title="Nye metoder – oppfølging",
        suppress_callback_exceptions=True,
        serve_locally=True,
    )
    app.layout = html.Div(
        [
            dcc.Location(id="url"),
            html.Header(
                [
                    html.H1("Oppfølging av midlertidig innføring"),
                    html.P("Demodata er syntetiske.", className="demo-note"),
                ]
            ),
            html.Main(id="page"),
        ]
    )

    @app.callback(Output("page", "children"), Input("url", "pathname"))
    def route(pathname: str | None) -> Any:
        return pages.render(pathname or "/dashboards/")

    return app
