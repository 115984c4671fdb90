"""GET /limits: every limit a client meets, as a page or JSON, and where it stands against them.

The same numbers, as a sentence, are in the SPARQL service description (`summary`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request, url_for

from ..core.budgets import Budget
from ..core.config import Settings
from ..core.problem import Problem
from ..graph.describe import LISTED
from .budgets import client_key
from .context import settings, shares
from .negotiation import negotiate
from .result_table import SHOW_ROWS
from .search import MAX_LIMIT

bp = Blueprint("limits", __name__)
TYPES = ["text/html", "application/json"]
FORMATS = {"html": "text/html", "json": "application/json"}


@dataclass(frozen=True)
class Limit:
    name: str  # the key in JSON
    title: str
    size: float | int | None  # None: not applied on this server
    unit: str
    setting: str | None  # the environment variable that sets it
    past: str  # what happens past it

    def __post_init__(self) -> None:
        if isinstance(self.size, float) and self.size.is_integer():
            object.__setattr__(self, "size", int(self.size))


def limits(config: Settings) -> list[Limit]:
    budget = Budget.from_settings(config)
    seconds = budget.seconds or None
    return [
        Limit(
            "requests_per_minute",
            "Requests one client may send in a minute (to any path but /static/ and this page)",
            config.requests_per_minute or None,
            "requests",
            "PPKG_REQUESTS_PER_MINUTE",
            "429 with Retry-After until the minute's count has gone down",
        ),
        Limit(
            "worker_seconds",
            "Time one client's queries and validations may hold query workers, at once",
            seconds,
            "s",
            "PPKG_WORKER_SECONDS",
            "429 with Retry-After until enough has refilled",
        ),
        Limit(
            "worker_seconds_period",
            "Time that worker time takes to refill from empty (steadily)",
            budget.period if seconds else None,
            "s",
            "PPKG_WORKER_SECONDS_PERIOD",
            "",
        ),
        Limit(
            "client_workers",
            f"Query workers one client may hold at once (of {config.workers})",
            budget.workers,
            "worker" if budget.workers == 1 else "workers",
            "PPKG_CLIENT_WORKERS",
            "its next query waits for its turn",
        ),
        Limit(
            "client_queue",
            "More of one client's queries and validations that may wait for its turn",
            budget.queue,
            "requests",
            "PPKG_CLIENT_QUEUE",
            "429 with Retry-After",
        ),
        Limit(
            "query_timeout",
            "Time a query may run (waiting for a worker included)",
            config.query_timeout,
            "s",
            "PPKG_QUERY_TIMEOUT",
            "stopped: 503, or, once its results have started, the transfer is aborted",
        ),
        Limit(
            "validation_timeout",
            "Time validating one file may run",
            config.validation_timeout,
            "s",
            "PPKG_VALIDATION_TIMEOUT",
            "stopped: 503",
        ),
        Limit(
            "max_query_bytes",
            "Largest query request body",
            config.max_query_bytes,
            "bytes",
            "PPKG_MAX_QUERY_BYTES",
            "413",
        ),
        Limit(
            "max_upload_bytes",
            "Largest file to validate or submit",
            config.max_upload_bytes,
            "bytes",
            "PPKG_MAX_UPLOAD_BYTES",
            "413",
        ),
        Limit(
            "query_page_rows",
            "Rows the query page (/query) shows; the download links give them all",
            SHOW_ROWS,
            "rows",
            None,
            "the rest is not shown; the page and the X-PPKG-Truncated header say so",
        ),
        Limit(
            "search_results",
            "Results /search gives (limit=, 20 unless asked)",
            MAX_LIMIT,
            "results",
            None,
            "the rest is not given; the answer and the X-PPKG-Truncated header say so",
        ),
        Limit(
            "entity_listing",
            "Items an entity page lists in one listing; the RDF formats give them all",
            LISTED,
            "items",
            None,
            "the rest is not listed; the page and the X-PPKG-Truncated header say so",
        ),
    ]


def summary(config: Settings) -> str:
    """The limits in one paragraph, for the service description."""
    budget = Budget.from_settings(config)
    parts = ["Each client (a bearer token's holder, else its address)"]
    if config.requests_per_minute:
        parts.append(f"may send {config.requests_per_minute} requests a minute;")
    if budget.seconds:
        parts.append(
            f"its queries and validations may hold query workers for {budget.seconds:g} s,"
            f" refilled steadily over {budget.period:g} s;"
        )
    parts.append(
        f"it may hold {budget.workers} of the {config.workers} query workers at once, with"
        f" {budget.queue} more of its requests waiting for a turn. A query may run"
        f" {config.query_timeout:g} s, a validation {config.validation_timeout:g} s. Past a"
        " limit the answer is 429 (503 past a time limit) with Retry-After. The query page"
        f" shows the first {SHOW_ROWS} rows, /search gives up to {MAX_LIMIT} results, an entity"
        f" page lists up to {LISTED} items a listing, each saying so (X-PPKG-Truncated)."
    )
    return " ".join(parts)


@bp.get("/limits")
def limits_page() -> Response:
    asked = request.args.get("format")
    if asked is not None and FORMATS.get(asked, asked) not in TYPES:
        raise Problem(406, f"the limits are served as: {', '.join(TYPES)} (format=html, json)")
    media_type = negotiate(request.accept_mimetypes, TYPES, asked and FORMATS.get(asked, asked))
    if media_type is None:
        raise Problem(406, f"the limits are served as: {', '.join(TYPES)}")
    config = settings()
    client = client_key()
    usage = shares().usage(client)
    found = limits(config)
    if media_type == "application/json":
        response = jsonify(_json(config, client, usage, found))
    else:
        body = render_template(
            "limits.html",
            limits=found,
            client=client,
            usage=usage,
            proxy=config.trusted_proxy,
            summary=summary(config),
            json_url=url_for("limits.limits_page", format="json"),
        )
        response = Response(body, content_type="text/html; charset=utf-8")
    response.vary.add("Accept")
    response.headers["Cache-Control"] = "no-store"  # it shows the client's own state
    return response


def _json(config: Settings, client: str, usage: Any, found: list[Limit]) -> dict[str, Any]:
    return {
        "client": client,
        "identified_by": (
            "a valid bearer token's holder, else the address the request came from"
            + (
                f" (X-Forwarded-For's last address when it came through {config.trusted_proxy})"
                if config.trusted_proxy
                else ""
            )
        ),
        "limits": {
            limit.name: {k: v for k, v in asdict(limit).items() if k != "name"} for limit in found
        },
        "you": {
            "worker_seconds_left": None
            if usage.seconds_left is None
            else round(usage.seconds_left, 3),
            "worker_seconds_full_in": round(usage.full_in, 1),
            "holding_workers": usage.holding,
            "waiting": usage.waiting,
        },
        "summary": summary(config),
    }
