"""What the HTTP endpoint costs on top of the engine: the same named query, in one run, three ways.

    python bench/endpoint_overhead.py --data-dir DIR [--article 212.1] [--runs 20]

DIR must hold a loaded store (`PPKG_DATA_DIR=DIR ppkg load`). Prints the median and 95th percentile
of (1) pyoxigraph in process, serialising JSON itself, (2) the same through `ppkg serve` over
loopback HTTP, and their ratio.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import requests
from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryResultsFormat,
    QuerySolutions,
    Store,
    Triple,
    Variable,
)

REPO = Path(__file__).resolve().parent.parent
QUERY = (REPO / "queries" / "prisoners-by-article.rq").read_text("utf-8")
ARTICLE = "https://w3id.org/ppkg/law/ru/criminal-code/article/"
# One client measuring: the limits per client are lifted (as bench/processes.py's UNLIMITED).
UNLIMITED = {"PPKG_REQUESTS_PER_MINUTE": "0", "PPKG_WORKER_SECONDS": "0"}


def timed(work: Callable[[], int], runs: int) -> tuple[float, float, int]:
    work()  # warm-up
    times, size = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        size = work()
        times.append(time.perf_counter() - started)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))], size


def in_process(store: Store, article: str) -> int:
    bindings: dict[Variable, NamedNode | BlankNode | Literal | Triple] = {
        Variable("article"): NamedNode(ARTICLE + article),
        Variable("lang"): Literal("en"),
    }
    results = store.query(QUERY, use_default_graph_as_union=True, substitutions=bindings)
    assert isinstance(results, QuerySolutions)
    out = io.BytesIO()
    results.serialize(out, format=QueryResultsFormat.JSON)
    return len(out.getvalue())


def over_http(url: str, article: str) -> int:
    response = requests.get(f"{url}/queries/prisoners-by-article", params={"article": article})
    response.raise_for_status()
    return len(response.content)


def start_server(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PPKG_DATA_DIR": str(data_dir), "PPKG_PORT": str(port), **UNLIMITED}
    server = subprocess.Popen(
        [sys.executable, "-m", "server", "serve"], env=env, stderr=subprocess.DEVNULL
    )
    for _ in range(300):
        try:
            requests.get(f"http://127.0.0.1:{port}/sparql", timeout=1)
            return server
        except requests.ConnectionError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--article", default="212.1")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--port", type=int, default=18765)
    args = parser.parse_args()
    server = start_server(args.data_dir, args.port)
    try:
        store = Store.read_only(str(args.data_dir / "store"))
        engine = timed(lambda: in_process(store, args.article), args.runs)
        http = timed(lambda: over_http(f"http://127.0.0.1:{args.port}", args.article), args.runs)
    finally:
        server.terminate()
        server.wait()
    print(f"{'':24}{'median s':>10}{'p95 s':>10}{'bytes':>12}")
    for name, (median, p95, size) in (("pyoxigraph in process", engine), ("ppkg over HTTP", http)):
        print(f"{name:24}{median:10.4f}{p95:10.4f}{size:12d}")
    print(f"HTTP / in process: {http[0] / engine[0]:.2f}x (median)")


if __name__ == "__main__":
    main()
