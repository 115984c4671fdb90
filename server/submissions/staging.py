"""Receiving a submission: keep the raw bytes first, then parse and validate them.

Nothing here touches the public store: a submission waits in the ledger until a reviewer decides.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import sqlite3
from datetime import UTC, datetime

from pyoxigraph import BlankNode, NamedNode, Quad, RdfFormat, parse, serialize

from ..core.problem import Problem
from ..core.vocabulary import BASE, SUBMISSION
from ..store.ledger import Ledger, Token, now
from ..validation.validate import Validator, parse_rdf

GENID = BASE + ".well-known/genid/"


def new_id() -> str:
    """Sortable by time, unguessable by others: 20261123-121500-3f9a2c1d."""
    return f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{secrets.token_hex(4)}"


def receive(
    ledger: Ledger,
    raw: bytes,
    media_type: str,
    filename: str | None,
    submitter: Token,
    replaces: str | None = None,
) -> str:
    """Store the submission durably before anything else looks at it; return its id."""
    sid = new_id()
    at = now()
    with ledger.transaction() as db:
        db.execute(
            "INSERT INTO submissions (id, submitter, received, media_type, filename, raw, status)"
            " VALUES (?, ?, ?, ?, ?, ?, 'received')",
            (sid, submitter.name, at, media_type, filename, raw),
        )
        log(db, sid, submitter.name, "received", f"{len(raw)} bytes of {media_type}", at)
        if replaces is not None:
            log(db, sid, submitter.name, "replaces", replaces, at)
    return sid


def check(ledger: Ledger, sid: str, validator: Validator) -> str:
    """Parse and validate a received submission; return its new status.

    Malformed input is kept with its error, and one whose validation ran past the time limit as
    `unvalidated` (the Problem is raised again for the response).
    """
    row = ledger.row("SELECT raw, media_type, submitter FROM submissions WHERE id = ?", sid)
    assert row is not None
    try:
        quads = parse_rdf(row["raw"], row["media_type"], "the submission")
    except Problem as exc:
        _finish(ledger, sid, "malformed", json.dumps({"error": exc.message}), None, None)
        raise
    try:
        report = validator(row["raw"], row["media_type"], row["submitter"])
    except Problem as exc:
        _finish(ledger, sid, "unvalidated", json.dumps({"error": exc.message}), None, None)
        raise
    status = "pending" if report.conforms else "nonconforming"
    summary = json.dumps(report.summary(), ensure_ascii=False)
    normal = serialize(normalize(quads, sid), format=RdfFormat.N_QUADS)
    _finish(ledger, sid, status, summary, report.graph.serialize(format="turtle"), normal)
    return status


def check_received(ledger: Ledger, validator: Validator) -> int:
    """Validate what a crash left received but unchecked; return how many."""
    rows = ledger.rows("SELECT id FROM submissions WHERE status = 'received' ORDER BY id")
    for row in rows:
        with contextlib.suppress(Problem):  # a malformed one is recorded as such
            check(ledger, row["id"], validator)
    return len(rows)


def _finish(
    ledger: Ledger,
    sid: str,
    status: str,
    report: str,
    turtle: str | None,
    quads: bytes | None,
) -> None:
    with ledger.transaction() as db:
        db.execute(
            "UPDATE submissions SET status = ?, report = ?, report_turtle = ?, quads = ?"
            " WHERE id = ? AND status = 'received'",
            (status, report, turtle, quads, sid),
        )
        log(db, sid, "validator", status, None)


def normalize(quads: list[Quad], sid: str) -> list[Quad]:
    """Quads to publish: default-graph triples into the submission's own graph, and blank nodes
    skolemised to stable IRIs, so that replaying a submission gives the very same quads."""
    own_graph = NamedNode(SUBMISSION + sid)
    names: dict[str, NamedNode] = {}

    def fix(term: object) -> object:
        if isinstance(term, BlankNode):
            return names.setdefault(term.value, NamedNode(f"{GENID}{sid}-{len(names) + 1}"))
        return term

    return [
        Quad(
            fix(q.subject),  # type: ignore[arg-type]
            q.predicate,
            fix(q.object),  # type: ignore[arg-type]
            q.graph_name if isinstance(q.graph_name, NamedNode) else own_graph,
        )
        for q in quads
    ]


def stored_quads(ledger: Ledger, sid: str) -> list[Quad]:
    row = ledger.row("SELECT quads FROM submissions WHERE id = ?", sid)
    if row is None or row["quads"] is None:
        return []
    return list(parse(row["quads"], RdfFormat.N_QUADS))


def log(
    db: sqlite3.Connection, sid: str, actor: str, action: str, note: str | None, at: str = ""
) -> None:
    db.execute(
        "INSERT INTO events (submission, at, actor, action, note) VALUES (?, ?, ?, ?, ?)",
        (sid, at or now(), actor, action, note),
    )
