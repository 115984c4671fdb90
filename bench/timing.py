"""Repeated timings (median, 95th percentile) and throughput with concurrent clients."""

from __future__ import annotations

import http.client
import math
import re
import shutil
import statistics
import subprocess
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class Timing:
    seconds: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def p95(self) -> float:
        """Nearest-rank 95th percentile: with few runs, the slowest."""
        ordered = sorted(self.seconds)
        return ordered[math.ceil(0.95 * len(ordered)) - 1]

    def figures(self) -> dict[str, Any]:
        return {
            "median_s": round(self.median, 6),
            "p95_s": round(self.p95, 6),
            "runs": len(self.seconds),
        }


@dataclass
class ColdWarm:
    """A query's cold runs (each the first after a server start) and its warm runs."""

    cold: list[float]
    warm: Timing

    def figures(self) -> dict[str, Any]:
        return {
            "cold_median_s": round(statistics.median(self.cold), 6),
            "cold_s": [round(s, 6) for s in self.cold],
            "warm_median_s": round(self.warm.median, 6),
            "warm_p95_s": round(self.warm.p95, 6),
            "warm_runs": len(self.warm.seconds),
        }


def repeat(work: Callable[[], object], runs: int, budget: float, warm_up: bool = True) -> Timing:
    """Time `work` `runs` times (after one untimed run), stopping early once `budget` seconds
    are spent; at least one timed run."""
    if warm_up:
        work()
    seconds: list[float] = []
    spent_from = time.perf_counter()
    while len(seconds) < runs and (not seconds or time.perf_counter() - spent_from < budget):
        started = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - started)
    return Timing(seconds)


@dataclass(frozen=True)
class Throughput:
    requests: int  # completed, including errors
    errors: int
    seconds: float
    clients: int
    tool: str

    def figures(self) -> dict[str, Any]:
        return {
            "per_second": round((self.requests - self.errors) / self.seconds, 1),
            "requests": self.requests,
            "errors": self.errors,
            "clients": self.clients,
            "seconds": round(self.seconds, 2),
            "tool": self.tool,
        }


def throughput(url: str, accept: str, clients: int, seconds: float) -> Throughput:
    """Completed requests per second with `clients` keep-alive connections for `seconds`:
    wrk (Debian's package) when installed, as it costs the shared cores little; else threads."""
    if shutil.which("wrk"):
        return _wrk(url, accept, clients, seconds)
    return _threads(url, accept, clients, seconds)


def _wrk(url: str, accept: str, clients: int, seconds: float) -> Throughput:
    command = ["wrk", "-t", str(min(clients, 2)), "-c", str(clients), "-d", f"{max(seconds, 1):g}s"]
    command += ["--timeout", "30s", "-H", f"Accept: {accept}", url]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    done = re.search(r"(\d+) requests in ([\d.]+)(m?s)", out)
    if done is None:
        raise RuntimeError(f"cannot read wrk's output:\n{out}")
    elapsed = float(done.group(2)) / (1000 if done.group(3) == "ms" else 1)
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if socket:
        errors += sum(int(n) for n in socket.groups())
    return Throughput(int(done.group(1)), errors, elapsed, clients, "wrk")


def _threads(url: str, accept: str, clients: int, seconds: float) -> Throughput:
    parts = urllib.parse.urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    counts = [[0, 0] for _ in range(clients)]
    stop_at = time.perf_counter() + seconds

    def client(tally: list[int]) -> None:
        conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
        while time.perf_counter() < stop_at:
            conn.request("GET", target, headers={"Accept": accept})
            response = conn.getresponse()
            response.read()
            tally[0 if response.status == 200 else 1] += 1
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(tally,)) for tally in counts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    done, errors = sum(c[0] + c[1] for c in counts), sum(c[1] for c in counts)
    return Throughput(done, errors, elapsed, clients, "threads")
