"""What the entity pages show, built from a Description in the reader's language.

Every fact a page shows carries the graphs that state it: the graph's name is the source
document's IRI, so each fact links to its source.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from markupsafe import escape
from pyoxigraph import Literal, NamedNode, Quad

from ...core.paths import href
from ...core.vocabulary import (
    DCTERMS,
    ELI,
    GRAPH_INFERRED,
    GRAPH_ONTOLOGY,
    LABELS,
    PPKG,
    RDFS,
    SCHEMA,
    TYPE,
    XSD,
)
from ...graph.describe import LISTED, Description, Node
from ...graph.names import Names, fallback_label, pick_label
from ..page_text import PROPERTY_LABELS, TEXT, date_sort_key, format_date, format_duration

ONTOLOGY_IRI = PPKG.rstrip("#")
CYRILLIC = re.compile(r"[\u0400-\u04FF]")
DATE_TYPES = {XSD + t for t in ("date", "gYear", "gYearMonth", "gMonthDay", "dateTime")}
CURIES = {
    "ppkg": PPKG,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": RDFS,
    "xsd": XSD,
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "schema": SCHEMA,
    "dcterms": DCTERMS,
    "prov": "http://www.w3.org/ns/prov#",
    "eli": ELI,
    "foaf": "http://xmlns.com/foaf/0.1/",
    "org": "http://www.w3.org/ns/org#",
    "time": "http://www.w3.org/2006/time#",
    "sem": "http://semanticweb.cs.vu.nl/2009/11/sem/",
}


@dataclass(frozen=True)
class Ref:
    """Something to show: a text, a link when `href` is set; `lang` when not the page's.

    Renders itself (`__html__`): pages show hundreds of these, and a Jinja macro per value
    costs more than the rest of the page.
    """

    text: str
    href: str | None = None
    lang: str | None = None

    def __html__(self) -> str:
        text = escape(self.text)
        lang = f' lang="{escape(self.lang)}"' if self.lang else ""
        if self.href:
            return f'<a href="{escape(self.href)}"{lang}>{text}</a>'
        return f"<span{lang}>{text}</span>" if lang else str(text)


@dataclass(frozen=True)
class Source:
    text: str
    href: str | None
    title: str

    def __html__(self) -> str:
        if self.href:
            link = f'href="{escape(self.href)}" title="{escape(self.title)}" rel="cite"'
            return f"<a {link}>{escape(self.text)}</a>"
        return f'<i title="{escape(self.title)}">{escape(self.text)}</i>'


class Sources(tuple[Source, ...]):
    """The sources of a fact, shown after it as [UA 82.20, ...]."""

    def __html__(self) -> str:
        if not self:
            return ""
        return ' <span class="src">' + ", ".join(s.__html__() for s in self) + "</span>"


@dataclass
class Fact:
    value: Ref
    sources: Sources
    extra: list[Ref] = field(default_factory=list)

    def __html__(self) -> str:
        parts = [self.value.__html__(), *(x.__html__() for x in self.extra)]
        return " · ".join(parts) + self.sources.__html__()


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


@dataclass
class Charged:
    person: Ref
    cases: list[Ref]
    charge: Ref
    provisions: list[Ref]
    sources: Sources


@dataclass
class Statement:
    predicate: Ref
    values: list[Fact]


class Reader:
    """Labels, links, sources and literals of one description, for one language."""

    def __init__(self, description: Description, names: Names, lang: str, base: str) -> None:
        self.d = description
        self.names = names
        self.lang = lang
        self.base = base
        self.text = TEXT[lang]

    # --- labels and links --------------------------------------------------------------
    def label(self, term: Node) -> str:
        if isinstance(term, Literal):
            return term.value
        if not isinstance(term, NamedNode):
            return "…"
        own = [
            (q.predicate.value, q.object.value, q.object.language or "")
            for q in self.d.about(term)
            if q.predicate.value in LABELS and isinstance(q.object, Literal)
        ]
        return (
            pick_label(own, self.lang)
            or self.names.label(term.value, self.lang)
            or PROPERTY_LABELS[self.lang].get(term.value)
            or self._curie(term.value)
            or fallback_label(term.value)
        )

    def _curie(self, iri: str) -> str | None:
        for prefix, namespace in CURIES.items():
            if iri.startswith(namespace) and prefix != "ppkg":
                return f"{prefix}:{iri[len(namespace) :]}"
        return None

    def ref(self, term: Node) -> Ref:
        if isinstance(term, NamedNode):
            return Ref(self.label(term), href(term.value, self.base))
        if isinstance(term, Literal):
            return self.literal(term)
        return Ref("…")

    def literal(self, term: Literal) -> Ref:
        datatype = term.datatype.value
        if datatype in DATE_TYPES:
            return Ref(format_date(term, self.lang))
        if datatype == XSD + "duration":
            return Ref(format_duration(term, self.lang))
        tag = term.language
        return Ref(term.value, lang=tag if tag and tag.split("-")[0] != self.lang else None)

    def refs(self, subject: Node, predicate: str) -> list[Ref]:
        return [self.ref(o) for o in self.d.objects(subject, predicate)]

    def date(self, subject: Node, predicate: str = PPKG + "date") -> tuple[str | None, str]:
        value = self.d.value(subject, predicate)
        if isinstance(value, Literal):
            return format_date(value, self.lang), date_sort_key(value)
        return None, date_sort_key(None)

    def texts(self, subject: Node, *predicates: str) -> list[Ref]:
        """Literal texts in the page's language when there are any, else all of them."""
        values = [
            o for p in predicates for o in self.d.objects(subject, p) if isinstance(o, Literal)
        ]
        mine = [v for v in values if (v.language or "").split("-")[0] == self.lang]
        return [self.literal(v) for v in (mine or values)]

    # --- sources -----------------------------------------------------------------------
    def sources(self, graphs: Iterable[str]) -> Sources:
        return Sources(self.source(g) for g in dict.fromkeys(graphs))

    def source(self, graph: str) -> Source:
        if graph == GRAPH_INFERRED:
            return Source(self.text["inferred"], None, self.text["inferred"])
        if graph == GRAPH_ONTOLOGY:
            return Source("ontology", href(ONTOLOGY_IRI, self.base), "ppkg ontology")
        title = self.names.label(graph, self.lang) or fallback_label(graph)
        short = self.names.identifier(graph) or title
        return Source(short, href(graph, self.base), title)

    def stated(self, subject: Node, predicate: str, obj: Node | None = None) -> Sources:
        return self.sources(self.d.sources(subject, predicate, obj))

    def introduced(self, node: Node) -> Sources:
        """The documents that describe `node` (state its type), not the reasoner's types."""
        graphs = [g for g in self.d.sources(node, TYPE) if g != GRAPH_INFERRED]
        return self.sources(graphs or self.d.sources(node, TYPE))

    def kind_label(self, node: Node) -> str:
        """The most specific of our classes the node is stated to belong to."""
        asserted = [
            q.object.value
            for q in self.d.about(node, TYPE)
            if isinstance(q.object, NamedNode)
            and q.object.value.startswith(PPKG)
            and q.graph_name != NamedNode(GRAPH_INFERRED)
        ]
        return self.label(NamedNode(asserted[0])) if asserted else ""

    # --- generic tables ------------------------------------------------------------------
    def statements(self) -> list[Statement]:
        """Every quad about the resource, by property: values with the graphs stating them."""
        grouped: dict[str, dict[Node, list[str]]] = {}
        for quad in self.d.about(self.d.iri):
            values = grouped.setdefault(quad.predicate.value, {})
            values.setdefault(quad.object, []).append(_graph(quad))
        rows = [
            Statement(
                self.ref(NamedNode(p)),
                [Fact(self.ref(o), self.sources(gs)) for o, gs in values.items()],
            )
            for p, values in grouped.items()
        ]
        rows.sort(key=lambda s: (s.predicate.href != href(TYPE, self.base), s.predicate.text))
        return rows

    def incoming(self, skip: Iterable[str] = ()) -> list[Fact]:
        """What links to the resource: the linking thing, then how it links."""
        skipped = set(skip)
        grouped: dict[tuple[Node, str], list[str]] = {}
        for quad in self.d.linking(self.d.iri):
            if quad.predicate.value not in skipped and quad.subject != self.d.iri:
                grouped.setdefault((quad.subject, quad.predicate.value), []).append(_graph(quad))
        # links only the reasoner states (inverses, superproperties) repeat stated ones
        grouped = {k: gs for k, gs in grouped.items() if set(gs) != {GRAPH_INFERRED}}
        facts = [
            Fact(self.ref(s), self.sources(gs), [self.ref(NamedNode(p))])
            for (s, p), gs in grouped.items()
        ]
        return sorted(facts, key=lambda f: f.value.text.lower())


def _graph(quad: Quad) -> str:
    return quad.graph_name.value if isinstance(quad.graph_name, NamedNode) else ""


# --- persons and officials -----------------------------------------------------------------

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
    """The events of the person's prosecutions and those said to concern them, in time order."""
    prosecutions = r.d.subjects(PPKG + "defendant", r.d.iri)
    nodes = [e for p in prosecutions for e in r.d.subjects(PPKG + "prosecution", p)]
    nodes += r.d.subjects(PPKG + "concerns", r.d.iri)
    events = [_event(r, node, prosecutions) for node in dict.fromkeys(nodes)]
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


# --- legal provisions ------------------------------------------------------------------------


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


# --- schema.org ---------------------------------------------------------------------------


def schema_org(r: Reader, url: str) -> str:
    """The JSON-LD block embedded in the page: schema.org's view of the resource."""
    x = r.d.iri
    types = sorted(t.removeprefix(SCHEMA) for t in r.d.types(x) if t.startswith(SCHEMA))
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@id": x.value,
        "@type": types or ["Thing"],
        "name": r.label(x),
        "url": url,
    }
    others = [
        {"@value": o.value, "@language": o.language}
        for p in (SCHEMA + "name", SCHEMA + "alternateName")
        for o in r.d.objects(x, p)
        if isinstance(o, Literal) and o.value != data["name"]
    ]
    if others:
        data["alternateName"] = others
    descriptions = r.texts(x, SCHEMA + "description")
    if descriptions:
        data["description"] = descriptions[0].text
    if "Legislation" in types:
        number = r.d.value(x, ELI + "number")
        if isinstance(number, Literal):
            data["legislationIdentifier"] = number.value
        parents = r.d.objects(x, ELI + "is_part_of")
        data["isPartOf"] = [{"@id": o.value} for o in parents if isinstance(o, NamedNode)]
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return text.replace("</", "<\\/")  # never closes the script element early
