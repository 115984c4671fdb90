"""Reading a Description into what the entity pages show, in the reader's language: labels,
links and literals (`Ref`), and the sources of every fact.

Every fact a page shows carries the graphs that state it: the graph's name is the source
document's IRI, so each fact links to its source. The pages' sections are built from a `Reader`
in person.py, article.py and schema_org.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from markupsafe import escape
from pyoxigraph import Literal, NamedNode, Quad

from ...core.paths import href
from ...core.vocabulary import (
    DCTERMS,
    ELI,
    GRAPH_INFERRED,
    GRAPH_ONTOLOGY,
    LABELS,
    OWL,
    PPKG,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SKOS,
    TYPE,
    XSD,
)
from ...graph.describe import Description, Node
from ...graph.names import Names, fallback_label, pick_label
from ..page_text import PROPERTY_LABELS, TEXT, date_sort_key, format_date, format_duration

ONTOLOGY_IRI = PPKG.rstrip("#")
DATE_TYPES = {XSD + t for t in ("date", "gYear", "gYearMonth", "gMonthDay", "dateTime")}
CURIES = {
    "ppkg": PPKG,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "owl": OWL,
    "skos": SKOS,
    "schema": SCHEMA,
    "dcterms": DCTERMS,
    "prov": PROV,
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
