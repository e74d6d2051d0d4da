"""Dash pages mounted on the tracker's Flask server under /dashboards/."""

from __future__ import annotations

from flask import Flask


def init_app(server: Flask) -> None:
    """Mount the Dash app on the Flask server."""
    from dashboards.app import build_dash

    server.extensions["tracker_dash"] = build_dash(server)
