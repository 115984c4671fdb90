"""The shapes at their namespace: `{base}shapes#X` answers at /shapes, a page listing each shape
(what it targets, what it checks, its messages in English and Russian) for people, the shapes
themselves for machines. A validation report names these IRIs, so a reader can look one up."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, render_template
from rdflib import SH, Graph, Literal, URIRef

from ..core.media_types import content_type, rdf_media_type
from ..core.vocabulary import SHAPES
from ..validation.shapes import shapes_graph
from .context import settings
from .negotiation import document_type

bp = Blueprint("shapes", __name__)


@dataclass(frozen=True)
class ShapeEntry:
    anchor: str
    iri: str
    targets: list[str]
    path: str | None
    messages: dict[str, str]


@bp.get("/shapes")
@bp.get("/shapes.<suffix>")
def shapes(suffix: str | None = None) -> Response:
    return _respond(document_type("shapes", suffix))


def _respond(media_type: str) -> Response:
    graph = shapes_graph(settings().content_dir)
    if media_type == "text/html":
        body = render_template("shapes.html", shapes=_entries(graph))
    else:
        body = graph.serialize(format=rdf_media_type(media_type).rdflib)
    response = Response(body, content_type=content_type(media_type))
    response.vary.add("Accept")
    return response


def _entries(graph: Graph) -> list[ShapeEntry]:
    """Every shape with an IRI of ours, in the order of their names."""
    found = {s for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(SHAPES)}
    return [_entry(graph, shape) for shape in sorted(found, key=str)]


def _entry(graph: Graph, shape: URIRef) -> ShapeEntry:
    messages = {
        m.language or "en": str(m)
        for m in graph.objects(shape, SH.message)
        if isinstance(m, Literal)
    }
    for constraint in graph.objects(shape, SH.sparql):
        for m in graph.objects(constraint, SH.message):
            if isinstance(m, Literal):
                messages.setdefault(m.language or "en", str(m))
    path = graph.value(shape, SH.path)
    return ShapeEntry(
        anchor=str(shape).removeprefix(SHAPES),
        iri=str(shape),
        targets=sorted(str(t) for t in graph.objects(shape, SH.targetClass)),
        path=str(path) if isinstance(path, URIRef) else None,
        messages=messages,
    )
