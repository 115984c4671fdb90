"""Starting, watching and stopping the engines' processes: ports, process trees, peak memory."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from .queries import BenchQuery


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def run_json(module: str, args: list[str], env: dict[str, str], timeout: float) -> dict[str, Any]:
    """Run `python -m module args` and read the JSON object it prints last."""
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{module} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def run_quiet(command: list[str], env: dict[str, str], timeout: float = 7200) -> None:
    """Run `command`, raising with the end of its output if it fails."""
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"{command[-1]} failed ({done.returncode}):\n{done.stderr[-3000:]}")


def descendants(pid: int) -> list[int]:
    """`pid` and every process below it, read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo += children.get(current, [])
    return tree


def peak_memory(pid: int) -> dict[str, Any]:
    """VmHWM (peak resident set) of `pid` and its descendants, in MB, and their sum."""
    processes: list[dict[str, Any]] = []
    for member in descendants(pid):
        try:
            status = Path(f"/proc/{member}/status").read_text()
            cmdline = Path(f"/proc/{member}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        kb = next(
            (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM")), 0
        )
        processes.append({"pid": member, "peak_mb": round(kb / 1024, 1), "command": cmdline[:80]})
    return {"total_peak_mb": round(sum(p["peak_mb"] for p in processes), 1), "processes": processes}


def wait_until(
    ready: Callable[[], bool], process: subprocess.Popen[bytes], what: str, timeout: float = 120
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        if ready():
            return
        time.sleep(0.2)
    raise RuntimeError(f"{what} was not ready within {timeout:g} s")


def stop(process: subprocess.Popen[bytes], timeout: float = 20) -> None:
    process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# A bench is one client measuring the server from one address: the limits per client (README,
# "Limits per client") would measure themselves, so they are lifted.
UNLIMITED = {
    "PPKG_REQUESTS_PER_MINUTE": "0",
    "PPKG_WORKER_SECONDS": "0",
    "PPKG_CLIENT_WORKERS": "64",  # capped at PPKG_WORKERS: every worker
    "PPKG_CLIENT_QUEUE": "64",
}


class PpkgServer:
    """The real `ppkg serve` on a free loopback port over a loaded store."""

    def __init__(
        self, content_dir: Path, data_dir: Path, log: Path, extra: dict[str, str] | None = None
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "PPKG_CONTENT_DIR": str(content_dir),
            "PPKG_DATA_DIR": str(data_dir),
            "PPKG_HOST": "127.0.0.1",
            "PPKG_PORT": str(self.port),
            **UNLIMITED,
            **(extra or {}),
        }
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "server", "serve"], env=env, stdout=out, stderr=out
            )
        wait_until(self._answers, self.process, "ppkg serve")

    def _answers(self) -> bool:
        try:
            return requests.get(self.url + "/queries", timeout=2).status_code == 200
        except requests.ConnectionError:
            return False

    def ask(self, session: requests.Session, query: BenchQuery) -> bytes:
        """A named query's answer in SPARQL JSON, by GET on its path."""
        response = session.get(
            self.url + query.path,
            params=query.params,
            headers={"Accept": "application/sparql-results+json"},
            timeout=600,
        )
        response.raise_for_status()
        return response.content

    def memory(self) -> dict[str, Any]:
        return peak_memory(self.process.pid)

    def settle(self, timeout: float = 180) -> float:
        """Wait until the web process is done with its start (it reads the names and builds the
        search index in the background): under 5% of a core for a second. Seconds waited."""
        started = time.monotonic()
        used = _cpu_seconds(self.process.pid)
        while time.monotonic() - started < timeout:
            time.sleep(1)
            now = _cpu_seconds(self.process.pid)
            if now - used < 0.05:
                break
            used = now
        return time.monotonic() - started

    def close(self) -> None:
        stop(self.process)


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of `pid` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
