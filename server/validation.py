"""Validating RDF against the shapes: parsing with positions, context from the store, reports.

A submission is validated together with the published facts it points at (the types and labels
of an article, a court or a person it cites), and the report keeps only results about the
submission's own nodes, so problems already in the store are not blamed on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from pyoxigraph import QuadParser, RdfFormat, parse, serialize
from pyshacl import validate as shacl_validate
from rdflib import RDF, RDFS, SH, Graph, Literal, Node, URIRef

from .problem import Problem
from .store.base import Backend, QueryRequest

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


@dataclass
class Report:
    conforms: bool
    results: list[Result]
    graph: Graph = field(repr=False)

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
        }


def media_type_for(filename: str) -> str:
    media_type = SUFFIXES.get(Path(filename).suffix.lower())
    if media_type is None:
        raise Problem(415, f"{filename}: unknown RDF file type; use {', '.join(SUFFIXES)}")
    return media_type


def parse_rdf(data: bytes, media_type: str, name: str = "the submission") -> Graph:
    """The triples of `data` (all graphs merged); Problem(400) with line and column if malformed."""
    rdf_format = MEDIA_TYPES.get(media_type)
    if rdf_format is None:
        raise Problem(415, f"unsupported RDF type {media_type}; use {', '.join(MEDIA_TYPES)}")
    try:
        quads: QuadParser = parse(data, rdf_format, base_iri="urn:ppkg:submission:")
        triples = [quad.triple for quad in quads]
    except SyntaxError as exc:
        raise Problem(400, f"{name} is not valid {media_type}: {exc}") from exc
    graph = Graph()
    if triples:
        graph.parse(data=serialize(triples, format=RdfFormat.N_TRIPLES), format="nt")
    return graph


@cache
def _load(paths: tuple[Path, ...]) -> Graph:
    graph = Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


def shapes_graph(content_dir: Path) -> Graph:
    return _load(tuple(sorted((content_dir / "shapes").glob("*.ttl"))))


def ontology_graph(content_dir: Path) -> Graph:
    return _load(tuple(sorted((content_dir / "ontology").glob("*.ttl"))))


Context = Callable[[Iterable[URIRef]], Graph]


def validate(data: Graph, content_dir: Path, context: Context | None = None) -> Report:
    """Validate `data` against the shapes, with what `context` says about the IRIs it cites."""
    own_subjects = set(data.subjects())
    merged = Graph()
    for triple in data:
        merged.add(triple)
    if context is not None:
        cited = {o for o in data.objects() if isinstance(o, URIRef) and o not in own_subjects}
        for triple in context(cited):
            merged.add(triple)
    _, report, _ = shacl_validate(
        merged,
        shacl_graph=shapes_graph(content_dir),
        ont_graph=ontology_graph(content_dir),
        inference="rdfs",
        allow_warnings=True,
        advanced=True,
    )
    results = [r for r in _results(report, merged) if URIRef(r.focus) in own_subjects]
    violations = any(r.severity == "Violation" for r in results)
    return Report(conforms=not violations, results=results, graph=report)


def _results(report: Graph, data: Graph) -> list[Result]:
    results = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(node, SH.focusNode)
        messages = {
            (m.language or "en"): str(m)
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
                focus_label=_text(data.value(focus, RDFS.label) or _name(data, focus)),
            )
        )
    return sorted(results, key=lambda r: (r.severity != "Violation", r.focus, r.path or ""))


def _name(data: Graph, node: Node | None) -> Node | None:
    return data.value(node, URIRef("https://schema.org/name")) if node is not None else None


def _text(node: Node | None) -> str | None:
    return None if node is None else str(node)


def render_text(report: Report, name: str) -> str:
    """A report people read: which node, which property, which value, what was expected."""
    counts = report.counts()
    verdict = "conforms" if report.conforms else "does NOT conform"
    lines = [f"{name}: {verdict} ({', '.join(f'{n} {k.lower()}s' for k, n in counts.items())})"]
    for r in report.results:
        label = f" ({r.focus_label})" if r.focus_label else ""
        lines.append(f"  {r.severity}: <{r.focus}>{label}")
        if r.path:
            lines.append(f"    property: <{r.path}>")
        if r.value is not None:
            lines.append(f"    value:    {r.value}")
        for lang in ("en", "ru"):
            if lang in r.messages:
                lines.append(f"    [{lang}] {r.messages[lang]}")
    return "\n".join(lines)


MAX_CONTEXT_IRIS = 10_000


def store_context(backend: Backend) -> Context:
    """A Context that asks the published store what it says about the cited IRIs."""

    def fetch(iris: Iterable[URIRef]) -> Graph:
        # The IRIs come from a parsed RDF graph, so they cannot hold `>` or spaces.
        cited = sorted(str(i) for i in iris)[:MAX_CONTEXT_IRIS]
        graph = Graph()
        if not cited:
            return graph
        values = " ".join(f"<{iri}>" for iri in cited)
        query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o }}"
        result = backend.execute(QueryRequest(query, None, "application/n-triples"))
        return graph.parse(data=result.read(), format="nt")

    return fetch
