"""The working pages, one module per task; each adds its routes to the web blueprint."""

from __future__ import annotations

from flask import Blueprint


def register(bp: Blueprint) -> None:
    """Add every page's routes."""
    from tracker.web.pages import (
        access_case,
        access_cases,
        access_forms,
        agreements,
        committee,
        datasources,
        deadlines,
        feeds,
        flags,
        introductions,
        methods,
        notifications,
        reassessments,
        settlements,
    )

    for module in (methods, introductions, feeds, flags, deadlines, reassessments, agreements,
                   datasources, notifications, access_cases, access_forms, access_case,
                   committee, settlements):
        module.register(bp)
