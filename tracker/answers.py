"""Answers kept while the data they were drawn from is unchanged: the dashboards' callbacks and
the API's most read lists.

Dozens of people open the same pages (the overview before a Beslutningsforum meeting, an
introduction's curves), and every such answer is a pure function of the request, the viewer,
today's date and the stored data. So each worker keeps recent answers, keyed by

* the request itself (a callback's inputs, state and language; an API path and query string),
* the viewer (role and name: an answer is only ever given again to the same person or, for the
  public, to the public), and
* the **data version**: the newest entry of the append-only audit trail, which every create,
  update and delete of a record writes (a delivery, a flag from the sweep, a changed visibility
  mark, a user's role), with the number of entries of the last hour, read with one indexed query
  per callback; plus today's date.

Any change to the data makes a new version, so a kept answer is never stale; answers of other
versions simply age out of the bounded store. An answer that changed the session is never kept.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask, Response, g, request, session
from sqlalchemy import func, select

from tracker.audit.models import AuditEvent
from tracker.auth import current_principal
from tracker.db import get_session
from tracker.timeutil import today, utcnow

CALLBACK_PATH = "/dashboards/_dash-update-component"
MAX_ENTRIES = 1024
MAX_ENTRY_BYTES = 4 * 1024 * 1024
MAX_TOTAL_BYTES = 128 * 1024 * 1024


@dataclass(frozen=True)
class Answer:
    body: bytes
    mimetype: str


class AnswerStore:
    """A thread-safe LRU store bounded by entries and bytes."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_TOTAL_BYTES) -> None:
        self._entries: OrderedDict[str, Answer] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> Answer | None:
        with self._lock:
            answer = self._entries.get(key)
            if answer is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return answer

    def put(self, key: str, answer: Answer) -> None:
        if len(answer.body) > MAX_ENTRY_BYTES:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._entries[key] = answer
            self._bytes += len(answer.body)
            while self._entries and (len(self._entries) > self.max_entries
                                     or self._bytes > self.max_bytes):
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= len(dropped.body)


def data_version() -> str:
    """The newest audit-trail entry and the number of entries of the last hour.

    The newest entry changes with every write to a record. The count catches a transaction that
    commits after a later one (ids are handed out before commit, so the newest id alone would not
    move); no request writes for anywhere near an hour before it commits.
    """
    since = utcnow() - timedelta(hours=1)
    newest = select(func.max(AuditEvent.id)).scalar_subquery()
    recent = (select(func.count()).select_from(AuditEvent)
              .where(AuditEvent.at >= since).scalar_subquery())  # type: ignore[arg-type]
    row = get_session().execute(select(newest, recent)).one()
    return f"{row[0] or 0}.{row[1]}"


def answer_key(*parts: bytes) -> str:
    """The key of an answer to this request (its `parts`) for this viewer, of today's data."""
    principal = current_principal()
    digest = hashlib.sha256()
    for part in (*parts, f"{principal.role}|{principal.name}|{principal.user_id}".encode(),
                 f"{data_version()}|{today().isoformat()}".encode()):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def store_of(app: Flask) -> AnswerStore | None:
    """The app's answer store, or None if answers are not kept (TRACKER_ANSWER_CACHE_ENTRIES=0)."""
    return app.extensions.get("tracker_answers")  # type: ignore[no-any-return]


def init_app(app: Flask) -> None:
    """Keep answers in this worker, and answer a dashboard callback from them when the same
    viewer asked it of the same data (API operations opt in, see apispec.operation)."""
    entries = app.extensions["tracker_settings"].answer_cache_entries
    if entries == 0:
        return
    store = AnswerStore(max_entries=entries)
    app.extensions["tracker_answers"] = store

    @app.before_request
    def _answer_from_store() -> Response | None:
        if request.method != "POST" or request.path != CALLBACK_PATH:
            return None
        key = answer_key(request.get_data(cache=True))
        answer = store.get(key)
        if answer is not None:
            return Response(answer.body, status=200, mimetype=answer.mimetype)
        g.answer_key = key
        return None

    @app.after_request
    def _keep_answer(response: Response) -> Response:
        key = g.pop("answer_key", None)
        # An answer that changed the session (its cookie) is not kept: giving it again would not.
        if (key is not None and response.status_code == 200
                and not response.direct_passthrough and not session.modified):
            store.put(key, Answer(response.get_data(), response.mimetype or "application/json"))
        return response
