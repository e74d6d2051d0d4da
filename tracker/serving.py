"""What the HTTP servers that run the app say about themselves: nothing that helps an attacker."""

from __future__ import annotations

from werkzeug.serving import WSGIRequestHandler

SERVER_NAME = "nye-metoder"


class QuietRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler without its `Server: Werkzeug/x Python/y` header."""

    def version_string(self) -> str:
        return SERVER_NAME
