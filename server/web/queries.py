"""GET /queries (the catalogue, JSON or HTML) and GET /queries/<name> (run one)."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, Response, jsonify, render_template, request, url_for

from ..core.media_types import TABULAR
from ..core.named_queries import NamedQuery
from ..core.problem import Problem
from .context import catalogue
from .negotiation import choose, prefers_html
from .sparql.endpoint import respond

bp = Blueprint("queries", __name__)


@bp.get("/queries")
def list_queries() -> Response:
    entries = [_entry(q) for q in catalogue().values()]
    best = choose(["application/json", "text/html"], "application/json")
    if best == "text/html":
        response = Response(render_template("queries.html", queries=entries))
    else:
        response = jsonify(queries=entries)
    response.vary.add("Accept")
    return response


@bp.get("/queries/<name>")
def run_query(name: str) -> Response:
    query = catalogue().get(name)
    if query is None:
        raise Problem(404, f"no named query {name!r}; GET /queries lists them")
    values = {key: request.args.getlist(key)[-1] for key in request.args}
    page = prefers_html(request.accept_mimetypes, list(TABULAR))
    if page and "format" not in values:  # a person clicked a link: show the table
        target = url_for("query_page.query_page", example=name, **values)  # type: ignore[arg-type]
        return Response(status=303, headers={"Location": target, "Vary": "Accept"})
    return respond(query.text, format_param=values.get("format"), bindings=query.bind(values))


@bp.get("/queries/<name>.rq")
def query_text(name: str) -> Response:
    query = catalogue().get(name)
    if query is None:
        raise Problem(404, f"no named query {name!r}; GET /queries lists them")
    return Response(query.text, content_type="application/sparql-query; charset=utf-8")


def _entry(query: NamedQuery) -> dict[str, object]:
    example = {p.name: p.example for p in query.params if p.example is not None}
    return {
        "name": query.name,
        "title": query.title,
        "description": query.description,
        "params": [asdict(p) for p in query.params],
        "url": url_for("queries.run_query", name=query.name, _external=True),
        "example": url_for("queries.run_query", name=query.name, _external=True, **example),
        "text": url_for("queries.query_text", name=query.name, _external=True),
    }
