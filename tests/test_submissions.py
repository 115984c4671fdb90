"""The submission service over plain HTTP: tokens, staging, review, provenance, the change feed."""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from pyoxigraph import RdfFormat, parse

from tests.conftest import Server, start_server, stop_server
from tests.submitting import (
    PERSON,
    SOURCE,
    SUBMISSION,
    feed_items,
    issue_tokens,
    ppkg,
    quad_tuple,
    quads,
)

PROV = "http://www.w3.org/ns/prov#"


@dataclass
class Service:
    server: Server
    partner: str
    other_partner: str
    reviewer: str

    def post(self, token: str | None, body: bytes, media_type: str = "application/trig") -> Any:
        headers = {"Content-Type": media_type}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return requests.post(self.server.url + "/submissions", data=body, headers=headers)

    def get(self, path: str, token: str) -> requests.Response:
        return requests.get(self.server.url + path, headers={"Authorization": f"Bearer {token}"})

    def decide(self, sid: str, verdict: str, token: str, **form: str) -> requests.Response:
        return requests.post(
            f"{self.server.url}/submissions/{sid}/{verdict}",
            data=form,
            headers={"Authorization": f"Bearer {token}"},
        )


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    data_dir = tmp_path_factory.mktemp("submissions") / "data"
    tokens = issue_tokens(data_dir)
    server = start_server(data_dir, max_upload_bytes="200000")
    yield Service(server, *tokens)
    stop_server(server)


def ask(server: Server, query: str, **params: str) -> bool:
    response = requests.get(
        server.sparql,
        params={"query": query, **params},
        headers={"Accept": "application/sparql-results+json"},
    )
    response.raise_for_status()
    result: bool = response.json()["boolean"]
    return result


def submit(service: Service, body: bytes = SUBMISSION) -> dict[str, Any]:
    response = service.post(service.partner, body)
    assert response.status_code == 201, response.text
    record: dict[str, Any] = response.json()
    assert response.headers["Location"] == record["url"]
    return record


# --- credentials ------------------------------------------------------------------------------


def test_no_token_is_401_with_a_challenge(service: Service) -> None:
    response = service.post(None, SUBMISSION)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_wrong_token_is_401(service: Service) -> None:
    response = service.post("ppkg_not-a-token", SUBMISSION)
    assert response.status_code == 401
    assert "invalid_token" in response.headers["WWW-Authenticate"]


def test_tokens_are_stored_hashed(service: Service) -> None:
    ledger = (service.server.data_dir / "ledger.sqlite").read_bytes()
    wal = service.server.data_dir / "ledger.sqlite-wal"
    stored = ledger + (wal.read_bytes() if wal.exists() else b"")
    for token in (service.partner, service.reviewer):
        assert token.encode() not in stored


def test_a_partner_cannot_accept_and_nothing_changes(service: Service) -> None:
    sid = submit(service)["id"]
    before = quads(service.server)
    response = service.decide(sid, "accept", service.partner)
    assert response.status_code == 403
    assert service.get(f"/submissions/{sid}", service.reviewer).json()["status"] == "pending"
    assert quads(service.server) == before


def test_a_revoked_token_is_refused(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    token = ppkg(data_dir, "token", "issue", "gone", "--role", "partner")
    ppkg(data_dir, "token", "revoke", "gone")
    assert "revoked" in ppkg(data_dir, "token", "list")
    server = start_server(data_dir)
    try:
        response = requests.post(
            server.url + "/submissions",
            data=SUBMISSION,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/trig"},
        )
        assert response.status_code == 401
    finally:
        stop_server(server)


def test_a_revoked_name_can_be_issued_again(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    old = ppkg(data_dir, "token", "issue", "ovd-info", "--role", "partner", "--label", "OVD")
    ppkg(data_dir, "token", "revoke", "ovd-info")
    new = ppkg(data_dir, "token", "issue", "ovd-info", "--role", "partner", "--label", "OVD")
    assert new != old
    listing = ppkg(data_dir, "token", "list")
    assert listing.splitlines() == [listing.splitlines()[0]]  # one holder, the same name
    assert listing.startswith("ovd-info\tpartner\tOVD\tactive")


def test_an_active_name_is_not_issued_twice(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    ppkg(data_dir, "token", "issue", "ovd-info", "--role", "partner")
    with pytest.raises(subprocess.CalledProcessError) as refused:
        ppkg(data_dir, "token", "issue", "ovd-info", "--role", "reviewer")
    assert "ppkg token rotate ovd-info" in refused.value.stderr
    assert "\tpartner\t" in ppkg(data_dir, "token", "list")


def test_rotating_a_token_keeps_the_holder_and_stops_the_old_token(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    old = ppkg(data_dir, "token", "issue", "ngo", "--role", "partner", "--label", "NGO")
    new = ppkg(data_dir, "token", "rotate", "ngo")
    assert new.startswith("ppkg_") and new != old
    assert ppkg(data_dir, "token", "list").startswith("ngo\tpartner\tNGO\tactive")
    server = start_server(data_dir)
    try:
        answers = [
            requests.post(
                server.url + "/submissions",
                data=SUBMISSION,
                headers={"Authorization": f"Bearer {t}", "Content-Type": "application/trig"},
            )
            for t in (old, new)
        ]
        assert [a.status_code for a in answers] == [401, 201]
        assert answers[1].json()["submitter"] == "ngo"
    finally:
        stop_server(server)
    with pytest.raises(subprocess.CalledProcessError) as refused:
        ppkg(data_dir, "token", "rotate", "nobody")
    assert "no token named 'nobody'" in refused.value.stderr


# --- staging ----------------------------------------------------------------------------------


def test_a_pending_submission_is_invisible_to_the_public(service: Service) -> None:
    record = submit(service)
    assert record["status"] == "pending"
    assert record["report"]["conforms"] is True
    assert "+sha256:" in record["report"]["shapes"]  # what it was checked against, kept with it
    person = f"<{PERSON}>"
    assert not ask(service.server, f"ASK {{ GRAPH ?g {{ {person} ?p ?o }} }}")
    assert not ask(service.server, f"ASK {{ {person} ?p ?o }}")
    # Its graph is one the public dataset does not hold: an empty graph, named as unknown.
    for params in (
        {"query": "ASK { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": SOURCE},
        {"query": f"ASK FROM NAMED <{SOURCE}> {{ GRAPH ?g {{ ?s ?p ?o }} }}"},
        {"query": f"ASK FROM <{SOURCE}> {{ ?s ?p ?o }}"},
    ):
        response = requests.get(
            service.server.sparql,
            params=params,
            headers={"Accept": "application/sparql-results+json"},
        )
        assert response.status_code == 200 and response.json()["boolean"] is False
        assert response.headers["X-PPKG-Unknown-Graphs"] == f"<{SOURCE}>"


def test_the_raw_bytes_are_kept_as_sent(service: Service) -> None:
    record = submit(service)
    response = service.get(f"/submissions/{record['id']}/raw", service.partner)
    assert response.content == SUBMISSION
    assert response.headers["Content-Type"] == "application/trig"
    actions = [event["action"] for event in record["history"]]
    assert actions == ["received", "pending"]


def test_malformed_rdf_is_400_with_position_and_kept(service: Service) -> None:
    response = service.post(service.partner, b"@prefix x: <urn:x#> .\nx:a x:b .\nx:c x:d")
    assert response.status_code == 400
    assert "line" in response.text.lower()
    listed = service.get("/submissions?status=malformed", service.reviewer).json()
    assert listed["submissions"], "the malformed submission is kept with its error"
    record = service.get(f"/submissions/{listed['submissions'][-1]['id']}", service.reviewer)
    assert "error" in record.json()["report"]


def test_wrong_type_is_415_and_stores_nothing(service: Service) -> None:
    before = service.get("/submissions", service.reviewer).json()["submissions"]
    response = service.post(service.partner, b"<a> <b> <c> .", media_type="text/plain")
    assert response.status_code == 415
    assert service.get("/submissions", service.reviewer).json()["submissions"] == before


def test_a_body_over_the_limit_is_413(service: Service) -> None:
    response = service.post(service.partner, b"#" * 300_000 + b"\n")
    assert response.status_code == 413


def test_a_nonconforming_submission_cannot_be_accepted(service: Service) -> None:
    body = SUBMISSION.replace(b'schema:name "Test Person"@en', b'schema:name "Test Person"')
    body = body.replace(b"a ppkg:Charge ;", b"a ppkg:Charge ; ppkg:provision <urn:nowhere> ;")
    record = submit(service, body)
    assert record["status"] == "nonconforming"
    assert record["report"]["counts"]["Violation"] > 0
    response = service.decide(record["id"], "accept", service.reviewer)
    assert response.status_code == 409


def test_a_nonconforming_or_malformed_submission_can_be_rejected(service: Service) -> None:
    body = SUBMISSION.replace(b'schema:name "Test Person"@en', b'schema:name "Test Person"')
    nonconforming = submit(service, body)["id"]
    assert service.post(service.partner, b"<urn:a> <urn:b> .").status_code == 400
    listed = service.get("/submissions?status=malformed", service.reviewer).json()
    malformed = listed["submissions"][-1]["id"]
    for sid in (nonconforming, malformed):
        response = service.decide(sid, "reject", service.reviewer, reason="replaced")
        assert response.status_code == 200, response.text
        record = service.get(f"/submissions/{sid}", service.reviewer).json()
        assert (record["status"], record["reason"]) == ("rejected", "replaced")
        again = service.decide(sid, "accept", service.reviewer)
        assert again.status_code == 409


def test_an_accepted_submission_cannot_be_rejected(service: Service) -> None:
    sid = submit(service, SUBMISSION.replace(b"test-person", b"test-person-kept"))["id"]
    assert service.decide(sid, "accept", service.reviewer).status_code == 200
    response = service.decide(sid, "reject", service.reviewer)
    assert response.status_code == 409
    assert "decided" in response.text
    assert service.get(f"/submissions/{sid}", service.reviewer).json()["status"] == "accepted"


def graph_variant(graph: str, tag: bytes) -> bytes:
    """The fixture submission in `graph`, its nodes renamed with `tag` so tests do not meet."""
    body = SUBMISSION.replace(b"test-person", b"test-person-" + tag)
    body = body.replace(b"test-case", b"test-case-" + tag).replace(
        b"pros:test ", b"pros:t-" + tag + b" "
    )
    return body.replace(SOURCE.encode() + b">", graph.encode() + b">")


def graph_messages(record: dict[str, Any], graph: str) -> list[str]:
    return [
        r["messages"]["en"]
        for r in record["report"]["results"]
        if r["focus"] == graph and r["severity"] == "Violation"
    ]


@pytest.mark.parametrize(
    "graph",
    [
        "https://w3id.org/ppkg/graph/ontology",
        "https://w3id.org/ppkg/graph/shapes",
        "https://w3id.org/ppkg/graph/inferred",
        "https://w3id.org/ppkg/graph/submissions",
        "https://w3id.org/ppkg/submission/someone-elses",
    ],
)
def test_a_graph_ppkg_writes_is_refused(service: Service, graph: str) -> None:
    record = submit(service, graph_variant(graph, graph.rsplit("/", 1)[1].encode()))
    assert record["status"] == "nonconforming"
    assert any("ppkg itself writes" in m for m in graph_messages(record, graph)), record
    assert service.decide(record["id"], "accept", service.reviewer).status_code == 409
    assert not ask(
        service.server,
        f"ASK {{ GRAPH <{graph}> {{ ?s a <{PROV}Entity> ; "
        f'<http://www.w3.org/2000/01/rdf-schema#label> "Test submission"@en }} }}',
    )
    validated = requests.post(
        service.server.url + "/validate",
        data=graph_variant(graph, b"v"),
        headers={"Content-Type": "application/trig", "Accept": "application/json"},
    ).json()
    assert not validated["conforms"]


def test_an_editorial_source_graph_is_refused(service: Service) -> None:
    graph = "https://w3id.org/ppkg/source/ua-82-20"
    record = submit(service, graph_variant(graph, b"editorial"))
    assert record["status"] == "nonconforming"
    assert any("editorial source graph" in m for m in graph_messages(record, graph)), record


def test_only_the_partner_who_brought_a_graph_writes_it_again(service: Service) -> None:
    graph = "https://w3id.org/ppkg/source/test-owned"
    first = submit(service, graph_variant(graph, b"owned"))
    assert first["status"] == "pending", first
    assert service.decide(first["id"], "accept", service.reviewer).status_code == 200
    other = service.post(service.other_partner, graph_variant(graph, b"owned-b")).json()
    assert other["status"] == "nonconforming"
    assert any("another partner" in m for m in graph_messages(other, graph)), other
    again = submit(service, graph_variant(graph, b"owned-2"))
    assert again["status"] == "pending", again


def test_a_partner_sees_only_their_own(service: Service) -> None:
    sid = submit(service)["id"]
    assert service.get(f"/submissions/{sid}", service.other_partner).status_code == 404
    listed = service.get("/submissions", service.other_partner).json()["submissions"]
    assert sid not in {s["id"] for s in listed}
    mine = service.get("/submissions", service.partner).json()["submissions"]
    [entry] = [s for s in mine if s["id"] == sid]
    # The listing summarises each submission as its own record does, size included.
    record = service.get(f"/submissions/{sid}", service.partner).json()
    assert entry["bytes"] == len(SUBMISSION) == record["bytes"]
    assert entry == {k: record[k] for k in entry}


# --- review -----------------------------------------------------------------------------------


def test_a_rejected_submission_keeps_its_report_and_stays_private(service: Service) -> None:
    sid = submit(service)["id"]
    response = service.decide(sid, "reject", service.reviewer, reason="duplicate of a source")
    assert response.status_code == 200
    record = response.json()
    assert record["status"] == "rejected"
    assert record["reason"] == "duplicate of a source"
    assert record["report"]["conforms"] is True
    assert service.get(f"/submissions/{sid}/report", service.reviewer).status_code == 200
    assert not ask(service.server, f"ASK {{ <{PERSON}> ?p ?o }}")
    assert service.decide(sid, "accept", service.reviewer).status_code == 409


def test_accepting_publishes_with_provenance_and_a_patch(service: Service) -> None:
    sid = submit(service)["id"]
    before = quads(service.server)
    response = service.decide(sid, "accept", service.reviewer)
    assert response.status_code == 200, response.text
    after = quads(service.server)
    assert ask(service.server, f"ASK {{ GRAPH <{SOURCE}> {{ <{PERSON}> ?p ?o }} }}")
    provenance = f"""PREFIX prov: <{PROV}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        ASK {{ <{SOURCE}> prov:wasDerivedFrom ?sub ; prov:wasGeneratedBy ?acceptance .
               ?sub prov:wasAttributedTo [ rdfs:label "NGO A" ] ; prov:generatedAtTime ?t .
               ?acceptance prov:used ?sub ; prov:endedAtTime ?done ;
                           prov:wasAssociatedWith [ rdfs:label "Rev" ] . }}"""
    assert ask(service.server, provenance)
    # The change's patch holds exactly what the store gained.
    patch_url = response.json()["change"] + ".nq"
    patch = requests.get(patch_url)
    assert patch.headers["Content-Type"] == "application/n-quads"
    assert len(after - before) == len(list(parse(patch.content, RdfFormat.N_QUADS)))
    # Retrying the accept (a client that timed out) changes nothing more.
    assert service.decide(sid, "accept", service.reviewer).status_code == 200
    assert quads(service.server) == after


def test_accepted_facts_answer_the_named_query(service: Service) -> None:
    response = requests.get(
        service.server.url + "/queries/prisoners-by-article",
        params={"article": "212.1"},
        headers={"Accept": "application/sparql-results+json"},
    )
    people = {b["person"]["value"] for b in response.json()["results"]["bindings"]}
    assert PERSON in people


SENSITIVE_GRAPH = b"""
GRAPH <https://w3id.org/ppkg/source/test-submission/sensitive> {
  <https://w3id.org/ppkg/source/test-submission/sensitive> a prov:Entity , ppkg:SensitiveExtract ;
    rdfs:label "Test submission: sensitive extract"@en ;
    prov:wasDerivedFrom <https://w3id.org/ppkg/source/test-submission> ;
    ppkg:sensitive true .
  person:test-person-5 a ppkg:Person ; schema:name "Test Person"@en ;
    rdfs:comment "A health detail that must not be published."@en .
}
"""


def test_sensitive_graphs_are_not_published(service: Service) -> None:
    body = SUBMISSION.replace(b"test-person", b"test-person-5") + SENSITIVE_GRAPH
    record = submit(service, body)
    assert record["status"] == "pending", record["report"]
    assert service.decide(record["id"], "accept", service.reviewer).status_code == 200
    person = "<https://w3id.org/ppkg/id/person/test-person-5>"
    assert ask(service.server, f"ASK {{ GRAPH <{SOURCE}> {{ {person} ?p ?o }} }}")
    assert not ask(
        service.server, f"ASK {{ {person} <http://www.w3.org/2000/01/rdf-schema#comment> ?c }}"
    )
    assert not ask(
        service.server,
        "ASK { GRAPH <https://w3id.org/ppkg/source/test-submission/sensitive> { ?s ?p ?o } }",
    )
    raw = service.get(f"/submissions/{record['id']}/raw", service.reviewer)
    assert b"health detail" in raw.content


def test_queries_during_an_accept_wait_and_succeed(service: Service) -> None:
    """The workers stop while the store is written; queries meanwhile are answered afterwards."""
    sid = submit(service, SUBMISSION.replace(b"test-person", b"test-person-4"))["id"]
    statuses: list[int] = []
    done = threading.Event()

    def query_loop() -> None:
        while not done.is_set():
            response = requests.get(
                service.server.sparql, params={"query": "ASK { ?s ?p ?o }"}, timeout=30
            )
            statuses.append(response.status_code)

    threads = [threading.Thread(target=query_loop) for _ in range(3)]
    for thread in threads:
        thread.start()
    try:
        assert service.decide(sid, "accept", service.reviewer).status_code == 200
    finally:
        done.set()
        for thread in threads:
            thread.join()
    assert statuses and set(statuses) == {200}
    assert ask(service.server, "ASK { <https://w3id.org/ppkg/id/person/test-person-4> ?p ?o }")


# --- the change feed --------------------------------------------------------------------------


def test_following_the_feed_reproduces_the_published_graph(service: Service) -> None:
    """A harvester's snapshot plus the patches of later changes equals the store."""
    snapshot = quads(service.server)
    seen = {item["id"] for item in feed_items(service.server)}
    sid = submit(service, SUBMISSION.replace(b"test-person", b"test-person-2"))["id"]
    assert service.decide(sid, "accept", service.reviewer).status_code == 200
    new = [item for item in feed_items(service.server) if item["id"] not in seen]
    assert [item["type"] for item in new] == ["Add"]
    mirror = set(snapshot)
    for item in new:
        patch = requests.get(item["patch"]).content
        mirror |= {quad_tuple(q) for q in parse(patch, RdfFormat.N_QUADS)}
    assert mirror == quads(service.server)


def test_feed_pages_answer_304_when_unchanged(service: Service) -> None:
    first = requests.get(service.server.url + "/changes")
    assert first.headers["Content-Type"].startswith("application/activity+json")
    again = requests.get(
        service.server.url + "/changes", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304
    item = feed_items(service.server)[-1]
    response = requests.get(item["id"])
    assert "immutable" in response.headers["Cache-Control"]
    assert requests.get(service.server.url + "/changes/pages/999").status_code == 404


def test_a_resubmission_shows_what_was_fixed_and_what_is_new(service: Service) -> None:
    no_english = SUBMISSION.replace(b'schema:name "Test Person"@en', b'schema:name "Test Person"')
    first = submit(service, no_english.replace(b"test-person", b"test-person-6"))
    assert first["status"] == "nonconforming"
    problem = next(r for r in first["report"]["results"] if r["severity"] == "Violation")
    fixed_body = SUBMISSION.replace(b"test-person", b"test-person-6")
    response = requests.post(
        service.server.url + "/submissions",
        params={"replaces": first["id"]},
        data=fixed_body,
        headers={"Content-Type": "application/trig", "Authorization": f"Bearer {service.partner}"},
    )
    second = response.json()
    assert response.status_code == 201 and second["status"] == "pending"
    assert second["replaces"] == first["url"]
    assert problem in second["compared"]["fixed"]
    assert second["compared"]["new"] == [] and second["compared"]["remaining"] == 0
    assert any(e["action"] == "replaces" and e["note"] == first["id"] for e in second["history"])


def test_only_ones_own_submission_can_be_replaced(service: Service) -> None:
    mine = submit(service, SUBMISSION.replace(b"test-person", b"test-person-7"))
    before = service.get("/submissions", service.reviewer).json()["submissions"]
    response = requests.post(
        service.server.url + "/submissions",
        params={"replaces": mine["id"]},
        data=SUBMISSION,
        headers={
            "Content-Type": "application/trig",
            "Authorization": f"Bearer {service.other_partner}",
        },
    )
    assert response.status_code == 404
    assert service.get("/submissions", service.reviewer).json()["submissions"] == before
