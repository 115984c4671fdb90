"""The front page, and every link on it answering."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import requests

from tests.conftest import Server

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_every_link_on_the_front_page_answers(server: Server) -> None:
    page = requests.get(server.url + "/", headers={"Accept": BROWSER})
    assert page.status_code == 200
    assert "application/ld+json" in page.text
    links = set(re.findall(r'href="([^"]+)"', page.text))
    expected = {"/search", "/stats", "/dumps", "/changes", "/.well-known/void", "/openapi.json"}
    assert expected <= links
    for link in links:
        response = requests.get(urljoin(server.url + "/", link), headers={"Accept": BROWSER})
        assert response.status_code == 200, link


def test_a_browser_opening_the_endpoint_or_a_named_query_gets_the_page(server: Server) -> None:
    endpoint = requests.get(server.sparql, headers={"Accept": BROWSER}, allow_redirects=False)
    assert endpoint.status_code == 303
    assert endpoint.headers["Location"].endswith("/query")
    named = requests.get(
        server.url + "/queries/prisoners-by-article",
        params={"article": "212.1"},
        headers={"Accept": BROWSER},
    )
    assert named.headers["Content-Type"].startswith("text/html")
    rows = requests.get(
        server.url + "/queries/prisoners-by-article",
        params={"article": "212.1"},
        headers={"Accept": "application/sparql-results+json"},
    ).json()["results"]["bindings"]
    assert rows
    for row in rows:
        assert row["person"]["value"] in named.text
    programs = requests.get(server.sparql, headers={"Accept": "*/*"})
    assert programs.headers["Content-Type"].startswith("text/turtle")
