"""The submission service over HTTP: partners submit, reviewers list, accept and reject.

POST /submissions                     partner or reviewer: RDF in the body; 201 with the report
GET  /submissions                     a reviewer sees all, a partner their own
GET  /submissions/<id>                the record, its report and its history
GET  /submissions/<id>/raw            the bytes as they were sent
GET  /submissions/<id>/report         the SHACL report in Turtle
POST /submissions/<id>/accept|reject  reviewer only
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from flask import Blueprint, Response, jsonify, request, url_for

from ..core.media_types import RDF_FORMATS
from ..core.problem import Problem
from ..core.vocabulary import SUBMISSION
from ..store.ledger import Token
from ..submissions import publishing, staging, tokens
from ..submissions.resubmission import compare
from ..validation.validate import validate_against
from .budgets import client_key
from .context import backend, ledger, settings, shares, state

bp = Blueprint("submissions", __name__)
SUMMARY = "id, status, submitter, received, media_type, filename, decided_by, decided, reason"
STATUSES = (
    "received",
    "malformed",
    "unvalidated",
    "nonconforming",
    "pending",
    "accepted",
    "rejected",
)


def holder(role: str | None = None) -> Token:
    """Who sent the request, by the token in its Authorization header."""
    return tokens.authenticate(ledger(), request.headers.get("Authorization"), role)


@bp.post("/submissions")
def submit() -> Response:
    who = holder()
    request.max_content_length = settings().max_upload_bytes
    media_type = request.mimetype
    if media_type not in RDF_FORMATS:
        raise Problem(
            415, f"send RDF with a Content-Type of {', '.join(RDF_FORMATS)} (got {media_type!r})"
        )
    raw = request.get_data()
    if not raw.strip():
        raise Problem(400, "the submission is empty")
    replaces = request.args.get("replaces")
    if replaces is not None:
        _visible(replaces, who)  # one's own earlier submission, or 404 and nothing stored
    filename = request.args.get("filename")
    client = client_key()
    shares().check(client)  # a partner out of worker time is told before anything is stored
    sid = staging.receive(ledger(), raw, media_type, filename, who, replaces)
    try:
        content_dir = settings().content_dir
        limit = settings().validation_timeout
        staging.check(
            ledger(),
            sid,
            lambda data, kind, who: validate_against(
                backend(), data, kind, content_dir, limit, submitter=who, client=client
            ),
        )
    except Problem as exc:
        link = url_for(".record", sid=sid, _external=True)
        raise Problem(exc.status, f"{exc.message} (kept as {link})") from exc
    response = jsonify(_record(sid))
    response.status_code = 201
    response.headers["Location"] = url_for(".record", sid=sid, _external=True)
    return response


@bp.get("/submissions")
def listing() -> Response:
    who = holder()
    status = request.args.get("status")
    if status is not None and status not in STATUSES:
        raise Problem(400, f"status is one of {', '.join(STATUSES)}")
    # One query, without the raw bytes (up to the upload limit each): a summary needs their size.
    sql = f"SELECT {SUMMARY}, length(raw) AS bytes FROM submissions WHERE (? IS NULL OR status = ?)"
    args: list[Any] = [status, status]
    if who.role != "reviewer":
        sql += " AND submitter = ?"
        args.append(who.name)
    rows = ledger().rows(sql + " ORDER BY received, id", *args)
    return jsonify({"submissions": [_summary(r) for r in rows]})


@bp.get("/submissions/<sid>")
def record(sid: str) -> Response:
    _visible(sid, holder())
    return jsonify(_record(sid))


@bp.get("/submissions/<sid>/raw")
def raw(sid: str) -> Response:
    row = _visible(sid, holder())
    return Response(row["raw"], content_type=row["media_type"])


@bp.get("/submissions/<sid>/report")
def report(sid: str) -> Response:
    row = _visible(sid, holder())
    if row["report_turtle"] is None:
        raise Problem(404, f"submission {sid} has no SHACL report ({row['status']})")
    return Response(row["report_turtle"], content_type="text/turtle; charset=utf-8")


@bp.post("/submissions/<sid>/accept")
def accept(sid: str) -> Response:
    reviewer = holder(role="reviewer")
    publishing.decide(ledger(), sid, reviewer, "accepted", _reason())
    change = publishing.publish(ledger(), backend(), settings().content_dir, sid)
    state().refresh_precomputed()  # the answers computed ahead are now those of an older change
    body = _record(sid)
    body["change"] = url_for("changes.change", seq=change.seq, _external=True)
    return jsonify(body)


@bp.post("/submissions/<sid>/reject")
def reject(sid: str) -> Response:
    reviewer = holder(role="reviewer")
    publishing.decide(ledger(), sid, reviewer, "rejected", _reason())
    return jsonify(_record(sid))


def _reason() -> str | None:
    if request.is_json:
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            raise Problem(400, 'send JSON like {"reason": "..."}')
        reason = data.get("reason")
    else:
        reason = request.form.get("reason")
    return str(reason) if reason else None


def _row(sid: str) -> sqlite3.Row:
    row = ledger().row("SELECT *, length(raw) AS bytes FROM submissions WHERE id = ?", sid)
    if row is None:
        raise Problem(404, f"no submission {sid}")
    return row


def _visible(sid: str, who: Token) -> sqlite3.Row:
    """A partner sees only their own submissions; others' are answered as if absent."""
    row = _row(sid)
    if who.role != "reviewer" and row["submitter"] != who.name:
        raise Problem(404, f"no submission {sid}")
    return row


def _summary(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "url": url_for(".record", sid=row["id"], _external=True),
        "iri": SUBMISSION + row["id"],
        "status": row["status"],
        "submitter": row["submitter"],
        "received": row["received"],
        "media_type": row["media_type"],
        "filename": row["filename"],
        "bytes": row["bytes"],
        "decided_by": row["decided_by"],
        "decided": row["decided"],
        "reason": row["reason"],
    }


def _record(sid: str) -> dict[str, Any]:
    row = _row(sid)
    events = ledger().rows(
        "SELECT at, actor, action, note FROM events WHERE submission = ? ORDER BY seq", sid
    )
    body = {
        **_summary(row),
        "report": json.loads(row["report"]) if row["report"] else None,
        "history": [dict(e) for e in events],
        "links": {
            "raw": url_for(".raw", sid=sid, _external=True),
            "report": url_for(".report", sid=sid, _external=True),
        },
    }
    replaced = next((e["note"] for e in events if e["action"] == "replaces"), None)
    if replaced is not None:
        previous = _row(replaced)["report"]
        body["replaces"] = url_for(".record", sid=replaced, _external=True)
        body["compared"] = compare(json.loads(previous) if previous else None, body["report"])
    return body
