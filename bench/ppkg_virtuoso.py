"""ppkg on Virtuoso (issue 14): `ppkg load` and `ppkg serve` with the remote backend on a Virtuoso
of its own, sized like the one measured alone, asked the same named queries over HTTP.

Cold: the first run after both were started again (Virtuoso's buffers empty, ppkg's caches too).
Warm runs may be answered from ppkg's result cache, as users' repeated queries are.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from . import virtuoso
from .processes import PpkgServer, run_quiet
from .queries import BenchQuery


class PpkgOnVirtuoso:
    """A Virtuoso in `work`/virtuoso and ppkg's ledger in `work`/data; `load` then `start`."""

    def __init__(self, content: Path, work: Path, settings: dict[str, Any]) -> None:
        self.content, self.work = content, work
        self.engine = virtuoso.Virtuoso(work, [], settings)
        self.env = {
            "PPKG_CONTENT_DIR": str(content),
            "PPKG_DATA_DIR": str(work / "data"),
            **self.engine.ppkg_env(),
        }
        self.server: PpkgServer | None = None

    def load(self) -> float:
        """`ppkg load` into the engine; seconds taken."""
        started = time.perf_counter()
        run_quiet([sys.executable, "-m", "server", "load"], {**os.environ, **self.env})
        return time.perf_counter() - started

    def start(self) -> None:
        self.server = PpkgServer(
            self.content, self.work / "data", self.work / "server.log", self.env
        )

    def restart(self) -> None:
        """Both again, so that nothing is warm: Virtuoso's buffers, ppkg's caches."""
        self._stop_server()
        self.engine.restart()
        self.start()

    def settle(self) -> float:
        """Wait until ppkg is done with its start (PpkgServer.settle); seconds waited."""
        assert self.server is not None
        return self.server.settle()

    def asker(self) -> Callable[[BenchQuery], bytes]:
        session = requests.Session()

        def ask(q: BenchQuery) -> bytes:
            assert self.server is not None
            return self.server.ask(session, q)

        return ask

    def memory(self) -> dict[str, Any]:
        """Peak memory of ppkg's processes and Virtuoso's, and their sum."""
        assert self.server is not None
        ppkg, engine = self.server.memory(), self.engine.memory()
        total = round(ppkg["total_peak_mb"] + engine["total_peak_mb"], 1)
        return {"total_peak_mb": total, "ppkg": ppkg, "virtuoso": engine}

    def _stop_server(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None

    def close(self) -> None:
        try:
            self._stop_server()
        finally:
            self.engine.close()
