"""How a description is written out: as a person writes RDF, with the content's prefixes.

Oxigraph's serialisers open a new graph block (TriG) or subject (Turtle) whenever the graph or the
subject changes from one quad to the next, so the order of the quads is the layout: each graph
once (the sources in the order of their names), the described resource first in each, its type
first. A format with graphs carries the statements of the sources, each in its source's graph:
not the reasoner's graph, whose triples no source states, nor the labels that the ontology's graph
gives the terms a resource links to (a file that writes into graphs ppkg writes cannot be
submitted); the formats without graphs keep both. The prefixes are those the content files
declare (as in the JSON-LD dump's @context), limited to the namespaces the quads use.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from pyoxigraph import BlankNode, Literal, NamedNode, Quad

from ..core.vocabulary import BASE, GRAPH_INFERRED, TYPE
from .jsonld import context_prefixes

# The graphs ppkg writes itself: the ontology, the shapes, the inferred triples, provenance.
OURS = BASE + "graph/"


def arranged(quads: Iterable[Quad], first: NamedNode, with_graphs: bool) -> list[Quad]:
    """The quads of `first`'s description to write, in the order to write them: for a format
    `with_graphs`, the sources' statements grouped by graph; else grouped by subject."""
    if with_graphs:
        quads = [q for q in quads if _stated(q, first)]
    return grouped(quads, first, with_graphs)


def _stated(quad: Quad, first: NamedNode) -> bool:
    """Whether a format with graphs writes `quad`: a source states it, or it is the resource's
    own in a graph of ppkg's (a vocabulary term's page), though never an inferred one."""
    graph = quad.graph_name.value if isinstance(quad.graph_name, NamedNode) else ""
    if graph == GRAPH_INFERRED:
        return False
    return not graph.startswith(OURS) or quad.subject == first


def grouped(quads: Iterable[Quad], first: NamedNode, by_graph: bool = True) -> list[Quad]:
    """`quads` ordered by graph (unless not `by_graph`: for formats without graphs), then subject
    (`first` before the others, blank nodes after IRIs), then predicate (rdf:type first); quads
    equal in these keep their order."""

    def key(quad: Quad) -> tuple[object, ...]:
        graph, subject = quad.graph_name, quad.subject
        graph_name = graph.value if isinstance(graph, NamedNode) and by_graph else ""
        return (
            graph_name,
            subject != first,
            isinstance(subject, BlankNode),
            str(subject),
            quad.predicate.value != TYPE,
            quad.predicate.value,
        )

    return sorted(quads, key=key)


@lru_cache(maxsize=4)
def content_prefixes(content_dir: Path) -> dict[str, str]:
    """The prefixes the content files declare (read once: they change only with a reload)."""
    return context_prefixes(content_dir)


def prefixes_used(quads: Iterable[Quad], prefixes: dict[str, str]) -> dict[str, str]:
    """The entries of `prefixes` whose namespace starts an IRI of `quads`, in any position."""
    iris = {
        term.value
        for quad in quads
        for term in (quad.subject, quad.predicate, quad.object, quad.graph_name)
        if isinstance(term, NamedNode)
    }
    iris |= {quad.object.datatype.value for quad in quads if isinstance(quad.object, Literal)}
    return {
        name: namespace
        for name, namespace in prefixes.items()
        if any(iri.startswith(namespace) and iri != namespace for iri in iris)
    }
