"""Fixtures: the real `ppkg serve` in a subprocess on a free loopback port.

`pytest --backend=virtuoso` (or `oxigraph-serve`) runs every server on that engine instead of the
embedded store: an engine per data directory, started by `start_server` and stopped by
`stop_server` (its data kept until the session ends). Tests of the embedded store's own machinery
are marked `embedded_only("why")`; tests that start no server on the backend under test (the
shapes, the reasoner, the query rewriting...) are marked `no_backend`.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, Page, sync_playwright

from .browser import launch
from .engines import BACKENDS, Engine, start_engine

REPO = Path(__file__).resolve().parent.parent
BACKEND = "embedded"  # --backend, set when pytest starts
_engines: dict[Path, Engine] = {}
_serving: dict[Path, int] = {}  # data directories with running servers, and how many


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--backend",
        choices=BACKENDS,
        default="embedded",
        help="the store the servers under test use: the embedded Oxigraph store, or a SPARQL"
        " engine started for each data directory",
    )


def pytest_configure(config: pytest.Config) -> None:
    global BACKEND
    BACKEND = config.getoption("backend")
    config.addinivalue_line(
        "markers", "embedded_only(reason): tests the embedded store's own machinery"
    )
    config.addinivalue_line(
        "markers",
        "no_backend: starts no server on the backend under test, so `--backend` changes nothing"
        " (CI runs it once, on the embedded store)",
    )


def pytest_runtest_setup(item: pytest.Item) -> None:
    marker = item.get_closest_marker("embedded_only")
    if marker is not None and BACKEND != "embedded":
        pytest.skip(f"embedded store only: {marker.args[0]}")


def engine_env(data_dir: Path, query_timeout: float = 30.0) -> dict[str, str]:
    """The settings that give `data_dir` its store: nothing for the embedded one; else its
    engine's, started (or started again) here."""
    if BACKEND == "embedded":
        return {}
    key = data_dir.resolve()
    engine = _engines.get(key)
    if engine is None:
        folder = data_dir.parent / f"{data_dir.name}-engine"
        engine = _engines[key] = start_engine(BACKEND, folder, query_timeout)
    elif not engine.running():
        engine.start()
    return engine.env()


def engine_of(data_dir: Path) -> Engine | None:
    return _engines.get(data_dir.resolve())


def adopt_engine(data_dir: Path, engine: Engine) -> None:
    """Serve `data_dir` from `engine` (one started with limits of its own)."""
    _engines[data_dir.resolve()] = engine


def graph_size(data_dir: Path, graph: str) -> int:
    """The quads of `graph` in `data_dir`'s store, read from the store itself, not through ppkg."""
    engine = engine_of(data_dir)
    if engine is None:
        from pyoxigraph import NamedNode, Store

        store = Store.read_only(str(data_dir / "store"))
        try:
            return sum(1 for _ in store.quads_for_pattern(None, None, None, NamedNode(graph)))
        finally:
            del store
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    response = requests.post(
        engine.query_url,
        data={"query": query},
        headers={"Accept": "application/sparql-results+json"},
    )
    response.raise_for_status()
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


@pytest.fixture(scope="session", autouse=True)
def _engines_removed() -> Iterator[None]:
    yield
    for engine in _engines.values():
        engine.close()


@pytest.fixture(autouse=True)
def _idle_engines_stopped() -> Iterator[None]:
    """Engines a test started for the command line alone stop after it (their data stays)."""
    yield
    for key, engine in _engines.items():
        if key not in _serving and engine.running():
            engine.stop()


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    data_dir: Path

    @property
    def sparql(self) -> str:
        return self.url + "/sparql"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_server(data_dir: Path, content_dir: Path = REPO, **settings: str) -> Server:
    port = free_port()
    env = {
        **os.environ,
        "PPKG_DATA_DIR": str(data_dir),
        "PPKG_CONTENT_DIR": str(content_dir),
        "PPKG_HOST": "127.0.0.1",
        "PPKG_PORT": str(port),
    }
    # The tests' requests all come from one loopback address and stand for many clients: the
    # budgets per client are off unless a test sets them (tests/test_budgets.py does).
    env.update({"PPKG_REQUESTS_PER_MINUTE": "0", "PPKG_WORKER_SECONDS": "0"})
    env.update({"PPKG_" + k.upper(): v for k, v in settings.items()})
    env.update(engine_env(data_dir, float(settings.get("query_timeout", 30))))
    with open(data_dir.parent / f"server-{port}.log", "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "server", "serve"], env=env, stdout=log, stderr=subprocess.STDOUT
        )
    server = Server(f"http://127.0.0.1:{port}", process, data_dir)
    _serving[data_dir.resolve()] = _serving.get(data_dir.resolve(), 0) + 1
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"server exited: {(data_dir.parent / f'server-{port}.log').read_text()}"
            )
        try:
            requests.get(server.sparql, timeout=1)
            return server
        except requests.ConnectionError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("server did not start within 60 s")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
    key = server.data_dir.resolve()
    _serving[key] = _serving.get(key, 1) - 1
    if _serving[key] <= 0:
        del _serving[key]
        engine = engine_of(server.data_dir)
        if engine is not None and engine.running():
            engine.stop()  # its data stays for the next server on this directory


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The server on the repository's content, as a newcomer starts it."""
    running = start_server(tmp_path_factory.mktemp("store") / "data")
    yield running
    stop_server(running)


@pytest.fixture(scope="session")
def strict_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One worker and a short time limit, to test that runaway queries are stopped."""
    running = start_server(
        tmp_path_factory.mktemp("strict") / "data", workers="1", query_timeout="6"
    )
    yield running
    stop_server(running)


@pytest.fixture(scope="session")
def sensitive_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server configured to publish the graphs flagged ppkg:sensitive."""
    running = start_server(tmp_path_factory.mktemp("sensitive") / "data", publish_sensitive="true")
    yield running
    stop_server(running)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's headless Chromium driven by Playwright, one for the session."""
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh tab in its own context (no cookies or storage shared between tests)."""
    context = browser.new_context(viewport={"width": 1200, "height": 800}, locale="en-GB")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()
