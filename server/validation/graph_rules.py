"""Which named graphs a submission may write into: its own sources, never ours or another's.

SHACL sees one merged graph and cannot say who may write where, so this is checked here, on the
graph names of the file and what the store's provenance says about them:
- graphs we mint (the ontology, the shapes, the inferred triples, the provenance of submissions,
  any `…/graph/…`, a submission's own `…/submission/<id>`) are never written by a file;
- a graph already published is written only by the partner whose accepted submissions brought it:
  an editorial source (curated in `data/`, without provenance of a submission) or another
  partner's is refused. This needs the submitter, so `POST /validate` (anonymous) checks only the
  first rule and says so in the message of neither.
"""

from __future__ import annotations

from pyoxigraph import NamedNode, Quad, Store
from rdflib import RDF, SH, BNode, URIRef
from rdflib import Literal as RdfLiteral

from ..core.vocabulary import AGENT, BASE, GRAPH_SUBMISSIONS, PROV, SHAPES, SUBMISSION
from .report import Report, Result

RESERVED_PREFIXES = (BASE + "graph/", SUBMISSION)
SHAPE = SHAPES + "WritableGraph"
DERIVED = NamedNode(PROV + "wasDerivedFrom")
ATTRIBUTED = NamedNode(PROV + "wasAttributedTo")

MESSAGES = {
    "reserved": (
        "The graph {g} is one that ppkg itself writes; put the submission's statements in the"
        " graph of its source document",
        "Граф {g} ведёт сам ppkg; поместите утверждения в граф документа-источника",
    ),
    "editorial": (
        "The graph {g} is an editorial source graph of ppkg; a submission cannot change it",
        "Граф {g} — редакционный граф источника ppkg; заявка не может его изменить",
    ),
    "other": (
        "The graph {g} was published from another partner's submission; a submission cannot"
        " change it",
        "Граф {g} опубликован по заявке другого партнёра; заявка не может его изменить",
    ),
}


def graph_results(quads: list[Quad], store: Store | None, submitter: str | None) -> list[Result]:
    """A violation for each named graph of `quads` that the submitter may not write."""
    graphs = sorted({q.graph_name for q in quads if isinstance(q.graph_name, NamedNode)}, key=str)
    results = []
    for graph in graphs:
        reason = _refusal(graph, store, submitter)
        if reason is not None:
            results.append(_result(graph, reason))
    return results


def _refusal(graph: NamedNode, store: Store | None, submitter: str | None) -> str | None:
    if graph.value.startswith(RESERVED_PREFIXES):
        return "reserved"
    if store is None or submitter is None or not _published(store, graph):
        return None
    owners = _owners(store, graph)
    if not owners:
        return "editorial"
    return None if owners == {AGENT + submitter} else "other"


def _published(store: Store, graph: NamedNode) -> bool:
    """Whether the store holds the graph: our source graphs describe themselves (the shapes ask
    it), so their own statements say so; read across all graphs, as a remote store can be."""
    return any(q.graph_name == graph for q in store.quads_for_pattern(graph, None, None))


def _owners(store: Store, graph: NamedNode) -> set[str]:
    """The agents of the accepted submissions the graph was derived from."""
    provenance = NamedNode(GRAPH_SUBMISSIONS)
    submissions = [
        q.object
        for q in store.quads_for_pattern(graph, DERIVED, None)
        if q.graph_name == provenance
    ]
    return {
        agent.object.value
        for submission in submissions
        if isinstance(submission, NamedNode)
        for agent in store.quads_for_pattern(submission, ATTRIBUTED, None)
        if agent.graph_name == provenance and isinstance(agent.object, NamedNode)
    }


def _result(graph: NamedNode, reason: str) -> Result:
    english, russian = MESSAGES[reason]
    return Result(
        severity="Violation",
        focus=graph.value,
        path=None,
        value=None,
        messages={
            "en": english.format(g=f"<{graph.value}>"),
            "ru": russian.format(g=f"<{graph.value}>"),
        },
        shape=SHAPE,
        constraint=None,
    )


def with_graph_results(report: Report, results: list[Result]) -> Report:
    """`report` with `results` added, in its summary and its SHACL graph alike."""
    if not results:
        return report
    graph = report.graph
    root = next(iter(graph.subjects(RDF.type, SH.ValidationReport)))
    graph.set((root, SH.conforms, RdfLiteral(False)))
    for result in results:
        node = BNode()
        graph.add((root, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.resultSeverity, SH.Violation))
        graph.add((node, SH.focusNode, URIRef(result.focus)))
        graph.add((node, SH.sourceShape, URIRef(SHAPE)))
        for lang, text in result.messages.items():
            graph.add((node, SH.resultMessage, RdfLiteral(text, lang=lang)))
    report.results = sorted(
        [*results, *report.results],
        key=lambda r: (r.severity != "Violation", r.focus, r.path or ""),
    )
    report.conforms = False
    return report
