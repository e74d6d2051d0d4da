"""One error vocabulary for services, mapped to JSON by one handler."""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException


class TrackerError(Exception):
    """Base class for errors a client can act on."""

    status_code = 400
    error = "bad_request"

    def __init__(self, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"error": self.error, "message": self.message}
        if self.details is not None:
            body["details"] = self.details
        return body


class NotFound(TrackerError):
    """The record asked for does not exist."""

    status_code = 404
    error = "not_found"


class Conflict(TrackerError):
    """The write conflicts with the stored state (duplicate key, stale version, wrong state)."""

    status_code = 409
    error = "conflict"


class InvalidInput(TrackerError):
    """The input is malformed; `details` lists each problem as {field, message}."""

    status_code = 422
    error = "invalid_input"

    def __init__(self, message: str, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message, details or [])


class Unauthorized(TrackerError):
    """No valid credentials were given."""

    status_code = 401
    error = "unauthorized"


class Forbidden(TrackerError):
    """The user is known but may not do this."""

    status_code = 403
    error = "forbidden"


def field_error(field: str, message: str) -> dict[str, str]:
    """Return one problem in the shape the API uses for 422 details."""
    return {"field": field, "message": message}


def init_app(app: Flask) -> None:
    """Register the JSON error handlers."""

    @app.errorhandler(TrackerError)
    def _tracker_error(exc: TrackerError):  # type: ignore[no-untyped-def]
        return jsonify(exc.to_dict()), exc.status_code

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):  # type: ignore[no-untyped-def]
        from flask import request

        if not request.path.startswith("/api/"):
            return exc
        name = (exc.name or "error").lower().replace(" ", "_")
        body = {"error": name, "message": exc.description or exc.name}
        response = jsonify(body)
        response.status_code = exc.code or 500
        # Keep what the exception says beyond its text, e.g. a 405's Allow header.
        for key, value in exc.get_headers():
            if key.lower() != "content-type":
                response.headers[key] = value
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):  # type: ignore[no-untyped-def]
        app.logger.exception("unhandled error")
        body = {"error": "internal_error", "message": "An unexpected error occurred; it is logged."}
        return jsonify(body), 500
