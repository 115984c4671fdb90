"""A bounded load run on loopback: many clients at once on a mix of what the public side serves.

    python -m bench.load_run --url http://127.0.0.1:8080 --pid <ppkg serve's pid> \
        --connections 32 --seconds 30

wrk (Debian's package) drives the clients with a Lua script that walks a fixed list of
requests: every named query with its example parameters, entity pages in HTML and RDF, /sparql
queries, searches, the dumps listing and a ranged read of a dump. It stops by itself after
`--seconds`; every request has wrk's `--timeout`. Meanwhile the server's resident memory (its
process and its workers, from /proc) is sampled each second. Prints one JSON object: requests,
status classes, socket errors, latency percentiles, and memory after warm-up, at its peak and at
the end. Only loopback addresses are accepted.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
import threading
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from bench.processes import descendants

SPARQL = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "PREFIX schema: <https://schema.org/> SELECT ?p ?name WHERE { ?p schema:name ?name } LIMIT 50",
    "ASK { ?s a <https://w3id.org/ppkg/ontology#Person> }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s a <https://w3id.org/ppkg/ontology#Charge> ; ?p ?o }",
]
SEARCHES = ["Навальный", "Navalny", "Gorinov", "Kotov", "212.1"]
ENTITY_FORMATS = [("", "text/html"), (".ttl", "*/*"), (".jsonld", "*/*"), (".trig", "*/*")]

LUA = """
local requests = {REQUESTS}
local counter = 0
local threads = {}

function setup(thread)
  thread:set("offset", #threads * 7)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
end

function request()
  counter = counter + 1
  local r = requests[((counter + offset) % #requests) + 1]
  return wrk.format("GET", r[1], r[2])
end

function response(status, headers, body)
  local class = tostring(math.floor(status / 100)) .. "xx"
  statuses[class] = (statuses[class] or 0) + 1
  if status >= 500 then
    statuses["last_5xx"] = status
  end
end

function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    for class, n in pairs(counts) do
      if class ~= "last_5xx" then totals[class] = (totals[class] or 0) + n end
    end
  end
  local parts = {}
  for class, n in pairs(totals) do table.insert(parts, string.format('"%s": %d', class, n)) end
  io.write("PPKG-LOAD ", string.format(
    '{"requests": %d, "seconds": %.3f, "statuses": {%s}, "errors": {"connect": %d, "read": %d,'
    .. ' "write": %d, "status": %d, "timeout": %d}, "latency_ms": {"p50": %.2f, "p90": %.2f,'
    .. ' "p99": %.2f, "max": %.2f, "mean": %.2f}}',
    summary.requests, summary.duration / 1e6, table.concat(parts, ", "),
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status,
    summary.errors.timeout, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, latency.mean / 1000), "\\n")
end
"""


@dataclass
class MemorySampler:
    """The summed resident memory of a process tree, sampled every `interval` seconds."""

    pid: int
    interval: float = 1.0
    samples: list[float] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self._run, daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append(resident_mb(self.pid))
            self._stop.wait(self.interval)


def resident_mb(pid: int) -> float:
    total = 0.0
    for member in descendants(pid):
        try:
            status = Path(f"/proc/{member}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) / 1024
    return round(total, 1)


def request_mix(url: str) -> list[tuple[str, dict[str, str]]]:
    """(path, headers) for every kind of public request, read from the running server."""
    mix: list[tuple[str, dict[str, str]]] = []
    listing = requests.get(url + "/queries", headers={"Accept": "application/json"}, timeout=30)
    listing.raise_for_status()
    for query in listing.json()["queries"]:  # each with its example parameters
        example = urllib.parse.urlsplit(query["example"])
        path = example.path + (f"?{example.query}" if example.query else "")
        mix.append((path, {"Accept": "application/sparql-results+json"}))
    for text in SPARQL:
        mix.append(("/sparql?" + urllib.parse.urlencode({"query": text}), {"Accept": "*/*"}))
    for q in SEARCHES:
        mix.append(("/search?" + urllib.parse.urlencode({"q": q}), {"Accept": "application/json"}))
    for entity in _entities(url):
        mix += [(entity + suffix, {"Accept": accept}) for suffix, accept in ENTITY_FORMATS]
    mix.append(("/dumps", {"Accept": "application/json"}))
    mix.append(("/dumps/ppkg.nq.gz", {"Range": "bytes=0-65535"}))
    mix.append(("/.well-known/void", {"Accept": "text/turtle"}))
    mix.append(("/changes", {"Accept": "application/activity+json"}))
    return mix


def _entities(url: str) -> list[str]:
    query = (
        "SELECT DISTINCT ?s WHERE { ?s a ?c FILTER(?c IN (<https://w3id.org/ppkg/ontology#Person>,"
        " <https://w3id.org/ppkg/ontology#CriminalCase>)) } ORDER BY ?s LIMIT 12"
    )
    answer = requests.get(
        url + "/sparql",
        params={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    answer.raise_for_status()
    base = "https://w3id.org/ppkg/"
    iris = [b["s"]["value"] for b in answer.json()["results"]["bindings"]]
    return ["/" + iri.removeprefix(base) for iri in iris if iri.startswith(base)]


def lua_script(mix: list[tuple[str, dict[str, str]]]) -> str:
    def entry(path: str, headers: dict[str, str]) -> str:
        pairs = ", ".join(f"[{_lua(k)}] = {_lua(v)}" for k, v in headers.items())
        return f"{{{_lua(path)}, {{{pairs}}}}}"

    return LUA.replace("{REQUESTS}", "{" + ", ".join(entry(p, h) for p, h in mix) + "}")


def _lua(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def load_run(url: str, pid: int, connections: int, seconds: float) -> dict[str, Any]:
    """Run the load against `url` (served by process `pid`) and return its figures."""
    host = urllib.parse.urlsplit(url).hostname or ""
    if not (host.startswith("127.") or host in ("localhost", "::1")):
        raise SystemExit(f"load runs go to loopback addresses only, not {host}")
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    mix = request_mix(url)
    for path, headers in mix:  # warm up: every answer computed once before measuring
        requests.get(url + path, headers=headers, timeout=60)
    sampler = MemorySampler(pid)
    warm = resident_mb(pid)
    thread = sampler.start()
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(lua_script(mix))
        script.flush()
        command = [wrk, "-t", "2", "-c", str(connections), "-d", f"{seconds:g}s"]
        command += ["--timeout", "30s", "-s", script.name, url]
        out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60).stdout
    sampler.stop()
    thread.join()
    end = resident_mb(pid)
    line = next((x for x in out.splitlines() if x.startswith("PPKG-LOAD ")), None)
    if line is None:
        raise RuntimeError(f"cannot read wrk's output:\n{out}")
    figures: dict[str, Any] = json.loads(line.removeprefix("PPKG-LOAD "))
    figures.update(
        kinds=len(mix),
        connections=connections,
        memory_mb={"warm": warm, "peak": max(sampler.samples, default=warm), "end": end},
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8080")
    parser.add_argument("--pid", type=int, required=True, help="the ppkg serve process")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    print(json.dumps(load_run(args.url, args.pid, args.connections, args.seconds)))


if __name__ == "__main__":
    main()
