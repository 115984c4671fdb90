"""Serving the answers computed ahead (graph/precomputed), and computing them again after a
change: an accepted submission, or a start that finds them behind the ledger."""

from __future__ import annotations

import logging
import threading

from flask import Flask
from pyoxigraph import QueryResultsFormat, parse_query_results

from ..core.media_types import TABULAR
from ..core.vocabulary import Term
from ..graph.precomputed import JSON_RESULTS, Precomputed, compute, digest
from ..store.base import Dataset, QueryResult
from .context import catalogue, ledger, precomputed, state
from .context import precomputed_texts as texts

log = logging.getLogger(__name__)


def answer(
    query: str, tabular: str | None, dataset: Dataset, bindings: dict[str, Term]
) -> QueryResult | None:
    """The answer kept for `query` with `bindings`, if it is that of the store as it is now."""
    kept = precomputed()
    if kept is None or tabular is None or dataset.explicit or digest(query) not in texts():
        return None
    body = kept.get(query, bindings, ledger().last_change())
    if body is None:
        return None
    if tabular != JSON_RESULTS:
        solutions = parse_query_results(body, QueryResultsFormat.JSON)
        body = solutions.serialize(format=TABULAR[tabular]) or b""
    return QueryResult(tabular, iter([body]), len(body))


class Refresher:
    """One background thread that computes the answers for the latest change, once per wake
    (wakes that come while it works make it go round once more)."""

    def __init__(self, app: Flask) -> None:
        self._app = app
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="ppkg-precompute", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def _loop(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            try:
                with self._app.app_context():
                    _refresh(precomputed())
            except Exception:  # the plain query answers meanwhile; the next change tries again
                log.exception("computing the precomputed answers failed")


def _refresh(kept: Precomputed | None) -> None:
    """Compute until the answers are those of the latest change (one may come in meanwhile)."""
    if kept is None:
        return
    found = state()
    while True:
        change, done = compute(found.backend, catalogue().values(), kept, found.ledger.last_change)
        if done:
            log.info("computed %d answers ahead for change %d", done, change)
        if change == found.ledger.last_change():
            return
