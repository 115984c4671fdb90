"""The application's state, and the one place that reads it.

`create_app` builds an `AppState` (settings, the store, the ledger, the named queries and every
cache) and keeps it in `app.extensions`; views reach it only through the functions here, which
read the current application's. Nothing is created at import time or on a first request.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import Flask, current_app

from ..core.budgets import Budget, ClientShares
from ..core.config import Settings
from ..core.named_queries import NamedQuery, load_queries
from ..graph.describe import Description
from ..graph.names import Names, NamesCache
from ..graph.precomputed import Precomputed, digest
from ..graph.search_index import SearchIndex, SearchIndexCache
from ..graph.statistics import Statistics, StatisticsCache
from ..store.base import Backend
from ..store.ledger import Ledger
from .page_cache import Answer, LatestCache, VersionedCache
from .result_cache import ResultCache

log = logging.getLogger(__name__)
EXTENSION = "ppkg"

# Kept until the store changes: the pages people read most, and the descriptions every RDF
# format of a resource is written from.
ANSWERS_KEPT = 4096
DESCRIPTIONS_KEPT = 1024


@dataclass
class AppState:
    settings: Settings
    backend: Backend
    ledger: Ledger
    queries: dict[str, NamedQuery]
    results: ResultCache
    shares: ClientShares  # each client's share of the query workers and its worker time
    # The answers computed ahead (embedded store only: see graph/precomputed), and the digests
    # of the texts of the queries that have them.
    precomputed: Precomputed | None = None
    precomputed_texts: frozenset[str] = frozenset()
    refresh_precomputed: Callable[[], None] = lambda: None  # after a change: compute them again
    names: NamesCache = field(default_factory=NamesCache)
    search: SearchIndexCache = field(default_factory=SearchIndexCache)
    answers: VersionedCache[Answer] = field(default_factory=lambda: VersionedCache(ANSWERS_KEPT))
    descriptions: VersionedCache[Description] = field(
        default_factory=lambda: VersionedCache(DESCRIPTIONS_KEPT)
    )
    statistics: StatisticsCache = field(default_factory=StatisticsCache)
    # The serialised VoID description, by statistics, dumps, host and format.
    void_bodies: dict[tuple[Any, ...], str] = field(default_factory=dict)
    # pyLODE's page of the ontology (seconds to make), by the ontology files and their times.
    ontology_page: LatestCache[str] = field(default_factory=LatestCache)
    # The /stats page by host (its JSON-LD names addresses): charting every sentence takes
    # seconds at 100k prosecutions, and the page is the same until the store changes.
    stats_pages: VersionedCache[str] = field(default_factory=lambda: VersionedCache(8))
    # When the store last changed (the feed's latest change), read once per revision.
    published_at: VersionedCache[tuple[datetime | None]] = field(
        default_factory=lambda: VersionedCache(1)
    )


def init_app(app: Flask, settings: Settings, backend: Backend) -> AppState:
    queries = load_queries(settings.content_dir / "queries")
    state = AppState(
        settings,
        backend,
        Ledger(settings.ledger_path),
        queries,
        ResultCache(settings.result_cache_mb << 20),
        ClientShares(Budget.from_settings(settings)),
        Precomputed(settings.data_dir) if settings.backend == "oxigraph" else None,
        frozenset(digest(q.text) for q in queries.values() if q.precompute is not None),
    )
    app.extensions[EXTENSION] = state
    return state


def state() -> AppState:
    """The running application's state."""
    found: AppState = current_app.extensions[EXTENSION]
    return found


def settings() -> Settings:
    return state().settings


def backend() -> Backend:
    return state().backend


def ledger() -> Ledger:
    return state().ledger


def shares() -> ClientShares:
    return state().shares


def catalogue() -> dict[str, NamedQuery]:
    """The named queries, by name."""
    return state().queries


def names() -> Names:
    """The names of everything named, for the store's current revision."""
    found = state()
    return found.names.get(found.backend, found.ledger)


def search_index() -> SearchIndex:
    """The search index of the current names."""
    return state().search.get(names())


def results() -> ResultCache:
    return state().results


def answers() -> VersionedCache[Answer]:
    return state().answers


def precomputed() -> Precomputed | None:
    return state().precomputed


def precomputed_texts() -> frozenset[str]:
    return state().precomputed_texts


def descriptions() -> VersionedCache[Description]:
    return state().descriptions


def statistics() -> tuple[tuple[Any, ...], Statistics]:
    """The store's statistics (VoID), and the key they were computed for."""
    found = state()
    return found.statistics.get(found.backend)


def void_bodies() -> dict[tuple[Any, ...], str]:
    return state().void_bodies


def ontology_page() -> LatestCache[str]:
    return state().ontology_page


def stats_pages() -> VersionedCache[str]:
    return state().stats_pages


def published_at() -> VersionedCache[tuple[datetime | None]]:
    return state().published_at


def warm_up(app: Flask) -> None:
    """Read the names and index them in the background, so that the first people to arrive
    (at a page, or at the search box) do not wait for it."""

    def run() -> None:
        try:
            with app.app_context():
                search_index()  # reads the names first
        except Exception:  # the first request will try again, and report it
            log.exception("reading the names in the background failed")

    threading.Thread(target=run, name="ppkg-names", daemon=True).start()
