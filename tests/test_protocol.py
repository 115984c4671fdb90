"""SPARQL 1.1 Protocol behaviours, checked over plain HTTP against the running server."""

from __future__ import annotations

import csv
import io
import json
import time

import pytest
import requests
from rdflib import Graph

from .conftest import Server

ASK = "ASK { ?s ?p ?o }"
COUNT_GRAPHS = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
SOURCE_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
DIRECT = {"Content-Type": "application/sparql-query"}
RUNAWAY = (
    "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(8)) + " }"
)


def post_direct(server: Server, query: str, **headers: str) -> requests.Response:
    return requests.post(server.sparql, data=query.encode(), headers={**DIRECT, **headers})


def bindings(response: requests.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    rows = response.json()["results"]["bindings"]
    return [{k: v["value"] for k, v in row.items()} for row in rows]


# --- the three ways of sending a query -------------------------------------------------------


def test_get_post_form_and_post_direct_agree(server: Server) -> None:
    by_get = requests.get(server.sparql, params={"query": COUNT_GRAPHS})
    by_form = requests.post(server.sparql, data={"query": COUNT_GRAPHS})
    by_direct = post_direct(server, COUNT_GRAPHS)
    counts = {int(bindings(r)[0]["n"]) for r in (by_get, by_form, by_direct)}
    assert len(counts) == 1 and counts.pop() > 1


def test_other_methods_get_405(server: Server) -> None:
    for method in ("PUT", "DELETE", "PATCH"):
        response = requests.request(method, server.sparql, params={"query": ASK})
        assert response.status_code == 405
        assert "GET" in response.headers["Allow"] and "POST" in response.headers["Allow"]


def test_post_without_content_type_is_400(server: Server) -> None:
    request = requests.Request("POST", server.sparql, data=ASK.encode()).prepare()
    request.headers.pop("Content-Type", None)
    response = requests.Session().send(request)
    assert response.status_code == 400
    assert "Content-Type" in response.text


def test_post_with_unsupported_content_type_is_415(server: Server) -> None:
    response = requests.post(server.sparql, data=ASK, headers={"Content-Type": "text/plain"})
    assert response.status_code == 415


def test_body_that_is_not_utf8_is_400(server: Server) -> None:
    response = requests.post(server.sparql, data=b'ASK { ?s ?p "\xff" }', headers=DIRECT)
    assert response.status_code == 400
    assert "UTF-8" in response.text


def test_form_value_that_is_not_utf8_is_400(server: Server) -> None:
    response = requests.post(
        server.sparql,
        data="query=ASK%7B%3Fs%20%3Fp%20%22%FF%22%7D",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 400


def test_exactly_one_query(server: Server) -> None:
    two = requests.get(server.sparql, params=[("query", ASK), ("query", ASK)])
    assert two.status_code == 400
    both = requests.post(server.sparql, params={"query": ASK}, data=ASK, headers=DIRECT)
    assert both.status_code == 400
    none = requests.post(server.sparql, data={"default-graph-uri": "x"})
    assert none.status_code == 400


def test_huge_body_is_413(server: Server) -> None:
    response = requests.post(server.sparql, data=b"#" * 2_000_000, headers=DIRECT)
    assert response.status_code == 413


# --- result formats and negotiation -----------------------------------------------------------


@pytest.mark.parametrize(
    "accept",
    [
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    ],
)
def test_select_formats(server: Server, accept: str) -> None:
    response = requests.get(
        server.sparql, params={"query": SOURCE_GRAPHS}, headers={"Accept": accept}
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == accept
    assert "Accept" in response.headers["Vary"]
    text = response.text
    if accept == "text/csv":
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == ["g"] and len(rows) > 2
    elif accept == "text/tab-separated-values":
        assert text.splitlines()[0] == "?g"
    elif accept.endswith("json"):
        assert json.loads(text)["head"]["vars"] == ["g"]
    else:
        assert "<sparql" in text and '<variable name="g"' in text


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_construct_formats(server: Server, accept: str, rdflib_format: str) -> None:
    query = "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 50"
    response = post_direct(server, query, Accept=accept)
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == accept
    graph = Graph().parse(data=response.content, format=rdflib_format)
    assert len(graph) == 50


def test_ask_is_boolean(server: Server) -> None:
    yes = bindings_or_boolean(post_direct(server, ASK))
    no = bindings_or_boolean(post_direct(server, "ASK { <urn:x:none> ?p ?o }"))
    assert yes is True and no is False


def bindings_or_boolean(response: requests.Response) -> bool:
    assert response.status_code == 200
    value: bool = response.json()["boolean"]
    return value


def test_q_values_and_wildcards(server: Server) -> None:
    prefer_csv = post_direct(
        server, SOURCE_GRAPHS, Accept="application/sparql-results+xml;q=0.5, text/csv"
    )
    assert prefer_csv.headers["Content-Type"].startswith("text/csv")
    unknown_first = post_direct(server, SOURCE_GRAPHS, Accept="image/png, text/*;q=0.5")
    assert unknown_first.status_code == 200
    assert unknown_first.headers["Content-Type"].startswith("text/")
    anything = post_direct(server, SOURCE_GRAPHS, Accept="*/*")
    assert anything.headers["Content-Type"] == "application/sparql-results+json"
    excluded = post_direct(server, SOURCE_GRAPHS, Accept="*/*, application/sparql-results+json;q=0")
    assert excluded.status_code == 200
    assert excluded.headers["Content-Type"] != "application/sparql-results+json"


def test_406_only_when_nothing_fits(server: Server) -> None:
    response = post_direct(server, SOURCE_GRAPHS, Accept="image/png")
    assert response.status_code == 406
    assert "text/csv" in response.text
    # A SELECT asked for as an RDF graph format fits nothing either.
    response = post_direct(server, SOURCE_GRAPHS, Accept="text/turtle")
    assert response.status_code == 406


def test_format_parameter_is_only_a_fallback(server: Server) -> None:
    no_accept = requests.get(
        server.sparql, params={"query": SOURCE_GRAPHS, "format": "csv"}, headers={"Accept": ""}
    )
    assert no_accept.headers["Content-Type"].startswith("text/csv")
    browser = requests.get(
        server.sparql,
        params={"query": SOURCE_GRAPHS, "format": "tsv"},
        headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
    )
    assert browser.headers["Content-Type"].startswith("text/tab-separated-values")
    explicit = requests.get(
        server.sparql,
        params={"query": SOURCE_GRAPHS, "format": "csv"},
        headers={"Accept": "application/sparql-results+xml"},
    )
    assert explicit.headers["Content-Type"] == "application/sparql-results+xml"


# --- datasets ---------------------------------------------------------------------------------


def graph_names(server: Server) -> list[str]:
    return sorted(r["g"] for r in bindings(post_direct(server, SOURCE_GRAPHS)))


def test_default_graph_is_the_union(server: Server) -> None:
    distinct_in_graphs = (
        "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { GRAPH ?g { ?s ?p ?o } } }"
    )
    in_graphs = bindings(post_direct(server, distinct_in_graphs))
    distinct_in_default = "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }"
    in_default = bindings(post_direct(server, distinct_in_default))
    assert int(in_default[0]["n"]) > 0
    assert in_default == in_graphs
    # Oxigraph's union is a bag: a triple two sources state comes once per source.
    every = bindings(post_direct(server, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"))
    assert int(every[0]["n"]) >= int(in_default[0]["n"])


def test_from_restricts_the_default_graph(server: Server) -> None:
    first, second = graph_names(server)[:2]
    query = f"SELECT DISTINCT ?s FROM <{first}> WHERE {{ ?s ?p ?o }}"
    only_first = {r["s"] for r in bindings(post_direct(server, query))}
    everything = {r["s"] for r in bindings(post_direct(server, "SELECT DISTINCT ?s { ?s ?p ?o }"))}
    assert only_first and only_first < everything
    named = f"SELECT DISTINCT ?g FROM NAMED <{second}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert [r["g"] for r in bindings(post_direct(server, named))] == [second]


def test_protocol_dataset_overrides_from(server: Server) -> None:
    first, second = graph_names(server)[:2]
    query = f"SELECT DISTINCT ?g FROM NAMED <{first}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    response = requests.post(
        server.sparql, params={"named-graph-uri": second}, data=query.encode(), headers=DIRECT
    )
    assert [r["g"] for r in bindings(response)] == [second]
    query = f"SELECT (COUNT(*) AS ?n) FROM <{first}> WHERE {{ ?s ?p ?o }}"
    via_form = requests.post(server.sparql, data={"query": query, "default-graph-uri": second})
    direct = f"SELECT (COUNT(*) AS ?n) FROM <{second}> WHERE {{ ?s ?p ?o }}"
    assert bindings(via_form) == bindings(post_direct(server, direct))


def test_named_graph_uri_alone_leaves_the_default_graph_empty(server: Server) -> None:
    first = graph_names(server)[0]
    response = requests.get(server.sparql, params={"query": ASK, "named-graph-uri": first})
    assert response.json()["boolean"] is False


# --- errors -----------------------------------------------------------------------------------


def test_syntax_error_is_400_with_the_parsers_message(server: Server) -> None:
    response = post_direct(server, "SELECT * WHERE { ?s ?p }")
    assert response.status_code == 400
    assert "1:" in response.text and "syntax" in response.text.lower()
    as_json = post_direct(server, "SELECT * WHERE {", Accept="application/json")
    assert as_json.status_code == 400 and as_json.json()["status"] == 400


def test_execution_failure_is_500(server: Server) -> None:
    # Valid syntax, but no engine can run a function it does not know.
    response = post_direct(server, "SELECT (<urn:ppkg:no-such-function>(1) AS ?x) {}")
    assert response.status_code == 500
    assert "no-such-function" in response.text


def test_update_is_refused(server: Server) -> None:
    before = graph_names(server)
    by_query = post_direct(
        server, "INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:b> <urn:x:c> } }"
    )
    by_param = requests.post(server.sparql, data={"update": "CLEAR ALL"})
    by_type = requests.post(
        server.sparql, data="CLEAR ALL", headers={"Content-Type": "application/sparql-update"}
    )
    assert {by_query.status_code, by_param.status_code, by_type.status_code} == {403}
    assert "read-only" in by_type.text
    assert graph_names(server) == before


def test_service_is_refused(server: Server) -> None:
    # (A FROM or graph parameter naming a graph we do not hold is an empty graph:
    # test_unknown_graphs.py.)
    service = post_direct(
        server, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    )
    assert service.status_code == 400 and "SERVICE" in service.text
    lower = post_direct(server, "select * where { service <http://127.0.0.1:9/x> { ?s ?p ?o } }")
    assert lower.status_code == 400
    # The word inside a string or an IRI is no SERVICE clause.
    harmless = post_direct(server, 'SELECT * WHERE { ?s ?p "SERVICE <http://x>" }')
    assert harmless.status_code == 200


# --- service description, CORS ----------------------------------------------------------------


def test_service_description(server: Server) -> None:
    response = requests.get(server.sparql, headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = Graph().parse(data=response.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    answer = graph.query(
        f"""PREFIX sd: <{sd}>
        ASK {{ ?s a sd:Service ; sd:endpoint <{server.sparql}> ;
                  sd:supportedLanguage sd:SPARQL11Query ; sd:feature sd:UnionDefaultGraph ;
                  sd:resultFormat <http://www.w3.org/ns/formats/SPARQL_Results_CSV> }}"""
    )
    assert answer.askAnswer
    described = {
        str(o) for o in graph.objects(None, graph.namespace_manager.expand_curie("sd:name"))
    }
    assert described == set(graph_names(server))
    # It does not claim what it refuses: no update language, no federation.
    assert "SPARQL11Update" not in response.text and "BasicFederatedQuery" not in response.text


def test_cors_preflight_and_headers(server: Server) -> None:
    preflight = requests.options(
        server.sparql,
        headers={
            "Origin": "https://yasgui.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type, Authorization",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] in ("*", "https://yasgui.example")
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "DELETE" not in preflight.headers["Access-Control-Allow-Methods"]
    allowed = preflight.headers["Access-Control-Allow-Headers"].lower()
    assert "content-type" in allowed and "authorization" in allowed
    actual = post_direct(server, ASK, Origin="https://yasgui.example")
    assert actual.headers["Access-Control-Allow-Origin"] in ("*", "https://yasgui.example")
    assert "ETag" in actual.headers["Access-Control-Expose-Headers"]


# --- time limit -------------------------------------------------------------------------------


def test_runaway_query_is_stopped_with_503(strict_server: Server) -> None:
    started = time.monotonic()
    response = post_direct(strict_server, RUNAWAY)
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert "limit" in response.text
    assert elapsed >= 6
    # The only worker was stopped and replaced: the next query is answered, not queued behind it.
    follow_up = post_direct(strict_server, ASK)
    assert follow_up.status_code == 200 and follow_up.json()["boolean"] is True


def test_abandoned_query_frees_its_worker(strict_server: Server) -> None:
    started = time.monotonic()
    with pytest.raises(requests.Timeout):
        requests.post(strict_server.sparql, data=RUNAWAY.encode(), headers=DIRECT, timeout=0.5)
    # The server's only worker is free again long before the 6 s limit would have freed it.
    response = post_direct(strict_server, ASK)
    assert response.status_code == 200
    assert time.monotonic() - started < 5


def test_a_result_in_hand_has_a_length_and_the_connection_stays_open(server: Server) -> None:
    json_results = {"Accept": "application/sparql-results+json"}
    with requests.Session() as session:
        for _ in range(2):
            response = session.get(server.sparql, params={"query": ASK}, headers=json_results)
            assert response.headers["Content-Length"] == str(len(response.content))
            assert response.headers.get("Connection", "").lower() != "close"


def test_a_long_result_streams(server: Server) -> None:
    query = "SELECT * WHERE { ?s ?p ?o }"  # every triple: megabytes of rows, no heavy join
    response = requests.get(server.sparql, params={"query": query}, stream=True)
    assert response.status_code == 200, response.text
    assert "Content-Length" not in response.headers
    assert len(response.content) > 1 << 20
