"""The browser's working pages: forms for every write a role may make, beside the Dash
analytics, under /arbeid/ ("work").

Server-rendered Flask pages (Jinja) rather than Dash components, because a form here is an
HTML form: it works without JavaScript, posts with a CSRF token, is labelled and keyboard
friendly by construction, and is tested with Flask's client as well as in Chromium. Both kinds
of page share one stylesheet and one navigation (`tracker.web.nav`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Flask, redirect, render_template, request, url_for
from werkzeug.exceptions import BadRequest
from werkzeug.wrappers import Response

from tracker.errors import Forbidden, NotFound, TrackerError, Unauthorized
from tracker.web import lang as web_lang
from tracker.web import nav
from tracker.web.text import t

PREFIX = "/arbeid"
bp = Blueprint("web", __name__, url_prefix=PREFIX)


def render(template: str, *, status: int = 200, **context: Any) -> tuple[str, int]:
    """Render a page in the current language."""
    return render_template(template, **context), status


def page_context() -> dict[str, Any]:
    """What every page template may use: language, strings, navigation, who is looking."""
    from tracker.auth import csrf_token, current_principal

    lang = web_lang.current_language()
    principal = current_principal()
    role = principal.role.value if principal.role else None
    return {
        "lang": lang,
        "t": lambda key, **values: t(key, lang, **values),
        "nav_items": [(item, nav.href(item, lang)) for item in nav.items_for(role)],
        "fmt_date": lambda value: web_lang.fmt_date(value, lang),
        "principal": principal,
        "role_label": _role_label(role, lang),
        "csrf_token": csrf_token,
        "lang_toggle": _toggle_href(lang),
        "demo": _demo(),
    }


def _demo() -> bool:
    from tracker import get_settings

    return get_settings().env != "production"


_ROLES = {
    None: ("offentlig (uten innlogging)", "public (not signed in)"),
    "secretariat": ("sekretariatet", "secretariat"),
    "procurement": ("Sykehusinnkjøp", "Sykehusinnkjøp"),
    "clinician": ("kliniker", "clinician"),
    "forum": ("Beslutningsforum", "Beslutningsforum"),
    "admin": ("administrator", "administrator"),
    "coordinator": ("koordinator", "coordinator"),
    "committee": ("vurderingskomitéen", "assessment committee"),
    "medical_director": ("fagdirektør", "medical director"),
}


def _role_label(role: str | None, lang: str) -> str:
    nb, en = _ROLES.get(role, _ROLES[None])
    return en if lang == "en" else nb


def _toggle_href(lang: str) -> str:
    args = request.args.to_dict()
    args["lang"] = "nb" if lang == "en" else "en"
    return f"{request.path}?{urlencode(args)}"


@bp.before_request
def _protect_forms() -> None:
    from tracker.auth import check_form_csrf

    if request.method == "POST":
        check_form_csrf()


@bp.errorhandler(TrackerError)
def _error_page(exc: TrackerError) -> Response | tuple[str, int]:
    if isinstance(exc, Unauthorized):
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    lang = web_lang.current_language()
    key = {Forbidden: "error.403", NotFound: "error.404"}.get(type(exc), "error.400")
    return render("web/error.html", status=exc.status_code, text=t(key, lang))


@bp.errorhandler(BadRequest)
def _bad_request(exc: BadRequest) -> tuple[str, int]:
    return render("web/error.html", status=400, text=t("error.400", web_lang.current_language()))


def init_app(app: Flask) -> None:
    """Register the working pages and the shared page context."""
    from tracker.web import pages

    if not bp._got_registered_once:  # the blueprint is module-wide; tests make many apps
        pages.register(bp)
    app.register_blueprint(bp)
    web_lang.init_app(app)
    app.context_processor(page_context)
