"""Working pages: reassessments (being built)."""

from __future__ import annotations

from flask import Blueprint


def register(bp: Blueprint) -> None:
    """Add the routes."""
