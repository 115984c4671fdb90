"""No result is cut short silently: each cap says so in the body and in `X-PPKG-Truncated`; a
result the time limit stops once it has started is aborted, never ended as if whole."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator

import pytest
import requests

from tests.conftest import BACKEND, REPO, Server, start_server, stop_server

HEADER = "X-PPKG-Truncated"
BASE = "https://w3id.org/ppkg/"


# --- the query page ---------------------------------------------------------------------------


def test_the_query_page_says_when_it_shows_only_the_first_rows(server: Server) -> None:
    many = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 1500"
    page = requests.get(server.url + "/query", params={"query": many})
    assert page.status_code == 200
    assert page.headers[HEADER] == "rows=1000"
    assert "The first 1000 rows" in page.text and "download the results" in page.text
    triples = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1500"
    page = requests.get(server.url + "/query", params={"query": triples})
    assert page.headers[HEADER] == "triples=1000"
    few = requests.get(server.url + "/query", params={"query": "SELECT ?s { ?s ?p ?o } LIMIT 3"})
    assert HEADER not in few.headers and re.search(r"\b3\s+rows\.", few.text)


# --- search -----------------------------------------------------------------------------------


def test_search_says_when_there_are_more_matches_than_it_gives(server: Server) -> None:
    json = {"Accept": "application/json"}
    everything = requests.get(server.url + "/search", params={"q": "a", "limit": 200}, headers=json)
    total = len(everything.json()["results"])
    assert 3 <= total < 200 and HEADER not in everything.headers
    assert everything.json()["truncated"] is False
    cut = requests.get(server.url + "/search", params={"q": "a", "limit": 2}, headers=json)
    assert cut.headers[HEADER] == "results=2"
    body = cut.json()
    assert body["truncated"] is True and body["limit"] == 2 and len(body["results"]) == 2
    page = requests.get(server.url + "/search", params={"q": "a", "limit": 2, "lang": "en"})
    assert page.headers[HEADER] == "results=2"
    assert "Only the first 2 matches are shown" in page.text and "limit=200" in page.text
    exact = requests.get(server.url + "/search", params={"q": "a", "limit": total}, headers=json)
    assert HEADER not in exact.headers and exact.json()["truncated"] is False


# --- entity pages -----------------------------------------------------------------------------

LISTINGS = """@prefix ppkg: <https://w3id.org/ppkg/ontology#> .
@prefix eli: <http://data.europa.eu/eli/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
<https://w3id.org/ppkg/source/test-listings> {
  <https://w3id.org/ppkg/id/org/big-court> a ppkg:Organisation ; rdfs:label "Big court"@en .
  <https://w3id.org/ppkg/id/person/big-judge> a ppkg:Person ; schema:name "Big Judge"@en .
  <https://w3id.org/ppkg/id/holding/big-judge> a ppkg:PostHolding ;
    ppkg:holder <https://w3id.org/ppkg/id/person/big-judge> ;
    ppkg:organisation <https://w3id.org/ppkg/id/org/big-court> .
  <https://w3id.org/ppkg/law/ru/criminal-code/article/999> a ppkg:LegalProvision ;
    rdfs:label "Article 999"@en .
%s
}
"""
MANY = 520  # more than an entity page lists (graph.describe.LISTED, 500)
ARTICLE = BASE + "law/ru/criminal-code/article/999"


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The ontology, shapes and queries, and data with listings longer than a page shows."""
    content = tmp_path_factory.mktemp("crowded") / "content"
    for folder in ("ontology", "shapes", "queries"):
        shutil.copytree(REPO / folder, content / folder)
    (content / "data").mkdir()
    lines = []
    for n in range(MANY):
        lines.append(
            f"  <{BASE}id/event/big-{n}> a ppkg:ProceduralEvent ;"
            f" ppkg:court <{BASE}id/org/big-court> ."
        )
        lines.append(f"  <{ARTICLE}/part-{n}> eli:is_part_of <{ARTICLE}> .")
        lines.append(
            f"  <{BASE}id/prosecution/big-{n}> ppkg:charge <{BASE}id/charge/big-{n}> ."
            f" <{BASE}id/charge/big-{n}> ppkg:underArticle <{ARTICLE}> ."
        )
    (content / "data" / "listings.trig").write_text(LISTINGS % "\n".join(lines), "utf-8")
    server = start_server(tmp_path_factory.mktemp("crowded") / "data", content_dir=content)
    yield server
    stop_server(server)


@pytest.mark.parametrize(
    ("path", "cut", "section"),
    [
        ("/id/org/big-court", "linked-from=500", 'id="linked-from"'),
        ("/id/person/big-judge", "cases-handled=500", 'id="handled"'),
        ("/law/ru/criminal-code/article/999", "parts=500, charged=500", f"({MANY})"),
    ],
)
def test_an_entity_page_says_which_listing_it_cut_short(
    crowded: Server, path: str, cut: str, section: str
) -> None:
    page = requests.get(crowded.url + path, params={"lang": "en"}, headers={"Accept": "text/html"})
    assert page.status_code == 200, page.text
    assert page.headers[HEADER] == cut
    assert section in page.text
    assert "Only the first 500 are shown here" in page.text
    # the RDF formats are not cut
    turtle = requests.get(crowded.url + path + ".ttl")
    assert HEADER not in turtle.headers


def test_an_entity_page_with_short_listings_has_no_header(server: Server) -> None:
    page = requests.get(server.url + "/id/person/konstantin-kotov", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert HEADER not in page.headers and "Only the first" not in page.text


# --- a result the time limit stops ------------------------------------------------------------


@pytest.mark.skipif(
    BACKEND == "virtuoso",
    reason="Virtuoso writes an answer only once it has it whole: its time limit stops the query"
    " before the status is sent, a clean 503 (tests/test_remote.py)",
)
def test_a_result_the_time_limit_stops_midway_is_aborted_not_ended(strict_server: Server) -> None:
    """Past its first megabyte a result streams, its status already sent; stopped by the time
    limit (6 s here), the transfer must fail for the client rather than end like a whole one."""
    endless = "SELECT ?s WHERE { ?s ?p ?o . ?a ?b ?c }"  # 25 million rows
    response = requests.get(
        strict_server.sparql,
        params={"query": endless},
        headers={"Accept": "text/csv"},
        stream=True,
        timeout=60,
    )
    assert response.status_code == 200 and "Content-Length" not in response.headers
    chunks = response.iter_content(1 << 16)
    received = len(next(chunks))
    time.sleep(7)  # past the limit: the server stops the query meanwhile
    give_up = time.monotonic() + 40
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        for chunk in chunks:
            received += len(chunk)
            if time.monotonic() > give_up:
                pytest.fail(f"the results went on long past the limit ({received} bytes)")
    assert received > 1 << 20
    # the worker was replaced: the next query is answered
    ask = requests.get(strict_server.sparql, params={"query": "ASK { ?s ?p ?o }"}, timeout=60)
    assert ask.status_code == 200
