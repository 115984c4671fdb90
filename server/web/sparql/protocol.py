"""Reading a SPARQL 1.1 Protocol query request: GET, POST form or POST direct."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs

from flask import Request

from ...core.problem import Problem

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
READ_ONLY = "SPARQL Update is not accepted: this public endpoint is read-only"


@dataclass(frozen=True)
class ProtocolRequest:
    query: str | None
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]
    format: str | None


def read_request(request: Request) -> ProtocolRequest:
    """The query and dataset of a protocol request, or a Problem saying what is wrong."""
    params = _parse_form(request.query_string.decode("latin-1"))
    direct: str | None = None
    if request.method == "POST":
        mimetype = request.mimetype
        if not mimetype:
            raise Problem(400, f"a POST needs a Content-Type: {FORM} or {DIRECT}")
        if mimetype == UPDATE:
            raise Problem(403, READ_ONLY)
        if mimetype == FORM:
            for key, values in _parse_form(_utf8_body(request)).items():
                params.setdefault(key, []).extend(values)
        elif mimetype == DIRECT:
            direct = _utf8_body(request)
        else:
            raise Problem(415, f"unsupported Content-Type {mimetype}; use {FORM} or {DIRECT}")
    if "update" in params:
        raise Problem(403, READ_ONLY)
    queries = params.get("query", []) + ([direct] if direct is not None else [])
    if len(queries) > 1:
        raise Problem(400, "exactly one query is allowed per request")
    if request.method == "POST" and not queries:
        raise Problem(400, "the request has no query")
    formats = params.get("format", [])
    return ProtocolRequest(
        query=queries[0] if queries else None,
        default_graphs=tuple(params.get("default-graph-uri", [])),
        named_graphs=tuple(params.get("named-graph-uri", [])),
        format=formats[-1] if formats else None,
    )


def _utf8_body(request: Request) -> str:
    try:
        return request.get_data(cache=True).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Problem(400, f"the request body is not UTF-8 (byte {exc.start})") from exc


def _parse_form(body: str) -> dict[str, list[str]]:
    try:
        return parse_qs(body, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError as exc:
        raise Problem(400, "a percent-encoded form value is not UTF-8") from exc
