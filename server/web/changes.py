"""The change feed: an ActivityStreams 2.0 OrderedCollection of what was published, and when.

Each accepted submission is one activity whose patch (/changes/<seq>.nq) holds exactly the quads
it added; a release (the store rebuilt by `ppkg load`) tells harvesters to fetch the dumps again.
Page n holds changes (n-1)*PAGE_SIZE+1 .. n*PAGE_SIZE, so a full page never changes again and is
served as immutable; every response has an ETag and answers 304 when it matches.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, request, url_for

from ..core.problem import Problem
from ..core.vocabulary import ONTOLOGY, SUBMISSION
from ..store.ledger import Change
from .context import ledger

bp = Blueprint("changes", __name__)
PAGE_SIZE = 100
CONTEXT = [
    "https://www.w3.org/ns/activitystreams",
    {"ppkg": ONTOLOGY, "patch": {"@id": "ppkg:patch", "@type": "@id"}},
]
MEDIA_TYPE = "application/activity+json"


@bp.get("/changes")
def collection() -> Response:
    last = ledger().last_change()
    pages = max(1, -(-last // PAGE_SIZE))
    body = {
        "@context": CONTEXT,
        "id": url_for(".collection", _external=True),
        "type": "OrderedCollection",
        "summary": "What was published in ppkg, oldest first; follow `next` from your last page.",
        "totalItems": last,
        "first": _page_url(1),
        "last": _page_url(pages),
    }
    latest = ledger().change(last)
    return _answer(body, f"c{last}", False, latest.at if latest else None)


@bp.get("/changes/pages/<int:number>")
def page(number: int) -> Response:
    last = ledger().last_change()
    pages = max(1, -(-last // PAGE_SIZE))
    if not 1 <= number <= pages:
        raise Problem(404, f"no page {number}; the feed has {pages}")
    start = (number - 1) * PAGE_SIZE
    items = ledger().changes(after=start, limit=PAGE_SIZE)
    body: dict[str, Any] = {
        "@context": CONTEXT,
        "id": _page_url(number),
        "type": "OrderedCollectionPage",
        "partOf": url_for(".collection", _external=True),
        "startIndex": start,
        "orderedItems": [_activity(c) for c in items],
    }
    if number > 1:
        body["prev"] = _page_url(number - 1)
    if number < pages:
        body["next"] = _page_url(number + 1)
    full = len(items) == PAGE_SIZE
    return _answer(body, f"p{number}-{len(items)}", full, items[-1].at if items else None)


@bp.get("/changes/<int:seq>")
def change(seq: int) -> Response:
    found = ledger().change(seq)
    if found is None:
        raise Problem(404, f"no change {seq}")
    return _answer({"@context": CONTEXT, **_activity(found)}, f"a{seq}", True, found.at)


@bp.get("/changes/<int:seq>.nq")
def patch(seq: int) -> Response:
    found = ledger().change(seq)
    if found is None:
        raise Problem(404, f"no change {seq}")
    response = Response(found.added, content_type="application/n-quads")
    return _conditional(response, f"n{seq}", True, found.at)


def _activity(c: Change) -> dict[str, Any]:
    activity: dict[str, Any] = {
        "id": url_for(".change", seq=c.seq, _external=True),
        "type": "Update" if c.kind == "release" else "Add",
        "published": c.at,
    }
    if c.kind == "release":
        activity["summary"] = "The store was rebuilt from the content: fetch the dumps again."
        activity["object"] = url_for("dumps.index", _external=True)
        return activity
    activity["summary"] = f"Accepted submission {c.submission}"
    activity["object"] = [
        {"id": g[1:], "type": "Create" if g[0] == "+" else "Update"} for g in c.graphs
    ]
    activity["ppkg:submission"] = SUBMISSION + str(c.submission)
    activity["patch"] = url_for(".patch", seq=c.seq, _external=True)
    activity["ppkg:addedQuads"] = c.added.count(b"\n")
    return activity


def _page_url(number: int) -> str:
    return url_for(".page", number=number, _external=True)


def _answer(body: dict[str, Any], etag: str, immutable: bool, modified: str | None) -> Response:
    response = Response(
        json.dumps(body, ensure_ascii=False, indent=2),
        content_type=f"{MEDIA_TYPE}; charset=utf-8",
    )
    return _conditional(response, etag, immutable, modified)


def _conditional(response: Response, etag: str, immutable: bool, modified: str | None) -> Response:
    response.set_etag(etag)
    response.cache_control.public = True
    if immutable:
        response.cache_control.max_age = 31536000
        response.cache_control.immutable = True
    else:
        response.cache_control.no_cache = True
    if modified:
        response.last_modified = datetime.fromisoformat(modified)
    response.make_conditional(request)
    return response
