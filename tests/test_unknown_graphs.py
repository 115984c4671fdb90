"""A graph the dataset does not hold, named by FROM, FROM NAMED, default-graph-uri or
named-graph-uri, is an empty graph (as in Fuseki): a 2xx answer, never fetched, and the
X-PPKG-Unknown-Graphs header and the service description say so."""

from __future__ import annotations

import requests
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS
from SPARQLWrapper import JSON, SPARQLWrapper

from .conftest import Server
from .test_no_outside_reads import Listener, assert_untouched, listener  # noqa: F401

HEADER = "X-PPKG-Unknown-Graphs"
JSON_RESULTS = {"Accept": "application/sparql-results+json"}
SOURCE = "https://w3id.org/ppkg/source/ua-82-20"
SENSITIVE = "https://w3id.org/ppkg/source/ua-23-24/sensitive"
MISTYPED = "https://w3id.org/ppkg/source/ua-82-02"


def get(server: Server, **params: str) -> requests.Response:
    return requests.get(server.sparql, params=params, headers=JSON_RESULTS)


def test_ask_with_an_unknown_graph_parameter_is_answered(server: Server) -> None:
    for param in ("default-graph-uri", "named-graph-uri"):
        response = get(server, query="ASK {}", **{param: MISTYPED})
        assert response.status_code == 200, response.text
        assert response.json()["boolean"] is True
        assert response.headers[HEADER] == f"<{MISTYPED}>"
    empty = get(server, query="ASK { ?s ?p ?o }", **{"default-graph-uri": MISTYPED})
    assert empty.json()["boolean"] is False  # the graph is empty, not the union


def test_from_an_unknown_graph_is_empty_and_a_known_one_still_answers(server: Server) -> None:
    known = get(server, query=f"SELECT DISTINCT ?s FROM <{SOURCE}> WHERE {{ ?s a ?c }}")
    assert known.status_code == 200 and HEADER not in known.headers
    rows = known.json()["results"]["bindings"]
    assert rows
    both = get(
        server,
        query=f"SELECT DISTINCT ?s FROM <{SOURCE}> FROM <{MISTYPED}> WHERE {{ ?s a ?c }}",
    )
    assert both.status_code == 200 and both.json()["results"]["bindings"] == rows
    assert both.headers[HEADER] == f"<{MISTYPED}>"
    named = get(
        server,
        query="SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
        **{"named-graph-uri": MISTYPED},
    )
    assert named.json()["results"]["bindings"] == []
    by_prefix = get(
        server,
        query="PREFIX src: <https://w3id.org/ppkg/source/>\nASK FROM NAMED src:nope { }",
    )
    assert by_prefix.headers[HEADER] == "<https://w3id.org/ppkg/source/nope>"


def test_the_protocol_dataset_overrides_from_and_only_its_names_count(server: Server) -> None:
    response = get(
        server,
        query=f"ASK FROM <{MISTYPED}> {{ ?s ?p ?o }}",
        **{"default-graph-uri": SOURCE},
    )
    assert response.json()["boolean"] is True and HEADER not in response.headers


def test_a_sensitive_graph_is_unknown_to_the_public_endpoint(server: Server) -> None:
    for query in (
        f"SELECT * FROM <{SENSITIVE}> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{SENSITIVE}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    ):
        response = get(server, query=query)
        assert response.status_code == 200 and response.json()["results"]["bindings"] == []
        assert response.headers[HEADER] == f"<{SENSITIVE}>"


def test_sparqlwrapper_gets_an_empty_answer(server: Server) -> None:
    client = SPARQLWrapper(server.sparql)
    client.setQuery(f"SELECT * FROM <{MISTYPED}> WHERE {{ ?s ?p ?o }}")
    client.setReturnFormat(JSON)
    assert client.queryAndConvert()["results"]["bindings"] == []  # type: ignore[index]


def test_names_are_written_safely_and_a_long_list_is_cut(server: Server) -> None:
    cyrillic = "https://example.org/граф"
    response = get(server, query="ASK {}", **{"default-graph-uri": cyrillic})
    assert response.headers[HEADER] == "<https://example.org/%D0%B3%D1%80%D0%B0%D1%84>"
    many = [f"https://example.org/graph/{i:04}" for i in range(300)]
    response = requests.get(
        server.sparql,
        params={"query": "ASK {}", "named-graph-uri": many},
        headers=JSON_RESULTS,
    )
    assert response.status_code == 200
    value = response.headers[HEADER]
    assert value.startswith(f"<{many[0]}>, <{many[1]}>") and value.endswith(" more)")
    assert len(value) < 2100
    not_an_iri = get(server, query="ASK {}", **{"default-graph-uri": "not an\nIRI"})
    assert not_an_iri.status_code == 400 and "not an IRI" in not_an_iri.text


def test_unknown_graphs_are_never_fetched(server: Server, listener: Listener) -> None:  # noqa: F811
    for name, params in {
        "default-graph-uri": {"query": "ASK {}", "default-graph-uri": f"{listener.url}/d"},
        "named-graph-uri": {"query": "ASK {}", "named-graph-uri": f"{listener.url}/n"},
        "FROM": {"query": f"SELECT * FROM <{listener.url}/f> WHERE {{ ?s ?p ?o }}"},
        "FROM NAMED": {"query": f"ASK FROM NAMED <{listener.url}/fn> {{ GRAPH ?g {{ }} }}"},
    }.items():
        response = requests.get(server.sparql, params=params, headers=JSON_RESULTS, timeout=60)
        assert response.status_code == 200 and response.headers[HEADER].startswith("<http://127")
        assert_untouched(listener, response, name)


def test_the_service_description_says_so(server: Server) -> None:
    response = requests.get(server.sparql, headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=response.text, format="turtle")
    comments = list(graph.objects(URIRef(server.sparql), RDFS.comment))
    said = [c for c in comments if "empty graph" in str(c) and HEADER in str(c)]
    assert len(said) == 1 and isinstance(said[0], Literal) and said[0].language == "en"


def test_browsers_may_read_the_header(server: Server) -> None:
    response = requests.get(
        server.sparql,
        params={"query": "ASK {}", "default-graph-uri": MISTYPED},
        headers={**JSON_RESULTS, "Origin": "https://yasgui.example"},
    )
    assert HEADER in response.headers["Access-Control-Expose-Headers"]
