"""The public section's blueprint (`/offentlig/`): pages, open data and the news feed.

Everything here is readable without login and answers as the public whoever asks
(`tracker.public.service`). Answers are kept in the app's answer store (`tracker.answers`) and
given again while the data are unchanged: the key holds the data version (the newest audit-trail
entry), so any change to a record makes every kept public page stale at once. Each answer also
carries an ETag of that key, so a browser or proxy revalidating gets 304 until the data change.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from flask import Blueprint, Flask, Response, current_app, make_response, request, session

from tracker import answers
from tracker.web import lang as web_lang

PREFIX = "/offentlig"
bp = Blueprint("public", __name__, url_prefix=PREFIX)


def kept(view: Callable[..., Any]) -> Callable[..., Any]:
    """Answer a public GET from the answer store while the data are unchanged."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        store = answers.store_of(current_app)
        key = answers.answer_key(b"public", request.host_url.encode(), request.full_path.encode(),
                                 web_lang.current_language().encode())
        etag = key[:40]
        if store is not None:
            hit = store.get(key)
            if hit is not None:
                response = Response(hit.body, status=200, mimetype=hit.mimetype)
                return _conditional(response, etag)
        response = make_response(view(*args, **kwargs))
        if (store is not None and response.status_code == 200
                and not response.direct_passthrough and not session.modified
                and "csrf" not in session):  # a signed-in page carries its session's token
            store.put(key, answers.Answer(response.get_data(), response.mimetype or "text/html"))
        return _conditional(response, etag) if response.status_code == 200 else response

    return wrapper


def _conditional(response: Response, etag: str) -> Response:
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache"  # revalidate: the data may change any time
    return cast(Response, response.make_conditional(request))


def init_app(app: Flask) -> None:
    """Register the public pages, the open data and the feed."""
    from tracker.public import feed, opendata, pages

    if not bp._got_registered_once:  # the blueprint is module-wide; tests make many apps
        for module in (pages, opendata, feed):
            module.register(bp)
    app.register_blueprint(bp)
