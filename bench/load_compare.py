"""Time loading the same files four ways, to see what our load path adds to pyoxigraph's.

    python -m bench.load_compare --prosecutions 100000 --runs 3 [--ways 1,2] [--work DIR]

1. pyoxigraph's own `Store.bulk_load` of each file, by path, into an on-disk store;
2. `OxigraphBackend.load` (`ppkg load`) with inference switched off;
3. `OxigraphBackend.load` as it is, inference included;
4. an alternative: the files bulk-loaded into an in-memory store, inferred there, and
   everything written to disk in one `bulk_load`. Inference reads terms back out of the store,
   an order of magnitude cheaper in memory; but writing to disk stays the larger cost.

The data is bench.generate's (one TriG file per 5,000 prosecutions) with the repository's
ontology and shapes. Runs alternate the order of the ways; the medians (wall clock and
CPU: the CPU time varies less on a shared machine) are printed, with ratios to the first way.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pyoxigraph import NamedNode, RdfFormat, Store

from server.core.content import ContentFile, content_files
from server.core.media_types import RDF_FORMATS, RDF_SUFFIXES
from server.graph.reasoning import infer
from server.store import oxigraph

from .generate import generate

REPO = Path(__file__).resolve().parent.parent
Way = Callable[[list[ContentFile], Path], int]


def pyoxigraph_bulk_load(files: list[ContentFile], path: Path) -> int:
    store = Store(str(path))
    for file in files:
        _bulk_load(store, file)
    store.flush()
    return len(store)


def backend_load(inference: bool) -> Way:
    def load(files: list[ContentFile], path: Path) -> int:
        backend = oxigraph.OxigraphBackend(path, workers=1, timeout=60)
        return backend.load(files, infer if inference else _no_inference)

    return load


def _no_inference(store: Store) -> int:
    return 0  # a function, not a Mock, which would keep the store open by remembering it


def in_memory_then_disk(files: list[ContentFile], path: Path) -> int:
    memory = Store()
    for file in files:
        _bulk_load(memory, file)
    infer(memory)
    store = Store(str(path))
    store.bulk_load(memory.dump(format=RdfFormat.N_QUADS), RdfFormat.N_QUADS)
    store.flush()
    return len(store)


def _bulk_load(store: Store, file: ContentFile) -> None:
    store.bulk_load(
        path=str(file.path),
        format=RDF_FORMATS[RDF_SUFFIXES[file.path.suffix]],
        to_graph=NamedNode(file.graph) if file.graph else None,
        base_iri=file.path.resolve().as_uri(),
    )


def make_content(work: Path, prosecutions: int) -> list[ContentFile]:
    """The repository's ontology and shapes, and generated data."""
    root = work / "content"
    generate(prosecutions, root)
    for folder in ("ontology", "shapes"):
        (root / folder).symlink_to(REPO / folder)
    return content_files(root)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--prosecutions", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, help="where to build the stores (default: a temp dir)")
    parser.add_argument(
        "--ways", default="1,2,3,4", help="which of the ways above to run (default: all)"
    )
    args = parser.parse_args()
    ways: dict[str, Way] = {
        "pyoxigraph bulk_load": pyoxigraph_bulk_load,
        "OxigraphBackend.load, no inference": backend_load(inference=False),
        "OxigraphBackend.load": backend_load(inference=True),
        "in memory, inferred, one bulk_load": in_memory_then_disk,
    }
    chosen = {int(n) for n in args.ways.split(",")}
    ways = {name: way for n, (name, way) in enumerate(ways.items(), 1) if n in chosen}
    times: dict[str, list[float]] = {name: [] for name in ways}
    cpu_times: dict[str, list[float]] = {name: [] for name in ways}
    with tempfile.TemporaryDirectory(dir=args.work) as tmp:
        files = make_content(Path(tmp), args.prosecutions)
        size = sum(f.path.stat().st_size for f in files) / 1e6
        print(f"{len(files)} files, {size:.0f} MB ({args.prosecutions} prosecutions)")
        for i in range(args.runs):
            for name in list(ways)[i % len(ways) :] + list(ways)[: i % len(ways)]:
                store = Path(tmp) / "store"
                started, cpu = time.perf_counter(), time.process_time()
                quads = ways[name](files, store)
                times[name].append(round(time.perf_counter() - started, 1))
                cpu_times[name].append(round(time.process_time() - cpu, 1))
                shutil.rmtree(store)
                print(f"run {i + 1}: {name}: {quads} quads in {times[name][-1]} s", flush=True)
    first = next(iter(ways))
    wall, cpu = statistics.median(times[first]), statistics.median(cpu_times[first])
    for name in ways:
        median, cpu_median = statistics.median(times[name]), statistics.median(cpu_times[name])
        print(
            f"{name}: median {median:.1f} s ({median / wall:.2f}x), runs {times[name]}; "
            f"CPU {cpu_median:.1f} s ({cpu_median / cpu:.2f}x), runs {cpu_times[name]}"
        )


if __name__ == "__main__":
    main()
