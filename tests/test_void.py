"""The VoID / DCAT description at /.well-known/void: every format parses, its statistics equal
what independent SPARQL counts on /sparql say, it links the dumps, the endpoint and the change
feed, and the SPARQL service description links to it."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, VOID, XSD

from .conftest import Server

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}
URI_SPACE = "https://w3id.org/ppkg/"


def count(server: Server, query: str) -> int:
    response = requests.get(server.sparql, params={"query": query})
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def counts_by(server: Server, query: str) -> dict[str, int]:
    response = requests.get(server.sparql, params={"query": query})
    assert response.status_code == 200, response.text
    rows = response.json()["results"]["bindings"]
    return {row["k"]["value"]: int(row["n"]["value"]) for row in rows}


def fetch(url: str, media_type: str = "text/turtle", **headers: str) -> Graph:
    response = requests.get(url, headers={"Accept": media_type, **headers})
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].split(";")[0] == media_type
    return Graph().parse(data=response.content, format=FORMATS[media_type])


@pytest.fixture(scope="module")
def void(server: Server) -> Graph:
    return fetch(server.url + "/.well-known/void")


@pytest.fixture(scope="module")
def dataset(server: Server) -> URIRef:
    return URIRef(server.url + "/.well-known/void#dataset")


def number(graph: Graph, node: Any, prop: URIRef) -> int:
    values = list(graph.objects(node, prop))
    assert len(values) == 1, (node, prop, values)
    assert isinstance(values[0], Literal), values[0]
    return int(values[0].toPython())


def test_every_format_parses_to_the_same_description(server: Server, void: Graph) -> None:
    for media_type in FORMATS:
        graph = fetch(server.url + "/.well-known/void", media_type)
        assert len(graph) == len(void), media_type
    assert len(fetch(server.url + "/void")) == len(void)
    refused = requests.get(server.url + "/.well-known/void", headers={"Accept": "text/csv"})
    assert refused.status_code == 406


def test_statistics_equal_independent_counts(server: Server, void: Graph, dataset: URIRef) -> None:
    assert (dataset, RDF.type, VOID.Dataset) in void
    assert (dataset, RDF.type, DCAT.Dataset) in void
    merged = "{ SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }"
    expected = {
        VOID.triples: f"SELECT (COUNT(*) AS ?n) WHERE {merged}",
        VOID.distinctSubjects: f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {merged}",
        VOID.distinctObjects: f"SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {merged}",
        VOID.properties: "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
        VOID.classes: "SELECT (COUNT(DISTINCT ?c) AS ?n) "
        "WHERE { GRAPH ?g { ?s a ?c } FILTER(isIRI(?c)) }",
        VOID.entities: "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{URI_SPACE}")) }}',
    }
    for prop, query in expected.items():
        assert number(void, dataset, prop) == count(server, query), prop
    assert number(void, dataset, VOID.triples) > 1000  # the seed data, not an empty store


def test_partitions_equal_independent_counts(server: Server, void: Graph, dataset: URIRef) -> None:
    classes = counts_by(
        server,
        "SELECT ?k (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?k } FILTER(isIRI(?k)) } "
        "GROUP BY ?k",
    )
    described = {
        str(void.value(node, VOID["class"])): number(void, node, VOID.entities)
        for node in void.objects(dataset, VOID.classPartition)
    }
    assert described == classes
    assert described["https://w3id.org/ppkg/ontology#Person"] > 0
    properties = counts_by(
        server,
        "SELECT ?k (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?k ?o WHERE "
        "{ GRAPH ?g { ?s ?k ?o } } } GROUP BY ?k",
    )
    described = {
        str(void.value(node, VOID.property)): number(void, node, VOID.triples)
        for node in void.objects(dataset, VOID.propertyPartition)
    }
    assert described == properties


def test_a_subset_per_named_graph(server: Server, void: Graph, dataset: URIRef) -> None:
    graphs = counts_by(
        server, "SELECT ?k (COUNT(*) AS ?n) WHERE { GRAPH ?k { ?s ?p ?o } } GROUP BY ?k"
    )
    subsets = {str(void.value(node, SD.name)): node for node in void.objects(dataset, VOID.subset)}
    assert {name: number(void, node, VOID.triples) for name, node in subsets.items()} == graphs
    # A source's graph is named by the source's IRI: the subset says so.
    sources = counts_by(
        server, "SELECT ?k (COUNT(*) AS ?n) WHERE { GRAPH ?k { ?k ?p ?o } } GROUP BY ?k"
    )
    assert sources and set(sources) < set(graphs)
    for name, node in subsets.items():
        assert ((node, DCTERMS.source, URIRef(name)) in void) == (name in sources)
    # The subsets add up to the quads of the N-Quads dump.
    dumps = requests.get(server.url + "/dumps", headers={"Accept": "application/json"}).json()
    assert sum(graphs.values()) == dumps["files"][0]["quads"]


def test_dumps_are_linked_with_size_and_checksum(
    server: Server, void: Graph, dataset: URIRef
) -> None:
    dumps = requests.get(server.url + "/dumps", headers={"Accept": "application/json"}).json()
    assert {str(u) for u in void.objects(dataset, VOID.dataDump)} == {
        f["url"] for f in dumps["files"]
    }
    distributions = {
        str(void.value(d, DCAT.downloadURL)): d for d in void.objects(dataset, DCAT.distribution)
    }
    for entry in dumps["files"]:
        node = distributions[entry["url"]]
        assert number(void, node, DCAT.byteSize) == entry["byte_size"]
        checksum = void.value(node, SPDX.checksum)
        assert void.value(checksum, SPDX.checksumValue) == Literal(
            entry["sha256"], datatype=XSD.hexBinary
        )
        assert str(void.value(node, DCAT.mediaType)).endswith("/" + entry["media_type"])
        assert requests.head(entry["url"]).status_code == 200


def test_endpoint_feed_licence_publisher_and_uri_space(
    server: Server, void: Graph, dataset: URIRef
) -> None:
    assert void.value(dataset, VOID.sparqlEndpoint) == URIRef(server.sparql)
    assert void.value(dataset, VOID.uriSpace) == Literal(URI_SPACE)
    assert (dataset, RDFS.seeAlso, URIRef(server.url + "/changes")) in void
    assert (URIRef(server.url + "/changes"), DCAT.servesDataset, dataset) in void
    assert void.value(dataset, DCTERMS.license) is not None
    assert void.value(dataset, DCTERMS.title) is not None
    assert void.value(dataset, DCTERMS.description) is not None
    publisher = void.value(dataset, DCTERMS.publisher)
    ask = requests.get(server.sparql, params={"query": f"ASK {{ <{publisher}> ?p ?o }}"})
    assert ask.json()["boolean"] is True  # the publisher is described in the data
    vocabularies = {str(v) for v in void.objects(dataset, VOID.vocabulary)}
    assert {"https://w3id.org/ppkg/ontology#", "https://schema.org/"} <= vocabularies


def test_urls_follow_the_requests_host(server: Server) -> None:
    graph = fetch(server.url + "/.well-known/void", Host="data.example.org")
    mirrored = URIRef("http://data.example.org/.well-known/void#dataset")
    assert graph.value(mirrored, VOID.sparqlEndpoint) == URIRef("http://data.example.org/sparql")
    assert all(
        str(u).startswith("http://data.example.org/dumps/")
        for u in graph.objects(mirrored, VOID.dataDump)
    )


def test_cache_headers(server: Server) -> None:
    url = server.url + "/.well-known/void"
    first = requests.get(url, headers={"Accept": "text/turtle"})
    assert "Accept" in first.headers["Vary"]
    etag = first.headers["ETag"]
    again = requests.get(url, headers={"Accept": "text/turtle", "If-None-Match": etag})
    assert again.status_code == 304
    other = requests.get(url, headers={"Accept": "application/n-triples", "If-None-Match": etag})
    assert other.status_code == 200  # another format is another representation
    since = requests.get(
        url, headers={"Accept": "text/turtle", "If-Modified-Since": first.headers["Last-Modified"]}
    )
    assert since.status_code == 304


def test_service_description_links_the_void_dataset(server: Server, dataset: URIRef) -> None:
    described = fetch(server.sparql)
    service = URIRef(server.sparql)
    assert described.value(service, SD.defaultDataset) == dataset
    assert (dataset, RDF.type, VOID.Dataset) in described
    link = described.value(service, RDFS.seeAlso)
    assert link is not None
    assert (dataset, RDF.type, VOID.Dataset) in fetch(str(link))
