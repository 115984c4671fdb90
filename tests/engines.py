"""The SPARQL engines the suite can run ppkg on (`pytest --backend=virtuoso|oxigraph-serve`),
each started on free loopback ports with its database under the test's data directory.

An engine belongs to one ppkg data directory, as the embedded store does: a fresh directory gets a
fresh engine, and a server started again on the same directory finds its data again.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Protocol

import requests

from bench.processes import free_port, stop, wait_until
from bench.virtuoso import Virtuoso

BACKENDS = ("embedded", "virtuoso", "oxigraph-serve")


class Engine(Protocol):
    query_url: str

    def env(self) -> dict[str, str]:
        """The settings that point ppkg at this engine."""
        ...

    def start(self) -> None: ...

    def stop(self) -> None:
        """Stop, keeping the data."""
        ...

    def close(self) -> None:
        """Stop and remove the data."""
        ...

    def running(self) -> bool: ...


class VirtuosoEngine:
    """Debian's Virtuoso; updates and the Graph Store Protocol as `dba`, by digest (the engine's
    own authenticated endpoints)."""

    def __init__(self, folder: Path, query_timeout: float, max_rows: int = 1_000_000) -> None:
        for attempt in range(3):  # a free port may be taken before Virtuoso binds it
            try:
                self._virtuoso = Virtuoso(
                    folder,
                    [],
                    max_rows=max_rows,
                    max_seconds=max(1, round(query_timeout)),
                    buffers=20_000,
                )
                break
            except RuntimeError:
                if attempt == 2:
                    raise
        self.query_url = self._virtuoso.url

    def env(self) -> dict[str, str]:
        return self._virtuoso.ppkg_env()

    def start(self) -> None:
        self._virtuoso.start()

    def stop(self) -> None:
        self._virtuoso.stop()

    def close(self) -> None:
        self._virtuoso.close()

    def running(self) -> bool:
        return self._virtuoso.process.poll() is None


class OxigraphServe:
    """`oxigraph serve` (the `oxigraph` package of the test extras), its time limit the server's."""

    def __init__(self, folder: Path, query_timeout: float) -> None:
        self._location = folder / "oxigraph-serve"
        self._timeout = max(1, round(query_timeout))
        self._port = free_port()
        self.query_url = f"http://127.0.0.1:{self._port}/query"
        self._process: subprocess.Popen[bytes] | None = None
        self.start()

    def env(self) -> dict[str, str]:
        base = f"http://127.0.0.1:{self._port}"
        return {
            "PPKG_BACKEND": "sparql",
            "PPKG_SPARQL_ENGINE": "oxigraph",
            "PPKG_SPARQL_QUERY_URL": base + "/query",
            "PPKG_SPARQL_UPDATE_URL": base + "/update",
            "PPKG_SPARQL_GSP_URL": base + "/store",
        }

    def start(self) -> None:
        command = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or "oxigraph"
        self._location.mkdir(parents=True, exist_ok=True)
        with (self._location.parent / "oxigraph-serve.log").open("ab") as log:
            self._process = subprocess.Popen(
                [
                    command,
                    "serve",
                    "--location",
                    str(self._location),
                    "--bind",
                    f"127.0.0.1:{self._port}",
                    "--timeout-s",
                    str(self._timeout),
                ],
                stdout=log,
                stderr=log,
            )
        wait_until(self._answers, self._process, "oxigraph serve", timeout=60)

    def _answers(self) -> bool:
        try:
            return requests.get(self.query_url, params={"query": "ASK {}"}, timeout=2).ok
        except requests.ConnectionError:
            return False

    def stop(self) -> None:
        if self._process is not None:
            stop(self._process)

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self._location, ignore_errors=True)

    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None


def start_engine(backend: str, folder: Path, query_timeout: float, **options: int) -> Engine:
    if backend == "virtuoso":
        return VirtuosoEngine(folder, query_timeout, **options)
    if backend == "oxigraph-serve":
        return OxigraphServe(folder, query_timeout)
    raise ValueError(f"no engine for the backend {backend!r}")
