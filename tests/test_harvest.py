"""A harvester mirrors the dumps, then follows the change feed alone, and ends with the store."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from pyoxigraph import RdfFormat, parse

from tests.conftest import Server, start_server, stop_server
from tests.submitting import (
    SUBMISSION,
    feed_items,
    issue_tokens,
    quad_tuple,
    quads,
    without_blank_nodes,
)


@pytest.fixture(scope="module")
def harvested(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str, str]]:
    data_dir = tmp_path_factory.mktemp("harvest") / "data"
    partner, _, reviewer = issue_tokens(data_dir)
    server = start_server(data_dir)
    yield server, partner, reviewer
    stop_server(server)


class Mirror:
    """What a partner keeps: the quads, and the last change applied."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.quads: set[tuple[str, ...]] = set()
        self.last = 0

    def fetch_dumps(self) -> None:
        index = requests.get(self.server.url + "/dumps", headers={"Accept": "application/json"})
        listing = index.json()
        nquads = next(f for f in listing["files"] if f["name"].endswith(".nq.gz"))
        body = gzip.decompress(requests.get(nquads["url"]).content)
        self.quads = {quad_tuple(q) for q in parse(body, RdfFormat.N_QUADS)}
        self.last = listing["last_change"]

    def follow(self) -> list[dict[str, Any]]:
        applied = []
        for item in feed_items(self.server):
            seq = int(item["id"].rsplit("/", 1)[1])
            if seq <= self.last:
                continue
            if item["type"] == "Update":  # a release: start again from the dumps
                self.fetch_dumps()
            else:
                patch = requests.get(item["patch"]).content
                self.quads |= {quad_tuple(q) for q in parse(patch, RdfFormat.N_QUADS)}
            self.last = max(self.last, seq)
            applied.append(item)
        return applied


def test_mirror_then_follow_the_feed(harvested: tuple[Server, str, str]) -> None:
    server, partner, reviewer = harvested
    mirror = Mirror(server)
    mirror.fetch_dumps()
    assert without_blank_nodes(mirror.quads) == without_blank_nodes(quads(server))
    for person in (b"test-person", b"test-person-2"):
        body = SUBMISSION.replace(b"test-person", person)
        sid = requests.post(
            server.url + "/submissions",
            data=body,
            headers={"Authorization": f"Bearer {partner}", "Content-Type": "application/trig"},
        ).json()["id"]
        accepted = requests.post(
            f"{server.url}/submissions/{sid}/accept",
            headers={"Authorization": f"Bearer {reviewer}"},
        )
        assert accepted.status_code == 200
    applied = mirror.follow()
    assert [item["type"] for item in applied] == ["Add", "Add"]
    assert without_blank_nodes(mirror.quads) == without_blank_nodes(quads(server))
    assert len(mirror.quads) == len(quads(server))
    assert mirror.follow() == [], "nothing new: nothing to fetch"
