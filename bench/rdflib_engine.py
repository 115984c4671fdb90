"""rdflib's own in-memory engine, in a worker process that can be killed when it runs too long.

The worker loads an rdflib Dataset (the default graph is the union of the named graphs) from the
same files, then answers queries with rdflib's SPARQL engine, returning SPARQL JSON.
"""

from __future__ import annotations

import multiprocessing
import resource
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from rdflib import Dataset, URIRef

_context = multiprocessing.get_context("spawn")
FORMATS = {".ttl": "turtle", ".trig": "trig", ".nt": "nt"}


class Timeout(Exception):
    """The worker did not answer in time and was killed."""


def _serve(conn: Connection, files: list[tuple[str, str | None]]) -> None:
    dataset = Dataset(default_union=True)
    for path, graph in files:
        started = time.perf_counter()
        target = dataset.graph(URIRef(graph)) if graph else dataset
        target.parse(path, format=FORMATS[Path(path).suffix])
        conn.send(("loaded", path, time.perf_counter() - started))
    conn.send(("ready", len(dataset), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
    while True:
        query = conn.recv()
        if query is None:
            return
        started = time.perf_counter()
        body = dataset.query(query).serialize(format="json")
        elapsed = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        conn.send(("answer", elapsed, body, peak))


class RdflibEngine:
    def __init__(self) -> None:
        self.process: multiprocessing.process.BaseProcess | None = None
        self.conn: Connection | None = None
        self.peak_mb = 0.0
        self.dead_because = ""

    def load(self, files: list[tuple[Path, str | None]], timeout: float) -> dict[str, float]:
        """Seconds spent on each file, in order; Timeout if all did not load within `timeout`."""
        parent, child = _context.Pipe()
        self.conn = parent
        names = [(str(p), g) for p, g in files]
        self.process = _context.Process(target=_serve, args=(child, names), daemon=True)
        self.process.start()
        child.close()
        deadline = time.monotonic() + timeout
        seconds: dict[str, float] = {}
        while True:
            message = self._receive(deadline - time.monotonic(), "loading")
            if message[0] == "ready":
                self.peak_mb = message[2]
                return seconds
            seconds[message[1]] = message[2]

    def query(self, text: str, timeout: float) -> tuple[float, bytes]:
        """rdflib's own time to answer and serialise, and the JSON; Timeout kills the worker."""
        if self.conn is None or self.dead_because:
            raise Timeout(self.dead_because or "not loaded")
        self.conn.send(text)
        _, elapsed, body, peak = self._receive(timeout, "a query")
        self.peak_mb = max(self.peak_mb, peak)
        return elapsed, body if isinstance(body, bytes) else body.encode()

    def _receive(self, timeout: float, doing: str) -> tuple[Any, ...]:
        assert self.conn is not None
        if timeout <= 0 or not self.conn.poll(timeout):
            self.dead_because = f"killed after {doing} ran past its time limit"
            self.close()
            raise Timeout(self.dead_because)
        try:
            message: tuple[Any, ...] = self.conn.recv()
        except EOFError:
            self.dead_because = f"the worker died during {doing}"
            raise Timeout(self.dead_because) from None
        return message

    def close(self) -> None:
        if self.process is not None and self.process.is_alive():
            self.process.kill()
            self.process.join()
        if self.conn is not None:
            self.conn.close()
            self.conn = None
