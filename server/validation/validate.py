"""Validating RDF against the shapes: parsing with positions, context from the store, reports.

A submission is validated together with the published facts it points at (the types and labels
of an article, a court or a person it cites), and the report keeps only results about the
submission's own nodes, so problems already in the store are not blamed on it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from pyoxigraph import Literal as OxLiteral
from pyoxigraph import NamedNode, Quad, RdfFormat, Store, Triple, parse
from pyshacl import validate as shacl_validate
from rdflib import OWL, RDF, SH, BNode, Graph, Literal, Node, URIRef

from ..core.problem import Problem
from ..core.vocabulary import SUBMISSION_BASE
from . import sparql_constraints as shacl_sparql
from .source_lines import locate
from .speedups import FastDataGraph

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
DESCRIBES = NamedNode("https://w3id.org/ppkg/shapes#describes")
RDFS_LABEL = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
SCHEMA_NAME = NamedNode("https://schema.org/name")
SEVERITY_NAMES: dict[Node | None, str] = {
    SH.Violation: "Violation",
    SH.Warning: "Warning",
    SH.Info: "Info",
}


@dataclass(frozen=True)
class Result:
    severity: str
    focus: str
    path: str | None
    value: str | None
    messages: dict[str, str]
    shape: str | None
    constraint: str | None
    focus_label: str | None = None
    focus_is_blank: bool = False
    line: int | None = None  # in the submitted file, where its format has lines


@dataclass
class Report:
    conforms: bool
    results: list[Result]
    graph: Graph = field(repr=False)
    shapes: str = ""  # the version of the shapes: a stored report says what it was checked against
    dropped_keys: list[str] = field(default_factory=list)  # JSON Pointers: JSON-LD left them out

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(SEVERITY_NAMES.values(), 0)
        for result in self.results:
            counts[result.severity] += 1
        return counts

    def summary(self) -> dict[str, object]:
        return {
            "conforms": self.conforms,
            "counts": self.counts(),
            "results": [r.__dict__ for r in self.results],
            "shapes": self.shapes,
            "dropped_keys": self.dropped_keys,
        }


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


@cache
def _load(paths: tuple[Path, ...]) -> Graph:
    graph = Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


def _shape_files(content_dir: Path) -> tuple[Path, ...]:
    paths = tuple(sorted((content_dir / "shapes").glob("*.ttl")))
    if not paths:  # without shapes everything would "conform"
        raise Problem(500, f"no SHACL shapes (*.ttl) in {content_dir / 'shapes'}")
    return paths


def shapes_graph(content_dir: Path) -> Graph:
    return _load(_shape_files(content_dir))


@cache
def shapes_version(content_dir: Path) -> str:
    """The shapes' owl:versionInfo and a digest of their files: `0.1.0+sha256:1a2b3c4d5e6f`."""
    paths = _shape_files(content_dir)
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in paths)).hexdigest()[:12]
    versions = sorted(str(v) for v in shapes_graph(content_dir).objects(None, OWL.versionInfo))
    return f"{'/'.join(versions) or 'unversioned'}+sha256:{digest}"


@cache
def _split_shapes(content_dir: Path) -> tuple[Graph, list[shacl_sparql.Constraint]]:
    return shacl_sparql.split(shapes_graph(content_dir))


@cache
def _triples(paths: tuple[Path, ...]) -> list[Triple]:
    return [q.triple for path in paths for q in parse(path=path, format=RdfFormat.TURTLE)]


def ontology_triples(content_dir: Path) -> list[Triple]:
    """The ontology goes into the data graph: its SKOS concepts are what controlled values cite."""
    return _triples(tuple(sorted((content_dir / "ontology").glob("*.ttl"))))


Context = Callable[[Iterable[NamedNode]], list[Triple]]
# A file's bytes and media type to its report, with the store's facts (as a backend validates).
Validator = Callable[[bytes, str], "Report"]


def validate_file(
    data: bytes,
    media_type: str,
    content_dir: Path,
    context: Context | None = None,
    name: str = "the submission",
) -> Report:
    """Parse `data` (Problem 400 if malformed), validate it, and point the results into it."""
    report = validate(parse_rdf(data, media_type, name), content_dir, context)
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
    core, sparql = _split_shapes(content_dir)
    _, report, _ = shacl_validate(
        FastDataGraph(data),  # pySHACL 0.40 reads an Oxigraph store 4x faster than an rdflib graph
        shacl_graph=core,
        inference="none",
        allow_warnings=True,
        allow_infos=True,
    )
    shacl_sparql.evaluate(sparql, data, report)
    own_iris = {URIRef(n.value) for n in own}
    # Blank nodes can only come from the submission (the ontology's are never focus nodes).
    kept = [
        node
        for node in report.objects(None, SH.result)
        if isinstance(focus := report.value(node, SH.focusNode), BNode) or focus in own_iris
    ]
    results = _results(report, kept, data)
    conforms = not any(r.severity == "Violation" for r in results)
    graph = _report_graph(report, kept, conforms)
    return Report(conforms, results, graph, shapes_version(content_dir))


def _report_graph(report: Graph, kept: list[Node], conforms: bool) -> Graph:
    """A SHACL report of the kept results only, so it says what the summary says."""
    graph = Graph()
    for prefix, namespace in report.namespaces():
        graph.bind(prefix, namespace)
    root = BNode()
    graph.add((root, RDF.type, SH.ValidationReport))
    graph.add((root, SH.conforms, Literal(conforms)))
    for node in kept:
        graph.add((root, SH.result, node))
        graph += report.cbd(node)
    return graph


def _results(report: Graph, kept: list[Node], data: Store) -> list[Result]:
    results = []
    for node in kept:
        focus = report.value(node, SH.focusNode)
        messages = {
            _language(m): str(m)
            for m in report.objects(node, SH.resultMessage)
            if isinstance(m, Literal)
        }
        results.append(
            Result(
                severity=SEVERITY_NAMES.get(report.value(node, SH.resultSeverity), "Violation"),
                focus=str(focus),
                path=_text(report.value(node, SH.resultPath)),
                value=_text(report.value(node, SH.value)),
                messages=messages,
                shape=_text(report.value(node, SH.sourceShape)),
                constraint=_text(report.value(node, SH.sourceConstraintComponent)),
                focus_label=_label(data, focus),
                focus_is_blank=isinstance(focus, BNode),
            )
        )
    return sorted(results, key=lambda r: (r.severity != "Violation", r.focus, r.path or ""))


def _language(message: Literal) -> str:
    """pySHACL drops the language tag of SPARQL constraints' messages; Cyrillic means Russian."""
    if message.language:
        return message.language
    return "ru" if re.search("[\u0400-\u04ff]", str(message)) else "en"


def _label(data: Store, node: Node | None) -> str | None:
    if not isinstance(node, URIRef):
        return None
    for predicate in (RDFS_LABEL, SCHEMA_NAME):
        for quad in data.quads_for_pattern(NamedNode(str(node)), predicate, None):
            obj = quad.object
            if isinstance(obj, OxLiteral) and obj.language in (None, "en"):
                return str(obj.value)
    return None


def _text(node: Node | None) -> str | None:
    return None if node is None else str(node)


def render_text(report: Report, name: str) -> str:
    """A report people read: which node, which property, which value, what was expected."""
    counts = report.counts()
    verdict = "conforms" if report.conforms else "does NOT conform"
    tally = ", ".join(f"{n} {k.lower()}s" for k, n in counts.items())
    lines = [f"{name}: {verdict} ({tally}; shapes {report.shapes})"]
    for r in report.results:
        label = f" ({r.focus_label})" if r.focus_label else ""
        where = f", line {r.line}" if r.line else ""
        focus = f"_:{r.focus}" if r.focus_is_blank else f"<{r.focus}>"
        lines.append(f"  {r.severity}: {focus}{label}{where}")
        if r.path:
            lines.append(f"    property: <{r.path}>")
        if r.value is not None:
            lines.append(f"    value:    {r.value}")
        for lang in ("en", "ru"):
            if lang in r.messages:
                lines.append(f"    [{lang}] {r.messages[lang]}")
    for pointer in report.dropped_keys:
        lines.append(f"  Warning: the JSON-LD key at {pointer} is not in the @context: dropped")
    return "\n".join(lines)


def store_facts(store: Store) -> Context:
    """A Context reading what `store` states about the cited IRIs, in any of its graphs."""

    def fetch(iris: Iterable[NamedNode]) -> list[Triple]:
        return list({q.triple for iri in iris for q in store.quads_for_pattern(iri, None, None)})

    return fetch
