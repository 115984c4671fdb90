"""The OWL RL entailments the ontology needs, computed in seconds rather than owlrl's minutes.

A full owlrl closure takes about 50 s for 160 thousand triples. The ontology uses only a handful
of OWL RL rules. Those with one premise (class and property hierarchies with equivalences,
inverses, domains, ranges, symmetry) are closed at the schema level first: for each property, and
for each class with superclasses, we know every triple that one triple of it entails. That makes
one SPARQL query for the entailed classes and one per entailed property, which Oxigraph answers
on its internal term ids, leaving out what is already stated (MINUS, a hash anti-join: FILTER NOT
EXISTS evaluates its pattern once per row, ten times slower). The rules that join (transitive
properties, property chains) are queries too, and the two alternate until nothing new appears:
after the first pass, the one-premise rules read only the predicates the joins gave new triples,
less the classes their ends already have from the triples joined, and the joins run again only
when a predicate they join has gained triples. Predicates no triple uses are never read. The
queries of a pass read the store only, so they run side by side, a thread each core (Oxigraph
lets go of Python's lock while it evaluates): half the time on two cores.
`tests/test_reasoning.py` checks the result against owlrl.

Reading a term's text out of an on-disk store costs microseconds, as much as writing the triple,
so the queries return only the terms that vary (?x, ?y), as TSV, whose terms are Turtle; the
constant class or property is pasted in as bytes, and the result bulk-loaded. No Python object
is made per triple. `python -m bench.infer_compare` times this against a previous revision.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from concurrent.futures import Executor, ThreadPoolExecutor

from pyoxigraph import (
    NamedNode,
    Quad,
    RdfFormat,
    Store,
    parse,
)

from ..core.lines import line_pieces
from ..core.vocabulary import GRAPH_INFERRED, TYPE
from .rules import Known, Tables, join_rules, solutions

THREADS = os.cpu_count() or 1


def infer(store: Store) -> int:
    """Replace the inferred graph with what the ontology entails; return its size.

    Writes with `bulk_load`, which is not transactional: `ppkg load` runs this on a store it is
    building and swaps in only when everything succeeded.
    """
    graph = NamedNode(GRAPH_INFERRED)
    if store.contains_named_graph(graph):
        store.remove_graph(graph)
    tables = Tables.compile(store)
    rules = tables.rules()
    joins = join_rules(store)
    # The first pass reads only the predicates the data uses: a rule over an empty predicate
    # still builds its MINUS side. Later passes read what the joins gave new triples.
    changed = _present(store, {b.reads for rule in rules for b in rule.branches})
    known: dict[str, Known] = {}  # types the joins' new triples cannot add: they are stated
    since_joins: set[str] = set()  # predicates given new triples since the joins last ran
    joined_once = False
    with ThreadPoolExecutor(THREADS, thread_name_prefix="ppkg-infer") as pool:
        while True:
            # What the rules entail from the joins' new triples is all that can be new.
            found = pool.map(lambda r, c=changed, k=known: r.new_triples(store, c, k), rules)
            entailed = list(zip([rule.head for rule in rules], found, strict=True))
            _write(store, [triples for _, triples in entailed], pool)
            since_joins |= {head for head, triples in entailed if triples}
            # The joins read only the store; unless a predicate they join changed, they would
            # find what they found last time, all of it written since.
            if joined_once and not since_joins & {step for rule in joins for step in rule.steps}:
                break
            joined = list(zip(joins, pool.map(lambda r: r.new_triples(store), joins), strict=True))
            joined_once, since_joins = True, set()
            changed = {rule.predicate for rule, triples in joined if triples}
            if not changed:
                break
            _write(store, [triples for _, triples in joined], pool)
            since_joins |= changed
            known = tables.known([rule for rule, triples in joined if triples])
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH_INFERRED}> {{ ?s ?p ?o }} }}"
    return int(next(solutions(store, count))[0].value)


def _present(store: Store, predicates: set[str]) -> set[str]:
    """Those of `predicates` that some triple of the store has (rdf:type always)."""
    return {TYPE} | {
        p for p in predicates if next(store.quads_for_pattern(None, NamedNode(p), None), None)
    }


def _write(store: Store, parts: Iterable[bytes], pool: Executor) -> None:
    """Add Turtle triples, one a line, to the inferred graph.

    Loading gives blank nodes fresh ids, so triples with one go in as terms. The rest is loaded
    in a part per thread: a bulk load lets go of Python's lock and Oxigraph ingests each part's
    sorted files apart, so two cores write 1.6 million triples in 9 s instead of 13-15 s.
    """
    data = b"".join(parts)
    graph = NamedNode(GRAPH_INFERRED)
    if b"_:" in data:  # rarely: our data has no blank nodes, but a literal may contain "_:"
        lines = data.splitlines(keepends=True)
        blank = [line for line in lines if _has_blank_node(line)]
        data = b"".join(line for line in lines if not _has_blank_node(line))
        triples = parse(b"".join(blank), RdfFormat.TURTLE)
        store.extend(Quad(t.subject, t.predicate, t.object, graph) for t in triples)

    def load(part: bytes) -> None:  # the store wrote these terms itself: lenient
        store.bulk_load(part, RdfFormat.TURTLE, to_graph=graph, lenient=True)

    list(pool.map(load, line_pieces(data, -(-len(data) // THREADS))))  # a piece per thread


def _has_blank_node(line: bytes) -> bool:
    """Whether the subject or object of a line `subject <predicate> object .` is a blank node."""
    # A subject that is no blank node is an IRI, and IRIs hold no spaces.
    return line.startswith(b"_:") or line.split(b"> ", 2)[2].startswith(b"_:")
