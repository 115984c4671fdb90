"""The compiled OWL RL rules give what owlrl's full closure gives, on the seed data and on a
small ontology that exercises every rule."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, RdfFormat, Store, parse, serialize
from rdflib import OWL, RDF, RDFS, Graph, Literal
from rdflib.term import Node

from server.core.vocabulary import GRAPH_INFERRED, GRAPH_ONTOLOGY
from server.graph.reasoning import infer

from .conftest import REPO

pytestmark = pytest.mark.no_backend  # the same whatever --backend is: run once

ONTOLOGY = REPO / "ontology" / "ppkg.ttl"
VOCABULARIES = (str(RDF), str(RDFS), str(OWL), "http://www.w3.org/2001/XMLSchema#")
# owlrl also states that every individual is an owl:Thing, the same as itself, and facts about
# the RDF and OWL vocabularies; none of those is about our data.
TRIVIAL_TYPES = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual}

RULES_ONTOLOGY = """
@prefix ex: <http://example.org/> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:A rdfs:subClassOf ex:B . ex:B owl:equivalentClass ex:C . ex:C rdfs:subClassOf ex:D .
ex:p rdfs:subPropertyOf ex:q . ex:q owl:equivalentProperty ex:r .
ex:p owl:inverseOf ex:pInv . ex:near a owl:SymmetricProperty . ex:part a owl:TransitiveProperty .
ex:within owl:propertyChainAxiom ( ex:p ex:part ex:part ) . ex:within owl:inverseOf ex:holds .
ex:p rdfs:domain ex:A . ex:p rdfs:range ex:E . ex:label rdfs:range rdfs:Literal .
"""
RULES_DATA = """
@prefix ex: <http://example.org/> .
GRAPH ex:g { ex:x ex:p ex:y . ex:y ex:part ex:z . ex:z ex:part ex:w . ex:w ex:part ex:v .
  ex:x ex:near ex:y . ex:x ex:label "x" . ex:k a ex:B . }
"""


def ours(ontology: str, data: str) -> set[tuple[str, ...]]:
    store = Store()
    store.load(ontology, RdfFormat.TURTLE, to_graph=NamedNode(GRAPH_ONTOLOGY))
    store.load(data, RdfFormat.TRIG)
    infer(store)
    inferred = store.quads_for_pattern(None, None, None, NamedNode(GRAPH_INFERRED))
    return {(str(q.subject), str(q.predicate), str(q.object)) for q in inferred}


def owlrl_closure(ontology: str, data: str) -> set[tuple[str, ...]]:
    """owlrl's answer, computed in a fresh interpreter: importing owlrl changes rdflib's literal
    handling for the whole process, which would leak into other tests (pySHACL's datatypes)."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(_owlrl_closure, ontology, data).result()


def _owlrl_closure(ontology: str, data: str) -> set[tuple[str, ...]]:
    import owlrl

    graph = Graph().parse(data=ontology, format="turtle")
    terms = set(graph.subjects()) | set(graph.objects())  # the ontology's own vocabulary
    triples = [q.triple for q in parse(data, RdfFormat.TRIG)]
    graph.parse(data=serialize(triples, format=RdfFormat.N_TRIPLES), format="nt")
    asserted = set(graph)
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False
    ).expand(graph)

    def about_data(s: Node, p: Node, o: Node) -> bool:
        vocabulary = str(s).startswith(VOCABULARIES) or s in terms or isinstance(s, Literal)
        trivial = p == OWL.sameAs or (p == RDF.type and o in TRIVIAL_TYPES)
        return not vocabulary and not trivial

    return {
        tuple(t.n3() for t in triple) for triple in set(graph) - asserted if about_data(*triple)
    }


def test_every_rule_matches_owlrl() -> None:
    expected = owlrl_closure(RULES_ONTOLOGY, RULES_DATA)
    got = ours(RULES_ONTOLOGY, RULES_DATA)
    assert got == expected
    ex = "http://example.org/"
    for triple in [
        (f"<{ex}x>", f"<{ex}within>", f"<{ex}v>"),  # chain over a transitive property
        (f"<{ex}v>", f"<{ex}holds>", f"<{ex}x>"),  # inverse of what a chain entails
        (f"<{ex}y>", f"<{ex}pInv>", f"<{ex}x>"),  # inverse
        (f"<{ex}y>", f"<{ex}near>", f"<{ex}x>"),  # symmetric
        (f"<{ex}k>", "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>", f"<{ex}D>"),
        (f"<{ex}x>", f"<{ex}r>", f"<{ex}y>"),  # sub- then equivalent property
    ]:
        assert triple in got


@pytest.mark.parametrize("path", sorted((REPO / "data").glob("*.trig")), ids=lambda p: p.name)
def test_seed_data_matches_owlrl(path: Path) -> None:
    ontology, data = ONTOLOGY.read_text("utf-8"), path.read_text("utf-8")
    assert ours(ontology, data) == owlrl_closure(ontology, data)


def test_inferred_graph_holds_only_new_triples() -> None:
    store = Store()
    store.load(RULES_ONTOLOGY, RdfFormat.TURTLE, to_graph=NamedNode(GRAPH_ONTOLOGY))
    store.load(RULES_DATA, RdfFormat.TRIG)
    first = infer(store)
    assert first > 0
    assert infer(store) == first  # recomputing replaces, never accumulates
    asserted = {
        (q.subject, q.predicate, q.object)
        for q in store
        if q.graph_name != NamedNode(GRAPH_INFERRED)
    }
    inferred = store.quads_for_pattern(None, None, None, NamedNode(GRAPH_INFERRED))
    assert not any((q.subject, q.predicate, q.object) in asserted for q in inferred)


LITERALS = r"""
@prefix ex: <http://example.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
GRAPH ex:g { ex:x ex:p "tab\there", "line\nbreak", "quote \" and \\ backslash", 42, 1.5, 1e3,
  true, "x"@en-GB, "d"^^ex:datatype, "looks like > _:b1 .", "_:b2" . }
"""


def test_literals_are_inferred_unchanged(tmp_path: Path) -> None:
    """Literals of every kind reach the inferred graph as they were stated, on disk too."""
    store = Store(str(tmp_path / "store"))
    store.load(RULES_ONTOLOGY, RdfFormat.TURTLE, to_graph=NamedNode(GRAPH_ONTOLOGY))
    store.load(LITERALS, RdfFormat.TRIG)
    infer(store)
    ex = "http://example.org/"
    stated = {q.object for q in store.quads_for_pattern(None, NamedNode(ex + "p"), None)}
    inferred = store.quads_for_pattern(None, NamedNode(ex + "r"), None, NamedNode(GRAPH_INFERRED))
    assert len(stated) == 11
    assert {q.object for q in inferred} == stated


BLANK_NODES = """
@prefix ex: <http://example.org/> .
GRAPH ex:g { [] ex:p ex:y . ex:z ex:p [ ex:part [ ex:part [] ] ] . }
"""


def test_blank_nodes_stay_the_same_nodes() -> None:
    store = Store()
    store.load(RULES_ONTOLOGY, RdfFormat.TURTLE, to_graph=NamedNode(GRAPH_ONTOLOGY))
    store.load(BLANK_NODES, RdfFormat.TRIG)
    assert infer(store) > 0
    prefixes = f"PREFIX ex: <http://example.org/> PREFIX inferred: <{GRAPH_INFERRED}>\n"
    joined = """SELECT * WHERE {
      GRAPH ex:g { ?a ex:p ex:y . ex:z ex:p ?b . ?b ex:part ?c . ?c ex:part ?d }
      GRAPH inferred: { ex:y ex:pInv ?a . ?a a ex:D . ?b ex:pInv ex:z . ?b a ex:E .
        ?b ex:part ?d . ex:z ex:within ?d . ?d ex:holds ex:z } }"""
    assert len(list(store.query(prefixes + joined))) == 1  # type: ignore[arg-type]
    strangers = """SELECT ?n WHERE { GRAPH inferred: { { ?n ?p ?o } UNION { ?s ?p ?n } }
      FILTER(isBlank(?n)) FILTER NOT EXISTS { GRAPH ex:g { { ?n ?q ?r } UNION { ?r ?q ?n } } } }"""
    assert list(store.query(prefixes + strangers)) == []  # type: ignore[arg-type]


def test_axioms_on_rdf_type_are_refused() -> None:
    store = Store()
    ontology = "<http://example.org/is> <http://www.w3.org/2000/01/rdf-schema#subPropertyOf> "
    store.load(ontology + f"<{RDF.type}> .", RdfFormat.TURTLE, to_graph=NamedNode(GRAPH_ONTOLOGY))
    with pytest.raises(NotImplementedError, match="rdf:type"):
        infer(store)


JOINS_ONTOLOGY = """
@prefix ex: <http://example.org/> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:c owl:propertyChainAxiom ( ex:a ex:b ) ; rdfs:domain ex:D ; rdfs:range ex:R ;
  rdfs:subPropertyOf ex:e .
ex:a rdfs:domain ex:D . ex:b rdfs:range ex:S . ex:e rdfs:range ex:T . ex:e owl:inverseOf ex:eInv .
ex:f owl:propertyChainAxiom ( ex:e ex:b ) ; rdfs:domain ex:F .
ex:g owl:propertyChainAxiom ( ex:a ex:label ) ; rdfs:range ex:L .
"""
JOINS_DATA = """
@prefix ex: <http://example.org/> .
GRAPH ex:g { ex:x ex:a ex:y . ex:y ex:b ex:z . ex:z ex:b ex:w . ex:y ex:label "a literal" . }
"""


def test_joins_feed_rules_and_joins_again() -> None:
    """What a join gives, the one-premise rules extend (classes the steps do not already give
    included), and those extensions feed another join; a literal at a chain's end gains no
    class."""
    got = ours(JOINS_ONTOLOGY, JOINS_DATA)
    assert got == owlrl_closure(JOINS_ONTOLOGY, JOINS_DATA)
    ex, a = "http://example.org/", "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    for triple in [
        (f"<{ex}x>", f"<{ex}c>", f"<{ex}z>"),  # the chain
        (f"<{ex}z>", a, f"<{ex}R>"),  # its range, which the last step does not give
        (f"<{ex}z>", a, f"<{ex}T>"),  # the range of a super-property
        (f"<{ex}z>", f"<{ex}eInv>", f"<{ex}x>"),  # the inverse of a super-property
        (f"<{ex}x>", f"<{ex}f>", f"<{ex}w>"),  # a chain over what the first one entailed
        (f"<{ex}x>", a, f"<{ex}F>"),
        (f"<{ex}x>", f"<{ex}g>", '"a literal"'),
    ]:
        assert triple in got
