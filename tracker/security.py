"""Security headers and log redaction."""

from __future__ import annotations

import logging
import re
from typing import Any

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

# Eleven digits in a row may be a fødselsnummer or D-number; tokens and passwords are secrets.
_REDACTIONS = [
    (re.compile(r"(?<!\d)\d{6}\s?\d{5}(?!\d)"), "[redacted-11-digits]"),
    (re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"), r"\1[redacted]"),
    (re.compile(r"nmt_[A-Za-z0-9_-]{10,}"), "nmt_[redacted]"),
    (re.compile(r"(?i)(password|passord|secret|token)(=|:\s*)([^\s&,;]+)"), r"\1\2[redacted]"),
]


def redact(text: str) -> str:
    """Remove identifiers and secrets from a log message."""
    for pattern, replacement in _REDACTIONS:
        text = pattern.sub(replacement, text)
    return text


_installed = False


def install_log_redaction() -> None:
    """Redact every log record created in this process, whichever library logs it."""
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is logged as it is
            return record
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return record

    logging.setLogRecordFactory(factory)
    _installed = True


def content_security_policy(dash_hashes: list[str]) -> str:
    """Return the CSP: same-origin only; Dash's inline bootstrap scripts allowed by hash.

    Plotly's WebGL traces compile shaders with `new Function`, hence 'unsafe-eval'; Dash and
    Swagger UI set inline styles, hence 'unsafe-inline' for styles only.
    """
    scripts = " ".join(["'self'", "'unsafe-eval'", *dash_hashes])  # Dash quotes its hashes
    return (
        "default-src 'self'; "
        f"script-src {scripts}; "
        "style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
        "worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    )


def init_app(app: Flask) -> None:
    """Add security headers to every response; trust one proxy for the scheme if configured."""
    settings = app.extensions["tracker_settings"]
    install_log_redaction()
    if settings.behind_proxy:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]

    @app.after_request
    def _headers(response: Response) -> Response:
        if "tracker_csp" not in app.extensions:
            dash_app = app.extensions.get("tracker_dash")
            hashes = dash_app.csp_hashes() if dash_app is not None else []
            app.extensions["tracker_csp"] = content_security_policy(hashes)
        response.headers.setdefault("Content-Security-Policy", app.extensions["tracker_csp"])
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        if request.is_secure:
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        if request.path.startswith("/api/") and request.headers.get("Authorization"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response
