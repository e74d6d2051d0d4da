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
    current_app,
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
    health_trust: str | None = None
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
    if request.path.startswith("/dashboards"):
        return "dashboard"
    return "web" if request.path.startswith(("/arbeid", "/login", "/logout")) else "api"


def _resolve() -> Principal:
    from tracker.db import get_session
    from tracker.users import service as users_service

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
            health_trust=user.health_trust,
        )
    sid = session.get("sid")
    if isinstance(sid, str) and sid:
        user = users_service.user_for_login_session(session=get_session(), token=sid,
                                                    now=utcnow())
        if user is not None:
            return Principal(
                name=user.name,
                role=Role(user.role),
                user_id=user.id,
                email=user.email,
                interface=_interface(),
                via_session=True,
                health_trust=user.health_trust,
            )
        session.clear()  # ended, expired or never issued: the cookie is no login
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
    """The login page (Norwegian or English), with CSRF protection and a rate limit on failures."""
    from tracker.db import get_session
    from tracker.users import service as users_service
    from tracker.web.lang import current_language
    from tracker.web.text import t

    error = None
    status = 200
    if request.method == "POST":
        check_form_csrf()
        name = (request.form.get("name") or "").strip()[:120]
        password = request.form.get("password") or ""
        address = request.remote_addr or "unknown"
        db = get_session()
        now = utcnow()
        account = users_service.account_key(name)
        client = users_service.address_key(address)
        # Count first, in one atomic statement per key, and commit before the password is
        # checked: parallel guesses each see the others' counts.
        per_account = users_service.count_login_attempt(
            session=db, key=account, now=now, window=LOGIN_WINDOW)
        per_address = users_service.count_login_attempt(
            session=db, key=client, now=now, window=LOGIN_WINDOW)
        db.commit()
        if per_account > MAX_FAILURES_PER_USER or per_address > MAX_FAILURES_PER_ADDRESS:
            error, status = t("login.error.too_many", current_language()), 429
        else:
            user = users_service.authenticate(session=db, name=name, password=password)
            if user is None:
                error, status = t("login.error.wrong", current_language()), 401
            else:
                users_service.clear_login_attempts(session=db, key=account)
                users_service.uncount_login_attempt(session=db, key=client)
                lifetime = current_app.permanent_session_lifetime
                token = users_service.start_login_session(
                    session=db, user=user, now=now, lifetime=lifetime)
                db.commit()
                session.clear()
                session["sid"] = token
                session["csrf"] = secrets.token_urlsafe(32)
                session.permanent = True
                return redirect(_safe_next(request.args.get("next")))
    return render_template(
        "login.html", error=error, csrf=csrf_token(), next=request.args.get("next", "")
    ), status


@bp.post("/logout")
def logout() -> Response:
    """End the login session."""
    from tracker.db import get_session
    from tracker.users import service as users_service

    check_form_csrf()
    token = session.get("sid")
    if isinstance(token, str) and token:
        db = get_session()
        users_service.end_login_session(session=db, token=token, now=utcnow())
        db.commit()
    session.clear()
    return redirect(url_for("auth.login"))


def check_form_csrf() -> None:
    """Refuse a form post without this session's CSRF token (400)."""
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
        # The login expires on the server 10 hours after it began, so re-sending the cookie on
        # every answer buys nothing, and it loses data: a request that left with the older
        # cookie (the curve preview firing as "Lagre" is pressed) would answer after the save
        # and overwrite the cookie carrying the save's confirmation. Only a changed session
        # is sent back.
        SESSION_REFRESH_EACH_REQUEST=False,
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
