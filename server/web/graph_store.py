"""A read-only SPARQL 1.1 Graph Store HTTP Protocol at /graphs: one graph of the store, whole.

`GET /graphs?graph=<iri>` sends one named graph (a source document's, the ontology, the inferred
triples...), `GET /graphs?default` the default graph (the union of the published graphs, as at
/sparql), in every RDF format by `Accept`: Turtle, N-Triples, JSON-LD, RDF/XML, and TriG and
N-Quads with the graph's name. `HEAD` sends the same headers. A graph the store does not hold is
404: pending submissions live in the ledger and sensitive graphs are left out of the store, so
neither is ever served. `PUT`, `POST`, `DELETE` and `PATCH` are 405: the public side is
read-only. The graph is read by one query in a worker, under the query time limit, and streamed.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask import Blueprint, Response, request, stream_with_context
from pyoxigraph import NamedNode

from ..core.media_types import RDF_MEDIA_TYPES, content_type
from ..core.problem import Problem
from ..store.base import QueryRequest, QueryResult
from .budgets import client_key
from .context import backend
from .negotiation import negotiate

bp = Blueprint("graph_store", __name__)

OFFERS = [m.media_type for m in RDF_MEDIA_TYPES]  # Turtle first, for */*
QUADS = {m.media_type for m in RDF_MEDIA_TYPES if m.dataset}
N_TRIPLES = "application/n-triples"
READ_ONLY = {"Allow": "GET, HEAD"}
NAMED = "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}"
# The union of all graphs is a set: a triple two graphs state is sent once.
DEFAULT = "CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"


@bp.get("/graphs")
def graph_store() -> Response:
    graph = _graph_named()
    media_type = negotiate(request.accept_mimetypes, OFFERS, request.args.get("format"))
    if media_type is None:
        raise Problem(406, f"graphs are served as: {', '.join(OFFERS)}")
    query = DEFAULT if graph is None else NAMED.format(graph=graph)
    wanted = N_TRIPLES if media_type in QUADS else media_type
    result = backend().execute(
        QueryRequest(query, None, wanted, client=client_key()),
        request.environ.get("waitress.client_disconnected"),
    )
    body = _written(result, media_type, graph)
    response = Response(body, content_type=content_type(media_type))
    response.vary.add("Accept")
    return response


@bp.route("/graphs", methods=["PUT", "POST", "DELETE", "PATCH"])
def graph_store_write() -> Response:
    raise Problem(405, "the graph store is read-only: GET or HEAD a graph", READ_ONLY)


def _graph_named() -> NamedNode | None:
    """The graph the request names (None: the default graph); 400 or 404 if it cannot be sent."""
    graphs = request.args.getlist("graph")
    if ("default" in request.args) == bool(graphs) or len(graphs) > 1:
        raise Problem(400, "name one graph: /graphs?graph=<iri>, or /graphs?default")
    if not graphs:
        return None
    try:
        graph = NamedNode(graphs[0])
    except ValueError:
        raise Problem(400, f"the graph name {graphs[0]!r} is not an IRI") from None
    if graph.value not in backend().graph_names():
        raise Problem(404, f"no graph {graph} in this dataset; GET /sparql lists the graphs")
    return graph


def _written(
    result: QueryResult, media_type: str, graph: NamedNode | None
) -> bytes | Iterator[bytes]:
    """The body: the engine's own serialisation, or its N-Triples as TriG or N-Quads (one
    statement a line, so each line gains the graph's name, or the lines a graph block)."""
    chunks: Iterator[bytes] = result.chunks
    if media_type in QUADS and graph is not None:
        chunks = _in_graph(chunks, str(graph).encode(), media_type == "application/trig")
    if result.length is not None:  # all in hand: sent with a Content-Length
        return b"".join(chunks)
    return stream_with_context(chunks)


def _in_graph(triples: Iterator[bytes], graph: bytes, block: bool) -> Iterator[bytes]:
    try:
        if block:
            yield graph + b" {\n"
        rest = b""
        for chunk in triples:
            lines = (rest + chunk).split(b"\n")
            rest = lines.pop()
            if block:
                yield b"".join(b"\t" + line + b"\n" for line in lines if line)
            else:
                yield b"".join(_with_graph(line, graph) for line in lines if line)
        if rest.strip():
            yield b"\t" + rest + b"\n" if block else _with_graph(rest, graph)
        if block:
            yield b"}\n"
    finally:
        close = getattr(triples, "close", None)
        if close is not None:
            close()  # the client left: stop the worker


def _with_graph(line: bytes, graph: bytes) -> bytes:
    """`<s> <p> <o> .` as `<s> <p> <o> <g> .`"""
    return line.rstrip().removesuffix(b".").rstrip() + b" " + graph + b" .\n"
