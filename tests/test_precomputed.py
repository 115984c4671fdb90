"""Answers computed ahead: the plain query's answers in every format, served from the file they
are kept in, and never once the data changed under them."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from server.core.named_queries import load_queries
from server.graph.precomputed import FILE, bound_key, digest
from server.store.ledger import Ledger

from .conftest import REPO, Server, start_server, stop_server
from .submitting import PERSON, SUBMISSION, issue_tokens

pytestmark = pytest.mark.embedded_only("answers are computed ahead on the embedded store only")

QUERIES = load_queries(REPO / "queries")
JSON = "application/sparql-results+json"
FORMATS = [JSON, "application/sparql-results+xml", "text/csv", "text/tab-separated-values"]
MARKER = {"head": {"vars": ["marker"]}, "results": {"bindings": []}}


@dataclass
class Site:
    server: Server
    data_dir: Path
    partner: str
    reviewer: str


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    data_dir = tmp_path_factory.mktemp("precomputed") / "data"
    partner, _, reviewer = issue_tokens(data_dir)
    found = Site(start_server(data_dir), data_dir, partner, reviewer)
    yield found
    stop_server(found.server)  # the one a test may have started again


def kept(data_dir: Path) -> dict[tuple[str, str], tuple[int, bytes]]:
    with sqlite3.connect(data_dir / FILE) as db:
        rows = db.execute("SELECT query, bound, change, body FROM answers").fetchall()
    return {(q, b): (c, bytes(body)) for q, b, c, body in rows}


def latest(data_dir: Path) -> int:
    return Ledger(data_dir / "ledger.sqlite").last_change()


def plain(server: Server, name: str, accept: str, **params: str) -> requests.Response:
    """The named query's text with a comment added: the same query, never one kept ahead."""
    text = QUERIES[name].text + "\n# asked plainly\n"
    bound = QUERIES[name].bind(params)
    values = " ".join(str(t) for t in bound.values())
    text = text.replace(
        "WHERE {", f"WHERE {{ VALUES ({' '.join('?' + k for k in bound)}) {{ ({values}) }}", 1
    )
    response = requests.post(server.sparql, data={"query": text}, headers={"Accept": accept})
    assert response.status_code == 200, response.text[:300]
    return response


def named(server: Server, name: str, accept: str, **params: str) -> requests.Response:
    response = requests.get(
        f"{server.url}/queries/{name}", params=params, headers={"Accept": accept}
    )
    assert response.status_code == 200, response.text[:300]
    return response


def solutions(body: bytes) -> list[dict[str, Any]]:
    data: dict[str, Any] = json.loads(body)
    return list(data["results"]["bindings"])


def stats_page(server: Server) -> str:
    response = requests.get(server.url + "/stats", headers={"Accept": "text/html"})
    assert response.status_code == 200, response.text
    return response.text


def test_the_load_computes_every_listed_binding_for_the_latest_change(site: Site) -> None:
    answers = kept(site.data_dir)
    change = latest(site.data_dir)
    by_article = QUERIES["prisoners-by-article"]
    articles = ["207.3", "212.1"]  # charged in the seed data: answers that are not empty
    for article in articles:
        for lang in ("en", "ru", "ru-Latn"):
            key = (
                digest(by_article.text),
                bound_key(by_article.bind({"article": article, "lang": lang})),
            )
            assert key in answers, (article, lang)
            assert answers[key][0] == change
            assert solutions(answers[key][1]), (article, lang)
    stats = QUERIES["article-stats"]
    for lang in ("en", "ru"):
        assert (digest(stats.text), bound_key(stats.bind({"lang": lang}))) in answers
    years = QUERIES["cases-by-year"]  # no parameters: one answer
    assert answers[(digest(years.text), bound_key({}))][0] == change


@pytest.mark.parametrize("article", ["212.1", "207.3"])
@pytest.mark.parametrize("accept", FORMATS)
def test_a_kept_answer_is_the_plain_querys_in_every_format(
    site: Site, article: str, accept: str
) -> None:
    served = named(site.server, "prisoners-by-article", accept, article=article)
    asked = plain(site.server, "prisoners-by-article", accept, article=article, lang="en")
    assert served.headers["Content-Type"].split(";")[0] == accept
    assert served.content == asked.content


@pytest.mark.parametrize(
    ("name", "lang"),
    [("article-stats", "en"), ("article-stats", "ru"), ("sentence-lengths", "ru")],
)
def test_the_statistics_kept_are_the_plain_querys(site: Site, name: str, lang: str) -> None:
    served = named(site.server, name, JSON, lang=lang)
    asked = plain(site.server, name, JSON, lang=lang)
    assert solutions(served.content) == solutions(asked.content)
    assert solutions(served.content)


def _plant(data_dir: Path, article: str) -> None:
    """Put a marker in place of the kept answer for `article`: served, it shows where the answer
    came from."""
    query = QUERIES["prisoners-by-article"]
    with sqlite3.connect(data_dir / FILE) as db:
        db.execute(
            "UPDATE answers SET body = ? WHERE query = ? AND bound = ? AND change = ?",
            (
                json.dumps(MARKER).encode(),
                digest(query.text),
                bound_key(query.bind({"article": article})),
                latest(data_dir),
            ),
        )


def test_answers_are_served_from_the_file_and_none_outlives_an_accept(
    site: Site, tmp_path: Path
) -> None:
    _plant(site.data_dir, "280.3")  # no one is charged under it in the seed data
    served = named(site.server, "prisoners-by-article", JSON, article="280.3")
    assert json.loads(served.content)["head"]["vars"] == ["marker"]  # kept ahead, and read back

    stop_server(site.server)
    site.server = start_server(site.data_dir)  # a restart reads the same file
    served = named(site.server, "prisoners-by-article", JSON, article="280.3")
    assert json.loads(served.content)["head"]["vars"] == ["marker"]

    before = named(site.server, "prisoners-by-article", JSON, article="212.1").content
    assert PERSON not in before.decode()
    page = stats_page(site.server)
    assert stats_page(site.server) == page  # kept, and the same
    _accept(site)
    assert stats_page(site.server) != page, "the statistics page outlived an accept"
    for article in ("280.3", "212.1"):
        after = named(site.server, "prisoners-by-article", JSON, article=article)
        assert json.loads(after.content)["head"]["vars"] != ["marker"], "served after an accept"
        assert (
            after.content
            == plain(site.server, "prisoners-by-article", JSON, article=article, lang="en").content
        )
    assert PERSON in named(site.server, "prisoners-by-article", JSON, article="212.1").text


def test_after_an_accept_the_answers_are_computed_again(site: Site) -> None:
    change = latest(site.data_dir)
    deadline = time.monotonic() + 60
    query = QUERIES["prisoners-by-article"]
    key = (digest(query.text), bound_key(query.bind({"article": "212.1"})))
    while kept(site.data_dir)[key][0] != change:
        assert time.monotonic() < deadline, "the answers were not computed again"
        time.sleep(0.2)
    body = kept(site.data_dir)[key][1]
    assert PERSON in body.decode()
    assert (
        body == plain(site.server, "prisoners-by-article", JSON, article="212.1", lang="en").content
    )


def _accept(site: Site) -> None:
    url = site.server.url
    sid = requests.post(
        url + "/submissions",
        data=SUBMISSION,
        headers={"Authorization": f"Bearer {site.partner}", "Content-Type": "application/trig"},
    ).json()["id"]
    accepted = requests.post(
        f"{url}/submissions/{sid}/accept", headers={"Authorization": f"Bearer {site.reviewer}"}
    )
    assert accepted.status_code == 200, accepted.text  # it charges under 212.1 (the fixture)
