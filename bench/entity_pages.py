"""Entity page latency and throughput against a running server (not part of the tests).

    python -m bench.entity_pages --url http://127.0.0.1:8080 --pages 200 --seconds 10

Picks people (and the articles they are charged under) with SPARQL, then measures each page's
first answer (cold: one query to the store), a second pass (warm: kept in memory until the graphs
change), and pages per second with several clients at once.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time

import requests

BASE = "https://w3id.org/ppkg/"
QUERY = """PREFIX ppkg: <https://w3id.org/ppkg/ontology#>
SELECT DISTINCT ?x WHERE { { ?x a ppkg:Person } UNION { ?c ppkg:provision ?x } } LIMIT %d"""


def paths(url: str, count: int) -> list[str]:
    response = requests.get(
        url + "/sparql",
        params={"query": QUERY % count},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    rows = response.json()["results"]["bindings"]
    return ["/" + row["x"]["value"][len(BASE) :] for row in rows]


def timed_pass(session: requests.Session, url: str, pages: list[str], accept: str) -> list[float]:
    times = []
    for path in pages:
        start = time.perf_counter()
        response = session.get(url + path, headers={"Accept": accept}, timeout=60)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return times


def throughput(url: str, pages: list[str], clients: int, seconds: float) -> float:
    done = [0] * clients
    stop = time.monotonic() + seconds

    def client(i: int) -> None:
        session = requests.Session()
        while time.monotonic() < stop:
            session.get(url + pages[done[i] % len(pages)], headers={"Accept": "text/html"})
            done[i] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / seconds


def report(label: str, times: list[float]) -> None:
    ordered = sorted(times)
    p90 = ordered[int(0.9 * (len(ordered) - 1))]
    median = statistics.median(times)
    print(f"{label:28} n={len(times):4}  median {median:7.2f} ms  p90 {p90:7.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://127.0.0.1:8080")
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    pages = paths(args.url, args.pages)
    session = requests.Session()
    report("HTML, first visit (cold)", timed_pass(session, args.url, pages, "text/html"))
    report("HTML, again (kept)", timed_pass(session, args.url, pages, "text/html"))
    report("Turtle, first visit (cold)", timed_pass(session, args.url, pages, "text/turtle"))
    rate = throughput(args.url, pages, args.clients, args.seconds)
    print(f"{'HTML pages/s, ' + str(args.clients) + ' clients':28} {rate:7.1f}")


if __name__ == "__main__":
    main()
