"""The benchmark of issues 5 and 13: ppkg side by side with Oxigraph (in process and its own HTTP
server), rdflib and Virtuoso, per data size.

    python -m bench [--sizes 1000,10000,100000] [--quick] [--no-rdflib] [--no-virtuoso]
        [--no-ppkg-virtuoso] [--no-oxigraph-serve] [--cold-runs 3] [--virtuoso-memory-gb GB]

For each size it generates the synthetic data (bench.generate), then measures: `ppkg load` (and the
inference inside it) against pyoxigraph's own bulk load of the same files; the named queries
prisoners-by-article (the most frequent article), article-stats and sentences (one person) over
HTTP against the real `ppkg serve` on loopback, and in process on Oxigraph; a person's page;
throughput with concurrent clients; validating a 1,000-triple submission; the server's peak
memory; then the same queries on rdflib's engine (in a worker killed past its time limit), on
Virtuoso (started here on loopback ports with buffers sized for the machine's memory, loaded with
the same files and with ppkg's inferred graph, since the queries read the inferred
ppkg:underArticle) and on `oxigraph serve` (loaded by `oxigraph load` with the same files and
the inferred graph), and ppkg itself on a Virtuoso of its own (its remote backend, loaded by
`ppkg load`). Every query has cold runs (the first run after each of `--cold-runs` server
starts) and warm runs. It checks that the engines return the same rows, and the rows the
generator wrote. It prints a table with the targets and writes bench/results/<timestamp>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import pyoxigraph
import rdflib

from . import measure, oxigraph_serve, virtuoso
from .generate import generate
from .queries import difference
from .report import table, targets

RESULTS = Path(__file__).resolve().parent / "results"
QUICK = measure.Settings(runs=3, budget=10, clients=4, seconds=2, rdflib_timeout=60, cold_runs=2)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--sizes", help="prosecutions per size, comma-separated [1000,10000,100000]"
    )
    parser.add_argument(
        "--quick", action="store_true", help="a tiny run: 200 prosecutions, few runs"
    )
    parser.add_argument("--runs", type=int, help="timed runs per query and engine [20]")
    parser.add_argument("--seconds", type=float, help="length of each throughput test [10]")
    parser.add_argument("--clients", type=int, help="concurrent clients [8]")
    parser.add_argument("--rdflib-timeout", type=float, help="seconds per rdflib query [300]")
    parser.add_argument("--submission-triples", type=int, help="submission validated [1000]")
    parser.add_argument("--no-rdflib", action="store_true", help="leave rdflib out")
    parser.add_argument("--no-virtuoso", action="store_true", help="leave Virtuoso out")
    parser.add_argument(
        "--no-ppkg-virtuoso", action="store_true", help="leave ppkg on Virtuoso out"
    )
    parser.add_argument(
        "--no-oxigraph-serve", action="store_true", help="leave `oxigraph serve` out"
    )
    parser.add_argument(
        "--cold-runs", type=int, help="server starts, each with one cold run of every query [3]"
    )
    parser.add_argument(
        "--virtuoso-memory-gb",
        type=float,
        help="memory for Virtuoso's buffers [a quarter of the available, 1 to 4 GB]",
    )
    parser.add_argument("--article", help="article for prisoners-by-article [the most frequent]")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--out", type=Path, default=RESULTS, help="folder for the JSON [bench/results]"
    )
    parser.add_argument(
        "--workdir", type=Path, help="where data and stores go [a temporary folder]"
    )
    return parser.parse_args(argv)


def settings_from(args: argparse.Namespace) -> measure.Settings:
    base = QUICK if args.quick else measure.Settings()
    overrides = {
        "runs": args.runs,
        "seconds": args.seconds,
        "clients": args.clients,
        "rdflib_timeout": args.rdflib_timeout,
        "submission_triples": args.submission_triples,
        "rdflib": False if args.no_rdflib else None,
        "virtuoso": False if args.no_virtuoso or not virtuoso.available() else None,
        "ppkg_virtuoso": False if args.no_ppkg_virtuoso else None,
        "oxigraph_serve": (
            False if args.no_oxigraph_serve or not oxigraph_serve.available() else None
        ),
        "cold_runs": args.cold_runs,
        "virtuoso_memory_gb": args.virtuoso_memory_gb,
    }
    return replace(base, **{k: v for k, v in overrides.items() if v is not None})


def run(argv: list[str] | None = None) -> Path:
    """Run the benchmark; return the path of the JSON written."""
    args = parse_args(argv)
    settings = settings_from(args)
    sizes = [
        int(s) for s in (args.sizes or ("200" if args.quick else "1000,10000,100000")).split(",")
    ]
    started = dt.datetime.now(dt.UTC)
    results: dict[str, Any] = {
        "started": started.isoformat(timespec="seconds"),
        "machine": _machine(),
        "settings": asdict(settings),
        "sizes": [],
    }
    args.out.mkdir(parents=True, exist_ok=True)
    path: Path = args.out / f"{started.strftime('%Y%m%dT%H%M%SZ')}.json"
    work = args.workdir or Path(tempfile.mkdtemp(prefix="ppkg-bench-"))
    try:
        for prosecutions in sizes:
            size = run_size(prosecutions, work / str(prosecutions), settings, args)
            results["sizes"].append(size)
            results["finished"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            path.write_text(json.dumps(results, indent=2, ensure_ascii=False), "utf-8")
            print(table(size), flush=True)
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    print(f"figures written to {path}")
    return path


def run_size(
    prosecutions: int, work: Path, settings: measure.Settings, args: argparse.Namespace
) -> dict[str, Any]:
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    content = work / "content"
    manifest = generate(prosecutions, content, args.seed)
    size = measure.prepare(content, manifest, work, args.article, args.seed)
    out: dict[str, Any] = {
        "data": {
            k: v
            for k, v in asdict(manifest).items()
            if k not in ("article_stats", "article_rows", "files")
        },
        "machine_load": {"before": os.getloadavg()},
    }
    out["data"]["files"] = len(manifest.files)
    _step(out, "load", lambda: measure.load_figures(size))
    _step(out, "ppkg", lambda: measure.ppkg_figures(size, settings))
    _step(out, "oxigraph", lambda: measure.oxigraph_figures(size, settings))
    if settings.virtuoso:
        _step(out, "virtuoso", lambda: measure.virtuoso_figures(size, settings))
    if settings.virtuoso and settings.ppkg_virtuoso:
        _step(out, "ppkg_virtuoso", lambda: measure.ppkg_virtuoso_figures(size, settings))
    if settings.oxigraph_serve:
        _step(out, "oxigraph_serve", lambda: measure.oxigraph_serve_figures(size, settings))
    if settings.rdflib:
        _step(out, "rdflib", lambda: measure.rdflib_figures(size, settings))
    out["queries"] = _agreement(size)
    out["machine_load"]["after"] = os.getloadavg()
    out["targets"] = targets(out)
    shutil.rmtree(work, ignore_errors=True)
    return out


def _step(out: dict[str, Any], name: str, work: Callable[[], dict[str, Any]]) -> None:
    """Record a step's figures, or its failure, without losing the other engines' figures."""
    print(f"  {name} ...", file=sys.stderr, flush=True)
    try:
        out[name] = work()
    except Exception as exc:  # one engine failing must not lose the others' figures
        out[name] = {"error": f"{type(exc).__name__}: {exc}"}


def _agreement(size: measure.Size) -> list[dict[str, Any]]:
    """Per query: rows, whether each engine returned the same rows as ppkg, and whether ppkg
    returned what the generator wrote."""
    out = []
    ours_all = size.answers.get("ppkg", {})
    for query in size.queries:
        ours = ours_all.get(query.key)
        entry: dict[str, Any] = {
            "key": query.key,
            "label": _label(query.key, query.params),
            "params": query.params,
            "rows": None if ours is None else sum(ours.values()),
            "agree": {},
            "differences": {},
        }
        for engine in AGREEING:
            theirs = size.answers.get(engine, {}).get(query.key)
            if ours is None or theirs is None:
                entry["agree"][engine] = None
                continue
            diff = difference(ours, theirs)
            entry["agree"][engine] = not diff
            if diff:
                entry["differences"][engine] = diff
        entry["matches_generator"] = ours is not None and _expected(size, query.key, ours)
        out.append(entry)
    return out


# compared with ppkg's rows
AGREEING = ("oxigraph", "oxigraph_serve", "virtuoso", "ppkg_virtuoso", "rdflib")


def _label(key: str, params: dict[str, str]) -> str:
    if key == "prisoners-by-article":
        return f"prisoners-by-article {params['article']}"
    if key == "sentences":
        return "sentences (one person)"
    return f"{key} (all articles)"


def _expected(size: measure.Size, key: str, answer: Any) -> bool:
    """ppkg's rows against what the generator knows it wrote."""
    m = size.manifest
    if key == "prisoners-by-article":
        article = next(q.params["article"] for q in size.queries if q.key == key)
        return bool(sum(answer.values()) == m.article_rows[article])
    if key == "sentences":
        return bool(sum(answer.values()) == m.sample_person_sentences)
    counts = {}
    for row in answer.elements():
        fields = {var: value.split('"')[1] for var, value in row if var in _STATS}
        counts[fields["number"]] = [int(fields[v]) for v in ("persons", "prosecutions", "charges")]
    return counts == m.article_stats


_STATS = ("number", "persons", "prosecutions", "charges")


def _machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "python": platform.python_version(),
        "pyoxigraph": pyoxigraph.__version__,
        "rdflib": rdflib.__version__,
        "virtuoso": virtuoso.version() if virtuoso.available() else None,
        "oxigraph_serve": oxigraph_serve.version() or None,
        "load_average_at_start": os.getloadavg(),
    }


def main() -> None:
    run(sys.argv[1:])


if __name__ == "__main__":
    main()
