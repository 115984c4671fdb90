"""The Flask application factory."""

from __future__ import annotations

from flask import Flask
from flask_cors import CORS

from ..core.config import Settings
from ..store.base import Backend
from . import (
    budgets,
    changes,
    context,
    errors,
    graph_store,
    home,
    limits,
    openapi,
    precomputed,
    query_page,
    search,
    shapes,
    stats,
    void,
)
from . import dumps as dumps_api
from . import ontology as ontology_docs
from . import queries as queries_api
from . import submissions as submissions_api
from . import validate as validate_api
from .entity import resources as linked_data
from .sparql import endpoint


def create_app(settings: Settings, backend: Backend) -> Flask:
    """An application over a started `backend`; nothing is created at import time."""
    app = Flask(__name__)
    # A doubled slash names none of our paths: 404, not a redirect to another resource (which
    # for `/submissions//accept` was a 405 and `/id//x` a 308 to `/id/x`).
    app.url_map.merge_slashes = False
    app.config["MAX_CONTENT_LENGTH"] = settings.max_query_bytes
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    state = context.init_app(app, settings, backend)
    backend.share(state.shares)
    CORS(
        app,
        methods=["GET", "HEAD", "POST", "OPTIONS"],
        allow_headers=["Content-Type", "Accept", "Authorization"],
        expose_headers=[
            "ETag",
            "Link",
            "Retry-After",
            "Content-Location",
            "Digest",
            "Content-Digest",
            "Repr-Digest",
            "X-PPKG-Unknown-Graphs",
            "X-PPKG-Truncated",
            "X-RateLimit-Limit",
            "X-RateLimit-Remaining",
            "X-RateLimit-Reset",
        ],
        max_age=86400,
    )
    errors.init_app(app)
    budgets.init_app(app, settings)
    app.register_blueprint(home.bp)
    app.register_blueprint(endpoint.bp)
    app.register_blueprint(queries_api.bp)
    app.register_blueprint(ontology_docs.bp)
    app.register_blueprint(validate_api.bp)
    app.register_blueprint(query_page.bp)
    app.register_blueprint(stats.bp)
    app.register_blueprint(submissions_api.bp)
    app.register_blueprint(changes.bp)
    app.register_blueprint(linked_data.bp)
    app.register_blueprint(search.bp)
    app.register_blueprint(dumps_api.bp)
    app.register_blueprint(void.bp)
    app.register_blueprint(graph_store.bp)
    app.register_blueprint(shapes.bp)
    app.register_blueprint(limits.bp)
    app.register_blueprint(openapi.bp)
    context.warm_up(app)  # the names, read in the background before the first page needs them
    if state.precomputed is not None:  # the answers computed ahead, if the ledger is past them
        refresher = precomputed.Refresher(app)
        state.refresh_precomputed = refresher.wake
        refresher.start()
        refresher.wake()
    return app
