"""The ledger: tokens, submissions, their history and the published changes, in SQLite.

SQLite in WAL mode with synchronous=FULL makes every committed row survive a crash or a kill,
which is what "nothing submitted is ever lost" rests on. The public store never sees this file.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SQLITE_MAX_INTEGER = 2**63 - 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS tokens (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('partner', 'reviewer')),
    label TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    created TEXT NOT NULL,
    revoked TEXT
);
CREATE TABLE IF NOT EXISTS submissions (
    id TEXT PRIMARY KEY,
    submitter TEXT NOT NULL,
    received TEXT NOT NULL,
    media_type TEXT NOT NULL,
    filename TEXT,
    raw BLOB NOT NULL,
    status TEXT NOT NULL,
    quads BLOB,
    report TEXT,
    report_turtle TEXT,
    decided_by TEXT,
    decided TEXT,
    reason TEXT
);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    submission TEXT NOT NULL REFERENCES submissions(id),
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    note TEXT
);
CREATE TABLE IF NOT EXISTS changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('submission', 'release')),
    submission TEXT REFERENCES submissions(id),
    graphs TEXT NOT NULL,  -- a line per graph: +IRI created, ~IRI updated
    added BLOB NOT NULL
);
"""


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Token:
    name: str
    role: str
    label: str


@dataclass(frozen=True)
class Change:
    seq: int
    at: str
    kind: str
    submission: str | None
    graphs: list[str]  # "+IRI" for a graph the change created, "~IRI" for one it added to
    added: bytes


class Ledger:
    """One SQLite file under the data directory; a connection per thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._connection().executescript(SCHEMA)  # idempotent; commits by itself

    def _connection(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA foreign_keys=ON")
            self._local.db = db
        return db

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT: writers queue up instead of failing half-way."""
        db = self._connection()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def rows(self, sql: str, *args: Any) -> list[sqlite3.Row]:
        return self._connection().execute(sql, args).fetchall()

    def row(self, sql: str, *args: Any) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self._connection().execute(sql, args).fetchone()
        return row

    def changes(self, after: int = 0, limit: int = 1000) -> list[Change]:
        rows = self.rows("SELECT * FROM changes WHERE seq > ? ORDER BY seq LIMIT ?", after, limit)
        return [_change(r) for r in rows]

    def change(self, seq: int) -> Change | None:
        if not 0 < seq <= SQLITE_MAX_INTEGER:  # no change has that number (SQLite cannot bind it)
            return None
        row = self.row("SELECT * FROM changes WHERE seq = ?", seq)
        return None if row is None else _change(row)

    def change_for(self, submission: str) -> Change | None:
        row = self.row("SELECT * FROM changes WHERE submission = ?", submission)
        return None if row is None else _change(row)

    def release(self) -> int:
        """Record that the store was rebuilt from the content: harvesters fetch the dumps again."""
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT INTO changes (at, kind, graphs, added) VALUES (?, 'release', '', x'')",
                (now(),),
            )
        return int(cursor.lastrowid or 0)

    def last_change(self) -> int:
        row = self.row("SELECT max(seq) AS seq FROM changes")
        return int(row["seq"] or 0) if row else 0


def _change(row: sqlite3.Row) -> Change:
    graphs = [g for g in row["graphs"].split("\n") if g]
    return Change(row["seq"], row["at"], row["kind"], row["submission"], graphs, row["added"])
