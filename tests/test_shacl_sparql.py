"""SPARQL constraints batched for all focus nodes: what cannot be batched is refused."""

from __future__ import annotations

import pytest
from pyoxigraph import Store
from rdflib import Graph, Literal, URIRef

from server.validation.sparql_constraints import evaluate, split
from server.validation.speedups import MemoGraph

pytestmark = pytest.mark.no_backend  # the same whatever --backend is: run once

SHAPE = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <urn:ex:> .
ex:Shape a sh:NodeShape ; sh:targetClass ex:Thing ; %s
    sh:sparql [ sh:message "{$this} has no name"@en ; sh:select "%s" ] .
"""
NAMELESS = "SELECT $this WHERE { FILTER NOT EXISTS { $this <urn:ex:name> ?n } }"


def shapes(select: str, extra: str = "") -> Graph:
    return Graph().parse(data=SHAPE % (extra, select), format="turtle")


@pytest.mark.parametrize(
    "select",
    [
        "SELECT $this WHERE { $this ?p ?o MINUS { $this <urn:ex:name> ?n } }",
        "SELECT $this WHERE { VALUES ?o { 1 } $this ?p ?o }",
        "SELECT $this WHERE { { SELECT $this (COUNT(*) AS ?n) WHERE { $this ?p ?o } } }",
        "SELECT $this WHERE { $this $PATH ?o }",
    ],
)
def test_queries_that_pre_binding_and_a_join_read_differently_are_refused(select: str) -> None:
    with pytest.raises(ValueError, match="cannot batch"):
        split(shapes(select))


def test_property_shapes_are_refused() -> None:
    with pytest.raises(ValueError, match="node shapes only"):
        split(shapes(NAMELESS, "sh:path <urn:ex:name> ;"))


def test_one_result_per_focus_node_with_its_message() -> None:
    store = Store()
    store.update(
        "INSERT DATA { <urn:ex:a> a <urn:ex:Thing> . <urn:ex:b> a <urn:ex:Thing> ; "
        '<urn:ex:name> "B" . <urn:ex:c> a <urn:ex:Other> }'
    )
    report = Graph().parse(
        data="[] a <http://www.w3.org/ns/shacl#ValidationReport> .", format="turtle"
    )
    _, constraints = split(shapes(NAMELESS))
    assert evaluate(constraints, store, report) == 1
    assert {str(m) for m in report.objects(None, None) if "no name" in str(m)} == {
        "urn:ex:a has no name"
    }


def test_the_memoised_shapes_graph_forgets_on_every_change() -> None:
    graph = MemoGraph()
    a, p = URIRef("urn:ex:a"), URIRef("urn:ex:p")
    graph.add((a, p, Literal(1)))
    assert len(list(graph.objects(a, p))) == 1
    graph.add((a, p, Literal(2)))
    assert sorted(graph.objects(a, p)) == [Literal(1), Literal(2)]
    graph.remove((a, p, Literal(1)))
    assert list(graph.objects(a, p)) == [Literal(2)]
