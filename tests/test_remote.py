"""The remote backend's own behaviours, on the engine the suite runs on (`--backend`): an engine
that stops and comes back, two servers on one engine, and Virtuoso's own limits."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
from pyoxigraph import (
    Literal,
    NamedNode,
    Quad,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Store,
    parse_query_results,
)

from server.core.config import Settings
from server.core.content import content_files
from server.core.vocabulary import ONTOLOGY
from server.store.remote import SparqlBackend

from .conftest import (
    BACKEND,
    REPO,
    Server,
    adopt_engine,
    engine_env,
    engine_of,
    start_server,
    stop_server,
)
from .engines import start_engine
from .submitting import SUBMISSION, issue_tokens

pytestmark = pytest.mark.skipif(
    BACKEND == "embedded", reason="about remote engines: run with --backend=virtuoso or similar"
)
ASK = "ASK { ?s ?p ?o }"
JSON = {"Accept": "application/sparql-results+json"}
ANY_JSON = {"Accept": "application/json"}
PERSON = "/id/person/konstantin-kotov"


def ask(server: Server) -> requests.Response:
    return requests.get(server.sparql, params={"query": ASK}, headers=JSON, timeout=30)


def eventually(check: Callable[[], bool], seconds: float) -> float:
    """How long `check` took to hold (it must within `seconds`)."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < seconds, "did not happen in time"
        time.sleep(0.2)
    return time.monotonic() - started


def test_an_engine_that_stops_is_503_then_answers_again(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    server = start_server(data_dir)
    engine = engine_of(data_dir)
    assert engine is not None
    try:
        assert ask(server).json()["boolean"] is True
        engine.stop()
        for path in ("/sparql?query=ASK%20%7B%7D", "/queries/prisoners-by-article?article=212.1"):
            down = requests.get(server.url + path, headers=JSON, timeout=30)
            assert down.status_code == 503, down.text
            assert int(down.headers["Retry-After"]) > 0
            assert "not answering" in down.text
        engine.start()
        eventually(lambda: ask(server).status_code == 200, 30)
        assert ask(server).json()["boolean"] is True
        assert server.process.poll() is None  # never a crash
    finally:
        stop_server(server)
    log = (data_dir.parent / f"server-{server.url.rsplit(':', 1)[1]}.log").read_text()
    assert "is not answering" in log and "answers again" in log
    assert "dba" not in log.replace("/sparql-auth", "")  # no credentials in the log


def comparable(server: Server, path: str, accept: str, **params: str) -> str:
    response = requests.get(server.url + path, params, headers={"Accept": accept}, timeout=60)
    assert response.status_code == 200, (path, response.text)
    return response.text.replace(server.url, "<this server>")


GRAPHS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
PAGES: list[tuple[str, str, dict[str, str]]] = [
    ("/sparql", "text/csv", {"query": GRAPHS}),
    ("/queries/prisoners-by-article", "application/sparql-results+json", {"article": "212.1"}),
    (PERSON, "application/n-triples", {}),
    (PERSON, "text/html", {}),
    ("/search", "application/json", {"q": "Kotov"}),
    ("/stats", "text/html", {}),
]


def agree(first: Server, second: Server, pages: list[tuple[str, str, dict[str, str]]]) -> None:
    for path, accept, params in pages:
        ours = comparable(first, path, accept, **params)
        assert ours == comparable(second, path, accept, **params), path


def test_two_servers_on_one_engine_agree_and_see_each_others_accepts(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    partner, _, reviewer = issue_tokens(data_dir)
    first = start_server(data_dir, sparql_poll="1")
    second = start_server(data_dir, sparql_poll="1")  # the same engine and ledger, another port
    try:
        agree(first, second, PAGES)
        found = requests.get(second.url + "/search", params={"q": "Test Person"}, headers=ANY_JSON)
        assert not found.json()["results"]
        assert requests.get(second.url + "/id/person/test-person").status_code == 404

        sid = requests.post(
            first.url + "/submissions",
            data=SUBMISSION,
            headers={"Authorization": f"Bearer {partner}", "Content-Type": "application/trig"},
        ).json()["id"]
        accepted = requests.post(
            f"{first.url}/submissions/{sid}/accept", headers={"Authorization": f"Bearer {reviewer}"}
        )
        assert accepted.status_code == 200, accepted.text

        def seen() -> bool:
            page = requests.get(
                second.url + "/id/person/test-person", headers={"Accept": "text/turtle"}
            )
            return page.status_code == 200 and "Test Person" in page.text

        assert eventually(seen, 10) < 10  # the poll interval, and a margin
        search = requests.get(second.url + "/search", params={"q": "Test Person"}, headers=ANY_JSON)
        assert "Test Person" in [r["label"] for r in search.json()["results"]]
        agree(first, second, [*PAGES, ("/id/person/test-person", "application/n-triples", {})])
    finally:
        stop_server(second)
        stop_server(first)


@pytest.mark.skipif(BACKEND != "virtuoso", reason="Virtuoso's ResultSetMaxRows and time limit")
def test_virtuosos_row_cap_and_time_limit_are_reported_never_served_as_whole(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    adopt_engine(data_dir, start_engine("virtuoso", tmp_path / "engine", 2, max_rows=100))
    server = start_server(data_dir)  # ppkg's own limit is 30 s: the engine's 2 s come first
    try:
        capped = requests.get(
            server.sparql, params={"query": "SELECT * WHERE { ?s ?p ?o }"}, headers=JSON
        )
        assert capped.status_code == 503
        assert "100 rows" in capped.text and "ResultSetMaxRows" in capped.text
        assert capped.headers["X-SPARQL-MaxRows"] == "100"
        under = requests.get(
            server.sparql, params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 99"}, headers=JSON
        )
        assert len(under.json()["results"]["bindings"]) == 99
        runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
        slow = requests.get(server.sparql, params={"query": runaway}, headers=JSON)
        assert slow.status_code == 503 and "time limit" in slow.text
    finally:
        stop_server(server)


LITERALS = "SELECT DISTINCT ?o WHERE { ?s ?p ?o FILTER(isLiteral(?o)) }"
RESULTS = {
    "application/sparql-results+json": QueryResultsFormat.JSON,
    "application/sparql-results+xml": QueryResultsFormat.XML,
    "text/tab-separated-values": QueryResultsFormat.TSV,
}


def _curated_literals() -> set[Literal]:
    """Every published literal of the content files, in the form Oxigraph stores and writes."""
    store = Store()
    for file in content_files(REPO):
        fmt = RdfFormat.TRIG if file.graph is None else RdfFormat.TURTLE
        graph = None if file.graph is None else NamedNode(file.graph)
        store.load(path=str(file.path), format=fmt, to_graph=graph)
    sensitive = f"SELECT ?g WHERE {{ GRAPH ?g {{ ?g <{ONTOLOGY}sensitive> true }} }}"
    for row in list(store.query(sensitive)):  # type: ignore[union-attr]
        store.remove_graph(row[0])  # never published, as `ppkg load` leaves them out
    found = store.query(LITERALS, use_default_graph_as_union=True)
    assert isinstance(found, QuerySolutions)
    return {row["o"] for row in found}


def test_every_curated_literal_comes_back_in_oxigraphs_own_form(server: Server) -> None:
    """Virtuoso keeps durations as numbers, booleans as 1/0 and its own doubles: ppkg's answers
    give each literal as Oxigraph writes it (a SHACL query's leading line break included),
    whatever the format asked for."""
    expected = _curated_literals()
    assert any(lit.datatype.value.endswith("duration") for lit in expected)  # the hard cases
    for media_type, fmt in RESULTS.items():
        response = requests.get(
            server.sparql, params={"query": LITERALS}, headers={"Accept": media_type}, timeout=60
        )
        assert response.status_code == 200, response.text
        answered = parse_query_results(response.content, fmt)
        assert isinstance(answered, QuerySolutions)
        missing = expected - {row["o"] for row in answered}
        assert not missing, f"{media_type}: {sorted(map(str, missing))[:5]}"


@pytest.mark.skipif(BACKEND != "virtuoso", reason="Virtuoso's limit on the graphs of a dataset")
def test_more_graphs_than_virtuoso_takes_in_a_dataset_are_all_queried(tmp_path: Path) -> None:
    """Virtuoso refuses a dataset of more than 4,094 graphs (SP030): ppkg's queries name none,
    so a store of 4,200 more graphs answers as before, every graph
    found by GRAPH ?g and its triples in the default graph."""
    data_dir = tmp_path / "data"
    server = start_server(data_dir, sparql_poll="0")
    try:
        before = select_one(server, "SELECT (COUNT(DISTINCT ?g) AS ?n) { GRAPH ?g { ?s ?p ?o } }")
        settings = Settings.from_env({**engine_env(data_dir), "PPKG_DATA_DIR": str(data_dir)})
        label = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
        backend = SparqlBackend(settings, workers=False)
        for start in range(0, GRAPHS, 300):  # accepts of 300 graphs each
            backend.add(
                [
                    Quad(
                        NamedNode(f"urn:test:s{i}"),
                        label,
                        Literal(f"many {i}"),
                        NamedNode(f"urn:test:g{i}"),
                    )
                    for i in range(start, min(start + 300, GRAPHS))
                ]
            )
        after = select_one(server, "SELECT (COUNT(DISTINCT ?g) AS ?n) { GRAPH ?g { ?s ?p ?o } }")
        assert after == before + GRAPHS
        many = 'SELECT (COUNT(*) AS ?n) { ?s ?p ?o FILTER(STRSTARTS(STR(?o), "many ")) }'
        assert select_one(server, many) == GRAPHS
        assert ask(server).json()["boolean"] is True
    finally:
        stop_server(server)


GRAPHS = 4200  # more than the 4,094 Virtuoso takes in a dataset


def select_one(server: Server, query: str) -> int:
    response = requests.get(server.sparql, params={"query": query}, headers=JSON, timeout=60)
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_a_graph_larger_than_a_request_arrives_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A graph is sent in pieces of a few MB (a PUT, then POSTs that append): Virtuoso took over
    600 s for the inferred graph of 100k prosecutions in one request. With pieces of 4 kB, a
    reload gives every graph, and the default graph, the triples they had."""
    from server.graph.reasoning import infer
    from server.store import remote

    data_dir = tmp_path / "data"
    server = start_server(data_dir, sparql_poll="0")
    per_graph = "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    try:
        before = select_rows(server, per_graph)
        whole = select_one(server, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
        settings = Settings.from_env({**engine_env(data_dir), "PPKG_DATA_DIR": str(data_dir)})
        backend = SparqlBackend(settings, workers=False)
        monkeypatch.setattr(remote, "UNION_BATCH", 4096)
        appends: list[str] = []
        put_graph = backend._engine.put_graph

        def counted(name: str, body: object, *args: object) -> None:
            if args[-1]:  # append
                appends.append(name)
            put_graph(name, body, *args)  # type: ignore[arg-type]

        monkeypatch.setattr(backend._engine, "put_graph", counted)
        backend.load(content_files(settings.content_dir), infer)
        assert select_rows(server, per_graph) == before
        assert select_one(server, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }") == whole
        assert len(set(appends)) > 2  # graphs (and the union) did go in several pieces
    finally:
        stop_server(server)


def select_rows(server: Server, query: str) -> dict[str, str]:
    response = requests.get(server.sparql, params={"query": query}, headers=JSON, timeout=60)
    assert response.status_code == 200, response.text
    rows = response.json()["results"]["bindings"]
    return {row["g"]["value"]: row["n"]["value"] for row in rows}


def test_ppkgs_own_reads_are_not_held_to_the_query_limit(tmp_path: Path) -> None:
    """The dumps read every graph whole, which at 100k prosecutions took Virtuoso longer than
    the query limit: with a limit of 1 ms a public query is stopped (503), yet every quad is
    read."""
    from server.core.problem import Problem
    from server.store.base import QueryRequest

    data_dir = tmp_path / "data"
    server = start_server(data_dir)
    try:
        quads = select_one(server, "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }")
        env = {**engine_env(data_dir), "PPKG_DATA_DIR": str(data_dir)}
        settings = Settings.from_env({**env, "PPKG_QUERY_TIMEOUT": "0.001"})
        backend = SparqlBackend(settings, workers=False)
        with pytest.raises(Problem) as stopped:
            query = "SELECT * { GRAPH ?g { ?s ?p ?o } }"
            backend.execute(QueryRequest(query, "text/tab-separated-values", None)).read()
        assert stopped.value.status == 503
        assert sum(1 for _ in backend.quads()) == quads
    finally:
        stop_server(server)
