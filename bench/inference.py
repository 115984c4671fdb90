"""Time computing the inferred graph on synthetic data.

python bench/inference.py --prosecutions 100000
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from pyoxigraph import NamedNode, RdfFormat, Store

from server.core.vocabulary import GRAPH_ONTOLOGY
from server.graph.reasoning import infer

from .generate import write

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--prosecutions", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "synthetic.trig"
        write(data, args.prosecutions)
        store = Store(str(Path(tmp) / "store"))
        started = time.perf_counter()
        store.bulk_load(path=str(data), format=RdfFormat.TRIG)
        store.bulk_load(
            path=str(REPO / "ontology" / "ppkg.ttl"),
            format=RdfFormat.TURTLE,
            to_graph=NamedNode(GRAPH_ONTOLOGY),
        )
        loaded = time.perf_counter() - started
        started = time.perf_counter()
        inferred = infer(store)
        print(f"asserted quads {len(store) - inferred}: bulk load {loaded:.1f} s")
        print(f"inferred {inferred} triples in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
