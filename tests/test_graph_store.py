"""The read-only SPARQL 1.1 Graph Store HTTP Protocol at /graphs, used as a harvester would:
one source's graph without a dump, in every RDF format; 404 for a graph we do not hold (staged
and sensitive graphs among them); 405 for every write."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest
import requests
from pyoxigraph import NamedNode, RdfFormat, parse
from rdflib import Graph
from rdflib.compare import isomorphic

from .conftest import REPO, Server, start_server, stop_server
from .submitting import SOURCE, SUBMISSION, issue_tokens

FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/trig": "trig",
    "application/n-quads": "nquads",
}
SENSITIVE = "https://w3id.org/ppkg/source/ua-23-24/sensitive"
PPKG = "https://w3id.org/ppkg/ontology#"
DISTINCT_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }"


def graph_url(server: Server, iri: str) -> str:
    return f"{server.url}/graphs?graph={quote(iri, safe='')}"


def published(iri: str) -> Graph:
    """The graph named `iri` as data/*.trig states it."""
    lines = [
        f"{quad.triple} ."
        for path in (REPO / "data").glob("*.trig")
        for quad in parse(path=path, format=RdfFormat.TRIG)
        if quad.graph_name == NamedNode(iri)
    ]
    return Graph().parse(data="\n".join(lines), format="nt")


def source_graphs(server: Server) -> list[str]:
    query = f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?g a <{PPKG}SourceDocument> }} }}"
    rows = requests.get(
        server.sparql,
        params={"query": query},
        headers={"Accept": "application/sparql-results+json"},
    ).json()["results"]["bindings"]
    return [row["g"]["value"] for row in rows]


def test_a_harvester_fetches_each_source_graph_in_every_format(server: Server) -> None:
    sources = source_graphs(server)
    assert len(sources) >= 4
    for iri in sources:
        expected = published(iri)
        assert len(expected) > 10
        # rdflib fetching the graph's URL itself, negotiating as it does
        fetched = Graph().parse(graph_url(server, iri), format="turtle")
        assert isomorphic(fetched, expected), iri
        for media_type, rdflib_format in FORMATS.items():
            response = requests.get(graph_url(server, iri), headers={"Accept": media_type})
            assert response.status_code == 200, (iri, media_type)
            assert response.headers["Content-Type"].split(";")[0] == media_type
            assert "Accept" in response.headers["Vary"]
            if media_type in ("application/trig", "application/n-quads"):
                quads = list(parse(response.content, RdfFormat.from_media_type(media_type)))
                assert {q.graph_name for q in quads} == {NamedNode(iri)}, (iri, media_type)
                got = Graph().parse(data="\n".join(f"{q.triple} ." for q in quads), format="nt")
            else:
                got = Graph().parse(data=response.content, format=rdflib_format)
            assert isomorphic(got, expected), (iri, media_type)


def test_the_default_graph_is_the_union(server: Server) -> None:
    count = requests.get(
        server.sparql,
        params={"query": DISTINCT_TRIPLES},
        headers={"Accept": "application/sparql-results+json"},
    ).json()["results"]["bindings"][0]["n"]["value"]
    response = requests.get(
        server.url + "/graphs?default", headers={"Accept": "application/n-triples"}
    )
    assert response.status_code == 200
    triples = [q.triple for q in parse(response.content, RdfFormat.N_TRIPLES)]
    assert len(triples) == len(set(triples)) == int(count)
    as_quads = requests.get(
        server.url + "/graphs?default", headers={"Accept": "application/n-quads"}
    )
    assert {q.triple for q in parse(as_quads.content, RdfFormat.N_QUADS)} == set(triples)


def test_head_sends_the_headers_only(server: Server) -> None:
    iri = "https://w3id.org/ppkg/source/ua-82-20"
    head = requests.head(graph_url(server, iri), headers={"Accept": "application/trig"})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["Content-Type"] == "application/trig"
    assert requests.head(graph_url(server, SENSITIVE)).status_code == 404


def test_graphs_we_do_not_hold_are_404(server: Server) -> None:
    for iri in (SENSITIVE, "https://w3id.org/ppkg/source/no-such-source", "http://example.org/g"):
        response = requests.get(graph_url(server, iri))
        assert response.status_code == 404, iri


def test_writes_are_405_and_change_nothing(server: Server) -> None:
    iri = "https://w3id.org/ppkg/source/ua-82-20"
    before = requests.get(graph_url(server, iri), headers={"Accept": "application/n-triples"})
    body = b"<urn:x:a> <urn:x:b> <urn:x:c> ."
    for method in ("PUT", "POST", "DELETE", "PATCH"):
        for url in (graph_url(server, iri), server.url + "/graphs?default"):
            response = requests.request(
                method, url, data=body, headers={"Content-Type": "application/n-triples"}
            )
            assert response.status_code == 405, (method, url)
            assert response.headers["Allow"] == "GET, HEAD"
    after = requests.get(graph_url(server, iri), headers={"Accept": "application/n-triples"})
    assert after.content == before.content


def test_bad_requests(server: Server) -> None:
    iri = quote("https://w3id.org/ppkg/source/ua-82-20", safe="")
    for query in (
        "",
        f"?graph={iri}&default",
        f"?graph={iri}&graph={iri}",
        "?graph=not%20an%20iri",
    ):
        assert requests.get(server.url + "/graphs" + query).status_code == 400, query
    refused = requests.get(server.url + f"/graphs?graph={iri}", headers={"Accept": "text/csv"})
    assert refused.status_code == 406


@pytest.fixture(scope="module")
def staged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str, str]]:
    data_dir = tmp_path_factory.mktemp("graph-store") / "data"
    partner, _, reviewer = issue_tokens(data_dir)
    server = start_server(data_dir)
    sid = requests.post(
        server.url + "/submissions",
        data=SUBMISSION,
        headers={"Authorization": f"Bearer {partner}", "Content-Type": "application/trig"},
    ).json()["id"]
    yield server, sid, reviewer
    stop_server(server)


def test_a_staged_graph_is_served_only_once_published(staged: tuple[Server, str, str]) -> None:
    server, sid, reviewer = staged
    assert requests.get(graph_url(server, SOURCE)).status_code == 404
    accepted = requests.post(
        f"{server.url}/submissions/{sid}/accept", headers={"Authorization": f"Bearer {reviewer}"}
    )
    assert accepted.status_code == 200
    response = requests.get(graph_url(server, SOURCE), headers={"Accept": "application/n-quads"})
    assert response.status_code == 200
    quads = list(parse(response.content, RdfFormat.N_QUADS))
    assert quads and {q.graph_name for q in quads} == {NamedNode(SOURCE)}
    submitted = {q.triple for q in parse(SUBMISSION, RdfFormat.TRIG)}
    assert {q.triple for q in quads} == submitted
