"""Private data stays private: no public request reaches a staged submission, a reviewer's note
or a sensitive graph, whatever it asks for (queries and their dataset parameters, IRIs, search,
stats, dumps, the change feed, the dataset description and its counts)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests

from tests.conftest import Server, start_server, stop_server
from tests.submitting import SOURCE, SUBMISSION, issue_tokens

# Words that only the private material holds, so that finding one anywhere is a leak.
STAGED_NAME = "Quillonfar Staged"
REJECTED_NAME = "Vostrebenko Rejected"
REVIEWER_NOTE = "reviewer-note-cormorant-7781"
SENSITIVE_WORDS = "part of his lung had been removed"
SENSITIVE_GRAPH = "https://w3id.org/ppkg/source/ua-23-24/sensitive"
SECRETS = (STAGED_NAME, REJECTED_NAME, REVIEWER_NOTE, SENSITIVE_WORDS)


@dataclass
class Private:
    server: Server
    staged_graph: str
    staged_id: str
    rejected_id: str
    void_before: str


def variant(name: str, graph: str) -> bytes:
    body = SUBMISSION.replace(b"Test Person", name.encode())
    body = body.replace(b"test-person", name.lower().replace(" ", "-").encode())
    return body.replace(SOURCE.encode() + b">", graph.encode() + b">")


@pytest.fixture(scope="module")
def private(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Private]:
    data_dir = tmp_path_factory.mktemp("private") / "data"
    partner, _, reviewer = issue_tokens(data_dir)
    server = start_server(data_dir)
    void = void_turtle(server)
    auth = {"Authorization": f"Bearer {partner}", "Content-Type": "application/trig"}
    staged_graph = SOURCE + "-staged"
    staged = requests.post(
        server.url + "/submissions", data=variant(STAGED_NAME, staged_graph), headers=auth
    ).json()
    rejected = requests.post(
        server.url + "/submissions",
        data=variant(REJECTED_NAME, SOURCE + "-rejected"),
        headers=auth,
    ).json()
    assert staged["status"] == rejected["status"] == "pending"
    decided = requests.post(
        f"{server.url}/submissions/{rejected['id']}/reject",
        data={"reason": REVIEWER_NOTE},
        headers={"Authorization": f"Bearer {reviewer}"},
    )
    assert decided.status_code == 200
    yield Private(server, staged_graph, staged["id"], rejected["id"], void)
    stop_server(server)


def void_turtle(server: Server) -> str:
    response = requests.get(server.url + "/.well-known/void", headers={"Accept": "text/turtle"})
    response.raise_for_status()
    return response.text


def assert_private(response: requests.Response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"
    body = response.content
    if body[:2] == b"\x1f\x8b":
        body = gzip.decompress(body)
    text = body.decode("utf-8", "replace")
    for secret in SECRETS:
        assert secret not in text, f"{what} leaks {secret!r}"


def test_queries_never_see_private_data(private: Private) -> None:
    sparql = private.server.sparql
    graphs = (private.staged_graph, SENSITIVE_GRAPH, SOURCE + "-rejected")
    queries = [
        "SELECT ?s ?p ?o WHERE { ?s ?p ?o }",
        "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }",
        *(f"SELECT * FROM NAMED <{g}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}" for g in graphs),
        *(f"SELECT * FROM <{g}> WHERE {{ ?s ?p ?o }}" for g in graphs),
        *(f"SELECT * WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}" for g in graphs),
        "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }",
        f'SELECT ?s WHERE {{ ?s ?p ?o FILTER(CONTAINS(STR(?o), "{STAGED_NAME}")) }}',
    ]
    for query in queries:
        assert_private(requests.get(sparql, params={"query": query}), query)
    for graph in graphs:
        for param in ("default-graph-uri", "named-graph-uri"):
            response = requests.get(
                sparql,
                params={
                    "query": "SELECT * WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }",
                    param: graph,
                },
            )
            assert_private(response, f"{param}={graph}")


def test_iris_of_private_things_do_not_answer(private: Private) -> None:
    base = private.server.url
    paths = [
        "/id/person/" + STAGED_NAME.lower().replace(" ", "-"),
        "/id/person/" + REJECTED_NAME.lower().replace(" ", "-"),
        "/source/test-submission-staged",
        "/source/ua-23-24/sensitive",
        "/id/report/aleksei-gorinov-health-2023-12-05",
        f"/submission/{private.staged_id}",
        f"/submission/{private.rejected_id}",
    ]
    for path in paths:
        for accept in ("text/html", "text/turtle", "application/trig"):
            response = requests.get(base + path, headers={"Accept": accept})
            assert response.status_code in (404, 410), f"{path} ({accept}): {response.status_code}"
            assert_private(response, path)
    assert_private(requests.get(base + "/id/person/aleksei-gorinov.trig"), "Gorinov's record")


def test_search_stats_feed_and_dumps_hold_nothing_private(private: Private) -> None:
    base = private.server.url
    for q in (STAGED_NAME, REJECTED_NAME, "Quillonfar", "Vostrebenko"):
        response = requests.get(
            base + "/search", params={"q": q}, headers={"Accept": "application/json"}
        )
        assert response.status_code == 200
        assert response.json()["results"] == [], f"search {q} finds private names"
    for path in ("/stats", "/changes", "/changes/pages/1", "/dumps", "/queries"):
        assert_private(requests.get(base + path), path)
    manifest = requests.get(base + "/dumps", headers={"Accept": "application/json"}).json()
    for name in _dump_names(manifest):
        assert_private(requests.get(f"{base}/dumps/{name}"), f"dump {name}")


def test_the_dataset_description_counts_nothing_private(private: Private) -> None:
    after = void_turtle(private.server)
    assert after == private.void_before, "the VoID counts changed with staged submissions"
    assert private.staged_graph not in after and SENSITIVE_GRAPH not in after


def _dump_names(manifest: object) -> list[str]:
    text = json.dumps(manifest)
    names = [n for n in ("ppkg.nq.gz", "ppkg.ttl.gz", "ppkg.jsonld.gz") if n in text]
    assert names, f"no dumps listed: {text[:200]}"
    return names
