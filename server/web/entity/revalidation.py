"""Conditional requests on entity IRIs, as the dumps and the change feed answer them.

A harvester that mirrored pages revalidates them: each answer (every format and language) has a
strong `ETag`, a digest of its content type and bytes, so that it changes exactly when the
representation does (and a change elsewhere in the store leaves it alone), and `Last-Modified`,
the time of the store's latest change (the change feed's last release or accepted submission).
`If-None-Match` and `If-Modified-Since` get 304 when they match (the ETag first, as HTTP says).
"""

from __future__ import annotations

from datetime import datetime

from flask import Response

from .. import context
from ..dumps import body_hash, conditional


def published_at() -> datetime | None:
    """When the store last changed, read from the ledger once per store revision.

    Read before the answer is made: an accept records its change while the store is being
    written, so a time read afterwards could be newer than an answer kept from before it.
    """
    times, backend = context.published_at(), context.backend()
    found = times.get(backend, ())
    if found is None:
        row = context.ledger().row("SELECT at FROM changes ORDER BY seq DESC LIMIT 1")
        found = (datetime.fromisoformat(row["at"]) if row else None,)
        times.put(backend, (), found)
    return found[0]


def revalidated(response: Response, modified: datetime | None) -> Response:
    """A 200 answer with its ETag and Last-Modified, or a 304 when the client's copy is current."""
    if response.status_code != 200:
        return response
    representation = (response.content_type or "").encode() + b"\n" + response.get_data()
    return conditional(response, body_hash(representation), modified)
