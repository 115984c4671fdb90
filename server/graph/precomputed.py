"""Answers computed ahead: the headline named queries, for every binding the site offers.

Oxigraph on disk spends seconds joining 16,000 prosecutions, Virtuoso one; no query shape
changes that by ten. But the data changes only on `ppkg load` and on an accepted submission,
each the change feed's latest entry in the ledger, so a named query with a `#+ precompute:`
header is run ahead (its own text, with each combination of the values listed there, through
the store like any request) and its SPARQL JSON answer kept here with the change it was computed
at. It is served only while that change is still the latest: an accept makes every kept answer
old at once, and the plain query answers until the answers are computed again.

The answers live in SQLite beside the store (`precomputed.sqlite`), so a restart serves them at
once. Only the embedded store is covered: its ledger is the one writer, so the latest change
names the store's content; two servers over one remote engine each have their own.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..core.named_queries import ARTICLES, NamedQuery
from ..core.vocabulary import LAW_ARTICLE, Term
from ..store.base import Backend, QueryRequest

log = logging.getLogger(__name__)
FILE = "precomputed.sqlite"
SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    query TEXT NOT NULL,  -- sha256 of the query's text
    bound TEXT NOT NULL,  -- bound_key of its bindings
    change INTEGER NOT NULL,  -- the ledger's latest change when it was computed
    body BLOB NOT NULL,  -- SPARQL JSON results
    PRIMARY KEY (query, bound)
)"""
JSON_RESULTS = "application/sparql-results+json"  # what is kept: any tabular type is made from it
ARTICLE_LIST = "SELECT DISTINCT ?a WHERE { ?a a <https://w3id.org/ppkg/ontology#Article> }"
ARTICLE_NUMBER = re.compile(r"\d{1,3}(\.\d{1,2})?")


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def bound_key(bindings: dict[str, Term]) -> str:
    """The bindings in one canonical line (terms in their N-Triples form)."""
    return "\n".join(f"{name}={term}" for name, term in sorted(bindings.items(), key=str))


class Precomputed:
    """The kept answers: read by the web process, written by `compute`."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / FILE
        self._local = threading.local()

    def _db(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(SCHEMA)
            self._local.db = db
        return db

    def get(self, text: str, bindings: dict[str, Term], change: int) -> bytes | None:
        """The answer to `text` with `bindings` computed at `change`, if there is one."""
        row = (
            self._db()
            .execute(
                "SELECT body FROM answers WHERE query = ? AND bound = ? AND change = ?",
                (digest(text), bound_key(bindings), change),
            )
            .fetchone()
        )
        return None if row is None else bytes(row[0])

    def keep(self, text: str, bindings: dict[str, Term], change: int, body: bytes) -> None:
        self._db().execute(
            "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?)",
            (digest(text), bound_key(bindings), change, body),
        )

    def has(self, text: str, bindings: dict[str, Term], change: int) -> bool:
        row = self._db().execute(
            "SELECT 1 FROM answers WHERE query = ? AND bound = ? AND change = ?",
            (digest(text), bound_key(bindings), change),
        )
        return row.fetchone() is not None

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None


def bindings_to_compute(
    queries: Iterable[NamedQuery], articles: list[str]
) -> Iterator[tuple[NamedQuery, dict[str, Term]]]:
    """Each precomputed query with each combination of its listed values (defaults filled in,
    duplicates left out)."""
    for query in queries:
        if query.precompute is None:
            continue
        names = [name for name, _ in query.precompute]
        domains = [articles if vs == (ARTICLES,) else list(vs) for _, vs in query.precompute]
        seen: set[str] = set()
        for values in itertools.product(*domains):
            bindings = query.bind(dict(zip(names, values, strict=True)))
            if bound_key(bindings) not in seen:
                seen.add(bound_key(bindings))
                yield query, bindings


def articles(backend: Backend) -> list[str]:
    """The numbers of the articles the store holds (as the `article` parameter takes them)."""
    body = backend.execute(QueryRequest(ARTICLE_LIST, "text/tab-separated-values", None)).read()
    numbers = []
    for line in body.decode().splitlines()[1:]:
        iri = line.strip().removeprefix("<").removesuffix(">")
        number = iri.removeprefix(LAW_ARTICLE)
        if iri.startswith(LAW_ARTICLE) and ARTICLE_NUMBER.fullmatch(number):
            numbers.append(number)
    return sorted(numbers)


def compute(
    backend: Backend,
    queries: Iterable[NamedQuery],
    kept: Precomputed,
    latest_change: Callable[[], int],
    parallel: int = 1,
) -> tuple[int, int]:
    """Compute the precomputed answers the latest change lacks: that change, and how many were
    computed. Work for a change that a newer one overtook stops: it would never be served."""
    change = latest_change()
    work = [
        (query, bindings)
        for query, bindings in bindings_to_compute(queries, articles(backend))
        if not kept.has(query.text, bindings, change)
    ]

    def one(item: tuple[NamedQuery, dict[str, Term]]) -> bool:
        if latest_change() != change:
            return False
        query, bindings = item
        body = backend.execute(QueryRequest(query.text, JSON_RESULTS, None, bindings=bindings))
        kept.keep(query.text, bindings, change, body.read())
        return True

    with ThreadPoolExecutor(max(parallel, 1), thread_name_prefix="ppkg-precompute") as pool:
        return change, sum(pool.map(one, work))
