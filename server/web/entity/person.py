"""A person's page: names in both scripts, recognitions, cases and charges, sentences and how
they changed, a timeline, places of detention, posts held and campaigns; an official's page (a
person who holds a post and is not prosecuted) is made from the same view."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pyoxigraph import Literal

from ...core.paths import href
from ...core.vocabulary import PPKG, RDFS, SCHEMA
from ...graph.describe import Node
from ..page_text import format_duration
from .reader import Fact, Reader, Ref, Sources

CYRILLIC = re.compile(r"[\u0400-\u04FF]")


@dataclass
class Event:
    date: str | None
    sort_key: str
    kind: str
    label: Ref
    details: list[tuple[str, Ref]]
    comments: list[Ref]
    case: Ref | None
    sources: Sources


@dataclass
class SentenceVersion:
    term: str | None
    penalty: list[Ref]
    imposed_by: list[tuple[Ref, str | None]]
    upheld_by: list[tuple[Ref, str | None]]
    replaces: Ref | None
    label: Ref
    sources: Sources


@dataclass
class CaseBlock:
    prosecution: Ref
    case: list[Ref]
    charges: list[Fact]
    themes: list[Ref]
    sentences: list[SentenceVersion]
    comments: list[Ref]
    sources: Sources


PERSON_LINKS = {
    PPKG + p for p in ("defendant", "recognised", "holder", "campaignFor", "target", "concerns")
}


def names_of(r: Reader) -> dict[str, list[Fact]]:
    """The person's names and other names, by script."""
    scripts: dict[str, list[Fact]] = {"latin": [], "cyrillic": []}
    for predicate in (SCHEMA + "name", SCHEMA + "alternateName"):
        for value in r.d.objects(r.d.iri, predicate):
            if not isinstance(value, Literal):
                continue
            script = "cyrillic" if CYRILLIC.search(value.value) else "latin"
            tag = Ref(value.language or "", None)
            scripts[script].append(
                Fact(
                    Ref(value.value, lang=value.language),
                    r.stated(r.d.iri, predicate, value),
                    [tag],
                )
            )
    return scripts


def recognitions(r: Reader) -> list[Fact]:
    """Statuses recognised (prisoner of conscience...), by whom and when."""
    facts = []
    for node in r.d.subjects(PPKG + "recognised", r.d.iri):
        statuses = r.refs(node, PPKG + "status") or [r.ref(node)]
        extra = [
            Ref(f"{r.text['recognised_by']} {x.text}", x.href)
            for x in r.refs(node, PPKG + "recognisedBy")
        ]
        date, _ = r.date(node)
        withdrawn, _ = r.date(node, PPKG + "withdrawn")
        extra += [Ref(date)] if date else []
        extra += [Ref(f"{r.text['withdrawn']} {withdrawn}")] if withdrawn else []
        facts.append(Fact(statuses[0], r.stated(node, PPKG + "recognised", r.d.iri), extra))
    return facts


def case_blocks(r: Reader) -> list[CaseBlock]:
    blocks = []
    for pros in r.d.subjects(PPKG + "defendant", r.d.iri):
        blocks.append(
            CaseBlock(
                prosecution=r.ref(pros),
                case=r.refs(pros, PPKG + "case"),
                charges=[_charge(r, pros, c) for c in r.d.objects(pros, PPKG + "charge")],
                themes=r.refs(pros, PPKG + "theme"),
                sentences=sentence_versions(r, pros),
                comments=r.texts(pros, RDFS + "comment"),
                sources=r.stated(pros, PPKG + "defendant", r.d.iri),
            )
        )
    return blocks


def _charge(r: Reader, pros: Node, charge: Node) -> Fact:
    provisions = r.refs(charge, PPKG + "provision") or [Ref(r.text["no_article"])]
    graphs = r.d.sources(pros, PPKG + "charge", charge) + r.d.sources(charge, PPKG + "provision")
    return Fact(r.ref(charge), r.sources(graphs), provisions)


def sentence_versions(r: Reader, pros: Node) -> list[SentenceVersion]:
    """Every version of the sentence, each after the one it replaces."""
    nodes = r.d.objects(pros, PPKG + "sentence")
    ordered: list[Node] = []
    while len(ordered) < len(nodes):
        ready = [
            n
            for n in nodes
            if n not in ordered
            and all(p in ordered or p not in nodes for p in r.d.objects(n, PPKG + "replaces"))
        ]
        ordered += ready or [n for n in nodes if n not in ordered]  # a cycle: keep them all
    return [_version(r, node) for node in ordered]


def _version(r: Reader, node: Node) -> SentenceVersion:
    term = r.d.value(node, PPKG + "term")
    replaces = r.d.value(node, PPKG + "replaces")
    return SentenceVersion(
        term=format_duration(term, r.lang) if isinstance(term, Literal) else None,
        penalty=r.refs(node, PPKG + "penaltyType") + r.refs(node, PPKG + "regime"),
        imposed_by=[(r.ref(e), r.date(e)[0]) for e in r.d.objects(node, PPKG + "imposedBy")],
        upheld_by=[(r.ref(e), r.date(e)[0]) for e in r.d.objects(node, PPKG + "upheldBy")],
        replaces=r.ref(replaces) if replaces is not None else None,
        label=r.ref(node),
        sources=r.introduced(node),
    )


def timeline(r: Reader) -> list[Event]:
    """The events of the person's prosecutions and those said to concern them, and the other
    dates stated about the prosecutions (`dated_facts`), in time order."""
    prosecutions = r.d.subjects(PPKG + "defendant", r.d.iri)
    nodes = [e for p in prosecutions for e in r.d.subjects(PPKG + "prosecution", p)]
    nodes += r.d.subjects(PPKG + "concerns", r.d.iri)
    events = [_event(r, node, prosecutions) for node in dict.fromkeys(nodes)]
    from .dated_facts import dated_facts  # here: it builds on this module's Event

    events += dated_facts(r, prosecutions)
    return sorted(events, key=lambda e: e.sort_key)


def _event(r: Reader, node: Node, prosecutions: list[Node]) -> Event:
    date, key = r.date(node)
    details = [(r.text["court"], x) for x in r.refs(node, PPKG + "court")]
    details += [(r.text["transferred_to"], x) for x in r.refs(node, PPKG + "transferredTo")]
    mine = [p for p in r.d.objects(node, PPKG + "prosecution") if p in prosecutions]
    cases = [c for p in mine for c in r.d.objects(p, PPKG + "case")]
    return Event(
        date=date,
        sort_key=key,
        kind=r.kind_label(node),
        label=r.ref(node),
        details=details,
        comments=r.texts(node, RDFS + "comment"),
        case=r.ref(cases[0]) if len(prosecutions) > 1 and cases else None,
        sources=r.introduced(node),
    )


def detention(r: Reader) -> list[Fact]:
    return [
        Fact(r.ref(place), r.stated(r.d.iri, PPKG + "detainedAt", place))
        for place in r.d.objects(r.d.iri, PPKG + "detainedAt")
    ]


def holdings(r: Reader) -> list[Fact]:
    facts = []
    for node in r.d.subjects(PPKG + "holder", r.d.iri):
        extra = r.refs(node, PPKG + "organisation")
        for predicate in ("start", "end"):
            date, _ = r.date(node, PPKG + predicate)
            if date:
                extra.append(Ref(f"{predicate}: {date}"))
        if any(
            isinstance(v, Literal) and v.value == "true" for v in r.d.objects(node, PPKG + "former")
        ):
            extra.append(Ref(r.text["former"]))
        posts = r.refs(node, PPKG + "post") or [r.ref(node)]
        facts.append(Fact(posts[0], r.stated(node, PPKG + "holder", r.d.iri), extra))
    return facts


def cases_handled(r: Reader) -> list[Fact]:
    """Prosecutions with an event whose court is an organisation the official holds a post in."""
    facts = []
    for holding in r.d.subjects(PPKG + "holder", r.d.iri):
        for org in r.d.objects(holding, PPKG + "organisation"):
            for event in r.d.subjects(PPKG + "court", org):
                date, _ = r.date(event)
                for pros in r.d.objects(event, PPKG + "prosecution"):
                    extra = [*r.refs(pros, PPKG + "defendant"), r.ref(event), r.ref(org)]
                    if date:
                        extra.append(Ref(date))
                    cases = r.refs(pros, PPKG + "case") or [r.ref(pros)]
                    facts.append(Fact(cases[0], r.stated(event, PPKG + "court", org), extra))
    return facts


def campaigns(r: Reader, predicate: str, others: str, others_text: str) -> list[Fact]:
    """Actions for the person (others: their targets) or addressed to them (others: for whom)."""
    facts = []
    me = href(r.d.iri.value, r.base)
    for node in r.d.subjects(predicate, r.d.iri):
        extra = [
            Ref(f"{r.text[others_text]} {x.text}", x.href)
            for x in r.refs(node, others)
            if x.href != me
        ]
        extra += [Ref(f"{r.text['by']} {x.text}", x.href) for x in r.refs(node, PPKG + "actor")]
        for label, key in ((None, PPKG + "date"), ("deadline", PPKG + "deadline")):
            date, _ = r.date(node, key)
            if date:
                extra.append(Ref(f"{r.text[label]}: {date}" if label else date))
        facts.append(Fact(r.ref(node), r.stated(node, predicate, r.d.iri), extra))
    return facts


def person_view(r: Reader) -> dict[str, Any]:
    return {
        "names": names_of(r),
        "descriptions": r.texts(r.d.iri, SCHEMA + "description", RDFS + "comment"),
        "recognitions": recognitions(r),
        "cases": case_blocks(r),
        "timeline": timeline(r),
        "detention": detention(r),
        "holdings": holdings(r),
        "handled": cases_handled(r),
        "campaigns": campaigns(r, PPKG + "campaignFor", PPKG + "target", "addressed_to"),
        "targeted": campaigns(r, PPKG + "target", PPKG + "campaignFor", "on_behalf_of"),
        "mentioned": r.incoming(skip=PERSON_LINKS | {PPKG + "holder"}),
    }


def is_official(r: Reader) -> bool:
    """A person who holds a post and is not prosecuted in our data."""
    return bool(r.d.subjects(PPKG + "holder", r.d.iri)) and not r.d.subjects(
        PPKG + "defendant", r.d.iri
    )
