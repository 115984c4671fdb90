"""The query page without JavaScript: a GET form, results as a table, errors, downloads, links."""

from __future__ import annotations

import csv
import io
from urllib.parse import parse_qs, urlsplit

import pytest
import rdflib
import requests
from SPARQLWrapper import JSON, SPARQLWrapper

from server.core.vocabulary import BASE

from .conftest import REPO, Server
from .html_parse import Page

PEOPLE_UNDER_212_1 = """
PREFIX ppkg: <https://w3id.org/ppkg/ontology#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX schema: <https://schema.org/>
PREFIX art: <https://w3id.org/ppkg/law/ru/criminal-code/article/>
SELECT DISTINCT ?person ?name WHERE {
  ?charge ppkg:provision/eli:is_part_of* art:212.1 .
  ?prosecution ppkg:charge ?charge ; ppkg:defendant ?person .
  ?person schema:name ?name FILTER(LANG(?name) = "en")
} ORDER BY ?name
"""
KOTOV = """
PREFIX ppkg: <https://w3id.org/ppkg/ontology#>
CONSTRUCT { ?s ?p ?o } WHERE {
  GRAPH ?g { ?s ?p ?o }
  VALUES ?s { <https://w3id.org/ppkg/id/person/konstantin-kotov> }
}
"""
MEDIA_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
RDFLIB = {"turtle": "turtle", "nt": "nt", "jsonld": "json-ld", "rdfxml": "xml"}


def page(server: Server, **params: str) -> tuple[requests.Response, Page]:
    response = requests.get(server.url + "/query", params=params, timeout=60)
    assert response.headers["Content-Type"].startswith("text/html"), response.text
    return response, Page(response.text)


def endpoint_rows(server: Server, query: str) -> list[dict[str, dict[str, str]]]:
    client = SPARQLWrapper(server.sparql)
    client.setQuery(query)
    client.setReturnFormat(JSON)
    rows: list[dict[str, dict[str, str]]] = client.query().convert()["results"]["bindings"]
    return rows


def local(iri: str) -> str:
    return "/" + iri.removeprefix(BASE)


def downloads(shown: Page) -> dict[str, str]:
    """The download links by their format parameter."""
    found = {}
    for href, _ in shown.links:
        query = parse_qs(urlsplit(href).query)
        if "format" in query:
            found[query["format"][0]] = href
    return found


def test_a_query_gives_a_table_whose_iris_link_to_this_server(server: Server) -> None:
    expected = endpoint_rows(server, PEOPLE_UNDER_212_1)
    assert expected
    response, shown = page(server, query=PEOPLE_UNDER_212_1)
    assert response.status_code == 200
    table = shown.table("results-table")
    assert table.header == ["?person", "?name"]
    assert [(r[0].href, r[1].text) for r in table.rows] == [
        (local(row["person"]["value"]), row["name"]["value"] + "@en") for row in expected
    ]
    # Our IRIs resolve here; the full IRI is what a person reads.
    assert table.rows[0][0].text == expected[0]["person"]["value"]


def test_a_syntax_error_is_a_400_page_with_the_parsers_message(server: Server) -> None:
    broken = "SELECT * WHERE { ?s ?p }"
    raw = requests.get(server.sparql, params={"query": broken}, timeout=30)
    assert raw.status_code == 400
    message = raw.text.removeprefix("400 ").strip()
    response, shown = page(server, query=broken)
    assert response.status_code == 400
    assert "error" in shown.ids and message in response.text
    assert shown.textareas["query"] == broken  # kept, to be mended
    assert not [t for t in shown.tables if t.ident == "results-table"]


@pytest.mark.parametrize(
    ("query", "status"),
    [("INSERT DATA { <urn:a> <urn:b> <urn:c> }", 403), ("", 400)],
)
def test_updates_and_empty_queries_are_refused_on_the_page(
    server: Server, query: str, status: int
) -> None:
    response, shown = page(server, query=query)
    assert response.status_code == status and "error" in shown.ids


def test_select_downloads_return_every_results_format(server: Server) -> None:
    _, shown = page(server, query=PEOPLE_UNDER_212_1)
    count = len(shown.table("results-table").rows)
    links = downloads(shown)
    assert set(links) == {"json", "xml", "csv", "tsv"}
    for short, href in links.items():
        assert href.startswith("/sparql?")
        response = requests.get(server.url + href, timeout=30)
        assert response.status_code == 200
        assert response.headers["Content-Type"].split(";")[0] == MEDIA_TYPES[short]
        if short == "json":
            assert len(response.json()["results"]["bindings"]) == count
        elif short in ("csv", "tsv"):
            delimiter = "," if short == "csv" else "\t"
            rows = list(csv.reader(io.StringIO(response.text), delimiter=delimiter))
            assert len(rows) == count + 1
        else:
            assert response.text.count("<result>") == count


def test_construct_shows_triples_and_downloads_every_graph_format(server: Server) -> None:
    response, shown = page(server, query=KOTOV)
    assert response.status_code == 200
    table = shown.table("results-table")
    assert table.header == ["subject", "predicate", "object"]
    assert {row[0].href for row in table.rows} == {"/id/person/konstantin-kotov"}
    links = downloads(shown)
    assert set(links) == set(RDFLIB)
    for short, href in links.items():
        answer = requests.get(server.url + href, timeout=30)
        assert answer.headers["Content-Type"].split(";")[0] == MEDIA_TYPES[short]
        graph = rdflib.Graph().parse(data=answer.text, format=RDFLIB[short])
        assert len(graph) == len(table.rows), short


def test_a_named_query_loads_runs_and_links_to_itself(server: Server) -> None:
    expected = requests.get(
        server.url + "/queries/prisoners-by-article",
        params={"article": "212.1", "lang": "en"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    ).json()["results"]["bindings"]
    response, shown = page(server, example="prisoners-by-article")
    assert response.status_code == 200
    named = (REPO / "queries" / "prisoners-by-article.rq").read_text("utf-8")
    assert shown.textareas["query"].strip() == named.strip()
    assert shown.ids["param-article"]["value"] == "212.1"  # the example value, in its field
    rows = shown.table("results-table").rows
    assert [r[0].href for r in rows] == [local(b["person"]["value"]) for b in expected]
    # Unchanged, it downloads from the named query's own address and shares a short link.
    csv_link = downloads(shown)["csv"]
    assert csv_link.startswith("/queries/prisoners-by-article?")
    assert requests.get(server.url + csv_link, timeout=30).text.count("\n") == len(rows) + 1
    share = shown.link("open")
    assert parse_qs(urlsplit(share).query) == {
        "example": ["prisoners-by-article"],
        "article": ["212.1"],
        "lang": ["en"],
    }
    again = Page(requests.get(share, timeout=30).text).table("results-table").rows
    assert [r[0].href for r in again] == [r[0].href for r in rows]


def test_an_edited_named_query_keeps_its_parameters(server: Server) -> None:
    named = (REPO / "queries" / "prisoners-by-article.rq").read_text("utf-8")
    edited = named.rstrip() + "\nLIMIT 1\n"
    response, shown = page(
        server, query=edited, example="prisoners-by-article", article="212.1", lang="ru"
    )
    assert response.status_code == 200
    rows = shown.table("results-table").rows
    assert len(rows) == 1 and rows[0][-1].text == "ru"  # ?lang was bound, as a typed value
    csv_link = downloads(shown)["csv"]
    assert csv_link.startswith("/query?")  # /sparql could not bind the parameters
    got = requests.get(server.url + csv_link, timeout=30)
    assert got.headers["Content-Type"].startswith("text/csv")
    assert list(csv.reader(io.StringIO(got.text)))[1][-1] == "ru"
    share = parse_qs(urlsplit(shown.link("open")).query)
    assert share["query"] == [edited.replace("\r\n", "\n")] and share["lang"] == ["ru"]


def test_bad_parameter_and_unknown_example(server: Server) -> None:
    response, _ = page(server, example="prisoners-by-article", query="SELECT * {}", article="x")
    assert response.status_code == 400 and "article number" in response.text
    response, _ = page(server, example="no-such-query")
    assert response.status_code == 404 and "no named query" in response.text


def test_a_large_result_shows_the_first_thousand_rows(server: Server) -> None:
    response, shown = page(server, query="SELECT * WHERE { ?s ?p ?o }")
    assert response.status_code == 200
    assert len(shown.table("results-table").rows) == 1000
    assert "download the results for all of them" in response.text


def test_the_page_is_a_plain_form_with_an_offline_editor(server: Server) -> None:
    response, shown = page(server)
    assert response.status_code == 200
    assert '<form method="get" action="/query"' in response.text
    assert "query" in shown.textareas and "SELECT" in shown.textareas["query"]
    assert not [t for t in shown.tables if t.ident == "results-table"]  # nothing run yet
    examples = {href for href, _ in shown.links if href.startswith("/query?example=")}
    listed = requests.get(server.url + "/queries", timeout=30).json()["queries"]
    assert examples == {f"/query?example={q['name']}" for q in listed}
    script = requests.get(server.url + "/static/query.js", timeout=30)
    assert script.status_code == 200 and "javascript" in script.headers["Content-Type"]
    imported = "/static/vendor/codemirror/codemirror-sparql.min.js"
    assert "./vendor/codemirror/codemirror-sparql.min.js" in script.text
    bundle = requests.get(server.url + imported, timeout=30)
    assert bundle.status_code == 200 and len(bundle.content) > 100_000
    assert "http" not in bundle.text.replace("http://www.w3.org/2000/svg", "")  # no CDN
    licence = requests.get(server.url + "/static/vendor/codemirror/LICENSE", timeout=30)
    assert "MIT License" in licence.text


@pytest.mark.parametrize("path", ["/query", "/stats", "/queries", "/validate"])
def test_pages_have_the_site_navigation_and_json_ld(server: Server, path: str) -> None:
    response = requests.get(server.url + path, headers={"Accept": "text/html"}, timeout=30)
    assert response.status_code == 200
    shown = Page(response.text)
    hrefs = {href for href, _ in shown.links}
    assert {"/search", "/query", "/queries", "/stats", "/validate", "/ontology"} <= hrefs
    assert f'href="{path}" aria-current="page"' in response.text
    [jsonld] = shown.jsonld
    assert jsonld["@context"] == "https://schema.org" and jsonld["@type"] == "WebPage"
    assert jsonld["url"] == server.url + path
