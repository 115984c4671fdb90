"""Where an answer gives only part of a result, it says so, in its body and in a header.

    X-PPKG-Truncated: rows=1000
    X-PPKG-Truncated: linked-from=500, cases-handled=500

names each part cut short and how many of it the answer gives (a dictionary of RFC 8941
structured fields). The caps: the query page's table (`rows`, or `triples`), the search
results (`results`), and an entity page's listings (`linked-from`, `cases-handled`, `parts`,
and `charged` for one page of those charged under an article). A listing that stopped at its cap
may hold exactly that many; the header says only that no more were read. /sparql and the named
queries cap nothing: a result cut short by the time limit once it has started is aborted (the
client sees the transfer fail), never ended as if whole (server/store/workers.py).
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Response

from ..core.vocabulary import ELI, PPKG
from ..graph.describe import LISTED, Description

HEADER = "X-PPKG-Truncated"


def mark(response: Response, cut: Mapping[str, int]) -> Response:
    if cut:
        response.headers[HEADER] = ", ".join(f"{what}={n}" for what, n in cut.items())
    return response


def entity_listings(description: Description, template: str) -> dict[str, int]:
    """The listings of an entity page (by its template) that stopped at their cap."""
    d, x = description, description.iri
    cut: dict[str, int] = {}
    if template == "entity.html" and len({q.subject for q in d.linking(x)}) >= LISTED:
        cut["linked-from"] = LISTED
    if template == "official.html":
        holdings = d.subjects(PPKG + "holder", x)
        orgs = {o for h in holdings for o in d.objects(h, PPKG + "organisation")}
        if len({e for org in orgs for e in d.subjects(PPKG + "court", org)}) >= LISTED:
            cut["cases-handled"] = LISTED
    if template == "article.html":
        if len(d.subjects(ELI + "is_part_of", x)) >= LISTED:
            cut["parts"] = LISTED
        if d.charged > LISTED:
            cut["charged"] = LISTED
    return cut
