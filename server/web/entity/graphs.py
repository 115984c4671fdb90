"""Our named graphs' IRIs answer too: a graph the store holds and nothing describes (the
inferred graph, the provenance of submissions, the ontology's and the shapes' graphs) gets a
short description of what it is, and where to fetch it (the Graph Store Protocol)."""

from __future__ import annotations

from urllib.parse import quote

from flask import request
from pyoxigraph import Literal, NamedNode, Quad

from ...core.vocabulary import DCTERMS, GRAPH_SUBMISSIONS, RDF, RDFS
from ...graph.describe import Description
from ..context import backend
from ..rdflib_namespaces import VOID
from ..void import GRAPH_TITLES

TITLES = {
    **GRAPH_TITLES,
    GRAPH_SUBMISSIONS: "The provenance of accepted submissions: who sent them, who accepted them",
}


def graph_description(iri: str) -> Description | None:
    """What the server says about a named graph it holds, or None."""
    if iri not in backend().graph_names():
        return None
    graph, host = NamedNode(iri), request.host_url
    statements: list[tuple[NamedNode, NamedNode | Literal]] = [
        (NamedNode(RDF + "type"), NamedNode(str(VOID.Dataset))),
        (NamedNode(str(VOID.dataDump)), NamedNode(f"{host}graphs?graph={quote(iri, safe='')}")),
        (NamedNode(DCTERMS + "isPartOf"), NamedNode(f"{host}.well-known/void#dataset")),
    ]
    title = TITLES.get(iri)
    if title:
        statements.append((NamedNode(RDFS + "label"), Literal(title, language="en")))
    return Description(graph, [Quad(graph, p, o) for p, o in statements])
