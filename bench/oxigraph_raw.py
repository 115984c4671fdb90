"""pyoxigraph's own bulk load of the same files into the same graphs, for comparison.

    python -m bench.oxigraph_raw CONTENT_DIR STORE_DIR

Prints one JSON object: seconds and quads.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from pyoxigraph import NamedNode, Store

from server.core.content import content_files
from server.core.media_types import RDF_FORMATS, RDF_SUFFIXES


def main() -> None:
    content, target = Path(sys.argv[1]), Path(sys.argv[2])
    files = content_files(content)
    started = time.perf_counter()
    store = Store(str(target))
    for file in files:
        graph = NamedNode(file.graph) if file.graph else None
        store.bulk_load(
            path=str(file.path), format=RDF_FORMATS[RDF_SUFFIXES[file.path.suffix]], to_graph=graph
        )
    store.flush()
    seconds = time.perf_counter() - started
    print(json.dumps({"load_s": seconds, "quads": len(store)}))


if __name__ == "__main__":
    main()
