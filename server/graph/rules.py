"""The OWL RL rules the ontology needs, compiled into SPARQL over the store's own term ids.

`Tables` reads the ontology's one-premise axioms (hierarchies, inverses, domains, ranges,
symmetry) into lookups, from which each entailed class and property gets one query (`Types`,
`Rule`); the rules that join (transitive properties, property chains) are `Chain`s. The queries
return only the terms that vary, as TSV (whose terms are Turtle); `reasoning.infer` writes them.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterator
from dataclasses import dataclass, field

from pyoxigraph import NamedNode, QueryResultsFormat, QuerySolutions, Store

from ..core.vocabulary import GRAPH_ONTOLOGY, OWL, RDF, RDFS, TYPE, XSD

PREFIXES = f"PREFIX rdf: <{RDF}> PREFIX rdfs: <{RDFS}> PREFIX owl: <{OWL}>\n"

# A triple pattern over the two ends of one stated triple: each end is "s" or "o" (the stated
# triple's subject or object), or a class IRI in the object of rdf:type.
Pattern = tuple[str, str, str]


@dataclass(frozen=True)
class Known:
    """For a predicate whose new triples came from joins only: the classes that its subjects and
    objects already have, entailed by the triples joined (the store was closed under the
    one-premise rules before the joins read it)."""

    subject: frozenset[str]
    object: frozenset[str]


@dataclass(frozen=True)
class Branch:
    """One premise of the classes' query: a pattern binding ?x, the predicate whose triples it
    reads, which end of them ?x is ("s" or "o"), and the classes (by number) it entails."""

    reads: str
    end: str
    pattern: str
    classes: list[int]


@dataclass(frozen=True)
class Types:
    """How to find the rdf:type triples of every entailed class: one branch per premise."""

    classes: list[str]
    branches: list[Branch]

    @property
    def head(self) -> str:
        return TYPE

    def new_triples(
        self, store: Store, changed: set[str] | None = None, known: dict[str, Known] | None = None
    ) -> bytes:
        """Those not in any graph yet, from triples of the `changed` predicates (default all),
        as Turtle; classes that `known` says the ends of a predicate's new triples have are
        not looked for.

        One query for all classes, its rows grouped by subject, so that each subject's text is
        read once however many classes it gains, and each premise scanned once.
        """
        branches = []
        for b in self.branches:
            if changed is not None and b.reads not in changed:
                continue
            has = known.get(b.reads) if known else None
            done = () if has is None else has.subject if b.end == "s" else has.object
            ks = [k for k in b.classes if self.classes[k] not in done]
            if ks:
                branches.append((b.pattern, ks))
        if not branches:
            return b""
        body = " UNION ".join(
            f"{{ {pattern} VALUES ?k {{ {_numbers(ks)} }} }}" for pattern, ks in branches
        )
        entailed = sorted({k for _, ks in branches for k in ks})
        stated = " ".join(f'(<{self.classes[k]}> "{k}")' for k in entailed)
        query = (
            f"SELECT ?x (GROUP_CONCAT(?k) AS ?ks) WHERE {{"
            f" {{ SELECT DISTINCT ?x ?k WHERE {{ {body} }} }}"
            f" MINUS {{ VALUES (?c ?k) {{ {stated} }} ?x <{TYPE}> ?c }} }} GROUP BY ?x"
        )
        suffixes = [f" <{TYPE}> <{c}> .\n".encode() for c in self.classes]
        rows = (row.split(b"\t") for row in _rows(store, query).splitlines())
        # Each row is a subject and its new classes' numbers, as in `<s>\t"3 14"`.
        return b"".join(x + suffixes[int(k)] for x, ks in rows for k in ks[1:-1].split())


def _numbers(ks: list[int]) -> str:
    """Class numbers as string literals, which GROUP_CONCAT joins."""
    return " ".join(f'"{k}"' for k in ks)


@dataclass(frozen=True)
class Rule:
    """How to find the triples of one property: patterns binding ?x and ?y, each with the
    predicate whose triples it reads."""

    predicate: str
    branches: list[Premise]

    @property
    def head(self) -> str:
        return self.predicate

    def new_triples(
        self, store: Store, changed: set[str] | None = None, known: dict[str, Known] | None = None
    ) -> bytes:
        """Those not in any graph yet, from triples of the `changed` predicates (default all),
        as Turtle. (`known` tells classes only: a property's triples are never known.)"""
        body = " UNION ".join(
            b.pattern for b in self.branches if changed is None or b.reads in changed
        )
        return _new_triples(store, self.predicate, body) if body else b""


@dataclass(frozen=True)
class Premise:
    """One premise of a property's query: a pattern binding ?x and ?y, and the predicate whose
    triples it reads."""

    reads: str
    pattern: str


@dataclass(frozen=True)
class Chain:
    """A property entailed by a chain of others (a transitive one by itself twice)."""

    predicate: str
    steps: list[str]

    def new_triples(self, store: Store) -> bytes:
        """Those not in any graph yet, as Turtle.

        Each step is a subquery, so that Oxigraph joins them by hashing: it would otherwise
        look each row of one step up in the next, several times slower on disk.
        """
        ends = ["?x", *(f"?v{i}" for i in range(1, len(self.steps))), "?y"]
        body = " ".join(
            f"{{ SELECT {a} {b} WHERE {{ {a} <{step}> {b} }} }}"
            for a, b, step in zip(ends[:-1], ends[1:], self.steps, strict=True)
        )
        return _new_triples(store, self.predicate, body)


def _new_triples(store: Store, predicate: str, body: str) -> bytes:
    """The triples `?x <predicate> ?y` that `body` gives and no graph holds yet, as Turtle."""
    head = f"?x <{predicate}> ?y"
    rows = _rows(store, f"SELECT DISTINCT ?x ?y WHERE {{ {body} MINUS {{ {head} }} }}")
    return rows.replace(b"\t", f" <{predicate}> ".encode()).replace(b"\n", b" .\n")


def _rows(store: Store, query: str) -> bytes:
    """A SELECT's rows as TSV, whose terms are Turtle, less any whose first term is a literal.

    TSV rows hold tabs and newlines only as separators: values escape theirs.
    """
    found = solutions(store, query, use_default_graph_as_union=True)
    tsv = found.serialize(format=QueryResultsFormat.TSV) or b""
    return _literal_subjects_dropped(tsv.split(b"\n", 1)[1])  # after the header


def _literal_subjects_dropped(rows: bytes) -> bytes:
    """TSV rows less those whose first term is a literal: IRIs start with <, blank nodes _:."""
    starts = b"\n" + rows  # rows end with a newline, and values escape theirs
    if starts.count(b"\n<") + starts.count(b"\n_:") == rows.count(b"\n"):
        return rows
    return b"".join(r for r in rows.splitlines(keepends=True) if r.startswith((b"<", b"_:")))


@dataclass
class Tables:
    """The one-premise rules, as lookups from a class or property to what follows from it."""

    super_classes: dict[str, set[str]] = field(default_factory=dict)
    super_properties: dict[str, set[str]] = field(default_factory=dict)
    inverses: dict[str, set[str]] = field(default_factory=dict)
    domains: dict[str, set[str]] = field(default_factory=dict)
    ranges: dict[str, set[str]] = field(default_factory=dict)
    symmetric: set[str] = field(default_factory=set)

    @classmethod
    def compile(cls, store: Store) -> Tables:
        def table(query: str) -> dict[str, set[str]]:
            out: dict[str, set[str]] = defaultdict(set)
            for row in _select(store, query):
                out[row[0].value].add(row[1].value)
            return dict(out)

        tables = cls(
            super_classes=table(SUPER_CLASSES),
            super_properties=table(SUPER_PROPERTIES),
            inverses=table(INVERSES),
            domains=table(DOMAINS),
            ranges=table(RANGES),
            symmetric=set(table(SYMMETRIC)),
        )
        property_tables = [tables.super_properties, tables.inverses, tables.domains, tables.ranges]
        if any(TYPE in t or any(TYPE in v for v in t.values()) for t in property_tables):
            raise NotImplementedError("axioms on rdf:type itself are not supported")
        return tables

    def rules(self) -> list[Types | Rule]:
        """One query for the entailed classes, one per entailed property, gathering every
        premise that entails them."""
        premises: list[Pattern] = [("s", TYPE, c) for c in self.super_classes]
        properties = {*self.super_properties, *self.inverses, *self.domains, *self.ranges}
        premises += [("s", p, "o") for p in sorted(properties | self.symmetric)]
        bodies: dict[tuple[str, str], set[tuple[Pattern, Pattern, bool]]] = defaultdict(set)
        for premise in premises:
            always = self.closure(premise, literal=True)
            for head in self.closure(premise, literal=False):
                # What follows only when the object is not a literal needs a filter.
                key = (head[1], head[2]) if head[1] == TYPE else (head[1], "")
                bodies[key].add((premise, head, head not in always))
        classes = sorted(c for p, c in bodies if p == TYPE)
        rules = [_rule(p, found) for (p, _), found in sorted(bodies.items()) if p != TYPE]
        return [_types(classes, [bodies[TYPE, c] for c in classes]), *rules]

    def known(self, joins: list[Chain]) -> dict[str, Known]:
        """For each predicate the `joins` give triples of, the classes its new triples' ends
        already have: those the first step entails for the subject and the last step for the
        object, in every join giving that predicate. (A step joined to the next has no literal
        object; the last step's object, when a literal, gains no class either way.)"""

        def classes(step: str, end: str) -> frozenset[str]:
            found = self.closure(("s", step, "o"), literal=False)
            return frozenset(c for x, p, c in found if p == TYPE and x == end)

        by_predicate: dict[str, list[Known]] = defaultdict(list)
        for join in joins:
            by_predicate[join.predicate].append(
                Known(classes(join.steps[0], "s"), classes(join.steps[-1], "o"))
            )
        return {
            p: Known(
                frozenset.intersection(*(k.subject for k in ks)),
                frozenset.intersection(*(k.object for k in ks)),
            )
            for p, ks in by_predicate.items()
        }

    def closure(self, premise: Pattern, literal: bool) -> set[Pattern]:
        """Every pattern one triple matching `premise` entails, its object a literal or not."""
        found: set[Pattern] = set()
        queue = deque([premise])
        while queue:
            for pattern in self.consequences(queue.popleft(), literal):
                if pattern not in found and pattern != premise:
                    found.add(pattern)
                    queue.append(pattern)
        return found

    def consequences(self, pattern: Pattern, literal: bool) -> Iterator[Pattern]:
        x, p, y = pattern
        if p == TYPE:
            for c in self.super_classes.get(y, ()):
                yield x, TYPE, c
            return
        for q in self.super_properties.get(p, ()):
            yield x, q, y
        for c in self.domains.get(p, ()):
            yield x, TYPE, c
        if literal and y == "o":  # a literal is never a subject
            return
        for q in self.inverses.get(p, ()):
            yield y, q, x
        for c in self.ranges.get(p, ()):
            yield y, TYPE, c
        if p in self.symmetric:
            yield y, p, x


Found = set[tuple[Pattern, Pattern, bool]]  # premises, what they entail, if not from a literal


def _types(classes: list[str], found: list[Found]) -> Types:
    """The query for every class: the union of its premises, each with the classes it gives."""
    branches: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for k, entries in enumerate(found):
        for premise, head, non_literal in sorted(entries):
            # ?x is the premise's subject or object, as the head's subject is.
            branches[premise[1], head[0], _branch(premise, head, non_literal)].append(k)
    return Types(classes, [Branch(*key, ks) for key, ks in branches.items()])


def _rule(predicate: str, found: Found) -> Rule:
    """The query for one property: the union of its premises."""
    return Rule(predicate, [Premise(e[0][1], f"{{ {_branch(*e)} }}") for e in sorted(found)])


def _branch(premise: Pattern, head: Pattern, non_literal: bool) -> str:
    """The premise as a pattern whose ends are named after their place in the head: ?x for the
    subject, ?y for the object (unless the head is a class)."""
    names = {head[0]: "?x"} if head[1] == TYPE else {head[0]: "?x", head[2]: "?y"}
    s, o = names.get("s", "?s"), names.get("o", "?o")
    pattern = f"{s} <{premise[1]}> " + (f"<{premise[2]}>" if premise[1] == TYPE else o)
    # isLiteral reads the term's text (slow on disk); where the object becomes the subject, rows
    # with a literal there are dropped afterwards instead, by `_literal_subjects_dropped`.
    return f"{pattern} FILTER(!isLiteral({o}))" if non_literal and o != "?x" else pattern


def join_rules(store: Store) -> list[Chain]:
    """The rules that join two or more triples."""
    rules = [Chain(row[0].value, [row[0].value] * 2) for row in _select(store, TRANSITIVE)]
    rules += [Chain(p, steps) for p, steps in _chains(store)]
    return rules


def _select(store: Store, query: str) -> QuerySolutions:
    """A SELECT over the ontology graph alone."""
    return solutions(store, PREFIXES + query, default_graph=NamedNode(GRAPH_ONTOLOGY))


def solutions(store: Store, query: str, **options: object) -> QuerySolutions:
    rows = store.query(query, **options)  # type: ignore[arg-type]
    assert isinstance(rows, QuerySolutions)
    return rows


def _chains(store: Store) -> list[tuple[str, list[str]]]:
    query = "SELECT ?p ?list WHERE { ?p owl:propertyChainAxiom ?list }"
    return [(row[0].value, _list_items(store, row[1])) for row in _select(store, query)]


def _list_items(store: Store, head: object) -> list[str]:
    graph = NamedNode(GRAPH_ONTOLOGY)
    items = []
    node = head
    while node != NamedNode(RDF + "nil"):
        first = next(store.quads_for_pattern(node, NamedNode(RDF + "first"), None, graph))  # type: ignore[arg-type]
        items.append(first.object.value)  # type: ignore[union-attr]
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
