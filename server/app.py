"""The Flask application factory."""

from __future__ import annotations

from flask import Flask
from flask_cors import CORS

from . import (
    changes,
    dumps_api,
    errors,
    home,
    linked_data,
    ontology_docs,
    queries_api,
    query_page,
    search,
    stats,
    validate_api,
    void,
)
from .config import Settings
from .named_queries import load_queries
from .sparql import endpoint
from .store.base import Backend
from .submissions import api as submissions_api
from .submissions.ledger import Ledger


def create_app(settings: Settings, backend: Backend) -> Flask:
    """An application over a started `backend`; nothing is created at import time."""
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_query_bytes
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.extensions["ppkg.settings"] = settings
    app.extensions["ppkg.ledger"] = Ledger(settings.ledger_path)
    app.extensions["ppkg.backend"] = backend
    app.extensions["ppkg.queries"] = load_queries(settings.content_dir / "queries")
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
        ],
        max_age=86400,
    )
    errors.init_app(app)
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
    return app
