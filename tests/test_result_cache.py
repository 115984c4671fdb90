"""Kept query results: the same answers as the plain query, and none survives a change."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from server.store.base import QueryResult
from server.web.result_cache import ResultCache

from .conftest import Server, start_server, stop_server
from .submitting import PERSON, SUBMISSION, issue_tokens

JSON = {"Accept": "application/sparql-results+json"}


@dataclass
class Pair:
    cached: Server
    plain: Server
    partner: str
    reviewer: str


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    root = tmp_path_factory.mktemp("result-cache")
    partner, _, reviewer = issue_tokens(root / "cached")
    cached = start_server(root / "cached")
    plain = start_server(root / "plain", result_cache_mb="0")
    yield Pair(cached, plain, partner, reviewer)
    stop_server(cached)
    stop_server(plain)


def rows(response: requests.Response) -> Counter[tuple[tuple[str, str], ...]]:
    assert response.status_code == 200, response.text[:300]
    data: dict[str, Any] = response.json()
    return Counter(
        tuple(sorted((k, v["value"]) for k, v in b.items())) for b in data["results"]["bindings"]
    )


def examples(server: Server) -> list[str]:
    listing = requests.get(server.url + "/queries", headers={"Accept": "application/json"})
    return [q["example"].split("/queries/", 1)[1] for q in listing.json()["queries"]]


def test_kept_answers_are_the_plain_queries_answers(pair: Pair) -> None:
    for example in examples(pair.cached):
        first = rows(requests.get(f"{pair.cached.url}/queries/{example}", headers=JSON))
        again = rows(requests.get(f"{pair.cached.url}/queries/{example}", headers=JSON))
        plain = rows(requests.get(f"{pair.plain.url}/queries/{example}", headers=JSON))
        assert first == again == plain, example


def test_an_accept_is_seen_by_the_next_answer(pair: Pair) -> None:
    url = f"{pair.cached.url}/queries/prisoners-by-article?article=212.1"
    before = rows(requests.get(url, headers=JSON))
    assert rows(requests.get(url, headers=JSON)) == before  # now kept
    assert not any(PERSON in str(row) for row in before)
    sid = requests.post(
        pair.cached.url + "/submissions",
        data=SUBMISSION,
        headers={"Authorization": f"Bearer {pair.partner}", "Content-Type": "application/trig"},
    ).json()["id"]
    accepted = requests.post(
        f"{pair.cached.url}/submissions/{sid}/accept",
        headers={"Authorization": f"Bearer {pair.reviewer}"},
    )
    assert accepted.status_code == 200
    after = rows(requests.get(url, headers=JSON))
    assert any(PERSON in str(row) for row in after), "a kept answer outlived the accept"


def _streamed(*chunks: bytes) -> QueryResult:
    return QueryResult("text/csv", iter(chunks))


def test_a_result_read_to_its_end_is_kept_and_given_back_whole() -> None:
    cache = ResultCache(1000)
    assert cache.get("q", 1) is None
    passed = cache.keep("q", 1, lambda: 1, _streamed(b"a,", b"b\n"))
    assert passed.read() == b"a,b\n"
    kept = cache.get("q", 1)
    assert kept is not None and kept.read() == b"a,b\n" and kept.length == 4


def test_a_result_left_unread_or_made_across_a_change_is_not_kept() -> None:
    cache = ResultCache(1000)
    cache.get("q", 1)
    partial = cache.keep("q", 1, lambda: 1, _streamed(b"a", b"b", b"c"))
    next(partial.chunks)
    partial.chunks.close()  # type: ignore[attr-defined]
    assert cache.get("q", 1) is None
    cache.keep("q", 1, lambda: 2, _streamed(b"x")).read()  # the store changed meanwhile
    assert cache.get("q", 1) is None and cache.get("q", 2) is None
    cache.keep("q", 2, lambda: 2, _streamed(b"y")).read()
    assert cache.get("q", 3) is None  # a new revision empties it


def test_the_cache_stays_within_its_size() -> None:
    cache = ResultCache(100)
    cache.get("a", 1)
    cache.keep("big", 1, lambda: 1, _streamed(b"x" * 30)).read()  # over a quarter: not kept
    assert cache.get("big", 1) is None
    for key in "abcdefg":
        cache.keep(key, 1, lambda: 1, _streamed(b"y" * 20)).read()
    kept = [k for k in "abcdefg" if cache.get(k, 1) is not None]
    assert kept == list("cdefg")  # the least recently used went first
