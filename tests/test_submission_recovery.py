"""Nothing lost, nothing half published: the server killed mid-accept; the store rebuilt."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from pyoxigraph import RdfFormat, parse

from tests.conftest import BACKEND, Server, graph_size, start_server, stop_server
from tests.submitting import (
    PERSON,
    SOURCE,
    SUBMISSION,
    issue_tokens,
    ppkg,
    quads,
    without_blank_nodes,
)

SOURCE_QUADS = sum(1 for q in parse(SUBMISSION, RdfFormat.TRIG) if q.graph_name.value == SOURCE)
INFERRED = "https://w3id.org/ppkg/graph/inferred"


def submit(server: Server, token: str, body: bytes = SUBMISSION) -> str:
    response = requests.post(
        server.url + "/submissions",
        data=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/trig"},
    )
    assert response.status_code == 201, response.text
    sid: str = response.json()["id"]
    return sid


def accept(server: Server, sid: str, token: str) -> requests.Response:
    return requests.post(
        f"{server.url}/submissions/{sid}/accept", headers={"Authorization": f"Bearer {token}"}
    )


def published(server: Server, graphs: tuple[str, ...] = (SOURCE, INFERRED)) -> set[tuple[str, ...]]:
    """The quads of the submission's source graph and of the inferred graph."""
    return {q for q in quads(server) if q[3].split("|")[1] in graphs}


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> set[tuple[str, ...]]:
    """What a clean accept publishes."""
    data_dir = tmp_path_factory.mktemp("reference") / "data"
    partner, _, reviewer = issue_tokens(data_dir)
    server = start_server(data_dir)
    try:
        assert accept(server, submit(server, partner), reviewer).status_code == 200
        return published(server)
    finally:
        stop_server(server)


# A remote engine's write is one update request: killed while sending it, nothing is applied.
POINTS = ["decided", "recorded", "extended"] + ([] if BACKEND == "embedded" else ["sending"])


@pytest.mark.parametrize("point", POINTS)
def test_killed_mid_accept_then_recovered(
    point: str, tmp_path: Path, reference: set[tuple[str, ...]]
) -> None:
    data_dir = tmp_path / "data"
    partner, _, reviewer = issue_tokens(data_dir)
    server = start_server(data_dir)
    sid = submit(server, partner)
    stop_server(server)

    doomed = start_server(data_dir, fault=point)
    with pytest.raises(requests.ConnectionError):
        accept(doomed, sid, reviewer)
    assert doomed.process.wait(10) != 0

    in_store = graph_size(data_dir, SOURCE)
    assert in_store == (SOURCE_QUADS if point == "extended" else 0), "all or nothing"

    server = start_server(data_dir)  # recovery runs on start
    try:
        record = requests.get(
            f"{server.url}/submissions/{sid}", headers={"Authorization": f"Bearer {reviewer}"}
        ).json()
        assert record["status"] == "accepted"
        raw = requests.get(
            f"{server.url}/submissions/{sid}/raw", headers={"Authorization": f"Bearer {reviewer}"}
        )
        assert raw.content == SUBMISSION
        assert published(server) == reference
    finally:
        stop_server(server)


def test_a_rebuilt_store_replays_accepted_submissions(tmp_path: Path) -> None:
    """`ppkg load` gives the very store that incremental accepts built, inferences included."""
    data_dir = tmp_path / "data"
    partner, _, reviewer = issue_tokens(data_dir)
    server = start_server(data_dir)
    try:
        for body in (SUBMISSION, SUBMISSION.replace(b"test-person", b"test-person-2")):
            assert accept(server, submit(server, partner, body), reviewer).status_code == 200
        rejected = submit(server, partner, SUBMISSION.replace(b"test-person", b"test-person-3"))
        requests.post(
            f"{server.url}/submissions/{rejected}/reject",
            headers={"Authorization": f"Bearer {reviewer}"},
        )
        incremental = quads(server)
    finally:
        stop_server(server)
    ppkg(data_dir, "load")
    server = start_server(data_dir)
    try:
        rebuilt = quads(server)
        assert any(PERSON in q[0] for q in rebuilt)
        assert not any("test-person-3" in q[0] for q in rebuilt)
        # Blank nodes in the content get new labels at each load: compare them by count.
        assert without_blank_nodes(rebuilt) == without_blank_nodes(incremental)
        assert len(rebuilt) == len(incremental)
    finally:
        stop_server(server)
