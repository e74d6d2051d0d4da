"""Who is calling: API tokens, the login session, and the public. Plus CSRF and the login page."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlparse

from flask import (
    Blueprint,
    Flask,
    abort,
    g,
    has_request_context,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.wrappers import Response

from tracker.errors import Forbidden, Unauthorized
from tracker.timeutil import utcnow
from tracker.users.enums import Role

LOGIN_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_ADDRESS = 20
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass(frozen=True)
class Principal:
    """The caller: a user with a role, the public (no role), or the system itself."""

    name: str
    role: Role | None
    user_id: int | None = None
    email: str | None = None
    interface: str = "api"
    via_session: bool = False

    @property
    def authenticated(self) -> bool:
        return self.role is not None


PUBLIC = Principal(name="anonymous", role=None)
SYSTEM = Principal(name="system", role=Role.admin, interface="cli")
JOB = Principal(name="scheduler", role=Role.admin, interface="job")
SEED = Principal(name="seed", role=Role.admin, interface="seed")
_outside_request: ContextVar[Principal] = ContextVar("tracker_principal", default=SYSTEM)


def current_principal() -> Principal:
    """Return the caller of the current request, or the principal set for a job or CLI run."""
    if has_request_context():
        return g.get("principal", PUBLIC)  # type: ignore[no-any-return]
    return _outside_request.get()


@contextmanager
def acting_as(principal: Principal) -> Iterator[Principal]:
    """Run code outside a request as this principal (jobs, CLI, seeding)."""
    token = _outside_request.set(principal)
    try:
        yield principal
    finally:
        _outside_request.reset(token)


def _interface() -> str:
    return "dashboard" if request.path.startswith("/dashboards") else "api"


def _resolve() -> Principal:
    from tracker.db import get_session
    from tracker.users import service as users_service
    from tracker.users.models import User

    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("Send the API token as 'Authorization: Bearer <token>'.")
        db = get_session()
        user = users_service.user_for_token(session=db, token=token.strip(), now=utcnow())
        if user is None:
            raise Unauthorized(
                "The API token is unknown or revoked; ask an administrator for a new one."
            )
        if db.dirty:
            db.commit()  # keep last_used_at
        return Principal(
            name=user.name,
            role=Role(user.role),
            user_id=user.id,
            email=user.email,
            interface=_interface(),
        )
    user_id = session.get("user_id")
    if user_id:
        user = get_session().get(User, user_id)
        if user is not None and user.active:
            return Principal(
                name=user.name,
                role=Role(user.role),
                user_id=user.id,
                email=user.email,
                interface=_interface(),
                via_session=True,
            )
        session.clear()
    return PUBLIC


def csrf_token() -> str:
    """Return this session's CSRF token, creating it on first use."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return str(session["csrf"])


def _check_csrf(sent: str | None) -> None:
    expected = session.get("csrf")
    if not expected or not sent or not secrets.compare_digest(str(expected), sent):
        raise Forbidden(
            "Missing or wrong CSRF token. Browser sessions must send the token from the page "
            "(header X-CSRF-Token); API clients should use a bearer token instead."
        )


bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    if not target:
        return "/dashboards/"
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return "/dashboards/"
    return target


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    """The login page (Norwegian), with CSRF protection and a rate limit on failures."""
    from tracker.db import get_session
    from tracker.users import service as users_service

    error = None
    status = 200
    if request.method == "POST":
        _check_form_csrf()
        name = (request.form.get("name") or "").strip()[:120]
        password = request.form.get("password") or ""
        address = request.remote_addr or "unknown"
        db = get_session()
        now = utcnow()
        user_key, address_key = f"{address}|{name.lower()}", f"{address}|*"
        too_many = (
            users_service.recent_failures(session=db, key=user_key, now=now, window=LOGIN_WINDOW)
            >= MAX_FAILURES_PER_USER
            or users_service.recent_failures(
                session=db, key=address_key, now=now, window=LOGIN_WINDOW
            )
            >= MAX_FAILURES_PER_ADDRESS
        )
        if too_many:
            db.commit()
            error, status = "For mange mislykkede forsøk. Vent 15 minutter og prøv igjen.", 429
        else:
            user = users_service.authenticate(session=db, name=name, password=password)
            if user is None:
                users_service.record_failed_login(session=db, key=user_key, now=now)
                users_service.record_failed_login(session=db, key=address_key, now=now)
                db.commit()
                error, status = "Feil brukernavn eller passord.", 401
            else:
                users_service.clear_failures(session=db, key=user_key)
                db.commit()
                session.clear()
                session["user_id"] = user.id
                session["csrf"] = secrets.token_urlsafe(32)
                session.permanent = True
                return redirect(_safe_next(request.args.get("next")))
    return render_template(
        "login.html", error=error, csrf=csrf_token(), next=request.args.get("next", "")
    ), status


@bp.post("/logout")
def logout() -> Response:
    """End the login session."""
    _check_form_csrf()
    session.clear()
    return redirect(url_for("auth.login"))


def _check_form_csrf() -> None:
    try:
        _check_csrf(request.form.get("csrf_token"))
    except Forbidden:
        abort(400, description="Skjemaet er utløpt eller ugyldig (CSRF). Last siden på nytt.")


def init_app(app: Flask) -> None:
    """Resolve the caller before each request and protect cookie sessions against CSRF."""
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=True,  # browsers treat http://127.0.0.1 and localhost as secure
        SESSION_COOKIE_NAME="tracker_session",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=10),
    )
    app.register_blueprint(bp)

    @app.before_request
    def _authenticate() -> None:
        g.principal = PUBLIC
        if request.endpoint in {"static", "meta.docs_static"}:
            return
        g.principal = _resolve()
        if (
            g.principal.via_session
            and request.method in UNSAFE_METHODS
            and request.path.startswith("/api/")
        ):
            _check_csrf(request.headers.get("X-CSRF-Token"))

    @app.context_processor
    def _inject() -> dict[str, object]:
        return {"principal": current_principal(), "csrf_token": csrf_token}
