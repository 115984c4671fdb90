"""Running one query on an Oxigraph store and serialising its results with Oxigraph itself."""

from __future__ import annotations

from typing import IO, Any, Protocol, cast

from pyoxigraph import (
    NamedNode,
    QueryBoolean,
    QuerySolutions,
    QueryTriples,
    Store,
    Variable,
)

from ..core.media_types import GRAPH, TABULAR
from ..core.problem import Problem
from .base import QueryRequest


class Sink(Protocol):
    def write(self, data: bytes, /) -> int: ...

    def flush(self) -> None: ...


Results = QuerySolutions | QueryBoolean | QueryTriples


def evaluate(store: Store, request: QueryRequest) -> tuple[Results, str]:
    """The lazily evaluated results and the media type they will be written in."""
    try:
        results = store.query(request.query, **_query_options(request))
    except SyntaxError as exc:
        raise Problem(400, f"SPARQL syntax error: {exc}") from exc
    except (OSError, RuntimeError, ValueError) as exc:
        raise Problem(500, f"query failed: {exc}") from exc
    if isinstance(results, QueryTriples):
        media_type, form, offers = request.graph_type, "CONSTRUCT and DESCRIBE", list(GRAPH)
    else:
        media_type, form, offers = request.tabular_type, "SELECT and ASK", list(TABULAR)
    if media_type is None:
        raise Problem(406, f"{form} results can be served as: {', '.join(offers)}")
    return results, media_type


def serialize(results: Results, media_type: str, sink: Sink) -> None:
    """Write `results` to `sink`; evaluation errors surface here, as Problem(500)."""
    output = cast(IO[bytes], sink)  # Oxigraph needs only write() and flush()
    try:
        if isinstance(results, QueryTriples):
            results.serialize(output, format=GRAPH[media_type])
        else:
            results.serialize(output, format=TABULAR[media_type])
    except (OSError, RuntimeError, ValueError, SyntaxError) as exc:
        raise Problem(500, f"query failed while running: {exc}") from exc


def _query_options(request: QueryRequest) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if request.bindings:
        options["substitutions"] = {Variable(k): v for k, v in request.bindings.items()}
    dataset = request.dataset
    if dataset.explicit:
        # The protocol's dataset replaces FROM / FROM NAMED; an empty default graph stays empty.
        options["default_graph"] = [NamedNode(g) for g in dataset.default_graphs]
        options["named_graphs"] = [NamedNode(g) for g in dataset.named_graphs]
    elif not request.query_declares_dataset:
        options["use_default_graph_as_union"] = True
    return options
