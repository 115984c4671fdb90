"""The names of every named thing (people, organisations, places, articles, sources...) and the
labels of the ontology's terms, read from the store and kept until its graphs change.

Pages take the labels of what they link to from here rather than asking the store for each one,
and the search box indexes these names. Reading them all takes seconds on a large store, so it
is done once (in the background when the server starts); when graphs are only added (an accepted
submission), only the new graphs are read.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode, QueryResultsFormat, QuerySolutions, parse_query_results

from ..core.vocabulary import DCTERMS, LABELS, ONTOLOGY, PPKG, SCHEMA, SKOS, TYPE
from ..store.base import Backend, QueryRequest
from ..store.ledger import Ledger

ALTERNATES = (SCHEMA + "alternateName", SKOS + "altLabel")
IDENTIFIER = DCTERMS + "identifier"
NAME_PREDICATES = (*LABELS, *ALTERNATES, IDENTIFIER)

# The kinds of named things, most telling first (a penal colony is an organisation and a place).
KINDS: dict[str, str] = {
    PPKG + "Person": "person",
    PPKG + "Organisation": "organisation",
    PPKG + "LegalProvision": "provision",
    PPKG + "Place": "place",
    PPKG + "Case": "case",
    PPKG + "Post": "post",
    PPKG + "CampaignAction": "action",
    PPKG + "Document": "document",
    PPKG + "EditorialRecord": "document",
    PPKG + "SensitiveExtract": "document",
    SKOS + "Concept": "concept",
}
KIND_RANK = {kind: rank for rank, kind in enumerate(dict.fromkeys(KINDS.values()))}

# Which label to show, by the page's language: then any other, then the IRI's last segment.
LANGUAGE_ORDER = {"en": ("en", "ru-latn", "", "ru"), "ru": ("ru", "ru-latn", "en", "")}
PREDICATE_ORDER = {p: rank for rank, p in enumerate(LABELS)}


def _query(graphs: Iterable[str] | None) -> str:
    """Names and kinds as two streams (?k unbound in one, ?p ?o in the other): joining them in
    Oxigraph costs ten times more than in Python. Only `graphs` when given."""
    if graphs is None:
        names = [f"{{ ?s <{p}> ?o BIND(<{p}> AS ?p) }}" for p in NAME_PREDICATES]
        kinds = [f"{{ ?s <{TYPE}> <{k}> BIND(<{k}> AS ?k) }}" for k in KINDS]
    else:
        wanted = ", ".join(f"<{p}>" for p in NAME_PREDICATES)
        graph_terms = [str(NamedNode(g)) for g in graphs]
        names = [f"{{ GRAPH {g} {{ ?s ?p ?o }} FILTER(?p IN ({wanted})) }}" for g in graph_terms]
        kinds = [
            f"{{ GRAPH {g} {{ ?s ?p0 ?o0 }} ?s <{TYPE}> <{k}> BIND(<{k}> AS ?k) }}"
            for g in graph_terms
            for k in KINDS
        ]
    return "SELECT DISTINCT ?s ?p ?o ?k WHERE {\n  " + "\n  UNION ".join(names + kinds) + "\n}"


@dataclass(slots=True)
class Named:
    """A named thing: its kind and its names, each (predicate, text, language)."""

    kind: str | None
    names: list[tuple[str, str, str]] = field(default_factory=list)


def pick_label(names: list[tuple[str, str, str]], lang: str) -> str | None:
    """The best label among `names` for a reader of `lang` (en or ru)."""
    order = LANGUAGE_ORDER.get(lang, LANGUAGE_ORDER["en"])
    best: tuple[int, int] | None = None
    chosen = None
    for predicate, text, tag in names:
        if predicate not in PREDICATE_ORDER:
            continue
        tag = tag.lower()
        rank = (order.index(tag) if tag in order else len(order), PREDICATE_ORDER[predicate])
        if best is None or rank < best:
            best, chosen = rank, text
    return chosen


def fallback_label(iri: str) -> str:
    """The last segment of an IRI, for things that have no label at all."""
    tail = iri.rstrip("/").rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return tail.replace("-", " ") or iri


class Names:
    """Names by IRI, as of the store's `revision`.

    Grows in place when graphs are added; `added` lists the things each growth changed, so that
    what is built from the names (the search index) can catch up without starting again.
    """

    def __init__(self, things: dict[str, Named], revision: int | None = None) -> None:
        self.things = things
        self.revision = revision
        self.added: list[tuple[str, ...]] = []

    def label(self, iri: str, lang: str) -> str | None:
        named = self.things.get(iri)
        return pick_label(named.names, lang) if named else None

    def kind(self, iri: str) -> str | None:
        named = self.things.get(iri)
        return named.kind if named else None

    def identifier(self, iri: str) -> str | None:
        named = self.things.get(iri)
        if named is None:
            return None
        return next((text for p, text, _ in named.names if p == IDENTIFIER), None)

    def add(self, found: dict[str, Named]) -> None:
        """Merge names read from new graphs."""
        for iri, new in found.items():
            old = self.things.get(iri)
            self.things[iri] = new if old is None else _merge(old, new)
        self.added.append(tuple(found))

    def changed(self, since: int) -> dict[str, Named]:
        """The things that the additions after the first `since` changed."""
        iris = dict.fromkeys(iri for found in self.added[since:] for iri in found)
        return {iri: self.things[iri] for iri in iris}


def _merge(old: Named, new: Named) -> Named:
    kinds = [k for k in (old.kind, new.kind) if k is not None]
    kind = min(kinds, key=KIND_RANK.__getitem__) if kinds else None
    return Named(kind, list(dict.fromkeys(old.names + new.names)))


def read_names(backend: Backend, graphs: Iterable[str] | None = None) -> dict[str, Named]:
    """One query: every named thing's names (only those stated in `graphs` when given)."""
    request = QueryRequest(_query(graphs), "text/tab-separated-values", None)
    solutions = parse_query_results(backend.execute(request).stream(), QueryResultsFormat.TSV)
    assert isinstance(solutions, QuerySolutions)
    names: dict[str, list[tuple[str, str, str]]] = {}
    kinds: dict[str, str] = {}
    for row in solutions:
        subject, kind, obj = row["s"], row["k"], row["o"]
        if not isinstance(subject, NamedNode):
            continue
        if isinstance(kind, NamedNode):
            new = KINDS[kind.value]
            old = kinds.get(subject.value)
            kinds[subject.value] = new if old is None or KIND_RANK[new] < KIND_RANK[old] else old
        elif isinstance(obj, Literal):
            # A handful of predicates and languages, a million names: share those strings.
            entry = (sys.intern(row["p"].value), obj.value, sys.intern(obj.language or ""))
            names.setdefault(subject.value, []).append(entry)
    # Keep named things and the ontology's terms (whose labels name classes and properties).
    return {
        iri: Named(kinds.get(iri), list(dict.fromkeys(found)))
        for iri, found in names.items()
        if iri in kinds or iri.startswith(ONTOLOGY)
    }


class NamesCache:
    """The names for the store's current revision.

    After an accepted submission only the graphs it wrote are read again (the ledger's change
    records name them); after anything else, everything is.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._change = 0
        self._names: Names | None = None

    def get(self, backend: Backend, ledger: Ledger) -> Names:
        names = self._names
        if names is not None and backend.revision() == names.revision:
            return names
        with self._lock:
            revision, last = backend.revision(), ledger.last_change()
            if self._names is None:
                self._names = Names(read_names(backend))
            elif revision != self._names.revision:
                changes = ledger.changes(after=self._change, limit=last - self._change)
                graphs = sorted({g[1:] for c in changes for g in c.graphs})
                if any(c.kind == "release" for c in changes):
                    self._names = Names(read_names(backend))
                elif graphs:
                    self._names.add(read_names(backend, graphs))
            # Last, so that whoever sees the new revision sees the names added for it.
            self._names.revision, self._change = revision, last
            return self._names
