"""Validating RDF against the shapes, with the published facts it cites, in a worker or here.

A submission is validated together with the published facts it points at (the types and labels
of an article, a court or a person it cites), and the report keeps only results about the
submission's own nodes, so problems already in the store are not blamed on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from pyoxigraph import NamedNode, Quad, RdfFormat, Store, Triple, parse
from pyshacl import validate as shacl_validate
from rdflib import SH, BNode, URIRef

from ..core.problem import Problem
from ..core.vocabulary import SHAPES, SUBMISSION_BASE
from ..store.base import Backend, Task
from . import sparql_constraints
from .graph_rules import graph_results, with_graph_results
from .report import Report, kept_report
from .shapes import ontology_triples, shapes_version, split_shapes
from .source_lines import locate
from .speedups import FastDataGraph, hash_constraint_parameters

MEDIA_TYPES: dict[str, RdfFormat] = {
    "text/turtle": RdfFormat.TURTLE,
    "application/trig": RdfFormat.TRIG,
    "application/n-triples": RdfFormat.N_TRIPLES,
    "application/n-quads": RdfFormat.N_QUADS,
    "application/ld+json": RdfFormat.JSON_LD,
    "application/rdf+xml": RdfFormat.RDF_XML,
}
SUFFIXES: dict[str, str] = {
    ".ttl": "text/turtle",
    ".trig": "application/trig",
    ".nt": "application/n-triples",
    ".nq": "application/n-quads",
    ".jsonld": "application/ld+json",
    ".json": "application/ld+json",
    ".rdf": "application/rdf+xml",
    ".xml": "application/rdf+xml",
    ".owl": "application/rdf+xml",
}
DESCRIBES = NamedNode(SHAPES + "describes")


def media_type_for(filename: str) -> str:
    media_type = SUFFIXES.get(Path(filename).suffix.lower())
    if media_type is None:
        raise Problem(415, f"{filename}: unknown RDF file type; use {', '.join(SUFFIXES)}")
    return media_type


def parse_rdf(data: bytes, media_type: str, name: str = "the submission") -> list[Quad]:
    """The quads of `data`; Problem(400) with the line and column if it is malformed."""
    rdf_format = MEDIA_TYPES.get(media_type)
    if rdf_format is None:
        raise Problem(415, f"unsupported RDF type {media_type}; use {', '.join(MEDIA_TYPES)}")
    try:
        return list(parse(data, rdf_format, base_iri=SUBMISSION_BASE))
    except SyntaxError as exc:
        raise Problem(400, f"{name} is not valid {media_type}: {exc}") from exc


Context = Callable[[Iterable[NamedNode]], list[Triple]]
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


def validate(quads: list[Quad], content_dir: Path, context: Context | None = None) -> Report:
    """Validate `quads` against the shapes, with what `context` says about the IRIs they cite.

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
        cited = {q.object for q in quads if isinstance(q.object, NamedNode)} - own
        data.extend(Quad(t.subject, t.predicate, t.object) for t in context(cited))
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
    return kept_report(report, kept, data, shapes_version(content_dir))


def store_facts(store: Store) -> Context:
    """A Context reading what `store` states about the cited IRIs, in any of its graphs."""

    def fetch(iris: Iterable[NamedNode]) -> list[Triple]:
        return list({q.triple for iri in iris for q in store.quads_for_pattern(iri, None, None)})

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
