"""The OWL RL entailments the ontology needs, computed by Oxigraph in a few passes.

A full owlrl closure takes about 50 s for 160 thousand triples. The ontology uses only a handful
of OWL RL rules, so they are compiled from the ontology into SPARQL CONSTRUCT queries (one per
rule, the ontology's pairs inlined as a VALUES table) and run to a fixpoint; only triples not
already asserted anywhere go into the inferred graph. `tests/test_reasoning.py` checks that the
result equals owlrl's on the seed data.
"""

from __future__ import annotations

from collections.abc import Iterable

from pyoxigraph import NamedNode, Quad, QuerySolutions, QueryTriples, Store

from .namespaces import GRAPH_INFERRED, GRAPH_ONTOLOGY

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PREFIXES = f"PREFIX rdf: <{RDF}> PREFIX rdfs: <{RDFS}> PREFIX owl: <{OWL}>\n"
MAX_ROUNDS = 32


def infer(store: Store) -> int:
    """Replace the inferred graph with what the ontology entails; return its size."""
    graph = NamedNode(GRAPH_INFERRED)
    if store.contains_named_graph(graph):
        store.remove_graph(graph)
    rules = compile_rules(store)
    total = 0
    for _ in range(MAX_ROUNDS):
        new = {
            Quad(t.subject, t.predicate, t.object, graph)
            for rule in rules
            for t in _construct(store, rule)
        }
        if not new:
            break
        store.extend(new)
        total += len(new)
    return total


def compile_rules(store: Store) -> list[str]:
    """One CONSTRUCT query per rule that the ontology gives something to do."""

    def pairs(query: str) -> list[tuple[str, str]]:
        return [(str(row[0]), str(row[1])) for row in _select(store, query)]

    rules = [
        _rule(pairs(SUPER_CLASSES), "?x a ?a", "?x a ?b"),
        _rule(pairs(SUPER_PROPERTIES), "?x ?a ?y", "?x ?b ?y"),
        _rule(pairs(INVERSES), "?x ?a ?y FILTER(!isLiteral(?y))", "?y ?b ?x"),
        _rule(pairs(DOMAINS), "?x ?a ?y", "?x a ?b"),
        _rule(pairs(RANGES), "?x ?a ?y FILTER(!isLiteral(?y))", "?y a ?b"),
        _rule(pairs(TRANSITIVE), "?x ?a ?y . ?y ?a ?z", "?x ?b ?z"),
        _rule(pairs(SYMMETRIC), "?x ?a ?y FILTER(!isLiteral(?y))", "?y ?b ?x"),
    ]
    rules += [_chain_rule(p, steps) for p, steps in _chains(store)]
    return [rule for rule in rules if rule]


def _select(store: Store, query: str) -> QuerySolutions:
    """A SELECT over the ontology graph alone."""
    rows = store.query(PREFIXES + query, default_graph=NamedNode(GRAPH_ONTOLOGY))
    assert isinstance(rows, QuerySolutions)
    return rows


def _construct(store: Store, query: str) -> QueryTriples:
    """A rule, run over every graph."""
    triples = store.query(query, use_default_graph_as_union=True)
    assert isinstance(triples, QueryTriples)
    return triples


def _rule(pairs: Iterable[tuple[str, str]], where: str, head: str) -> str:
    rows = " ".join(f"({a} {b})" for a, b in sorted(set(pairs)))
    if not rows:
        return ""
    return (
        f"CONSTRUCT {{ {head} }} WHERE {{ VALUES (?a ?b) {{ {rows} }} {where} "
        f"FILTER NOT EXISTS {{ {head} }} }}"
    )


def _chain_rule(prop: str, steps: list[str]) -> str:
    body = " . ".join(f"?v{i} {step} ?v{i + 1}" for i, step in enumerate(steps))
    head = f"?v0 {prop} ?v{len(steps)}"
    return f"CONSTRUCT {{ {head} }} WHERE {{ {body} FILTER NOT EXISTS {{ {head} }} }}"


def _chains(store: Store) -> list[tuple[str, list[str]]]:
    query = "SELECT ?p ?list WHERE { ?p owl:propertyChainAxiom ?list }"
    chains = []
    for row in _select(store, query):
        chains.append((str(row[0]), _list_items(store, row[1])))
    return chains


def _list_items(store: Store, head: object) -> list[str]:
    graph = NamedNode(GRAPH_ONTOLOGY)
    items = []
    node = head
    while node != NamedNode(RDF + "nil"):
        first = next(store.quads_for_pattern(node, NamedNode(RDF + "first"), None, graph))  # type: ignore[arg-type]
        items.append(str(first.object))
        node = next(store.quads_for_pattern(node, NamedNode(RDF + "rest"), None, graph)).object  # type: ignore[arg-type]
    return items


# Each yields (?a ?b) pairs: a class or property and what the ontology makes follow from it.
SUPER_CLASSES = """SELECT DISTINCT ?a ?b WHERE {
  ?a (rdfs:subClassOf|owl:equivalentClass|^owl:equivalentClass)+ ?b
  FILTER(isIRI(?a) && isIRI(?b) && ?a != ?b) }"""
SUPER_PROPERTIES = """SELECT DISTINCT ?a ?b WHERE {
  ?a (rdfs:subPropertyOf|owl:equivalentProperty|^owl:equivalentProperty)+ ?b
  FILTER(isIRI(?a) && isIRI(?b) && ?a != ?b) }"""
INVERSES = """SELECT DISTINCT ?a ?b WHERE {
  { ?a owl:inverseOf ?b } UNION { ?b owl:inverseOf ?a } FILTER(isIRI(?a) && isIRI(?b)) }"""
DOMAINS = """SELECT DISTINCT ?a ?b WHERE { ?a rdfs:domain ?b FILTER(isIRI(?b)) }"""
RANGES = f"""SELECT DISTINCT ?a ?b WHERE {{ ?a rdfs:range ?b
  FILTER(isIRI(?b) && !STRSTARTS(STR(?b), "{XSD}") && ?b NOT IN (rdfs:Literal, rdf:langString))
  FILTER NOT EXISTS {{ ?b a rdfs:Datatype }} }}"""
TRANSITIVE = "SELECT ?a ?b WHERE { ?a a owl:TransitiveProperty BIND(?a AS ?b) }"
SYMMETRIC = "SELECT ?a ?b WHERE { ?a a owl:SymmetricProperty BIND(?a AS ?b) }"
