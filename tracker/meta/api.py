"""Health, the OpenAPI document and the browsable API page."""

from __future__ import annotations

from importlib import metadata, resources
from typing import Any

from flask import Response, current_app, render_template, send_from_directory
from pydantic import BaseModel
from sqlalchemy import text

from tracker.apispec import ApiBlueprint, build_openapi
from tracker.db import get_session

bp = ApiBlueprint("meta", __name__, tag="meta", resource="meta")


def app_version() -> str:
    """Return the installed package version."""
    try:
        return metadata.version("nye-metoder-tracker")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0.0.0"


class Health(BaseModel):
    status: str
    database: str
    dialect: str
    schema_revision: str | None
    version: str


@bp.operation("/health", "GET", summary="Is the service and its database up?", response=Health)
def health() -> Any:
    session = get_session()
    try:
        revision = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
        database = "ok"
    except Exception:
        session.rollback()
        revision, database = None, "not migrated: run `tracker db upgrade`"
    return Health(
        status="ok" if database == "ok" else "degraded",
        database=database,
        dialect=session.get_bind().dialect.name,
        schema_revision=revision,
        version=app_version(),
    )


@bp.route("/openapi.json")
def openapi() -> Any:
    """Return the OpenAPI 3.1 document of this API."""
    if "tracker_openapi" not in current_app.extensions:
        current_app.extensions["tracker_openapi"] = build_openapi(
            title="Nye metoder tracker API", version=app_version()
        )
    return current_app.extensions["tracker_openapi"]


def _swagger_static() -> str:
    return str(resources.files("swagger_ui") / "static")


@bp.route("/docs")
def docs() -> Any:
    """The browsable API page (Swagger UI served from the package, no CDN)."""
    return render_template("api_docs.html")


@bp.route("/docs/static/<path:filename>")
def docs_static(filename: str) -> Response:
    return send_from_directory(_swagger_static(), filename)
