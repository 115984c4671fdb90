"""Oxigraph's own HTTP server (`oxigraph serve`, from the PyPI package `oxigraph`): the engine ppkg
runs on, behind a Rust HTTP layer instead of ours, so the physical limit of our stack.

Loaded with its own bulk loader (`oxigraph load`) into a temporary folder, into the same named
graphs as ppkg, plus ppkg's inferred graph (as Virtuoso is given it); served on a free loopback
port with the union of the graphs as the default graph, as ppkg's is; queried at /query with
the same query text as Virtuoso and rdflib.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests

from .processes import free_port, peak_memory, stop, wait_until


def executable() -> str | None:
    """The `oxigraph` command: beside this Python (a virtual environment's, even when it is not
    activated), else on the PATH."""
    beside = Path(sys.executable).with_name("oxigraph")
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("oxigraph")


def available() -> bool:
    return executable() is not None


def version() -> str:
    command = executable()
    if command is None:
        return ""
    done = subprocess.run([command, "--version"], capture_output=True, text=True, timeout=30)
    return done.stdout.strip()


class OxigraphServe:
    """A store built by `oxigraph load` in `workdir`, served by `oxigraph serve` when started."""

    def __init__(self, workdir: Path, timeout: float) -> None:
        command = executable()
        if command is None:
            raise RuntimeError("no oxigraph command (pip install oxigraph)")
        self.command = command
        self.location = workdir / "oxigraph-serve"
        shutil.rmtree(self.location, ignore_errors=True)
        workdir.mkdir(parents=True, exist_ok=True)
        self.timeout = timeout
        self.process: subprocess.Popen[bytes] | None = None
        self.url = ""

    def load(self, files: list[tuple[Path, str | None]], timeout: float = 7200) -> float:
        """Bulk-load (file, graph) pairs (graph None: a TriG file naming its graphs) the way
        `oxigraph load` does (the files of one command in parallel); seconds taken."""
        datasets = [path for path, graph in files if graph is None]
        commands = [[*self._load(), "--file", *map(str, datasets)]] if datasets else []
        commands += [
            [*self._load(), "--file", str(path), "--graph", graph]
            for path, graph in files
            if graph is not None
        ]
        started = time.perf_counter()
        for command in commands:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
            if done.returncode != 0:
                raise RuntimeError(f"oxigraph load failed: {done.stderr[-2000:]}")
        return time.perf_counter() - started

    def _load(self) -> list[str]:
        return [self.command, "load", "--location", str(self.location)]

    def start(self) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}/query"
        command = [self.command, "serve", "--location", str(self.location)]
        # No --timeout-s: it starts a thread per query, which under concurrent clients fails
        # to get its stack and panics; each request is bounded by the client's timeout instead.
        command += ["--bind", f"127.0.0.1:{port}", "--union-default-graph"]
        with (self.location.parent / "oxigraph-serve.log").open("ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=log)
        wait_until(self._answers, self.process, "oxigraph serve", timeout=120)

    def _answers(self) -> bool:
        try:
            return requests.get(self.url, params={"query": "ASK {}"}, timeout=2).ok
        except requests.ConnectionError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def query(self, text: str, timeout: float) -> bytes:
        response = requests.post(
            self.url,
            data={"query": text},
            headers={"Accept": "application/sparql-results+json"},
            timeout=timeout,
        )
        response.raise_for_status()
        return response.content

    def memory(self) -> dict[str, Any]:
        if self.process is None:
            return {}
        return peak_memory(self.process.pid)

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.location, ignore_errors=True)
