"""GET /query: a page to write SPARQL, start from a named query, and read the results as a table.

The page is a plain form that GETs /query?query=...: the server runs the query through the same
checks and backend as /sparql (`endpoint.run`) and renders a table, so it works without
JavaScript; the script only turns the textarea into a highlighting editor. A named query loads
with its parameters as form fields, bound as typed terms exactly as /queries/<name> binds them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Response, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from ..core.named_queries import NamedQuery
from ..core.problem import Problem
from ..core.vocabulary import Term
from .context import catalogue, settings
from .result_table import GRAPH_TYPE, TABULAR_TYPE, Table, Terms, read_table
from .sparql.endpoint import respond, run
from .truncation import mark

bp = Blueprint("query_page", __name__)

DEFAULT_QUERY = """PREFIX ppkg: <https://w3id.org/ppkg/ontology#>
PREFIX schema: <https://schema.org/>

SELECT ?person ?name WHERE {
  ?person a ppkg:Person ;
    schema:name ?name .
  FILTER(LANG(?name) = "en")
}
ORDER BY ?name
LIMIT 100
"""
# Download links: label and the `format` short name /sparql understands (formats.SHORT_NAMES).
TABULAR_DOWNLOADS = [("JSON", "json"), ("XML", "xml"), ("CSV", "csv"), ("TSV", "tsv")]
GRAPH_DOWNLOADS = [
    ("Turtle", "turtle"),
    ("N-Triples", "nt"),
    ("JSON-LD", "jsonld"),
    ("RDF/XML", "rdfxml"),
]
OWN_FIELDS = {"query", "example", "format"}


@dataclass(frozen=True)
class QueryForm:
    """What the form holds: the text, the named query it started from, and its parameters."""

    text: str
    example: NamedQuery | None = None
    values: dict[str, str] = field(default_factory=dict)
    submitted: bool = False

    @property
    def edited(self) -> bool:
        return self.example is None or self.text.strip() != self.example.text.strip()

    def bindings(self) -> dict[str, Term]:
        return self.example.bind(self.values) if self.example else {}

    def link_params(self) -> dict[str, Any]:
        """The query string that reproduces this form's query: the shareable link."""
        params: dict[str, Any] = {"query": self.text} if self.edited else {}
        if self.example:
            params["example"] = self.example.name
            params.update({k: v for k, v in self.values.items() if v})
        return params


@dataclass(frozen=True)
class Outcome:
    table: Table | None = None
    error: str | None = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


@bp.get("/query")
def query_page() -> Response:
    try:
        form = read_form(request.args)
    except Problem as exc:
        form, outcome = QueryForm(request.args.get("query", DEFAULT_QUERY)), _failed(exc)
        return _page(form, outcome)
    if "format" in request.args and form.submitted:  # a download link (query with parameters)
        return respond(form.text, format_param=request.args["format"], bindings=form.bindings())
    return _page(form, execute(form) if form.submitted else Outcome())


def read_form(args: MultiDict[str, str]) -> QueryForm:
    """The form from the query string. A named query runs as it loads, with the parameters
    given or else its defaults and examples, so `/query?example=<name>` shows what it does."""
    text = args.get("query")
    if text is not None:  # browsers submit a textarea's lines with CRLF
        text = text.replace("\r\n", "\n")
    name = args.get("example", "")
    if not name:
        return QueryForm(DEFAULT_QUERY if text is None else text, submitted=text is not None)
    example = catalogue().get(name)
    if example is None:
        raise Problem(404, f"no named query {name!r}; the examples are listed on this page")
    loading = text is None  # a link to the example, rather than its submitted form
    values = {
        p.name: args.get(p.name, (p.default or p.example or "") if loading else "")
        for p in example.params
        if p.name not in OWN_FIELDS
    }
    return QueryForm(example.text if text is None else text, example, values, submitted=True)


def execute(form: QueryForm) -> Outcome:
    if not form.text.strip():
        return Outcome(error="the query is empty: write one or pick an example", status=400)
    try:
        result = run(form.text, TABULAR_TYPE, GRAPH_TYPE, bindings=form.bindings())
        return Outcome(read_table(result, Terms(form.text, settings().base_iri)))
    except Problem as exc:
        return _failed(exc)


def _failed(exc: Problem) -> Outcome:
    return Outcome(error=exc.message, status=exc.status, headers=exc.headers)


def downloads(form: QueryForm, table: Table) -> list[tuple[str, str]]:
    """A link per format: /sparql for a plain query, the named query's own address when it is
    unchanged, and this page (which then answers raw) for an edited one with parameters."""
    formats = GRAPH_DOWNLOADS if table.graph else TABULAR_DOWNLOADS
    links = []
    for label, short in formats:
        if not form.bindings():
            href = url_for("sparql.sparql", query=form.text, format=short)
        elif form.example and not form.edited:
            params: dict[str, Any] = {k: v for k, v in form.values.items() if v}
            href = url_for("queries.run_query", name=form.example.name, format=short, **params)
        else:
            href = url_for("query_page.query_page", format=short, **form.link_params())
        links.append((label, href))
    return links


def _page(form: QueryForm, outcome: Outcome) -> Response:
    table = outcome.table
    body = render_template(
        "query.html",
        form=form,
        outcome=outcome,
        examples=list(catalogue().values()),
        downloads=downloads(form, table) if table else [],
        share=url_for("query_page.query_page", _external=True, **form.link_params()),
        jsonld=_jsonld(),
    )
    response = Response(
        body, outcome.status, outcome.headers, content_type="text/html; charset=utf-8"
    )
    if table is not None and table.truncated:
        mark(response, {"triples" if table.graph else "rows": len(table.rows)})
    return response


def _jsonld() -> dict[str, Any]:
    root = request.url_root
    return {
        "@context": "https://schema.org",
        "@type": "WebPage",
        "name": "SPARQL query",
        "description": "Write a SPARQL query, or start from a named query, and read the results.",
        "url": request.base_url,
        "isPartOf": {"@type": "WebSite", "name": "ppkg", "url": root},
        "about": {
            "@type": "Dataset",
            "name": "ppkg: the political prisoners knowledge graph",
            "url": root,
            "distribution": {
                "@type": "DataDownload",
                "name": "SPARQL endpoint",
                "contentUrl": root + "sparql",
                "encodingFormat": "application/sparql-results+json",
            },
        },
    }
