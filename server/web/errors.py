"""Errors that become HTTP answers, and the handlers that render them."""

from __future__ import annotations

import json

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from ..core.problem import Problem


def problem_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """JSON for clients that prefer it, plain text for everyone else."""
    best = request.accept_mimetypes.best_match(["text/plain", "application/json"], "text/plain")
    if best == "application/json":
        body = json.dumps({"status": status, "error": message}, ensure_ascii=False)
        response = Response(body, status, content_type="application/json")
    else:
        response = Response(
            f"{status} {message}\n", status, content_type="text/plain; charset=utf-8"
        )
    response.headers.update(headers or {})
    response.vary.add("Accept")
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(Problem)
    def _problem(exc: Problem) -> Response:
        return problem_response(exc.status, exc.message, exc.headers)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        response = problem_response(exc.code or 500, exc.description or exc.name)
        for name in ("Allow", "Retry-After"):
            if exc.get_response().headers.get(name):
                response.headers[name] = exc.get_response().headers[name]
        return response
