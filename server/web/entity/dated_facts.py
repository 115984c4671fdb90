"""The dated facts of a person's prosecutions, for the timeline beside their events.

An event's date is the event's place in the timeline; every other date the sources state about a
prosecution, its cases, charges and sentences (the day of the act a charge is for: Aleksei
Gorinov's speech of 15 March 2022) is a timeline entry of its own, named by its property, with
the documents that state it. Only what a source states: a date the reasoner adds is left out.
"""

from __future__ import annotations

from pyoxigraph import Literal, NamedNode

from ...core.vocabulary import GRAPH_INFERRED, PPKG, RDFS
from ...graph.describe import Node
from ..page_text import date_sort_key, format_date
from .person import Event
from .reader import DATE_TYPES, Reader

# What hangs from a prosecution and can carry dates of its own.
PARTS = (PPKG + "case", PPKG + "charge", PPKG + "sentence")
EVENT_DATE = PPKG + "date"


def dated_facts(r: Reader, prosecutions: list[Node]) -> list[Event]:
    """A timeline entry for each date stated about the prosecutions and what hangs from them,
    or about their events other than the event's own date."""
    entries: list[Event] = []
    for pros in prosecutions:
        cases = r.d.objects(pros, PPKG + "case")
        parts = [pros, *(n for p in PARTS for n in r.d.objects(pros, p))]
        events = r.d.subjects(PPKG + "prosecution", pros)
        for node in dict.fromkeys([*parts, *events]):
            skip = EVENT_DATE if node in events else None
            entries += _dated(r, node, skip, cases if len(prosecutions) > 1 else [], node != pros)
    return entries


def _dated(
    r: Reader, node: Node, skip: str | None, cases: list[Node], with_comments: bool
) -> list[Event]:
    """`node`'s dates but `skip`; the first entry with the node's comments (what the act was),
    unless the page shows them already (a prosecution's, in its case)."""
    stated: dict[tuple[str, Literal], list[str]] = {}
    for quad in r.d.about(node):
        value, predicate = quad.object, quad.predicate.value
        if isinstance(value, Literal) and value.datatype.value in DATE_TYPES and predicate != skip:
            graph = quad.graph_name.value if isinstance(quad.graph_name, NamedNode) else ""
            stated.setdefault((predicate, value), []).append(graph)
    entries: list[Event] = []
    for (predicate, value), graphs in stated.items():
        if set(graphs) == {GRAPH_INFERRED}:
            continue
        kind = r.label(NamedNode(predicate))
        entries.append(
            Event(
                date=format_date(value, r.lang),
                sort_key=date_sort_key(value),
                kind=kind[:1].upper() + kind[1:],
                label=r.ref(node),
                details=[],
                comments=r.texts(node, RDFS + "comment") if with_comments and not entries else [],
                case=r.ref(cases[0]) if cases else None,
                sources=r.sources(g for g in graphs if g != GRAPH_INFERRED),
            )
        )
    return entries
