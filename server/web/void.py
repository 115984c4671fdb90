"""The dataset described in VoID and DCAT at /.well-known/void (and /void): statistics counted on
the store, the dumps with their sizes and checksums, the SPARQL endpoint and the change feed.

URLs are absolute and made from the request's host; the dataset,
`<host>/.well-known/void#dataset`, is the SPARQL service description's default dataset.
"""

from __future__ import annotations

import hashlib
from importlib.metadata import PackageNotFoundError, metadata
from typing import Any

from flask import Blueprint, Response, request
from rdflib import Graph, Literal, URIRef

from ..core.media_types import GRAPH, content_type, rdf_media_type
from ..core.problem import Problem
from ..core.vocabulary import BASE, GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPH_SHAPES
from ..graph.dumps import Manifest, dumps_dir, read_manifest
from ..graph.statistics import Statistics
from .context import settings, statistics, void_bodies
from .dumps import conditional
from .negotiation import negotiate
from .rdflib_namespaces import DCAT, DCTERMS, FOAF, RDF, RDFS, SD, SPDX, VOID, XSD

bp = Blueprint("void", __name__)
IANA = "https://www.iana.org/assignments/media-types/"
PUBLISHER = BASE + "id/org/ppkg-editors"  # the editors, as the data names them
TITLE = "ppkg: the political prisoners knowledge graph"
DESCRIPTION = (
    "Russia's political prisoners as linked data: cases, prosecutions, charges under articles of "
    "the Criminal Code, the officials, courts, penal colonies and organisations involved, every "
    "fact in the named graph of the source document that states it."
)
GRAPH_TITLES = {
    GRAPH_ONTOLOGY: "The ppkg ontology",
    GRAPH_SHAPES: "The SHACL shapes the data conforms to",
    GRAPH_INFERRED: "Triples inferred by the ontology's OWL RL rules, not asserted elsewhere",
}


@bp.get("/void")
@bp.get("/.well-known/void")  # registered first: url_for gives this one
def void() -> Response:
    media_type = negotiate(request.accept_mimetypes, list(GRAPH), request.args.get("format"))
    if media_type is None:
        raise Problem(406, f"the dataset description is served as: {', '.join(GRAPH)}")
    manifest = read_manifest(dumps_dir(settings()))
    key, stats = statistics()
    body = _body(key, stats, manifest, request.host_url, media_type)
    response = Response(body, content_type=content_type(media_type))
    response.vary.add("Accept")
    etag = hashlib.sha256(body.encode("utf-8")).hexdigest()[:32]
    # The description changes with the dumps and with the statistics, whichever is later.
    modified = max(stats.computed, manifest.created_at) if manifest else stats.computed
    return conditional(response, etag, modified)


def _body(
    key: tuple[Any, ...], stats: Statistics, manifest: Manifest | None, root: str, media_type: str
) -> str:
    """The serialised description, built once per statistics, dumps, host and format."""
    bodies = void_bodies()
    full_key = (key, manifest, root, media_type)
    if full_key not in bodies:
        if len(bodies) > 64:  # old statistics or dumps: start again
            bodies.clear()
        graph = void_graph(stats, manifest, root)
        bodies[full_key] = graph.serialize(format=rdf_media_type(media_type).rdflib)
    return bodies[full_key]


def void_graph(stats: Statistics, manifest: Manifest | None, root: str) -> Graph:
    """The VoID / DCAT graph; `root` is the server's URL ending in a slash."""
    g = Graph()
    for prefix, namespace in (("void", VOID), ("dcat", DCAT), ("spdx", SPDX), ("sd", SD)):
        g.bind(prefix, namespace)
    document = URIRef(root + ".well-known/void")
    dataset = URIRef(f"{document}#dataset")
    g.add((document, RDF.type, VOID.DatasetDescription))
    g.add((document, DCTERMS.title, Literal(f"Description of {TITLE}", lang="en")))
    g.add((document, FOAF.primaryTopic, dataset))
    _dataset(g, dataset, stats, root)
    _partitions(g, dataset, stats)
    _services(g, dataset, root)
    if manifest is not None:
        g.add((dataset, DCTERMS.modified, Literal(manifest.created, datatype=XSD.dateTime)))
        _distributions(g, dataset, manifest, root)
    return g


def _dataset(g: Graph, dataset: URIRef, stats: Statistics, root: str) -> None:
    g.add((dataset, RDF.type, VOID.Dataset))
    g.add((dataset, RDF.type, DCAT.Dataset))
    g.add((dataset, DCTERMS.title, Literal(TITLE, lang="en")))
    g.add((dataset, DCTERMS.description, Literal(DESCRIPTION, lang="en")))
    g.add((dataset, DCTERMS.publisher, URIRef(PUBLISHER)))
    license_iri = _license()
    if license_iri:
        g.add((dataset, DCTERMS.license, URIRef(license_iri)))
    g.add((dataset, VOID.uriSpace, Literal(BASE)))
    g.add((dataset, VOID.sparqlEndpoint, URIRef(root + "sparql")))
    g.add(
        (
            dataset,
            RDFS.comment,
            Literal(
                "void:triples counts the distinct triples of the merge of all named graphs; each "
                "subset counts its own graph's triples, so the subsets add up to the quads of "
                "the N-Quads dump. void:entities counts subjects whose IRI is in void:uriSpace.",
                lang="en",
            ),
        )
    )
    for name, value in (
        ("triples", stats.triples),
        ("entities", stats.entities),
        ("classes", len(stats.classes)),
        ("properties", len(stats.properties)),
        ("distinctSubjects", stats.distinct_subjects),
        ("distinctObjects", stats.distinct_objects),
    ):
        g.add((dataset, VOID[name], Literal(value, datatype=XSD.integer)))
    for vocabulary in sorted({_namespace(i) for i in (*stats.classes, *stats.properties)}):
        g.add((dataset, VOID.vocabulary, URIRef(vocabulary)))


def _partitions(g: Graph, dataset: URIRef, stats: Statistics) -> None:
    base = str(dataset).removesuffix("#dataset")
    for iri, count in stats.classes.items():
        node = URIRef(f"{base}#class-{_slug(iri)}")
        g.add((dataset, VOID.classPartition, node))
        g.add((node, VOID["class"], URIRef(iri)))
        g.add((node, VOID.entities, Literal(count, datatype=XSD.integer)))
    for iri, count in stats.properties.items():
        node = URIRef(f"{base}#property-{_slug(iri)}")
        g.add((dataset, VOID.propertyPartition, node))
        g.add((node, VOID.property, URIRef(iri)))
        g.add((node, VOID.triples, Literal(count, datatype=XSD.integer)))
    for name, count in stats.graphs.items():
        node = URIRef(f"{base}#graph-{_slug(name)}")
        g.add((dataset, VOID.subset, node))
        g.add((node, RDF.type, VOID.Dataset))
        g.add((node, RDF.type, SD.NamedGraph))
        g.add((node, SD.name, URIRef(name)))
        g.add((node, VOID.triples, Literal(count, datatype=XSD.integer)))
        title = stats.sources.get(name) or GRAPH_TITLES.get(name)
        if title:
            g.add((node, DCTERMS.title, Literal(title, lang="en")))
        if name in stats.sources:  # the graph of a source document, named by its IRI
            g.add((node, DCTERMS.source, URIRef(name)))


def _services(g: Graph, dataset: URIRef, root: str) -> None:
    sparql = URIRef(root + "sparql")
    g.add((sparql, RDF.type, SD.Service))
    g.add((sparql, RDF.type, DCAT.DataService))
    g.add((sparql, DCAT.endpointURL, sparql))
    g.add((sparql, DCAT.endpointDescription, sparql))
    g.add((sparql, DCAT.servesDataset, dataset))
    g.add((sparql, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    feed = URIRef(root + "changes")
    g.add((dataset, RDFS.seeAlso, feed))
    g.add((feed, RDF.type, DCAT.DataService))
    g.add(
        (feed, DCTERMS.title, Literal("Change feed: what was created, updated, removed", lang="en"))
    )
    g.add((feed, DCAT.endpointURL, feed))
    g.add((feed, DCAT.endpointDescription, URIRef(root + "openapi.json")))  # the HTTP API's
    g.add((feed, DCAT.servesDataset, dataset))


def _distributions(g: Graph, dataset: URIRef, manifest: Manifest, root: str) -> None:
    for f in manifest.files:
        url = URIRef(f"{root}dumps/{f.name}")
        node = URIRef(f"{root}dumps#{f.name}")
        checksum = URIRef(f"{root}dumps#{f.name}-sha256")
        g.add((dataset, VOID.dataDump, url))
        g.add((dataset, DCAT.distribution, node))
        g.add((node, RDF.type, DCAT.Distribution))
        g.add((node, DCTERMS.title, Literal(f.title, lang="en")))
        g.add((node, DCAT.downloadURL, url))
        g.add((node, DCAT.accessURL, URIRef(root + "dumps")))
        g.add((node, DCAT.mediaType, URIRef(IANA + f.media_type)))
        g.add((node, DCAT.compressFormat, URIRef(IANA + f.compress_format)))
        g.add((node, DCTERMS["format"], URIRef(rdf_media_type(f.media_type).iri)))
        g.add((node, DCAT.byteSize, Literal(f.byte_size, datatype=XSD.nonNegativeInteger)))
        g.add((node, DCTERMS.issued, Literal(f.created, datatype=XSD.dateTime)))
        g.add((node, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((checksum, SPDX.checksumValue, Literal(f.sha256, datatype=XSD.hexBinary)))
        g.add((dataset, VOID.feature, URIRef(rdf_media_type(f.media_type).iri)))


def _license() -> str | None:
    """The licence the project declares (pyproject.toml), as an SPDX IRI."""
    try:
        expression = metadata("ppkg")["License-Expression"]
    except PackageNotFoundError:
        return None
    return f"http://spdx.org/licenses/{expression}" if expression else None


def _namespace(iri: str) -> str:
    return iri[: max(iri.rfind("#"), iri.rfind("/")) + 1]


def _slug(iri: str) -> str:
    """A short stable fragment for a partition or subset node."""
    return hashlib.sha1(iri.encode("utf-8")).hexdigest()[:12]
