"""The HTTP servers that run the app: gunicorn in production (and `make run`), werkzeug's
development server only when asked for; neither says what software or version it is."""

from __future__ import annotations

import os
from typing import Any

from werkzeug.serving import WSGIRequestHandler

SERVER_NAME = "nye-metoder"


class QuietRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler without its `Server: Werkzeug/x Python/y` header."""

    def version_string(self) -> str:
        return SERVER_NAME


def default_workers() -> int:
    """One worker process per core: Dash callbacks and survival statistics are CPU-bound."""
    return max(1, len(os.sched_getaffinity(0)))


def gunicorn_options(*, host: str, port: int, workers: int, threads: int,
                     timeout: int = 120) -> dict[str, Any]:
    """The gunicorn settings `tracker serve` uses."""
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "timeout": timeout,  # a large registry extract is validated within one request
        "graceful_timeout": 30,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "info",
        # Workers build their own app after the fork: no connection or thread is shared.
        "preload_app": False,
        # gunicorn 23+ opens a control socket in the home folder by default; two instances on
        # one machine would fight over it, and nothing here uses it.
        "control_socket_disable": True,
    }


def run_gunicorn(options: dict[str, Any]) -> None:
    """Serve `tracker.wsgi:app` with gunicorn in this process (it becomes the master)."""
    import gunicorn.http.wsgi
    from gunicorn.app.base import BaseApplication

    # gunicorn writes `Server: gunicorn` from this module constant; say nothing about it.
    gunicorn.http.wsgi.SERVER = SERVER_NAME  # type: ignore[attr-defined]

    class TrackerApplication(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from tracker.wsgi import app

            return app

    TrackerApplication().run()
