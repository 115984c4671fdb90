"""Accepting a submission: its quads, their provenance and what they entail, in one atomic write.

The order makes a crash harmless at any point:
1. the reviewer's decision is committed to the ledger;
2. the quads not yet in the store are found (by queries, so the same on every backend) and
   committed to the ledger as a change (the change feed's entry, and the record to replay);
3. the backend adds exactly those quads in one atomic step (`Backend.add`: one transaction of
   the embedded store, one update request to a remote engine).
On start, `recover` finishes whatever a crash interrupted: a change whose quads the store lacks is
applied again; a decision without a change is published. `ppkg load` replays every accepted
submission, so a rebuilt store holds them too.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    Quad,
    QueryResultsFormat,
    RdfFormat,
    Store,
    Triple,
    parse,
    parse_query_results,
    serialize,
)

from ..core.crash_points import crash_point
from ..core.problem import Problem
from ..core.vocabulary import (
    AGENT,
    GRAPH_INFERRED,
    GRAPH_ONTOLOGY,
    GRAPH_SUBMISSIONS,
    ONTOLOGY,
    PROV,
    RDFS,
    SUBMISSION,
    TYPE,
    XSD,
)
from ..graph.reasoning import infer
from ..store.base import Backend, QueryRequest
from ..store.ledger import Change, Ledger, Token, now
from ..validation.shapes import ontology_triples
from .staging import log, stored_quads

RDF_TYPE = NamedNode(TYPE)
RDFS_LABEL = NamedNode(RDFS + "label")
XSD_DATETIME = NamedNode(XSD + "dateTime")
SENSITIVE = NamedNode(ONTOLOGY + "sensitive")

# What each verdict may follow: a published submission is never un-published by a reject.
DECIDABLE = {
    "accepted": ("pending",),
    "rejected": ("received", "malformed", "unvalidated", "nonconforming", "pending"),
}
_publishing = threading.Lock()  # one accept at a time: each sees the store the last one left


def decide(ledger: Ledger, sid: str, reviewer: Token, verdict: str, reason: str | None) -> bool:
    """Commit a reviewer's decision; False if it was already taken (a retried request).

    Only a pending submission (it conforms) can be accepted; any not yet decided can be rejected,
    so that none stays undecided forever. 404 for no such submission, 409 otherwise.
    """
    with ledger.transaction() as db:
        row = db.execute("SELECT status FROM submissions WHERE id = ?", (sid,)).fetchone()
        if row is None:
            raise Problem(404, f"no submission {sid}")
        if row["status"] == verdict:
            return False
        if row["status"] not in DECIDABLE[verdict]:
            raise Problem(409, _undecidable(sid, row["status"], verdict))
        db.execute(
            "UPDATE submissions SET status = ?, decided_by = ?, decided = ?, reason = ?"
            " WHERE id = ?",
            (verdict, reviewer.name, now(), reason, sid),
        )
        log(db, sid, reviewer.name, verdict, reason)
    crash_point("decided")
    return True


def _undecidable(sid: str, status: str, verdict: str) -> str:
    if verdict == "accepted":
        return f"submission {sid} is {status}; only a pending (conforming) one can be accepted"
    return f"submission {sid} is {status} already; a decided submission stays decided"


def publish(ledger: Ledger, backend: Backend, content_dir: Path, sid: str) -> Change:
    """Put an accepted submission into the store (again, if a crash interrupted it)."""
    with _publishing:
        change = ledger.change_for(sid)
        if change is not None:
            _apply(backend, change)
            return change
        quads = _canonical(publication(ledger, sid))
        inferred = entailed(quads, content_dir, backend)
        return _commit(backend, ledger, sid, quads, inferred)


def recover(ledger: Ledger, backend: Backend, content_dir: Path) -> list[str]:
    """Publish accepted submissions a crash left out of the store; return their ids."""
    published = _published_submissions(backend)
    done = []
    for row in ledger.rows("SELECT id FROM submissions WHERE status = 'accepted' ORDER BY id"):
        if SUBMISSION + row["id"] not in published:
            publish(ledger, backend, content_dir, row["id"])
            done.append(row["id"])
    return done


def accepted_quads(ledger: Ledger) -> list[Quad]:
    """Every accepted submission's quads and provenance, for `ppkg load` to replay."""
    rows = ledger.rows(
        "SELECT s.id FROM submissions s LEFT JOIN changes c ON c.submission = s.id"
        " WHERE s.status = 'accepted' ORDER BY c.seq IS NULL, c.seq, s.id"
    )
    return [q for row in rows for q in publication(ledger, row["id"])]


def publication(ledger: Ledger, sid: str) -> list[Quad]:
    """The submission's quads, less sensitive graphs, plus its provenance."""
    quads = stored_quads(ledger, sid)
    hidden = {q.graph_name for q in quads if q.predicate == SENSITIVE and q.subject == q.graph_name}
    quads = [q for q in quads if q.graph_name not in hidden]
    return quads + provenance(
        ledger,
        sid,
        sorted({q.graph_name.value for q in quads if isinstance(q.graph_name, NamedNode)}),
    )


def provenance(ledger: Ledger, sid: str, graphs: list[str]) -> list[Quad]:
    """Who submitted, who accepted, when, and which source graphs it brought (PROV-O)."""
    row = ledger.row(
        "SELECT s.received, s.decided, a.name AS submitter, a.label AS submitter_label,"
        " r.name AS reviewer, r.label AS reviewer_label FROM submissions s"
        " JOIN tokens a ON a.name = s.submitter JOIN tokens r ON r.name = s.decided_by"
        " WHERE s.id = ?",
        sid,
    )
    assert row is not None
    entity, activity = NamedNode(SUBMISSION + sid), NamedNode(SUBMISSION + sid + "/acceptance")
    submitter, reviewer = NamedNode(AGENT + row["submitter"]), NamedNode(AGENT + row["reviewer"])
    triples = [
        (entity, RDF_TYPE, NamedNode(PROV + "Entity")),
        (entity, RDFS_LABEL, Literal(f"Submission {sid}", language="en")),
        (entity, NamedNode(PROV + "wasAttributedTo"), submitter),
        (entity, NamedNode(PROV + "generatedAtTime"), _time(row["received"])),
        (activity, RDF_TYPE, NamedNode(PROV + "Activity")),
        (activity, RDFS_LABEL, Literal(f"Acceptance of submission {sid}", language="en")),
        (activity, NamedNode(PROV + "used"), entity),
        (activity, NamedNode(PROV + "wasAssociatedWith"), reviewer),
        (activity, NamedNode(PROV + "endedAtTime"), _time(row["decided"])),
        (submitter, RDF_TYPE, NamedNode(PROV + "Agent")),
        (submitter, RDFS_LABEL, Literal(row["submitter_label"])),
        (reviewer, RDF_TYPE, NamedNode(PROV + "Agent")),
        (reviewer, RDFS_LABEL, Literal(row["reviewer_label"])),
    ]
    for graph in graphs:
        triples.append((NamedNode(graph), NamedNode(PROV + "wasDerivedFrom"), entity))
        triples.append((NamedNode(graph), NamedNode(PROV + "wasGeneratedBy"), activity))
    g = NamedNode(GRAPH_SUBMISSIONS)
    return [Quad(s, p, o, g) for s, p, o in triples]  # type: ignore[arg-type]


def _time(value: str) -> Literal:
    return Literal(value, datatype=XSD_DATETIME)


def entailed(quads: list[Quad], content_dir: Path, backend: Backend) -> list[Triple]:
    """What the ontology entails from `quads` together with the store's facts around them.

    The store is already closed under the rules, so what a new fact joins with is one step
    away: the facts about the IRIs it cites, and the facts pointing at the IRIs it describes.
    """
    scratch = Store()
    scratch.extend(
        Quad(t.subject, t.predicate, t.object, NamedNode(GRAPH_ONTOLOGY))
        for t in ontology_triples(content_dir)
    )
    scratch.extend(quads)
    scratch.extend(Quad(t.subject, t.predicate, t.object) for t in _neighbourhood(quads, backend))
    infer(scratch)
    return [
        q.triple for q in scratch.quads_for_pattern(None, None, None, NamedNode(GRAPH_INFERRED))
    ]


def _neighbourhood(quads: list[Quad], backend: Backend) -> list[Triple]:
    subjects = {q.subject for q in quads if isinstance(q.subject, NamedNode)}
    objects = {q.object for q in quads if isinstance(q.object, NamedNode)}
    if not subjects and not objects:
        return []
    out = " ".join(f"<{n.value}>" for n in sorted(objects, key=str))
    into = " ".join(f"<{n.value}>" for n in sorted(subjects, key=str))
    query = (
        "CONSTRUCT { ?s ?p ?o } WHERE {"
        f" {{ VALUES ?s {{ {out} }} ?s ?p ?o }} UNION {{ VALUES ?o {{ {into} }} ?s ?p ?o }} }}"
    )
    result = backend.execute(QueryRequest(query, None, "application/n-triples"))
    return [q.triple for q in parse(result.read(), RdfFormat.N_TRIPLES)]


def _commit(
    backend: Backend, ledger: Ledger, sid: str, quads: list[Quad], inferred: list[Triple]
) -> Change:
    """Record the quads the store lacks as a change, then add them; one accept at a time (the
    caller holds `_publishing`), so nothing else writes between the two."""
    unique = list(dict.fromkeys(quads))
    held = _held_quads(backend, unique)
    added = [q for q in unique if q not in held]
    stated = {q.triple for q in quads}
    candidates = [t for t in dict.fromkeys(inferred) if t not in stated]
    anywhere = _held_triples(backend, candidates)
    graph = NamedNode(GRAPH_INFERRED)
    added += [
        Quad(t.subject, t.predicate, t.object, graph) for t in candidates if t not in anywhere
    ]
    known = backend.graph_names()
    graphs = [
        ("~" if g.value in known else "+") + g.value
        for g in sorted(
            {q.graph_name for q in added if isinstance(q.graph_name, NamedNode)}, key=str
        )
    ]
    body = serialize(added, format=RdfFormat.N_QUADS)
    with ledger.transaction() as db:
        db.execute(
            "INSERT INTO changes (at, kind, submission, graphs, added)"
            " VALUES (?, 'submission', ?, ?, ?)",
            (now(), sid, "\n".join(graphs), body),
        )
        log(db, sid, "publisher", "published", f"{len(added)} quads")
    change = ledger.change_for(sid)
    assert change is not None
    crash_point("recorded")
    backend.add(added)  # atomic: all of the change or none of it
    crash_point("extended")
    return change


def _canonical(quads: list[Quad]) -> list[Quad]:
    """The quads as the store will hold them ("18.020Z" is stored as "18.02Z"), so that the
    patch a harvester applies is exactly what the store gained."""
    scratch = Store()
    scratch.extend(quads)
    return list(scratch)


# Rows per VALUES block: engines parse large ones slowly, or not at all (Virtuoso).
BATCH = 200


def _held_quads(backend: Backend, quads: list[Quad]) -> set[Quad]:
    """Which of `quads` the store holds (blank nodes cannot be looked up: taken as absent)."""
    rows = [
        (q.subject, q.predicate, q.object, q.graph_name)
        for q in quads
        if isinstance(q.graph_name, NamedNode) and not _has_blank_node(q.subject, q.object)
    ]
    pattern = "GRAPH ?g { ?s ?p ?o }"
    return {Quad(*row) for row in _held(backend, rows, ["?s", "?p", "?o", "?g"], pattern)}


def _held_triples(backend: Backend, triples: list[Triple]) -> set[Triple]:
    """Which of `triples` the store states in any graph."""
    rows = [
        (t.subject, t.predicate, t.object)
        for t in triples
        if not _has_blank_node(t.subject, t.object)
    ]
    return {Triple(*row) for row in _held(backend, rows, ["?s", "?p", "?o"], "?s ?p ?o")}


def _held(
    backend: Backend, rows: list[tuple[Any, ...]], names: list[str], pattern: str
) -> set[tuple[Any, ...]]:
    """Which `rows` (terms for `names`, the object third) `pattern` matches, looked up by VALUES
    in batches. A row with a literal object is looked up without it and the objects compared
    here: an engine may match a literal in VALUES otherwise than it stores it (Virtuoso misses
    language-tagged ones)."""
    wanted = set(rows)
    found: set[tuple[Any, ...]] = set()
    exact = [r for r in rows if not isinstance(r[2], Literal)]
    loose = list(dict.fromkeys(r[:2] + r[3:] for r in rows if isinstance(r[2], Literal)))
    keyed = [n for n in names if n != "?o"]
    for batch, variables in ((exact, names), (loose, keyed)):
        for i in range(0, len(batch), BATCH):
            values = " ".join(f"({' '.join(map(str, r))})" for r in batch[i : i + BATCH])
            query = (
                f"SELECT DISTINCT {' '.join(names)} WHERE"
                f" {{ VALUES ({' '.join(variables)}) {{ {values} }} {pattern} }}"
            )
            found.update(r for row in _select(backend, query) if (r := tuple(row)) in wanted)
    return found


def _has_blank_node(*terms: object) -> bool:
    return any(isinstance(t, BlankNode) for t in terms)


def _select(backend: Backend, query: str) -> list[list[Any]]:
    result = backend.execute(QueryRequest(query, "text/tab-separated-values", None))
    solutions = parse_query_results(result.read(), QueryResultsFormat.TSV)
    return [list(s) for s in solutions]  # type: ignore[union-attr]


def _apply(backend: Backend, change: Change) -> None:
    """Add a recorded change again, unless the store already has it (its provenance marker)."""
    marker = (
        f"ASK {{ GRAPH <{GRAPH_SUBMISSIONS}> {{"
        f" <{SUBMISSION}{change.submission}> a <{PROV}Entity> }} }}"
    )
    result = backend.execute(QueryRequest(marker, "application/sparql-results+json", None))
    if not json.loads(result.read())["boolean"]:
        backend.add(list(parse(change.added, RdfFormat.N_QUADS)))


def _published_submissions(backend: Backend) -> set[str]:
    query = (
        f"SELECT ?s WHERE {{ GRAPH <{GRAPH_SUBMISSIONS}> {{ ?s a <{PROV}Entity> ;"
        f" <{PROV}wasAttributedTo> ?a }} }}"
    )
    body = backend.execute(QueryRequest(query, "text/tab-separated-values", None)).read()
    return {line.strip("<>") for line in body.decode().splitlines()[1:]}
