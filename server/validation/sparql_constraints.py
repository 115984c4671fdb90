"""SHACL-SPARQL constraints run once per constraint for all focus nodes, not once per node.

pySHACL substitutes each focus node into a constraint's query text and parses the query again
for every node (1,000 parses for a 1,000-node submission). Here each `sh:select` becomes one
query: its shape's targets are joined in as `?this`. For our shapes this equals pre-binding
(SHACL 1.0, 5.3.1) because they use no sub-SELECT, MINUS, VALUES or aggregation over `$this`;
`batch` refuses any query that does. Results are written into the report as pySHACL writes them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from pyoxigraph import BlankNode, NamedNode, QuerySolutions, Store
from pyoxigraph import Literal as OxLiteral
from rdflib import RDF, RDFS, SH, XSD, BNode, Graph, Literal, Node, URIRef

from .speedups import MemoGraph

Term = NamedNode | BlankNode | OxLiteral
UNSUPPORTED = re.compile(r"\b(MINUS|VALUES|GROUP\s+BY)\b|\$(PATH|currentShape|shapesGraph)\b", re.I)
SELECT_HEAD = re.compile(r"^\s*SELECT\s+(DISTINCT\s+|REDUCED\s+)?(.*?)\bWHERE\s*\{", re.I | re.S)


@dataclass(frozen=True)
class Constraint:
    shape: URIRef
    node: Node
    severity: URIRef
    messages: tuple[Literal, ...]
    query: str


def split(shapes: Graph) -> tuple[Graph, list[Constraint]]:
    """The shapes without their SPARQL constraints (for pySHACL), and those constraints batched."""
    rest = MemoGraph(t for t in shapes if t[1] != SH.sparql)
    for prefix, namespace in shapes.namespaces():
        rest.bind(prefix, namespace)
    constraints = []
    for shape, node in shapes.subject_objects(SH.sparql):
        if shapes.value(node, SH.deactivated) == Literal(True):
            continue
        if not isinstance(shape, URIRef) or (shape, SH.path, None) in shapes:
            raise ValueError(f"{shape}: SPARQL constraints are batched on named node shapes only")
        constraints.append(
            Constraint(
                shape=shape,
                node=node,
                severity=URIRef(str(shapes.value(shape, SH.severity) or SH.Violation)),
                messages=tuple(_messages(shapes, shape, node)),
                query=batch(shapes, shape, node),
            )
        )
    return rest, sorted(constraints, key=lambda c: (str(c.shape), c.query))


def batch(shapes: Graph, shape: Node, node: Node) -> str:
    """The constraint's query with `$this` bound by a join with the shape's targets."""
    select = str(shapes.value(node, SH.select))
    head = SELECT_HEAD.match(select)
    if head is None or UNSUPPORTED.search(select) or select.upper().count("SELECT") > 1:
        raise ValueError(f"{shape}: a SPARQL constraint this validator cannot batch: {select}")
    projection = head.group(2) if "$this" in head.group(2) else f"$this {head.group(2)}"
    query = (
        f"SELECT {head.group(1) or ''}{projection} WHERE {{\n"
        f"  {{ SELECT DISTINCT ?this WHERE {{ {_targets(shapes, shape)} }} }}\n"
        f"{select[head.end() :]}"
    )
    return _prefixes(shapes, node) + query.replace("$this", "?this")


def _targets(shapes: Graph, shape: Node) -> str:
    subclass = RDFS.subClassOf
    patterns = [f"?this a/<{subclass}>* <{c}>" for c in shapes.objects(shape, SH.targetClass)]
    patterns += [f"?this <{p}> ?_target" for p in shapes.objects(shape, SH.targetSubjectsOf)]
    patterns += [f"?_target <{p}> ?this" for p in shapes.objects(shape, SH.targetObjectsOf)]
    if (shape, RDF.type, RDFS.Class) in shapes or list(shapes.objects(shape, SH.targetNode)):
        raise ValueError(f"{shape}: implicit class and node targets are not supported here")
    if not patterns:
        raise ValueError(f"{shape}: a SPARQL constraint on a shape without targets")
    return " UNION ".join(f"{{ {p} }}" for p in patterns)


def _prefixes(shapes: Graph, node: Node) -> str:
    lines = []
    for ontology in shapes.objects(node, SH.prefixes):
        for declaration in shapes.objects(ontology, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(dict.fromkeys(lines)) + "\n"


def _messages(shapes: Graph, shape: Node, node: Node) -> Iterator[Literal]:
    for subject in (node, shape):
        yield from (m for m in shapes.objects(subject, SH.message) if isinstance(m, Literal))


def evaluate(constraints: list[Constraint], data: Store, report: Graph) -> int:
    """Add a sh:ValidationResult to `report` for each solution; how many were added."""
    root = next(report.subjects(RDF.type, SH.ValidationReport))
    added = 0
    for constraint in constraints:
        solutions = data.query(constraint.query)
        assert isinstance(solutions, QuerySolutions)
        names = [v.value for v in solutions.variables]
        seen = set()
        for solution in solutions:
            row = {n: _rdflib(t) for n, t in zip(names, solution, strict=True) if t is not None}
            row.setdefault("value", row["this"])  # SHACL 5.3.2, for node shapes
            key = (row.get("this"), row.get("path"), row.get("value"))
            if key not in seen:
                seen.add(key)
                report.add((root, SH.result, _result(report, constraint, row)))
                added += 1
    return added


def _result(report: Graph, constraint: Constraint, row: dict[str, Node]) -> BNode:
    result = BNode()
    report.add((result, RDF.type, SH.ValidationResult))
    report.add((result, SH.focusNode, row["this"]))
    report.add((result, SH.resultSeverity, constraint.severity))
    report.add((result, SH.sourceShape, constraint.shape))
    report.add((result, SH.sourceConstraint, constraint.node))
    report.add((result, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
    if "path" in row:
        report.add((result, SH.resultPath, row["path"]))
    report.add((result, SH.value, row["value"]))
    for message in constraint.messages:
        text = re.sub(r"\{[?$](\w+)\}", lambda m: _text(row, m), str(message))
        report.add((result, SH.resultMessage, Literal(text, lang=message.language)))
    return result


def _text(row: dict[str, Node], match: re.Match[str]) -> str:
    value = row.get(match.group(1))
    return match.group(0) if value is None else str(value)


def _rdflib(term: Term) -> Node:
    if isinstance(term, NamedNode):
        return URIRef(term.value)
    if isinstance(term, BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == str(XSD.string):
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))
