"""Query results read into rows of cells for HTML: IRIs as links, literals with their tags.

Results are parsed as they stream from the worker and the stream is closed after the rows a page
shows, so a query matching millions of rows costs no more than the page can show.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import IO

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryBoolean,
    parse,
    parse_query_results,
)

from ..core.media_types import GRAPH, TABULAR
from ..core.paths import local_url
from ..core.problem import Problem
from ..core.vocabulary import DCTERMS, ELI, ONTOLOGY, OWL, PROV, RDF, RDFS, SCHEMA, SKOS, XSD
from ..store.base import QueryResult

# What the page asks the backend for: streamable, and parsed back by Oxigraph itself.
TABULAR_TYPE = "application/sparql-results+json"
GRAPH_TYPE = "application/n-triples"
SHOW_ROWS = 1000
COMMON_PREFIXES = {  # the query's own PREFIX declarations come on top of these
    "ppkg": ONTOLOGY,
    "schema": SCHEMA,
    "eli": ELI,
    "prov": PROV,
    "dcterms": DCTERMS,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "owl": OWL,
    "skos": SKOS,
}
PREFIX_DECL = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>\s]*)>", re.IGNORECASE)


@dataclass(frozen=True)
class Cell:
    """One term as a person reads it; `href` only for http(s) IRIs (never `javascript:`)."""

    text: str
    kind: str = "empty"  # iri, literal, bnode or empty (unbound)
    href: str | None = None
    title: str | None = None  # the full IRI, or the datatype's
    note: str = ""  # the language tag or the datatype's short name


@dataclass
class Table:
    """Rows of a SELECT, the triples of a CONSTRUCT/DESCRIBE, or the answer of an ASK."""

    columns: list[str] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)
    truncated: bool = False
    boolean: bool | None = None
    graph: bool = False


class Terms:
    """Turns terms into cells: prefixed names from the query, links to this server for our IRIs."""

    def __init__(self, query: str, base: str) -> None:
        self.prefixes = {**COMMON_PREFIXES, **dict(_declared(query))}
        self.base = base

    def cell(self, term: object) -> Cell:
        if isinstance(term, NamedNode):
            return Cell(self.compact(term.value), "iri", self.href(term.value), term.value)
        if isinstance(term, BlankNode):
            return Cell("_:" + term.value, "bnode")
        if isinstance(term, Literal):
            return self._literal(term)
        return Cell("")

    def href(self, iri: str) -> str | None:
        """Our IRIs resolve on this server; others link out when they are web addresses."""
        own = local_url(iri, self.base)
        if own is not None:
            return own
        return iri if iri.startswith(("http://", "https://")) else None

    def compact(self, iri: str) -> str:
        matches = [(p, ns) for p, ns in self.prefixes.items() if ns and iri.startswith(ns)]
        if not matches:
            return iri
        prefix, namespace = max(matches, key=lambda m: len(m[1]))
        local = iri[len(namespace) :]
        return f"{prefix}:{local}" if re.fullmatch(r"[\w.-]*", local) else iri

    def _literal(self, term: Literal) -> Cell:
        if term.language:
            return Cell(term.value, "literal", note="@" + term.language)
        datatype = term.datatype.value
        if datatype == XSD + "string":
            return Cell(term.value, "literal")
        return Cell(term.value, "literal", title=datatype, note=self.compact(datatype))


def read_table(result: QueryResult, terms: Terms, limit: int = SHOW_ROWS) -> Table:
    """The first `limit` rows of `result`; the rest is not read and its work is stopped."""
    stream = result.stream()
    try:
        if result.media_type == GRAPH_TYPE:
            return _graph(stream, terms, limit)
        return _solutions(stream, terms, limit)
    except SyntaxError as exc:  # a stream cut short (the worker stopped mid-way)
        raise Problem(500, f"the results could not be read completely: {exc}") from exc
    finally:
        stream.close()  # closes the chunks too: the worker stops if the rest is unread


def _solutions(stream: IO[bytes], terms: Terms, limit: int) -> Table:
    results = parse_query_results(stream, TABULAR[TABULAR_TYPE])
    if isinstance(results, QueryBoolean):
        return Table(boolean=bool(results))
    names = [v.value for v in results.variables]
    rows = [[terms.cell(row[name]) for name in names] for row in islice(results, limit + 1)]
    return Table(names, rows[:limit], truncated=len(rows) > limit)


def _graph(stream: IO[bytes], terms: Terms, limit: int) -> Table:
    triples = islice(parse(stream, GRAPH[GRAPH_TYPE]), limit + 1)
    rows = [[terms.cell(t.subject), terms.cell(t.predicate), terms.cell(t.object)] for t in triples]
    return Table(["subject", "predicate", "object"], rows[:limit], len(rows) > limit, graph=True)


def _declared(query: str) -> Iterator[tuple[str, str]]:
    for match in PREFIX_DECL.finditer(query):
        yield match.group(1) or "", match.group(2)
