"""A legal provision's page: its number, parts and entry into force, and everyone charged
under it (or a part of it), a page of prosecutions at a time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...core.vocabulary import DCTERMS, ELI, PPKG, RDFS
from ...graph.describe import LISTED
from .reader import Fact, Reader, Ref, Sources


@dataclass
class Charged:
    person: Ref
    cases: list[Ref]
    charge: Ref
    provisions: list[Ref]
    sources: Sources


def article_view(r: Reader) -> dict[str, Any]:
    x = r.d.iri

    def facts(predicate: str) -> list[Fact]:
        return [Fact(r.ref(v), r.stated(x, predicate, v)) for v in r.d.objects(x, predicate)]

    return {
        "number": facts(ELI + "number"),
        "part_of": facts(ELI + "is_part_of"),
        "in_force": facts(ELI + "first_date_entry_in_force"),
        "introduced": facts(PPKG + "introducedIn"),
        "descriptions": r.texts(x, RDFS + "comment", DCTERMS + "description"),
        "parts": [r.ref(p) for p in r.d.subjects(ELI + "is_part_of", x)],
        "charged": charged_under(r),
        "count": r.d.charged,
        "pages": pages(r.d.charged),
    }


def pages(count: int) -> list[int]:
    """The page numbers of a listing of `count` prosecutions, when it needs more than one."""
    total = -(-count // LISTED)
    return list(range(1, total + 1)) if total > 1 else []


def charged_under(r: Reader) -> list[Charged]:
    """Who is charged under the provision (or a part of it), in which case, with which charge."""
    rows = []
    for charge in r.d.subjects(PPKG + "underArticle", r.d.iri):
        provisions = r.refs(charge, PPKG + "provision")
        for pros in r.d.subjects(PPKG + "charge", charge):
            graphs = r.d.sources(pros, PPKG + "charge", charge)
            graphs += r.d.sources(charge, PPKG + "provision")
            for person in r.d.objects(pros, PPKG + "defendant"):
                rows.append(
                    Charged(
                        r.ref(person),
                        r.refs(pros, PPKG + "case"),
                        r.ref(charge),
                        provisions,
                        r.sources(graphs),
                    )
                )
    return sorted(rows, key=lambda c: (c.person.text.lower(), c.person.href or ""))
