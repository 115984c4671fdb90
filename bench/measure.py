"""Measuring one data size on every engine: what ppkg, Oxigraph, rdflib and Virtuoso each take."""

from __future__ import annotations

import io
import shutil
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from pyoxigraph import NamedNode, QueryResultsFormat, QuerySolutions, RdfFormat, Store, Variable

from server.core.content import content_files
from server.core.named_queries import load_queries
from server.core.vocabulary import BASE, GRAPH_INFERRED

from . import oxigraph_serve, virtuoso
from .generate import Manifest, submission
from .ppkg_virtuoso import PpkgOnVirtuoso
from .processes import PpkgServer, run_json
from .queries import BenchQuery, Row, bench_queries, rows
from .rdflib_engine import RdflibEngine, Timeout
from .timing import ColdWarm, Timing, repeat, throughput

JSON = "application/sparql-results+json"
REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    runs: int = 20  # timed warm runs per query and engine
    budget: float = 60.0  # seconds of timed warm runs per query and engine, at least one run
    cold_runs: int = 3  # server starts, each followed by one (cold) run of every query
    clients: int = 8
    seconds: float = 10.0  # of each throughput test
    rdflib: bool = True
    rdflib_runs: int = 3
    rdflib_timeout: float = 300.0  # per rdflib query
    rdflib_load_timeout: float = 1200.0
    virtuoso: bool = True
    ppkg_virtuoso: bool = True  # ppkg's remote backend on a Virtuoso of its own (issue 14)
    virtuoso_memory_gb: float | None = None  # for Virtuoso's buffers [a quarter of free]
    oxigraph_serve: bool = True
    query_timeout: float = 600.0  # per HTTP query
    submission_triples: int = 1000  # size of the submission validated


@dataclass
class Size:
    """Everything about one size: its files, and the rows each engine answered."""

    content: Path
    work: Path
    manifest: Manifest
    queries: list[BenchQuery]
    answers: dict[str, dict[str, Counter[Row]]]
    seed: int

    @property
    def store(self) -> Path:
        return self.work / "ppkg" / "store"

    @property
    def inferred(self) -> Path:
        return self.work / "inferred.nt"

    def files(self) -> list[tuple[Path, str | None]]:
        return [(f.path, f.graph) for f in content_files(self.content)]


def prepare(content: Path, manifest: Manifest, work: Path, article: str | None, seed: int) -> Size:
    """Copy the model's folders beside the generated data."""
    for folder in ("ontology", "shapes", "queries"):
        shutil.copytree(REPO / folder, content / folder, dirs_exist_ok=True)
    chosen = article or manifest.most_frequent_article
    return Size(
        content,
        work,
        manifest,
        bench_queries(content / "queries", chosen, manifest.sample_person),
        {},
        seed,
    )


def load_figures(size: Size) -> dict[str, Any]:
    """`ppkg load` and pyoxigraph's own bulk load of the same files. The ratio compares the load
    without the steps pyoxigraph does not do: the inference, the dumps written after it and the
    answers computed ahead."""
    env = {"PPKG_CONTENT_DIR": str(size.content), "PPKG_DATA_DIR": str(size.work / "ppkg")}
    ppkg = run_json("bench.ppkg_load", [], env, timeout=7200)
    raw_store = size.work / "oxigraph-raw"
    raw = run_json("bench.oxigraph_raw", [str(size.content), str(raw_store)], {}, timeout=7200)
    shutil.rmtree(raw_store, ignore_errors=True)
    store = Store.read_only(str(size.store))
    store.dump(str(size.inferred), RdfFormat.N_TRIPLES, from_graph=NamedNode(GRAPH_INFERRED))
    quads = len(store)
    del store
    dumps, ahead = ppkg.get("dumps_s", 0.0), ppkg.get("precompute_s", 0.0)
    without = ppkg["load_s"] - ppkg["infer_s"] - dumps - ahead
    return {
        "ppkg_s": ppkg["load_s"],
        "ppkg_infer_s": ppkg["infer_s"],
        "ppkg_dumps_s": dumps,
        "ppkg_precompute_s": ahead,
        "ppkg_without_infer_s": without,
        "ppkg_peak_mb": round(ppkg["peak_mb"], 1),
        "inferred_quads": ppkg["inferred"],
        "store_quads": quads,
        "oxigraph_s": raw["load_s"],
        "oxigraph_quads": raw["quads"],
        "ratio_ppkg_to_oxigraph": without / raw["load_s"],
        "ratio_with_infer": ppkg["load_s"] / raw["load_s"],
    }


def cold_then_warm(
    queries: list[BenchQuery],
    ask: Callable[[BenchQuery], bytes],
    restart: Callable[[], None],
    settings: Settings,
    settle: Callable[[], object] | None = None,
) -> tuple[dict[str, Any], dict[str, Counter[Row]]]:
    """Each query's cold runs (after each of `settings.cold_runs` starts, the first run of every
    query in turn; `restart` starts the engine again) and then its warm runs; the rows of the
    first answer, and whether every answer had the same rows.

    `settle` waits until the engine is done with its start: a warm run is the steady state,
    not one beside the start's background work (ppkg reads its names and builds its search
    index after a start, which takes the other core and doubles a 6 MB answer's time)."""
    cold: dict[str, list[float]] = {q.key: [] for q in queries}
    answers: dict[str, Counter[Row]] = {}
    same: dict[str, bool] = {q.key: True for q in queries}

    def check(query: BenchQuery, body: bytes) -> None:
        found = rows(body)
        if answers.setdefault(query.key, found) != found:
            same[query.key] = False

    for start in range(settings.cold_runs):
        if start:
            restart()
        for query in queries:
            started = time.perf_counter()
            body = ask(query)
            cold[query.key].append(time.perf_counter() - started)
            check(query, body)
    figures: dict[str, Any] = {}
    if settle is not None:
        settle()
    for query in queries:
        last: list[bytes] = []

        def run(q: BenchQuery = query, out: list[bytes] = last) -> None:
            out[:] = [ask(q)]

        warm = repeat(run, settings.runs, settings.budget)
        check(query, last[0])
        figures[query.key] = {
            **ColdWarm(cold[query.key], warm).figures(),
            "same_rows_every_run": same[query.key],
        }
    return figures, answers


def ppkg_figures(size: Size, settings: Settings) -> dict[str, Any]:
    """Queries (cold and warm), an entity page, throughput, validation and memory of the real
    server."""
    servers = [PpkgServer(size.content, size.work / "ppkg", size.work / "server.log")]
    session = requests.Session()

    def ask(q: BenchQuery) -> bytes:
        return servers[0].ask(session, q)

    def restart() -> None:
        servers[0].close()
        servers[0] = PpkgServer(size.content, size.work / "ppkg", size.work / "server.log")

    try:
        settled: list[float] = []
        queries, size.answers["ppkg"] = cold_then_warm(
            size.queries, ask, restart, settings, lambda: settled.append(servers[0].settle())
        )
        server = servers[0]
        settled_s = server.settle()  # the page is measured as served, not beside the warm-up
        return {
            "queries": queries,
            "settled_before_warm_s": settled[0],
            "settled_s": settled_s,
            "entity_page": _entity_page(server, session, size, settings),
            "throughput": _throughput(server, size, settings),
            "validation": _validation(server, session, settings, size.seed),
            "memory": server.memory(),
        }
    finally:
        servers[0].close()


def _page_path(size: Size) -> str:
    return "/" + size.manifest.sample_person.removeprefix(BASE)


def _entity_page(
    server: PpkgServer, session: requests.Session, size: Size, settings: Settings
) -> dict[str, Any]:
    url = server.url + _page_path(size)
    first = session.get(url, headers={"Accept": "text/html"}, timeout=60)
    if first.status_code != 200 or "text/html" not in first.headers.get("Content-Type", ""):
        return {
            "url": url,
            "n/a": f"no page yet: {first.status_code} {first.headers.get('Content-Type')}",
        }

    def get() -> None:
        session.get(url, headers={"Accept": "text/html"}, timeout=60).raise_for_status()

    return {
        "url": url,
        "bytes": len(first.content),
        **repeat(get, settings.runs, settings.budget).figures(),
    }


def _throughput(server: PpkgServer, size: Size, settings: Settings) -> dict[str, Any]:
    out: dict[str, Any] = {}
    page = server.url + _page_path(size)
    if requests.get(page, headers={"Accept": "text/html"}, timeout=60).status_code == 200:
        out["entity_page"] = throughput(
            page, "text/html", settings.clients, settings.seconds
        ).figures()
    out["sentences"] = _named_sentences_rate(server.url, size, settings)
    return out


def _named_sentences_rate(base: str, size: Size, settings: Settings) -> dict[str, Any]:
    """Requests per second of the sentences query, by GET on ppkg's named query path."""
    sentences = next(q for q in size.queries if q.key == "sentences")
    url = requests.Request("GET", base + sentences.path, params=sentences.params).prepare().url
    assert url is not None
    return throughput(url, JSON, settings.clients, settings.seconds).figures()


def _validation(
    server: PpkgServer, session: requests.Session, settings: Settings, seed: int
) -> dict[str, Any]:
    """POST /validate with a 1,000-triple submission: the shapes with the store's context. Each
    query worker validates, and loads pySHACL and the shapes on its first one (`first_s` is the
    very first request); the median is of the runs after it, up to ten."""
    text, triples = submission(seed, settings.submission_triples)
    body = text.encode()
    report: dict[str, Any] = {}

    def post() -> None:
        response = session.post(
            server.url + "/validate",
            data=body,
            headers={"Content-Type": "application/trig", "Accept": "application/json"},
            timeout=600,
        )
        response.raise_for_status()
        report.update(response.json())

    started = time.perf_counter()
    post()
    first = time.perf_counter() - started
    runs = min(settings.runs, 11) - 1
    timing = repeat(post, runs, settings.budget, warm_up=False) if runs else Timing([first])
    return {
        "triples": triples,
        "first_s": first,
        **timing.figures(),
        "conforms": report.get("conforms"),
        "counts": report.get("counts"),
    }


def oxigraph_figures(size: Size, settings: Settings) -> dict[str, Any]:
    """The same named queries in process on the same store: the engine without HTTP. Cold: the
    first run after opening the store."""
    stores = [Store.read_only(str(size.store))]
    named = load_queries(size.content / "queries")

    def ask(q: BenchQuery) -> bytes:
        bindings: dict[Variable, Any] = {
            Variable(k): v for k, v in named[q.name].bind(q.params).items()
        }
        results = stores[0].query(
            named[q.name].text, use_default_graph_as_union=True, substitutions=bindings
        )
        assert isinstance(results, QuerySolutions)
        out = io.BytesIO()
        results.serialize(out, format=QueryResultsFormat.JSON)
        return out.getvalue()

    def reopen() -> None:
        stores[:] = []  # closes the store before it opens again
        stores.append(Store.read_only(str(size.store)))

    queries, size.answers["oxigraph"] = cold_then_warm(size.queries, ask, reopen, settings)
    return {"queries": queries}


def virtuoso_figures(size: Size, settings: Settings) -> dict[str, Any]:
    """Virtuoso loaded with the same files plus our inferred graph, queried with the same text;
    its buffers sized for the machine's memory, as its documentation recommends."""
    engine = virtuoso.Virtuoso(
        size.work,
        [size.content / "data", size.content / "ontology", size.content / "shapes", size.work],
        virtuoso.buffers(settings.virtuoso_memory_gb),
    )
    try:
        load_s = engine.load(size.files())
        inferred_s = engine.load([(size.inferred, GRAPH_INFERRED)])
        after_load = engine.memory()

        def ask(q: BenchQuery) -> bytes:
            return engine.query(q.text, settings.query_timeout)

        engine.restart()  # the first cold run too starts with empty buffers
        queries, size.answers["virtuoso"] = cold_then_warm(
            size.queries, ask, engine.restart, settings
        )
        return {
            "version": virtuoso.version(),
            "ini": engine.settings,
            "load_s": load_s,
            "load_inferred_s": inferred_s,
            "queries": queries,
            "throughput": {"sentences": _sentences_rate(engine.url, size, settings)},
            "memory": engine.memory(),
            "memory_while_loading": after_load,
        }
    finally:
        engine.close()


def ppkg_virtuoso_figures(size: Size, settings: Settings) -> dict[str, Any]:
    """ppkg's remote backend on a Virtuoso of its own with the same buffers as Virtuoso alone:
    `ppkg load` into it, then the same queries over HTTP, cold (both started again) and warm."""
    both = PpkgOnVirtuoso(
        size.content, size.work / "ppkg-virtuoso", virtuoso.buffers(settings.virtuoso_memory_gb)
    )
    try:
        load_s = both.load()
        both.restart()  # the first cold run too starts with nothing warm
        queries, size.answers["ppkg_virtuoso"] = cold_then_warm(
            size.queries, both.asker(), both.restart, settings, both.settle
        )
        assert both.server is not None
        return {
            "ini": both.engine.settings,
            "load_s": load_s,
            "queries": queries,
            "throughput": {"sentences": _named_sentences_rate(both.server.url, size, settings)},
            "memory": both.memory(),
        }
    finally:
        both.close()


def oxigraph_serve_figures(size: Size, settings: Settings) -> dict[str, Any]:
    """`oxigraph serve` on a store its own loader built from the same files plus our inferred
    graph, queried over HTTP with the same text as Virtuoso and rdflib."""
    engine = oxigraph_serve.OxigraphServe(size.work, settings.query_timeout)
    try:
        load_s = engine.load(size.files())
        inferred_s = engine.load([(size.inferred, GRAPH_INFERRED)])
        engine.start()

        def ask(q: BenchQuery) -> bytes:
            return engine.query(q.text, settings.query_timeout)

        queries, size.answers["oxigraph_serve"] = cold_then_warm(
            size.queries, ask, engine.restart, settings
        )
        return {
            "version": oxigraph_serve.version(),
            "command": "oxigraph serve --union-default-graph",
            "load_s": load_s,
            "load_inferred_s": inferred_s,
            "queries": queries,
            "throughput": {"sentences": _sentences_rate(engine.url, size, settings)},
            "memory": engine.memory(),
        }
    finally:
        engine.close()


def _sentences_rate(url: str, size: Size, settings: Settings) -> dict[str, Any]:
    """Requests per second of the sentences query, by GET with its text, on another engine."""
    sentences = next(q for q in size.queries if q.key == "sentences")
    address = requests.Request("GET", url, params={"query": sentences.text}).prepare().url
    assert address is not None
    return throughput(address, JSON, settings.clients, settings.seconds).figures()


def rdflib_figures(size: Size, settings: Settings) -> dict[str, Any]:
    """rdflib's Dataset from the same files plus our inferred graph; every step time-bounded."""
    engine = RdflibEngine()
    out: dict[str, Any] = {}
    try:
        started = time.perf_counter()
        try:
            per_file = engine.load(
                [*size.files(), (size.inferred, GRAPH_INFERRED)], settings.rdflib_load_timeout
            )
        except Timeout as exc:
            elapsed = time.perf_counter() - started
            return {
                "load": {
                    "timeout_s": settings.rdflib_load_timeout,
                    "note": str(exc),
                    "elapsed_s": elapsed,
                },
                "queries": {},
            }
        out["load_s"] = sum(s for f, s in per_file.items() if f != str(size.inferred))
        out["load_inferred_s"] = per_file[str(size.inferred)]
        queries, answers = {}, {}
        for query in size.queries:
            queries[query.key], answer = _rdflib_query(engine, query, settings)
            if answer is not None:
                answers[query.key] = answer
        size.answers["rdflib"] = answers
        out["queries"] = queries
        out["memory"] = {"total_peak_mb": round(engine.peak_mb, 1)}
        return out
    finally:
        engine.close()


def _rdflib_query(
    engine: RdflibEngine, query: BenchQuery, settings: Settings
) -> tuple[dict[str, Any], Counter[Row] | None]:
    """rdflib's runs of one query in its worker: the first after loading is the cold one, the
    others the warm ones (the first again when it is the only one)."""
    seconds: list[float] = []
    answer = None
    spent = 0.0
    while len(seconds) < settings.rdflib_runs and spent < settings.rdflib_timeout:
        try:
            elapsed, body = engine.query(query.text, settings.rdflib_timeout)
        except Timeout as exc:
            if not seconds:
                return {"timeout_s": settings.rdflib_timeout, "note": str(exc)}, None
            break
        seconds.append(elapsed)
        spent += elapsed
        answer = rows(body)
    return ColdWarm(seconds[:1], Timing(seconds[1:] or seconds)).figures(), answer
