"""Time `infer` against a baseline revision's, on the same store, and check both infer the same.

    python -m bench.infer_compare --prosecutions 10000 --runs 3 [--baseline HEAD]
        [--generator generate|synthetic] [--work DIR]

Loads the synthetic data and the ontology into an on-disk store once, then for each run infers
on a fresh copy of it with each implementation in turn (alternating which goes first, as other
work on the machine varies), and prints the median time of each. The baseline is
server/reasoning.py as committed at `--baseline` (read with `git show`). The inferred graphs of
the first run are compared triple by triple.
"""

from __future__ import annotations

import argparse
import importlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import types
from collections.abc import Callable
from pathlib import Path

from pyoxigraph import NamedNode, RdfFormat, Store

from server.core.vocabulary import GRAPH_INFERRED, GRAPH_ONTOLOGY
from server.graph.reasoning import infer

REPO = Path(__file__).resolve().parent.parent
Infer = Callable[[Store], int]


def baseline(revision: str) -> Infer:
    """`infer` from the reasoning module as committed at `revision` (it moved in the layering)."""
    path = _reasoning_path(revision)
    source = subprocess.run(
        ["git", "-C", str(REPO), "show", f"{revision}:{path}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    module = types.ModuleType("baseline_reasoning")
    sys.modules[module.__name__] = module  # dataclasses look their module up
    code = source.replace("from .namespaces", "from server.core.vocabulary")
    code = code.replace("from ..core.vocabulary", "from server.core.vocabulary")
    code = code.replace("from .rules", "from server.graph.rules")
    exec(compile(code, f"{revision}:{path}", "exec"), module.__dict__)
    return module.infer  # type: ignore[no-any-return]


def _reasoning_path(revision: str) -> str:
    for path in ("server/graph/reasoning.py", "server/reasoning.py"):
        found = subprocess.run(
            ["git", "-C", str(REPO), "cat-file", "-e", f"{revision}:{path}"], capture_output=True
        )
        if found.returncode == 0:
            return path
    raise SystemExit(f"no reasoning module at {revision}")


def build(work: Path, prosecutions: int, generator: str) -> Path:
    """The asserted store, loaded once and copied for each run."""
    data, base = work / "data.trig", work / "base"
    importlib.import_module(f"bench.{generator}").write(data, prosecutions)
    store = Store(str(base))
    store.bulk_load(path=str(data), format=RdfFormat.TRIG)
    ontology = REPO / "ontology" / "ppkg.ttl"
    store.bulk_load(path=str(ontology), format=RdfFormat.TURTLE, to_graph=NamedNode(GRAPH_ONTOLOGY))
    store.flush()
    print(f"{len(store)} asserted quads ({generator}, {prosecutions} prosecutions)")
    return base


def run(base: Path, infer_: Infer, keep: bool) -> tuple[float, float, int, set[bytes]]:
    """Seconds taken (wall clock, then CPU: on a shared machine the CPU time varies less),
    inferred triples, and (if `keep`) the inferred graph as N-Triples lines."""
    copy = base.with_name("run")
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(base, copy)
    store = Store(str(copy))
    started, cpu = time.perf_counter(), time.process_time()
    count = infer_(store)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    lines: set[bytes] = set()
    if keep:
        graph = NamedNode(GRAPH_INFERRED)
        lines = set((store.dump(format=RdfFormat.N_TRIPLES, from_graph=graph) or b"").splitlines())
    del store
    shutil.rmtree(copy)
    return seconds, cpu, count, lines


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--prosecutions", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", default="HEAD")
    parser.add_argument("--generator", choices=["generate", "synthetic"], default="generate")
    parser.add_argument("--work", type=Path, help="where to build the stores (default: a temp dir)")
    args = parser.parse_args()
    contenders = {f"baseline ({args.baseline})": baseline(args.baseline), "working tree": infer}
    with tempfile.TemporaryDirectory(dir=args.work) as tmp:
        base = build(Path(tmp), args.prosecutions, args.generator)
        times: dict[str, list[float]] = {name: [] for name in contenders}
        cpu_times: dict[str, list[float]] = {name: [] for name in contenders}
        graphs: dict[str, set[bytes]] = {}
        for i in range(args.runs):
            order = list(contenders) if i % 2 == 0 else list(reversed(contenders))
            for name in order:
                seconds, cpu, count, lines = run(base, contenders[name], keep=i == 0)
                times[name].append(round(seconds, 1))
                cpu_times[name].append(round(cpu, 1))
                graphs.setdefault(name, lines)
                print(f"run {i + 1}: {name}: {count} triples in {seconds:.1f} s", flush=True)
    for name, values in times.items():
        median, cpu = statistics.median(values), statistics.median(cpu_times[name])
        print(f"{name}: median {median:.1f} s of {values}; CPU {cpu:.1f} s of {cpu_times[name]}")
    first, second = graphs.values()
    print(
        f"inferred graphs {'identical' if first == second else 'DIFFER'}: {len(first)} and "
        f"{len(second)} triples, {len(first - second)} only in the baseline, "
        f"{len(second - first)} only in the working tree"
    )
    if first != second:
        sys.exit(1)


if __name__ == "__main__":
    main()
