"""Akhbar's web front end: the Arabic search page and the JSON API.

``create_app`` opens the index once; the Searcher it keeps in
``app.extensions`` reopens itself when the index on disk changes, so a
rebuild or an ``akhbar add`` shows up without a restart.
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, Response, current_app

from search.cluster.coordinator import Coordinator, open_searcher
from search.searcher import Searcher

EXTENSION = "akhbar_searcher"

# Only the site's own files: no inline script or style, no third parties.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def create_app(config: dict[str, Any] | None = None, searcher: Searcher | Coordinator | None = None) -> Flask:
    """Build the app for one index: INDEX_DIR (default $AKHBAR_INDEX or
    "index").  A sharded index is searched by ``searcher`` if given (the
    CLI's choice: local processes or a Ray cluster), else by a process per
    shard; the app is then the coordinator."""
    app = Flask(__name__)
    app.config.update(INDEX_DIR=os.environ.get("AKHBAR_INDEX", "index"), SITE_NAME="أخبار")
    app.config.update(config or {})
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.extensions[EXTENSION] = searcher if searcher is not None else open_searcher(app.config["INDEX_DIR"])

    from web import api, pages

    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp, url_prefix="/api")
    api.register_error_handlers(app)
    app.after_request(_security_headers)
    return app


def searcher() -> Searcher | Coordinator:
    """The app's one Searcher (a Coordinator for a sharded index)."""
    return current_app.extensions[EXTENSION]


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response
