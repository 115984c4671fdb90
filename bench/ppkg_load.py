"""`ppkg load` as users run it, with stopwatches around the steps inside it.

    PPKG_CONTENT_DIR=... PPKG_DATA_DIR=... python -m bench.ppkg_load

Prints one JSON object: the whole load, the inference, the dumps written after it and the answers
computed ahead (when this version of ppkg does those), the inferred quads and peak memory.
"""

from __future__ import annotations

import json
import resource
import time
from collections.abc import Callable
from types import ModuleType
from typing import Any

import server.cli as cli
import server.graph.reasoning as reasoning
import server.graph.release as release

figures: dict[str, Any] = {}


def _stopwatch(module: ModuleType, name: str, key: str) -> None:
    """Time every call of `module.name` (the name the load path calls it by) into figures[key]."""
    original: Callable[..., Any] | None = getattr(module, name, None)
    if original is None:
        return

    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        result = original(*args, **kwargs)
        figures[key] = figures.get(key, 0.0) + time.perf_counter() - started
        if key == "infer_s":
            figures["inferred"] = result
        return result

    setattr(module, name, timed)


def main() -> None:
    _stopwatch(reasoning, "infer", "infer_s")  # the load imports it when it runs
    _stopwatch(release, "publish", "dumps_s")  # the change feed's entry and the dumps
    _stopwatch(cli, "_precompute", "precompute_s")  # the answers computed ahead (issue 13)
    started = time.perf_counter()
    cli.main(["load"], standalone_mode=False)
    figures["load_s"] = time.perf_counter() - started
    figures["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
