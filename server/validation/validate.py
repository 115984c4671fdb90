"""Validating RDF against the shapes, with the published facts it cites, in a worker or here.

A submission is validated together with what the store says about the IRIs it names without
describing them (the types and labels of an article, a court or a person it cites, the source
documents its graphs are named after, a colony it only labels), and the report keeps only
results about the submission's own nodes, so problems of what it only cites are not blamed on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from pyoxigraph import BlankNode, NamedNode, Quad, Store, parse
from pyshacl import validate as shacl_validate
from rdflib import SH, BNode, URIRef

from ..core.media_types import RDF_FORMATS, RDF_SUFFIXES
from ..core.problem import Problem
from ..core.vocabulary import SHAPES, SUBMISSION_BASE, TYPE
from ..store.base import Backend, Task
from . import sparql_constraints
from .graph_rules import graph_results, with_graph_results
from .report import Report, kept_report
from .shapes import ontology_triples, shapes_version, split_shapes
from .source_lines import locate, locate_files
from .speedups import FastDataGraph, hash_constraint_parameters

DESCRIBES = NamedNode(SHAPES + "describes")
RDF_TYPE = NamedNode(TYPE)


def media_type_for(filename: str) -> str:
    media_type = RDF_SUFFIXES.get(Path(filename).suffix.lower())
    if media_type is None:
        raise Problem(415, f"{filename}: unknown RDF file type; use {', '.join(RDF_SUFFIXES)}")
    return media_type


def parse_rdf(data: bytes, media_type: str, name: str = "the submission") -> list[Quad]:
    """The quads of `data`; Problem(400) with the line and column if it is malformed."""
    rdf_format = RDF_FORMATS.get(media_type)
    if rdf_format is None:
        raise Problem(415, f"unsupported RDF type {media_type}; use {', '.join(RDF_FORMATS)}")
    try:
        return list(parse(data, rdf_format, base_iri=SUBMISSION_BASE))
    except SyntaxError as exc:
        raise Problem(400, f"{name} is not valid {media_type}: {exc}") from exc


# The store's quads about some IRIs, in any of its graphs.
Context = Callable[[Iterable[NamedNode]], list[Quad]]
# A file's bytes, media type and submitter to its report, with the store's facts.
Validator = Callable[[bytes, str, str], Report]


def validate_file(
    data: bytes,
    media_type: str,
    content_dir: Path,
    context: Context | None = None,
    name: str = "the submission",
    store: Store | None = None,
    submitter: str | None = None,
) -> Report:
    """Parse `data` (Problem 400 if malformed), validate it, and point the results into it.

    With the published `store` and the `submitter`, a graph of the file that is published
    already must be the submitter's own (`graph_rules`); graphs ppkg writes are refused always.
    """
    quads = parse_rdf(data, media_type, name)
    report = validate(quads, content_dir, context)
    report = with_graph_results(report, graph_results(quads, store, submitter))
    return locate(report, data, media_type)


# A file to validate with others: its name, its bytes and its media type.
File = tuple[str, bytes, str]


def validate_files(files: list[File], content_dir: Path, context: Context | None = None) -> Report:
    """Validate several files together, as one dataset: a source described in one file is the
    source of the facts another states in its graph. Each file's blank nodes stay its own, and
    each result names the file (and line) of its triple (Problem 400 if one is malformed)."""
    quads: list[Quad] = []
    subjects: dict[str, set[str]] = {}
    for name, data, media_type in files:
        own = _own_blank_nodes(parse_rdf(data, media_type, name))
        subjects[name] = {s.value for q in own if isinstance(s := q.subject, NamedNode | BlankNode)}
        quads += own
    report = validate(quads, content_dir, context)
    report = with_graph_results(report, graph_results(quads, None, None))
    return locate_files(report, files, subjects)


def _own_blank_nodes(quads: list[Quad]) -> list[Quad]:
    """The quads with fresh blank nodes: Oxigraph's parser keeps a file's labels (`_:b0`), so
    two files' `_:b0` would otherwise be one node."""
    fresh: dict[BlankNode, BlankNode] = {}

    def term(t: Any) -> Any:
        return fresh.setdefault(t, BlankNode()) if isinstance(t, BlankNode) else t

    return [Quad(term(q.subject), q.predicate, term(q.object), term(q.graph_name)) for q in quads]


def validate(quads: list[Quad], content_dir: Path, context: Context | None = None) -> Report:
    """Validate `quads` against the shapes, with what `context` says about the IRIs they name.

    The shapes see one graph: the ontology, the submission's graphs merged, the cited facts, and
    `G ppkgsh:describes S` for each named graph G and subject S in it (the union forgets which
    graph said what, and the provenance rules need it).
    """
    own = {q.subject for q in quads if isinstance(q.subject, NamedNode)}
    data = Store()
    data.extend(Quad(t.subject, t.predicate, t.object) for t in ontology_triples(content_dir))
    data.extend(Quad(q.subject, q.predicate, q.object) for q in quads)
    data.extend(
        Quad(q.graph_name, DESCRIBES, q.subject)
        for q in quads
        if isinstance(q.graph_name, NamedNode) and isinstance(q.subject, NamedNode)
    )
    if context is not None:
        data.extend(_published(quads, context))
    core, sparql = split_shapes(content_dir)
    hash_constraint_parameters()
    _, report, _ = shacl_validate(
        FastDataGraph(data),  # pySHACL 0.40 reads an Oxigraph store 4x faster than an rdflib graph
        shacl_graph=core,
        inference="none",
        allow_warnings=True,
        allow_infos=True,
    )
    sparql_constraints.evaluate(sparql, data, report)
    own_iris = {URIRef(n.value) for n in own}
    # Blank nodes can only come from the submission (the ontology's are never focus nodes).
    kept = [
        node
        for node in report.objects(None, SH.result)
        if isinstance(focus := report.value(node, SH.focusNode), BNode) or focus in own_iris
    ]
    return kept_report(report, kept, data, shapes_version(content_dir), context is not None)


def _published(quads: list[Quad], context: Context) -> list[Quad]:
    """What the store says about the IRIs the file names and does not type, as triples with the
    `G ppkgsh:describes S` of the store's graphs.

    A graph the file names is a source document the store describes; a node it names only by
    its label (a colony on a person's page, the code an article is part of) or states facts
    about without its class is taken with its published facts, class and sources included, and
    the classes of what those point at. A node the file types is checked on what the file says.
    """
    typed = {q.subject for q in quads if q.predicate == RDF_TYPE}
    named = set(_iris(t for q in quads for t in (q.subject, q.object, q.graph_name))) - typed
    found = context(named)
    further = set(_iris(t for q in found for t in (q.object, q.graph_name))) - named - typed
    return [
        *(Quad(q.subject, q.predicate, q.object) for q in found),
        *(
            Quad(q.graph_name, DESCRIBES, q.subject)
            for q in found
            if isinstance(q.graph_name, NamedNode) and isinstance(q.subject, NamedNode)
        ),
        *(
            Quad(q.subject, q.predicate, q.object)
            for q in context(further)
            if q.predicate == RDF_TYPE
        ),
    ]


def _iris(terms: Iterable[object]) -> list[NamedNode]:
    return [t for t in terms if isinstance(t, NamedNode)]


def store_facts(store: Store) -> Context:
    """A Context reading what `store` states about the IRIs, in any of its graphs."""

    def fetch(iris: Iterable[NamedNode]) -> list[Quad]:
        return [q for iri in iris for q in store.quads_for_pattern(iri, None, None)]

    return fetch


def validate_against(
    backend: Backend,
    data: bytes,
    media_type: str,
    content_dir: Path,
    timeout: float,
    name: str = "the submission",
    submitter: str | None = None,
    client: str | None = None,
) -> Report:
    """Parse and validate a file with the facts `backend` holds about what it cites, in a worker
    that `timeout` stops (Problem 400 if malformed, 503 past the limit): parsing, validating and
    finding lines all run there, so no upload holds a web thread. `client`, when given, is
    charged the worker's time (see `Backend.share`)."""
    args = (data, media_type, str(content_dir), name, submitter)
    task = Task(_validate_in_worker, args, "validation", client)
    return backend.run(task, timeout)


def _validate_in_worker(
    store: Store, data: bytes, media_type: str, content_dir: str, name: str, submitter: str | None
) -> Report:
    facts = store_facts(store)
    return validate_file(data, media_type, Path(content_dir), facts, name, store, submitter)
