"""Graphs a query names that the dataset does not hold: empty graphs, never fetched, and said so.

A graph named by `FROM`, `FROM NAMED`, `default-graph-uri` or `named-graph-uri` that the store
does not hold is an empty graph, as in SPARQL 1.1's dataset-backed engines (Fuseki): the query is
answered (an `ASK {}` with such a parameter is true), the name is never dereferenced (Oxigraph
reads FROM graphs from its store only, and the store holds neither the staged submissions nor
the sensitive graphs), and the answer's `X-PPKG-Unknown-Graphs` header lists the names, so that
a mistyped graph stays visible to the person who typed it. A dataset parameter that is not an
IRI at all is a 400.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote

from flask import Response
from pyoxigraph import NamedNode

from ...core.problem import Problem
from ...core.scan import scan
from ...store.base import Dataset

HEADER = "X-PPKG-Unknown-Graphs"
BUDGET = 2000  # characters of names in the header at most: a request may name thousands
# Characters a header may carry as they are; anything else in a name is percent-encoded.
SAFE = "!#$%&'()*+,/:;=?@[]~"
_FROM = re.compile(r"\bfrom\b", re.IGNORECASE)


def unknown_graphs(query: str, dataset: Dataset, known: Iterable[str]) -> list[str]:
    """The graphs `query` runs on (the protocol's dataset, else its FROM clauses) that are not in
    `known`, in the order named; Problem(400) for a dataset parameter that is not an IRI."""
    named = [*dataset.default_graphs, *dataset.named_graphs]
    for name in named:
        try:
            NamedNode(name)
        except ValueError:
            raise Problem(400, f"the graph name {name!r} is not an IRI") from None
    if not dataset.explicit and _FROM.search(query):
        named += scan(query).from_graphs
    held = frozenset(known)
    return list(dict.fromkeys(name for name in named if name not in held))


def say_unknown(response: Response, unknown: list[str]) -> None:
    """Name the unknown graphs in the response: `<iri>, <iri>`, then `(and 3 more)` past what a
    header should carry."""
    listed: list[str] = []
    for name in unknown:
        written = f"<{quote(name, safe=SAFE)}>"
        if sum(len(x) + 2 for x in listed) + len(written) > BUDGET:
            break
        listed.append(written)
    more = len(unknown) - len(listed)
    if unknown:
        response.headers[HEADER] = ", ".join(listed + [f"(and {more} more)"] * bool(more))
