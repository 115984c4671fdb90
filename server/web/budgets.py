"""Limits per client in the web layer: who the client is, and the count of its requests.

A request with a valid bearer token is its holder's ("token ovd-info"); any other is its address's
("address 203.0.113.7"): the peer's, or, when the peer is `PPKG_TRUSTED_PROXY`, the client
address that proxy adds to X-Forwarded-For (waitress rewrites it; see `server.cli.serve`). A wrong
token counts against its address, so inventing tokens gains no budget.

Flask-Limiter counts each client's requests (`PPKG_REQUESTS_PER_MINUTE`, in memory, over every
route but the static files, CORS preflights and /limits), in a sliding window that it
approximates from this minute's count and the last one's. Answers carry X-RateLimit-Limit,
X-RateLimit-Remaining and X-RateLimit-Reset (when the count is back to zero, in Unix seconds).

Each client's share of the query workers and its worker time are `server/core/budgets.py`'s,
charged by the worker pool itself; the key computed here travels with each query and validation.
"""

from __future__ import annotations

import contextlib
import math
import time

from flask import Flask, Response, g, request
from flask_limiter import Limiter, RequestLimit
from flask_limiter.errors import RateLimitExceeded

from ..core.config import Settings
from ..core.problem import Problem
from ..submissions import tokens
from .context import ledger
from .errors import problem_response

WINDOW = "minute"
EXEMPT = {"limits.limits_page"}


def client_key() -> str:
    """The client this request counts against: a token's holder, else an address."""
    key: str | None = g.get("ppkg_client")
    if key is not None:
        return key
    key = f"address {request.remote_addr or 'unknown'}"
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        with contextlib.suppress(Problem):  # a wrong token counts against the address
            key = f"token {tokens.authenticate(ledger(), header).name}"
    g.ppkg_client = key
    return key


def request_limit(settings: Settings) -> str | None:
    """Flask-Limiter's notation for the request count, or None when requests are not counted."""
    n = settings.requests_per_minute
    return f"{n} per {WINDOW}" if n > 0 else None


def init_app(app: Flask, settings: Settings) -> Limiter:
    limit = request_limit(settings)
    limiter = Limiter(
        client_key,
        app=app,
        application_limits=[limit] if limit else [],
        strategy="sliding-window-counter",
        storage_uri="memory://",
        headers_enabled=False,  # its own would put a Retry-After on every answer: see below
        on_breach=_breached,
        enabled=limit is not None,
    )

    @limiter.request_filter
    def _exempt() -> bool:
        return request.method == "OPTIONS" or request.endpoint in EXEMPT

    @app.after_request
    def _count(response: Response) -> Response:
        """Where the client stands, on every answer its count covers (Retry-After only on
        refusals, which set it themselves)."""
        current = limiter.current_limit if limiter.enabled else None
        if current is not None:
            response.headers["X-RateLimit-Limit"] = str(current.limit.amount)
            response.headers["X-RateLimit-Remaining"] = str(max(current.remaining, 0))
            response.headers["X-RateLimit-Reset"] = str(current.reset_at)
        return response

    @app.errorhandler(RateLimitExceeded)
    def _refused(exc: RateLimitExceeded) -> Response:
        if isinstance(exc.response, Response):  # made by _breached
            return exc.response
        return problem_response(429, exc.description or "too many requests")

    return limiter


def _breached(limit: RequestLimit) -> Response:
    wait = max(math.ceil(limit.reset_at - time.time()), 1)
    message = (
        f"{client_key()} has sent {limit.limit.amount} requests in a {WINDOW}, the most one"
        f" client may send (PPKG_REQUESTS_PER_MINUTE); the count goes down as the {WINDOW}"
        f" passes: try again in {wait} s"
    )
    return problem_response(429, message, {"Retry-After": str(wait)})
