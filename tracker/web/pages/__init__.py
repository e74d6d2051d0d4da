"""The working pages, one module per task; each adds its routes to the web blueprint."""

from __future__ import annotations

from flask import Blueprint


def register(bp: Blueprint) -> None:
    """Add every page's routes."""
    from tracker.web.pages import methods

    for module in (methods,):
        module.register(bp)
