"""A validation's report: its results as people and programs read them, and its SHACL graph.

The report keeps only the results about the submission's own nodes (see `validate`), and its
SHACL graph holds exactly those, so the summary and the graph say the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pyoxigraph import Literal as OxLiteral
from pyoxigraph import NamedNode, Store
from rdflib import RDF, SH, BNode, Graph, Literal, Node, URIRef

from ..core.vocabulary import RDFS, SCHEMA

RDFS_LABEL = NamedNode(RDFS + "label")
SCHEMA_NAME = NamedNode(SCHEMA + "name")
SEVERITY_NAMES: dict[Node | None, str] = {
    SH.Violation: "Violation",
    SH.Warning: "Warning",
    SH.Info: "Info",
}


@dataclass(frozen=True)
class Result:
    severity: str
    focus: str
    path: str | None
    value: str | None
    messages: dict[str, str]
    shape: str | None
    constraint: str | None
    focus_label: str | None = None
    focus_is_blank: bool = False
    line: int | None = None  # in the submitted file, where its format has lines
    file: str | None = None  # which file, when several were validated together


@dataclass
class Report:
    conforms: bool
    results: list[Result]
    graph: Graph = field(repr=False)
    shapes: str = ""  # the version of the shapes: a stored report says what it was checked against
    dropped_keys: list[str] = field(default_factory=list)  # JSON Pointers: JSON-LD left them out
    with_store: bool = False  # whether the published store's facts about cited IRIs were read

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(SEVERITY_NAMES.values(), 0)
        for result in self.results:
            counts[result.severity] += 1
        return counts

    def summary(self) -> dict[str, object]:
        return {
            "conforms": self.conforms,
            "counts": self.counts(),
            "results": [_fields(r) for r in self.results],
            "shapes": self.shapes,
            "dropped_keys": self.dropped_keys,
            "with_store": self.with_store,
        }


def _fields(result: Result) -> dict[str, object]:
    """A result as JSON; `file` only when the report covers several files."""
    return {k: v for k, v in result.__dict__.items() if k != "file" or v is not None}


def kept_report(
    report: Graph, kept: list[Node], data: Store, shapes: str, with_store: bool = False
) -> Report:
    """The report of the `kept` results of pySHACL's `report`, labelled from `data`."""
    results = _results(report, kept, data)
    conforms = not any(r.severity == "Violation" for r in results)
    graph = _report_graph(report, kept, conforms)
    return Report(conforms, results, graph, shapes, with_store=with_store)


def _report_graph(report: Graph, kept: list[Node], conforms: bool) -> Graph:
    """A SHACL report of the kept results only, so it says what the summary says."""
    graph = Graph()
    for prefix, namespace in report.namespaces():
        graph.bind(prefix, namespace)
    root = BNode()
    graph.add((root, RDF.type, SH.ValidationReport))
    graph.add((root, SH.conforms, Literal(conforms)))
    for node in kept:
        graph.add((root, SH.result, node))
        graph += report.cbd(node)
    return graph


def _results(report: Graph, kept: list[Node], data: Store) -> list[Result]:
    results = []
    for node in kept:
        focus = report.value(node, SH.focusNode)
        messages = {
            _language(m): str(m)
            for m in report.objects(node, SH.resultMessage)
            if isinstance(m, Literal)
        }
        results.append(
            Result(
                severity=SEVERITY_NAMES.get(report.value(node, SH.resultSeverity), "Violation"),
                focus=str(focus),
                path=_text(report.value(node, SH.resultPath)),
                value=_text(report.value(node, SH.value)),
                messages=messages,
                shape=_text(report.value(node, SH.sourceShape)),
                constraint=_text(report.value(node, SH.sourceConstraintComponent)),
                focus_label=_label(data, focus),
                focus_is_blank=isinstance(focus, BNode),
            )
        )
    return sorted(results, key=lambda r: (r.severity != "Violation", r.focus, r.path or ""))


def _language(message: Literal) -> str:
    """pySHACL drops the language tag of SPARQL constraints' messages; Cyrillic means Russian."""
    if message.language:
        return message.language
    return "ru" if re.search("[\u0400-\u04ff]", str(message)) else "en"


def _label(data: Store, node: Node | None) -> str | None:
    """The node's English name or label; an untagged literal only when there is none (a name
    without a language is often the very value a result is about, such as "42")."""
    if not isinstance(node, URIRef):
        return None
    found: dict[str | None, str] = {}
    for predicate in (RDFS_LABEL, SCHEMA_NAME):
        for quad in data.quads_for_pattern(NamedNode(str(node)), predicate, None):
            obj = quad.object
            if isinstance(obj, OxLiteral) and obj.language in (None, "en"):
                found.setdefault(obj.language, str(obj.value))
    return found.get("en", found.get(None))


def _text(node: Node | None) -> str | None:
    return None if node is None else str(node)


def render_text(report: Report, name: str) -> str:
    """A report people read: which node, which property, which value, what was expected."""
    counts = report.counts()
    verdict = "conforms" if report.conforms else "does NOT conform"
    tally = ", ".join(f"{n} {k.lower()}s" for k, n in counts.items())
    store = "with the published store's facts" if report.with_store else "no store read"
    lines = [f"{name}: {verdict} ({tally}; shapes {report.shapes}; {store})"]
    for r in report.results:
        label = f" ({r.focus_label})" if r.focus_label else ""
        where = f", line {r.line}" if r.line else ""
        where = f", {r.file}{where}" if r.file else where
        focus = f"_:{r.focus}" if r.focus_is_blank else f"<{r.focus}>"
        lines.append(f"  {r.severity}: {focus}{label}{where}")
        if r.path:
            lines.append(f"    property: <{r.path}>")
        if r.value is not None:
            lines.append(f"    value:    {r.value}")
        for lang in ("en", "ru"):
            if lang in r.messages:
                lines.append(f"    [{lang}] {r.messages[lang]}")
    for pointer in report.dropped_keys:
        lines.append(f"  Warning: the JSON-LD key at {pointer} is not in the @context: dropped")
    return "\n".join(lines)
