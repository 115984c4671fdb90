"""The ontology at its namespace: pyLODE's HTML documentation for browsers, RDF for machines."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response
from rdflib import Graph, Literal

from ..core.media_types import content_type, rdf_media_type
from .context import ontology_page, settings
from .negotiation import document_type
from .ontology_anchors import add_term_anchors
from .rdflib_namespaces import RDF, SKOS

bp = Blueprint("ontology", __name__)


def ontology_files() -> list[Path]:
    return sorted((settings().content_dir / "ontology").glob("*.ttl"))


@bp.get("/ontology")
@bp.get("/ontology.<suffix>")
def ontology(suffix: str | None = None) -> Response:
    return _respond(document_type("ontology", suffix))


def _respond(media_type: str) -> Response:
    files = tuple(ontology_files())
    if media_type == "text/html":
        body = _html(files)
    else:
        body = _graph(files).serialize(format=rdf_media_type(media_type).rdflib)
    response = Response(body, content_type=content_type(media_type))
    response.vary.add("Accept")
    return response


def _graph(files: tuple[Path, ...]) -> Graph:
    graph = Graph()
    for path in files:
        graph.parse(path, format="turtle")
    return graph


def _make_html(files: tuple[Path, ...]) -> str:
    from pylode import OntPub  # heavy, and needed only for this page

    html: str = OntPub(ontology=_for_pylode(_graph(files))).make_html()
    return add_term_anchors(html)


def _for_pylode(graph: Graph) -> Graph:
    """The ontology as pyLODE can document it: it takes any concept scheme for the ontology
    itself and runs the languages together, so it gets the English text without the schemes."""
    schemes = set(graph.subjects(RDF.type, SKOS.ConceptScheme))
    out = Graph()
    for s, p, o in graph:
        if s in schemes:
            continue
        if isinstance(o, Literal) and o.language and o.language != "en":
            continue
        out.add((s, p, o))
    return out


def _html(files: tuple[Path, ...]) -> str:
    """pyLODE takes seconds; the page is made once per content version."""
    version = (files, tuple(p.stat().st_mtime for p in files))
    return ontology_page().get(version, lambda: _make_html(files))
