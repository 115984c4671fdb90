"""Virtuoso (Debian's virtuoso-opensource) on loopback, with its own database in a temporary folder.

Loaded with its bulk loader (ld_dir + rdf_loader_run) into the same named graphs as ppkg, and
queried over HTTP at /sparql with the same query text. Without FROM, Virtuoso's default graph is
the union of all graphs, as ppkg's is.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import requests

from .processes import free_port, peak_memory, stop, wait_until

DEFAULT_GRAPH = "urn:ppkg:bench:no-graph"  # ld_dir needs one; TriG names its own graphs

INI = """[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 0
DirsAllowed = {dirs}
; sized for the memory given to Virtuoso (see `buffers`)
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
ServerThreads = 10
MaxClientConnections = 10

[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = {max_seconds}
MaxQueryCostEstimationTime = 0
"""


# virtuoso.ini's own table ("Uncomment next two lines if there is 2 GB system memory free" ...):
# 170,000 buffers of 8 KB for 2 GB free, 340,000 for 4 GB, ..., 5,450,000 for 64 GB, so about
# 85,000 per GB, with MaxDirtyBuffers about three quarters of them.
BUFFERS_PER_GB = 85_000
DIRTY_SHARE = 0.75
SHARE_OF_MEMORY = 1 / 4  # of the memory available when Virtuoso starts
# Virtuoso touches much of its buffers' memory at once, and the machine is shared: at least the
# table's 1 GB, at most its 4 GB row (the 100k database is well under 1 GB).
MIN_GB, MAX_GB = 1.0, 4.0


def buffers(memory_gb: float | None = None) -> dict[str, Any]:
    """NumberOfBuffers and MaxDirtyBuffers for `memory_gb` given to Virtuoso (default: a third
    of the memory available now, between 1 and 4 GB), as its virtuoso.ini recommends."""
    available_gb = _available_gb()
    if memory_gb is None:
        memory_gb = min(max(available_gb * SHARE_OF_MEMORY, MIN_GB), MAX_GB)
    number = int(BUFFERS_PER_GB * memory_gb)
    return {
        "NumberOfBuffers": number,
        "MaxDirtyBuffers": int(number * DIRTY_SHARE),
        "memory_given_gb": round(memory_gb, 2),
        "memory_available_gb": round(available_gb, 2),
        "rule": f"{BUFFERS_PER_GB:,} buffers per GB given (virtuoso.ini's table), "
        f"MaxDirtyBuffers {DIRTY_SHARE:g} of them; given: {SHARE_OF_MEMORY:g} of the memory "
        f"available, {MIN_GB:g} to {MAX_GB:g} GB",
    }


_for_this_machine = buffers  # the constructor's `buffers` argument hides the name


def _available_gb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 2**20
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30


def available() -> bool:
    return shutil.which("virtuoso-t") is not None and shutil.which("isql-vt") is not None


def version() -> str:
    done = subprocess.run(["virtuoso-t", "-?"], capture_output=True, text=True)
    line = next((x for x in (done.stdout + done.stderr).splitlines() if "Version" in x), "")
    return line.strip()


class Virtuoso:
    """Started by the constructor; `stop` and `start` keep the database and its ports, `close`
    removes it. The benchmark sizes its buffers for the machine (`buffers`); the tests
    (tests/engines.py) give it a small pool and the limits of the server under test."""

    def __init__(
        self,
        workdir: Path,
        readable: list[Path],
        settings: dict[str, Any] | None = None,
        *,
        max_rows: int = 100_000_000,
        max_seconds: int = 3600,
        buffers: int | None = None,
    ) -> None:
        self.db = workdir / "virtuoso"
        shutil.rmtree(self.db, ignore_errors=True)
        self.db.mkdir(parents=True)
        if buffers is not None:
            settings = {"NumberOfBuffers": buffers, "MaxDirtyBuffers": buffers * 3 // 4}
        self.settings = settings or _for_this_machine()
        self.sql_port, self.http_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.http_port}/sparql"
        self.ini = self.db / "virtuoso.ini"
        self.ini.write_text(
            INI.format(
                db=self.db,
                sql_port=self.sql_port,
                http_port=self.http_port,
                dirs=", ".join([".", *sorted({str(p.resolve()) for p in readable})]),
                max_rows=max_rows,
                max_seconds=max_seconds,
                buffers=self.settings["NumberOfBuffers"],
                dirty=self.settings["MaxDirtyBuffers"],
            )
        )
        self.start()

    def start(self) -> None:
        with (self.db / "stdout.log").open("ab") as log:
            self.process = subprocess.Popen(
                ["virtuoso-t", "+foreground", "+configfile", str(self.ini)], stdout=log, stderr=log
            )
        wait_until(self._answers, self.process, "virtuoso-t", timeout=180)

    def restart(self) -> None:
        """Shut down cleanly (a checkpoint) and start again: its buffers start empty."""
        self.stop()
        self.start()

    def _answers(self) -> bool:
        try:
            return requests.get(self.url, params={"query": "ASK {}"}, timeout=2).ok
        except requests.ConnectionError:
            return False

    def isql(self, sql: str, timeout: float = 3600) -> str:
        done = subprocess.run(
            ["isql-vt", f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={sql}"],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
            raise RuntimeError(f"isql failed on {sql[:80]!r}: {done.stdout[-2000:]}{done.stderr}")
        return done.stdout

    def load(self, files: list[tuple[Path, str | None]]) -> float:
        """Bulk-load (file, graph) pairs (graph None: TriG naming its graphs); seconds taken,
        including the checkpoint that makes them durable."""
        started = time.perf_counter()
        for path, graph in files:
            path = path.resolve()
            self.isql(f"ld_dir('{path.parent}', '{path.name}', '{graph or DEFAULT_GRAPH}');")
        self.isql("rdf_loader_run(); checkpoint;")
        seconds = time.perf_counter() - started
        failed = self.isql(
            "SELECT ll_file, ll_error FROM DB.DBA.LOAD_LIST WHERE ll_error IS NOT NULL;"
        )
        if "0 Rows" not in failed:
            raise RuntimeError(f"Virtuoso could not load some files:\n{failed}")
        self.isql("DELETE FROM DB.DBA.LOAD_LIST;")
        return seconds

    def query(self, text: str, timeout: float) -> bytes:
        response = requests.post(
            self.url,
            data={"query": text},
            headers={"Accept": "application/sparql-results+json"},
            timeout=timeout,
        )
        response.raise_for_status()
        return response.content

    def ppkg_env(self) -> dict[str, str]:
        """The settings that put ppkg's remote backend on this Virtuoso (README), as `dba`."""
        base = self.url.removesuffix("/sparql")
        return {
            "PPKG_BACKEND": "sparql",
            "PPKG_SPARQL_ENGINE": "virtuoso",
            "PPKG_SPARQL_QUERY_URL": self.url,
            "PPKG_SPARQL_UPDATE_URL": base + "/sparql-auth",
            "PPKG_SPARQL_GSP_URL": base + "/sparql-graph-crud-auth",
            "PPKG_SPARQL_USER": "dba",
            "PPKG_SPARQL_PASSWORD": "dba",
            "PPKG_SPARQL_AUTH": "digest",
        }

    def memory(self) -> dict[str, Any]:
        return peak_memory(self.process.pid)

    def stop(self) -> None:
        """Shut Virtuoso down, keeping its database."""
        try:
            self.isql("shutdown;", timeout=60)
            self.process.wait(60)
        except (RuntimeError, subprocess.TimeoutExpired):
            stop(self.process)
        finally:
            if self.process.poll() is None:
                stop(self.process)

    def close(self) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.db, ignore_errors=True)
