"""Every IRI under our base that appears in the published data dereferences: subjects, objects,
predicates and graph names, including the provenance of accepted submissions (the submission,
its agents) and our own graphs (the inferred graph, the provenance graph)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests

from server.core.vocabulary import BASE

from .conftest import Server, start_server, stop_server
from .submitting import SUBMISSION, issue_tokens

SUFFIXES = ("html", "ttl", "jsonld", "nt", "rdf", "trig", "nq")
ANSWERED = (200, 410)  # a withdrawn IRI answers with its tombstone


@dataclass
class Published:
    server: Server
    submission: str


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Published]:
    data_dir = tmp_path_factory.mktemp("deref") / "data"
    partner, _, reviewer = issue_tokens(data_dir)
    server = start_server(data_dir)
    sid = requests.post(
        server.url + "/submissions",
        data=SUBMISSION,
        headers={"Authorization": f"Bearer {partner}", "Content-Type": "application/trig"},
    ).json()["id"]
    accepted = requests.post(
        f"{server.url}/submissions/{sid}/accept", headers={"Authorization": f"Bearer {reviewer}"}
    )
    assert accepted.status_code == 200, accepted.text
    yield Published(server, sid)
    stop_server(server)


def our_iris(server: Server) -> set[str]:
    query = f"""SELECT DISTINCT ?iri WHERE {{
      {{ GRAPH ?g {{ ?s ?p ?o }} VALUES ?pick {{ 1 2 3 4 }}
        BIND(IF(?pick = 1, ?s, IF(?pick = 2, ?p, IF(?pick = 3, ?o, ?g))) AS ?iri) }}
      FILTER(isIRI(?iri) && STRSTARTS(STR(?iri), "{BASE}"))
    }}"""
    response = requests.get(
        server.sparql,
        params={"query": query},
        headers={"Accept": "application/sparql-results+json"},
    )
    response.raise_for_status()
    return {b["iri"]["value"] for b in response.json()["results"]["bindings"]}


def local_path(iri: str) -> str:
    return "/" + iri.removeprefix(BASE).split("#", 1)[0]


def get(server: Server, path: str, suffix: str | None = None) -> requests.Response:
    fragment_namespace = path in ("/ontology", "/shapes")
    if suffix is None or suffix == "html":
        return requests.get(server.url + path, headers={"Accept": "text/html"})
    if fragment_namespace and suffix in ("trig", "nq"):
        suffix = "ttl"  # a namespace document is one graph
    return requests.get(f"{server.url}{path}.{suffix}")


def test_the_walk_covers_every_kind_of_iri(published: Published) -> None:
    paths = {local_path(i) for i in our_iris(published.server)}
    for expected in (
        f"/submission/{published.submission}",
        "/agent/ngo-a",
        "/agent/rev",
        "/graph/inferred",
        "/graph/submissions",
        "/graph/ontology",
        "/graph/shapes",
        "/shapes",
        "/ontology",
        "/id/person/konstantin-kotov",
        "/law/ru/criminal-code/article/212.1",
    ):
        assert expected in paths, expected


def test_every_iri_under_the_base_dereferences(published: Published) -> None:
    paths = sorted({local_path(i) for i in our_iris(published.server)})
    failures = []
    for path in paths:
        for suffix in (None, "ttl"):
            response = get(published.server, path, suffix)
            if response.status_code not in ANSWERED:
                failures.append((path, suffix, response.status_code))
    assert not failures, f"{len(failures)} of {len(paths)} IRIs do not answer: {failures[:20]}"


def test_one_of_each_kind_answers_in_every_format(published: Published) -> None:
    paths = sorted({local_path(i) for i in our_iris(published.server)})
    kinds: dict[str, str] = {}
    for path in paths:
        kinds.setdefault("/".join(path.split("/")[:3]), path)
    for path in kinds.values():
        for suffix in SUFFIXES:
            response = get(published.server, path, suffix)
            assert response.status_code in ANSWERED, (path, suffix, response.status_code)
            assert response.content, (path, suffix)


def test_a_graph_iri_says_what_it_is_and_where_to_fetch_it(published: Published) -> None:
    response = get(published.server, "/graph/inferred", "nt")
    assert response.status_code == 200
    assert "http://rdfs.org/ns/void#dataDump" in response.text
    assert "/graphs?graph=https%3A%2F%2Fw3id.org%2Fppkg%2Fgraph%2Finferred" in response.text
    assert "inferred by the ontology" in response.text


def test_a_submission_iri_gives_its_provenance(published: Published) -> None:
    response = get(published.server, f"/submission/{published.submission}", "nt")
    assert response.status_code == 200
    assert "http://www.w3.org/ns/prov#wasAttributedTo" in response.text
    assert f"{BASE}agent/ngo-a" in response.text


def test_the_shapes_page_lists_each_shape_with_its_anchor(published: Published) -> None:
    response = get(published.server, "/shapes")
    assert response.status_code == 200
    assert 'id="Prosecution-case"' in response.text
    turtle = get(published.server, "/shapes", "ttl")
    assert turtle.headers["Content-Type"].startswith("text/turtle")
    assert "sh:NodeShape" in turtle.text or "NodeShape" in turtle.text
