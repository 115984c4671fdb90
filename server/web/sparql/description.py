"""The SPARQL 1.1 Service Description returned by GET /sparql without a query."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urljoin

from flask import Response, request
from rdflib import BNode, Graph, Literal, URIRef

from ...core.media_types import FORMAT_IRIS, GRAPH, content_type, rdf_media_type
from ...core.problem import Problem
from ..context import settings
from ..limits import summary
from ..negotiation import negotiate
from ..rdflib_namespaces import RDF, RDFS, SD, VOID
from .unknown_graphs import HEADER

# What a query naming a graph the dataset does not hold gets (`unknown_graphs`).
UNKNOWN_GRAPHS = (
    "A graph named by FROM, FROM NAMED, default-graph-uri or named-graph-uri that this dataset"
    f" does not hold is an empty graph: it is never fetched, and the answer's {HEADER} header"
    " lists its name."
)


def service_graph(endpoint: str, graphs: Iterable[str], limits: str | None = None) -> Graph:
    """What the endpoint really does: query only, union default graph, the graphs it holds;
    and the limits per client, in prose (`limits`), linking the page that lists them."""
    g = Graph()
    g.bind("sd", SD)
    service = URIRef(endpoint)
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    for iri in FORMAT_IRIS.values():
        g.add((service, SD.resultFormat, URIRef(iri)))
    g.add((service, RDFS.comment, Literal(UNKNOWN_GRAPHS, lang="en")))
    # The dataset that /.well-known/void describes (statistics, dumps, change feed).
    dataset = URIRef(urljoin(endpoint, "/.well-known/void#dataset"))
    default = BNode()
    g.add((service, SD.defaultDataset, dataset))
    g.add((service, RDFS.seeAlso, URIRef(urljoin(endpoint, "/.well-known/void"))))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, RDF.type, VOID.Dataset))
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add(
        (
            default,
            RDFS.comment,
            Literal("The union of all named graphs.", lang="en"),
        )
    )
    if limits is not None:
        page = URIRef(urljoin(endpoint, "/limits"))
        g.add((service, RDFS.seeAlso, page))
        g.add((page, RDFS.label, Literal("Limits per client", lang="en")))
        g.add((page, RDFS.comment, Literal(limits, lang="en")))
    for name in sorted(graphs):
        named = BNode()
        g.add((dataset, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, URIRef(name)))
    return g


def service_description(graphs: Iterable[str], format_param: str | None) -> Response:
    media_type = negotiate(request.accept_mimetypes, list(GRAPH), format_param)
    if media_type is None:
        raise Problem(406, f"the service description is served as: {', '.join(GRAPH)}")
    body = service_graph(request.base_url, graphs, summary(settings())).serialize(
        format=rdf_media_type(media_type).rdflib
    )
    response = Response(body, content_type=content_type(media_type))
    response.vary.add("Accept")
    return response
