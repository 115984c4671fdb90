"""A bounded load run (wrk, 16 clients, 8 seconds, loopback) on a mix of every public request:
the server answers all of it without a 5xx or a dropped connection, and its memory stays flat.

No figure of speed is asserted; `python -m bench.load_run` prints the latencies.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bench.load_run import load_run
from tests.conftest import start_server, stop_server


@pytest.mark.skipif(
    shutil.which("wrk") is None, reason="wrk is not installed (.ci/run installs it)"
)
def test_a_bounded_load_run_has_no_server_errors_and_flat_memory(tmp_path: Path) -> None:
    # wrk's 16 connections stand for 16 clients, but all come from one address: lift the
    # share of the workers one client may hold, and its queue (tests/test_budgets.py tests them).
    server = start_server(tmp_path / "data", client_workers="2", client_queue="16")
    try:
        figures = load_run(server.url, server.process.pid, connections=16, seconds=8)
    finally:
        stop_server(server)
    statuses = figures["statuses"]
    assert figures["requests"] > 0 and figures["kinds"] >= 30, figures
    assert statuses.get("5xx", 0) == 0, figures
    assert set(statuses) <= {"2xx", "3xx"}, figures  # the mix holds no request that should fail
    assert all(n == 0 for n in figures["errors"].values()), figures
    memory = figures["memory_mb"]
    assert memory["end"] <= memory["warm"] * 1.25 + 32, memory
