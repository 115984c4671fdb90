"""`kill -9` during a load and during an export: on restart the store and the dumps are whole (the
old ones, or the new ones once finished), every submission that got a 201 is there, and the next
run completes. Each test kills ppkg at a named step (PPKG_FAULT, server/core/crash_points.py)."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from pyoxigraph import RdfFormat, Store, parse

from tests.conftest import REPO, Server, engine_env, start_server, stop_server
from tests.submitting import PERSON, SUBMISSION, issue_tokens, quad_tuple, quads

EXTRA_SOURCE = "https://w3id.org/ppkg/source/crash-test"
EXTRA = f"""GRAPH <{EXTRA_SOURCE}> {{
  <{EXTRA_SOURCE}> <http://www.w3.org/2000/01/rdf-schema#label> "Crash test source"@en .
}}
"""
LATER = SUBMISSION.replace(b"test-person", b"later-person")
DUMPS = ("ppkg.nq.gz", "ppkg.ttl.gz", "ppkg.jsonld.gz")
PUBLISHED = sorted([*DUMPS, "manifest.json", "context.jsonld", ".export.lock"])


@dataclass(frozen=True)
class Published:
    """A data directory with a loaded store, its dumps, an accepted and a pending submission."""

    data: Path
    partner: str
    reviewer: str
    accepted: str
    pending: str


def ppkg(
    data: Path, *args: str, content: Path = REPO, fault: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PPKG_DATA_DIR": str(data), "PPKG_CONTENT_DIR": str(content)}
    env.update(engine_env(data))
    env.pop("PPKG_FAULT", None)
    if fault:
        env["PPKG_FAULT"] = fault
    return subprocess.run(
        [sys.executable, "-m", "server", *args], env=env, capture_output=True, text=True
    )


def authorised(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def submit(server: Server, token: str, body: bytes) -> str:
    response = requests.post(
        server.url + "/submissions",
        data=body,
        headers={**authorised(token), "Content-Type": "application/trig"},
    )
    assert response.status_code == 201, response.text
    sid: str = response.json()["id"]
    return sid


def accept(server: Server, sid: str, token: str) -> None:
    response = requests.post(f"{server.url}/submissions/{sid}/accept", headers=authorised(token))
    assert response.status_code == 200, response.text


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Published:
    data = tmp_path_factory.mktemp("crashes") / "data"
    partner, _, reviewer = issue_tokens(data)
    server = start_server(data)
    try:
        accepted = submit(server, partner, SUBMISSION)
        accept(server, accepted, reviewer)
        pending = submit(server, partner, LATER)
    finally:
        stop_server(server)
    return Published(data, partner, reviewer, accepted, pending)


@pytest.fixture
def published(template: Published, tmp_path: Path) -> Published:
    """A copy of the template, for one test to break."""
    data = tmp_path / "data"
    shutil.copytree(template.data, data)
    return Published(data, template.partner, template.reviewer, template.accepted, template.pending)


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """The repository's content with one more source: what a load after an edit would bring."""
    root = tmp_path / "content"
    for folder in ("ontology", "shapes", "data", "queries"):
        shutil.copytree(REPO / folder, root / folder)
    (root / "data" / "zz-crash-test.trig").write_text(EXTRA)
    return root


def select(server: Server, query: str) -> list[dict[str, Any]]:
    response = requests.get(
        server.sparql,
        params={"query": query},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()["results"]["bindings"]
    return rows


def served_graphs(server: Server) -> set[str]:
    return {r["g"]["value"] for r in select(server, "SELECT DISTINCT ?g { GRAPH ?g {} }")}


def listing(server: Server) -> dict[str, Any]:
    response = requests.get(server.url + "/dumps", headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def served_dumps(server: Server) -> dict[str, bytes]:
    """Every dump the listing names, fetched: each whole and matching its checksum."""
    files = {}
    for entry in listing(server)["files"]:
        response = requests.get(entry["url"])
        assert response.status_code == 200, f"{entry['name']}: {response.status_code}"
        assert hashlib.sha256(response.content).hexdigest() == entry["sha256"], entry["name"]
        files[entry["name"]] = response.content
    assert sorted(files) == sorted(DUMPS)
    return files


def assert_dumps_hold_the_store(server: Server, data: Path) -> None:
    """What a harvester gets is the store served: the dumps, whole, plus the changes of the feed
    after the dumps' `last_change`, of which none is a release (a rebuilt store's dumps)."""
    position = listing(server)["last_change"]
    db = sqlite3.connect(data / "ledger.sqlite")
    try:
        later = db.execute("SELECT kind, added FROM changes WHERE seq > ?", (position,)).fetchall()
    finally:
        db.close()
    assert "release" not in [kind for kind, _ in later], "the dumps predate a rebuilt store"
    nquads = gzip.decompress(served_dumps(server)["ppkg.nq.gz"])
    harvested = {quad_tuple(q) for q in parse(nquads, RdfFormat.N_QUADS)}
    for _, added in later:
        harvested |= {quad_tuple(q) for q in parse(added, RdfFormat.N_QUADS)}
    assert harvested == quads(server)


def assert_submissions_kept(server: Server, published: Published) -> None:
    """Every submission that got a 201 is there, as it was: the accepted one still published."""
    for sid, status, body in (
        (published.accepted, "accepted", SUBMISSION),
        (published.pending, "pending", LATER),
    ):
        record = requests.get(
            f"{server.url}/submissions/{sid}", headers=authorised(published.reviewer)
        )
        assert record.status_code == 200 and record.json()["status"] == status
        raw = requests.get(
            f"{server.url}/submissions/{sid}/raw", headers=authorised(published.reviewer)
        )
        assert raw.content == body
    rows = select(server, f"SELECT ?g WHERE {{ GRAPH ?g {{ <{PERSON}> ?p ?o }} }} LIMIT 1")
    assert rows, "the accepted submission is published"


def releases(data: Path) -> list[int]:
    db = sqlite3.connect(data / "ledger.sqlite")
    try:
        return [r[0] for r in db.execute("SELECT seq FROM changes WHERE kind = 'release'")]
    finally:
        db.close()


def last_change(data: Path) -> int:
    db = sqlite3.connect(data / "ledger.sqlite")
    try:
        return int(db.execute("SELECT max(seq) FROM changes").fetchone()[0])
    finally:
        db.close()


def dump_files(data: Path) -> list[str]:
    return sorted(p.name for p in (data / "dumps").iterdir())


def assert_dumps_on_disk_hold(data: Path, store_quads: int) -> None:
    manifest = json.loads((data / "dumps" / "manifest.json").read_text())
    for entry in manifest["files"]:
        body = (data / "dumps" / entry["name"]).read_bytes()
        assert hashlib.sha256(body).hexdigest() == entry["sha256"], entry["name"]
    assert manifest["files"][0]["quads"] == store_quads


def store_graphs(data: Path) -> tuple[set[str], int]:
    store = Store.read_only(str(data / "store"))
    try:
        return {g.value for g in store.named_graphs()}, len(store)
    finally:
        del store


def killed(result: subprocess.CompletedProcess[str]) -> bool:
    return result.returncode == -signal.SIGKILL


@pytest.fixture
def running(published: Published) -> Iterator[list[Server]]:
    """Servers a test starts, stopped at its end whatever happens."""
    servers: list[Server] = []
    yield servers
    for server in servers:
        stop_server(server)


# --- load ---------------------------------------------------------------------------------------


@pytest.mark.embedded_only("the swap of the embedded store's directory, read on disk")
@pytest.mark.parametrize("point", ["load-building", "load-built", "load-swapping", "load-swapped"])
def test_killed_mid_load(
    point: str, published: Published, content: Path, running: list[Server]
) -> None:
    data = published.data
    old_releases = releases(data)
    assert killed(ppkg(data, "load", content=content, fault=point))

    server = start_server(data, content)  # finishes or undoes what the kill interrupted
    running.append(server)
    swapped = point == "load-swapped"
    # Before the swap the old store is served, after it the new one: never no store, never a
    # store rebuilt behind the operator's back.
    assert (EXTRA_SOURCE in served_graphs(server)) == swapped
    assert_submissions_kept(server, published)
    assert_dumps_hold_the_store(server, data)  # the dumps are those of the store served
    if swapped:  # a rebuilt store is announced: harvesters fetch the dumps again
        assert max(releases(data)) > max(old_releases)
    stop_server(running.pop())

    again = ppkg(data, "load", content=content)
    assert again.returncode == 0, again.stderr
    graphs, count = store_graphs(data)
    assert EXTRA_SOURCE in graphs and any("test-submission" in g for g in graphs)
    assert_dumps_on_disk_hold(data, count)
    assert sorted(p.name for p in data.iterdir() if p.name.startswith("store")) == ["store"]
    assert dump_files(data) == PUBLISHED


# --- export -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "point", ["export-writing", "export-written", "export-committed", "export-renamed"]
)
def test_killed_mid_export(point: str, published: Published, running: list[Server]) -> None:
    data = published.data
    server = start_server(data)
    running.append(server)
    old = served_dumps(server)
    accept(server, published.pending, published.reviewer)  # the store moves past its dumps
    assert killed(ppkg(data, "export", fault=point))

    finished = point in ("export-committed", "export-renamed")  # the new set is complete
    if not finished:  # the server that ran meanwhile still serves the old set, whole
        assert served_dumps(server) == old
    stop_server(running.pop())

    server = start_server(data)
    running.append(server)
    if finished:  # the new set: it includes the accept made before the export
        assert listing(server)["last_change"] == last_change(data)
    else:
        assert served_dumps(server) == old
    assert_dumps_hold_the_store(server, data)  # the old set or the new one, never a mixture
    assert dump_files(data) == PUBLISHED, "no temporaries left behind"
    stop_server(running.pop())

    again = ppkg(data, "export")
    assert again.returncode == 0, again.stderr
    assert dump_files(data) == PUBLISHED
    server = start_server(data)
    running.append(server)
    assert_dumps_on_disk_hold(data, served_quads(server))


def served_quads(server: Server) -> int:
    """Every quad of the store (the embedded one, or the engine), counted by the server."""
    rows = select(server, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    return int(rows[0]["n"]["value"])


def test_server_killed_writing_its_dumps(published: Published, running: list[Server]) -> None:
    """`ppkg serve` writes the dumps when there are none: killed doing so, the next start does."""
    data = published.data
    shutil.rmtree(data / "dumps")
    with pytest.raises(RuntimeError, match="server exited"):
        start_server(data, fault="export-writing")
    server = start_server(data)
    running.append(server)
    assert_dumps_hold_the_store(server, data)
    assert dump_files(data) == PUBLISHED
    assert_submissions_kept(server, published)
