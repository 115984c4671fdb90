"""The /sparql endpoint, and the one function that turns a query into an HTTP response."""

from __future__ import annotations

from flask import Blueprint, Response, request, stream_with_context, url_for

from ...core.media_types import GRAPH, TABULAR, content_type
from ...core.problem import Problem
from ...core.scan import scan
from ...core.vocabulary import Term
from ...store.base import Dataset, QueryRequest, QueryResult
from .. import precomputed
from ..budgets import client_key
from ..context import backend, results
from ..negotiation import negotiate, prefers_html
from .description import service_description
from .protocol import READ_ONLY, read_request
from .unknown_graphs import say_unknown, unknown_graphs

bp = Blueprint("sparql", __name__)


@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    protocol = read_request(request)
    if protocol.query is None:
        if request.method == "GET" and prefers_html(request.accept_mimetypes, list(GRAPH)):
            return Response(status=303, headers={"Location": url_for("query_page.query_page")})
        return service_description(backend().graph_names(), protocol.format)
    dataset = Dataset(
        protocol.default_graphs,
        protocol.named_graphs,
        explicit=bool(protocol.default_graphs or protocol.named_graphs),
    )
    return respond(protocol.query, dataset, protocol.format)


def respond(
    query: str,
    dataset: Dataset | None = None,
    format_param: str | None = None,
    bindings: dict[str, Term] | None = None,
) -> Response:
    """Check, run and stream `query`, in the format the client negotiated."""
    tabular = negotiate(request.accept_mimetypes, list(TABULAR), format_param)
    graph = negotiate(request.accept_mimetypes, list(GRAPH), format_param)
    unknown = unknown_graphs(query, dataset or Dataset(), backend().graph_names())
    result = run(query, tabular, graph, dataset, bindings)
    # A result held back whole gets a Content-Length, so the connection can serve the next
    # request; a longer one streams (chunked, and waitress then closes the connection).
    body = result.read() if result.length is not None else stream_with_context(result.chunks)
    response = Response(body, content_type=content_type(result.media_type))
    response.vary.add("Accept")
    say_unknown(response, unknown)
    return response


def run(
    query: str,
    tabular: str | None,
    graph: str | None,
    dataset: Dataset | None = None,
    bindings: dict[str, Term] | None = None,
) -> QueryResult:
    """Check `query` (read-only, no SERVICE) and run it; results as the given types (a graph
    the store does not hold is an empty one: `unknown_graphs`).

    The one path every query takes, whether it is answered raw (`respond`) or as a page.
    """
    dataset = dataset or Dataset()
    found = scan(query)
    if found.update_word:
        raise Problem(403, f"{READ_ONLY} ({found.update_word} is an update operation)")
    if found.uses_service:
        raise Problem(400, "SERVICE is not allowed: this endpoint does not query other endpoints")
    # A result is kept per query, types, dataset and bound terms (str: their N-Triples form).
    bound = tuple(sorted((name, str(term)) for name, term in (bindings or {}).items()))
    key = (query, tabular, graph, dataset, bound)
    store = backend()
    started = store.revision()
    kept = results().get(key, started)
    if kept is not None:
        return kept
    ahead = precomputed.answer(query, tabular, dataset, bindings or {})
    if ahead is not None:
        return results().keep(key, started, store.revision, ahead)
    result = store.execute(
        QueryRequest(
            query,
            tabular,
            graph,
            dataset,
            query_declares_dataset=bool(found.from_graphs),
            bindings=bindings or {},
            client=client_key(),
        ),
        request.environ.get("waitress.client_disconnected"),
    )
    return results().keep(key, started, store.revision, result)
