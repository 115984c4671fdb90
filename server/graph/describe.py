"""Describing one resource: the quads about it and around it, fetched with a single query.

A page costs one request to the worker pool, so the query is a UNION of every neighbourhood any
kind of page needs (a person's prosecutions, charges, events and sentences; an article's charges;
an official's holdings and the cases their organisation handled); the branches that do not apply
find nothing at once. Every row is a quad, so each fact keeps the graph (the source document)
that states it. The labels of named things linked from the page come from `server.names`.

The resource's IRI is written into the query as a term (pyoxigraph checks it is an IRI and
serialises it), not pre-bound: Oxigraph plans joins without knowing pre-bound values and would
scan whole indexes to join with them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    Quad,
    QueryResultsFormat,
    QuerySolutions,
    Triple,
    parse_query_results,
)

from ..core.vocabulary import (
    ELI,
    GRAPH_INFERRED,
    LABELS,
    PPKG,
    RDFS,
    TYPE,
)
from ..store.base import Backend, QueryRequest

# Any term a quad can hold (a Triple only in RDF-star data, which ours is not).
Node = NamedNode | BlankNode | Literal | Triple

_PREFIXES = f"PREFIX ppkg: <{PPKG}>\nPREFIX eli: <{ELI}>\n"
_LABEL = f"FILTER(?p IN ({', '.join(f'<{p}>' for p in LABELS)}))"
# Around the resource, only asserted quads: every node has a dozen inferred types.
_ASSERTED = f"FILTER(?g != <{GRAPH_INFERRED}>)"

# The resource's own quads, the labels of what it links to, and its blank nodes' quads.
_DESCRIPTION = [
    "{ GRAPH ?g { ?x ?p ?o } }",
    f"{{ ?x ?q ?s FILTER(?q != <{TYPE}> && isIRI(?s)) GRAPH ?g {{ ?s ?p ?o }} {_LABEL} }}",
    "{ ?x ?q ?s FILTER(isBlank(?s)) GRAPH ?g { ?s ?p ?o } }",
]
# Each binds ?s, a node whose (asserted) quads the pages need: few, around one resource.
_NEIGHBOURHOOD = [
    # a person's prosecutions, recognitions, post holdings and campaigns; events about them
    "{ "
    + " UNION ".join(
        f"{{ ?s ppkg:{p} ?x }}"
        for p in ("defendant", "recognised", "holder", "campaignFor", "target", "concerns")
    )
    + " }",
    "?pr ppkg:defendant ?x . ?pr ?r ?s FILTER(?r IN (ppkg:charge, ppkg:case, ppkg:sentence))",
    "?pr ppkg:defendant ?x . ?s ppkg:prosecution ?pr",
    "?h ppkg:holder ?x . ?h ppkg:post ?s",
]

# Listings can be long (everyone charged under an article, every event of a court), so each
# shows at most LISTED things, in a stable order; the people charged under an article page by
# page, with their count.
LISTED = 500


def _first(pattern: str, var: str = "?s", offset: str = "0") -> str:
    """LISTED distinct values of `var` in `pattern`, from `offset`, in the store's own order:
    ORDER BY would read the text of every IRI, a thousand times slower on a large store."""
    return f"{{ SELECT DISTINCT {var} WHERE {{ {pattern} }} LIMIT {LISTED} OFFSET {offset} }}"


_EVENTS = "?h ppkg:holder ?x . ?h ppkg:organisation ?org . {ev} ppkg:court ?org"
_CHARGED = "?c ppkg:underArticle ?x . {pr} ppkg:charge ?c"
_PAGE = "OFFSET_OF_PAGE"  # replaced by the page's offset
_LINKING = "GRAPH ?g0 { ?s ?q ?x }"
_LISTINGS = [
    # the events whose court is an organisation where the resource (an official) holds a post,
    # and the prosecutions they belong to: who and which case
    f"{{ {_first(_EVENTS.format(ev='?s'))} GRAPH ?g {{ ?s ?p ?o }} {_ASSERTED} }}",
    f"{{ {_first(_EVENTS.format(ev='?ev'), '?ev')} ?ev ppkg:prosecution ?s"
    " GRAPH ?g { ?s ?p ?o } FILTER(?p IN (ppkg:defendant, ppkg:case)) }",
    # a page of the prosecutions with a charge under a provision (or a part of it), their
    # charges, and how many there are
    f"{{ {_first(_CHARGED.format(pr='?s'), '?s', _PAGE)}"
    " GRAPH ?g { ?s ?p ?o } FILTER(?p IN (ppkg:defendant, ppkg:case, ppkg:charge)) }",
    f"{{ {_first(_CHARGED.format(pr='?pr'), '?pr', _PAGE)} ?pr ppkg:charge ?s ."
    " ?s ppkg:underArticle ?x GRAPH ?g { ?s ?p ?o }"
    f" FILTER(?p IN (ppkg:provision, ppkg:underArticle, <{RDFS}label>)) }}",
    f"{{ SELECT (COUNT(DISTINCT ?pr) AS ?n) WHERE {{ {_CHARGED.format(pr='?pr')} }} }}",
    # the parts of a provision
    f"{{ {_first('?s eli:is_part_of ?x')} GRAPH ?g {{ ?s ?p ?o }}"
    f" FILTER(?p IN (eli:is_part_of, {', '.join(f'<{p}>' for p in LABELS)})) }}",
    # what links to the resource, and the linking things' labels
    f"{{ {_first(_LINKING)} GRAPH ?g {{ ?s ?p ?x }} }}",
    f"{{ {_first(_LINKING)} GRAPH ?g {{ ?s ?p ?o }} {_LABEL} }}",
]


def _select(parts: list[str]) -> str:
    union = "\n  UNION ".join(parts)
    return f"{_PREFIXES}SELECT DISTINCT ?g ?s ?p ?o ?n WHERE {{\n  {union}\n}}"


RDF_QUERY = _select(_DESCRIPTION)
PAGE_QUERY = _select(
    _DESCRIPTION
    + [f"{{ {pattern} GRAPH ?g {{ ?s ?p ?o }} {_ASSERTED} }}" for pattern in _NEIGHBOURHOOD]
    + _LISTINGS
)


def query_for(iri: str, for_page: bool, page: int = 1) -> str:
    """The query describing `iri` (for a page, with the `page`th part of its listings);
    ValueError if `iri` is not an IRI."""
    term = str(NamedNode(iri))  # pyoxigraph refuses anything that is not an IRI
    if not for_page:
        return RDF_QUERY.replace("?x", term)
    return PAGE_QUERY.replace(_PAGE, str((page - 1) * LISTED)).replace("?x", term)


@dataclass
class Description:
    """Quads about one resource and its neighbourhood, indexed for the pages."""

    iri: NamedNode
    quads: list[Quad]
    charged: int = 0  # how many prosecutions have a charge under it (a provision)
    _by_subject: dict[Node, list[Quad]] = field(default_factory=dict, repr=False)
    _by_object: dict[Node, list[Quad]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        # In one order whatever the engine's: a remote engine may give the same quads in
        # another order each time, and the pages list things in the order first met.
        self.quads.sort(key=str)
        subjects: dict[Node, list[Quad]] = defaultdict(list)
        objects: dict[Node, list[Quad]] = defaultdict(list)
        for quad in self.quads:
            subjects[quad.subject].append(quad)
            objects[quad.object].append(quad)
        self._by_subject, self._by_object = dict(subjects), dict(objects)

    @property
    def exists(self) -> bool:
        """Whether the store states anything about the resource itself."""
        return self.iri in self._by_subject

    def about(self, subject: Node, predicate: str | None = None) -> list[Quad]:
        quads = self._by_subject.get(subject, [])
        if predicate is None:
            return quads
        return [q for q in quads if q.predicate.value == predicate]

    def objects(self, subject: Node, predicate: str) -> list[Node]:
        """Distinct objects, in the order first met."""
        return list(dict.fromkeys(q.object for q in self.about(subject, predicate)))

    def value(self, subject: Node, predicate: str) -> Node | None:
        found = self.objects(subject, predicate)
        return found[0] if found else None

    def subjects(self, predicate: str, obj: Node) -> list[Node]:
        quads = self._by_object.get(obj, [])
        return list(dict.fromkeys(q.subject for q in quads if q.predicate.value == predicate))

    def linking(self, obj: Node) -> list[Quad]:
        """The quads whose object is `obj`."""
        return self._by_object.get(obj, [])

    def sources(self, subject: Node, predicate: str, obj: Node | None = None) -> list[str]:
        """The graphs that state `subject predicate obj` (with any object when None)."""
        return list(
            dict.fromkeys(
                q.graph_name.value
                for q in self.about(subject, predicate)
                if (obj is None or q.object == obj) and isinstance(q.graph_name, NamedNode)
            )
        )

    def types(self, subject: Node) -> set[str]:
        return {o.value for o in self.objects(subject, TYPE) if isinstance(o, NamedNode)}


def describe(backend: Backend, iri: str, for_page: bool, page: int = 1) -> Description:
    """One query: the description of `iri` and the labels of what it links to (and, for a
    page, its neighbourhood and what links to it)."""
    query = query_for(iri, for_page, page)
    body = backend.execute(QueryRequest(query, "application/sparql-results+json", None)).read()
    solutions = parse_query_results(body, QueryResultsFormat.JSON)
    assert isinstance(solutions, QuerySolutions)
    node = NamedNode(iri)
    quads, charged = [], 0
    for row in solutions:
        count = row["n"]
        if isinstance(count, Literal):
            charged = int(count.value)
        else:  # the resource is the subject or the object its own branches leave unbound
            quads.append(Quad(row["s"] or node, row["p"], row["o"] or node, row["g"]))
    return Description(node, quads, charged)
