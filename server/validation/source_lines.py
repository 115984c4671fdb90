"""Where in the submitted file a validation result points: the line of its triple.

Oxigraph's parsers give no positions, so Turtle and TriG are read a second time by rdflib's
parser, which counts lines as it goes; N-Triples and N-Quads hold one statement a line. JSON-LD
and RDF/XML get no lines. A result points at the line of its own triple (focus, path, value),
else of the focus node's first statement with that path, else of the focus node's first
statement; results about blank nodes get none (the two parsers name them differently).
JSON-LD has no lines; its report lists the keys the @context drops instead (`jsonld_keys`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pyoxigraph import RdfFormat, parse
from rdflib import Dataset
from rdflib.plugins.parsers.notation3 import RDFSink, SinkParser
from rdflib.plugins.parsers.trig import TrigSinkParser

from ..core.media_types import RDF_FORMATS
from ..core.vocabulary import SUBMISSION_BASE
from .jsonld_keys import dropped_keys
from .report import Report, Result

Key = tuple[str, ...]
# The formats that hold one statement a line.
LINE_FORMATS = {t: RDF_FORMATS[t] for t in ("application/n-triples", "application/n-quads")}


def locate(report: Report, data: bytes, media_type: str) -> Report:
    """The report with what only the file's text tells: each result's line, where the format has
    lines, and the keys a JSON-LD document's @context drops."""
    if media_type == "application/ld+json":
        return replace(report, dropped_keys=dropped_keys(data))
    lines = _lines(data, media_type) if report.results else {}
    if not lines:
        return report
    results = [replace(r, line=_line(lines, r)) for r in report.results]
    return replace(report, results=results)


def locate_files(
    report: Report, files: list[tuple[str, bytes, str]], subjects: dict[str, set[str]]
) -> Report:
    """The report of several files validated together: each result's file and line (the first
    file holding its triple, else its focus node's statement with the path, else any statement
    of its focus node, else the first file with the focus node as a subject), and the keys each
    JSON-LD file's @context drops, as `file#pointer`."""
    dropped = [
        f"{name}#{pointer}"
        for name, data, media_type in files
        if media_type == "application/ld+json"
        for pointer in dropped_keys(data)
    ]
    tables = [(name, _lines(data, media_type)) for name, data, media_type in files]
    results = [_in_files(r, tables, subjects) for r in report.results]
    return replace(report, results=results, dropped_keys=dropped)


def _in_files(
    result: Result, tables: list[tuple[str, dict[Key, int]]], subjects: dict[str, set[str]]
) -> Result:
    for key in _keys(result):
        for name, lines in tables:
            if key in lines:
                return replace(result, file=name, line=lines[key])
    found = next((name for name, _ in tables if result.focus in subjects.get(name, ())), None)
    return replace(result, file=found)


def _keys(result: Result) -> list[Key]:
    return [
        (result.focus, result.path or "", result.value or ""),
        (result.focus, result.path or ""),
        (result.focus,),
    ]


def _line(lines: dict[Key, int], result: Result) -> int | None:
    return next((lines[k] for k in _keys(result) if k in lines), None)


def _lines(data: bytes, media_type: str) -> dict[Key, int]:
    if media_type in LINE_FORMATS:
        return _statement_lines(data, LINE_FORMATS[media_type])
    if media_type in ("text/turtle", "application/trig"):
        return _parsed_lines(
            data, TrigSinkParser if media_type == "application/trig" else SinkParser
        )
    return {}


def _statement_lines(data: bytes, rdf_format: RdfFormat) -> dict[Key, int]:
    lines: dict[Key, int] = {}
    for number, text in enumerate(data.splitlines(), start=1):
        if text.strip() and not text.lstrip().startswith(b"#"):
            for quad in parse(text, rdf_format, base_iri=SUBMISSION_BASE):
                _record(
                    lines, str(quad.subject.value), quad.predicate.value, quad.object.value, number
                )
    return lines


def _record(lines: dict[Key, int], s: str, p: str, o: str, number: int) -> None:
    for key in ((s, p, o), (s, p), (s,)):
        lines.setdefault(key, number)


class _LineSink(RDFSink):
    """rdflib's parser hands each statement here once its object is read: on the object's line."""

    def __init__(self, graph: Dataset) -> None:
        super().__init__(graph)
        self.lines: dict[Key, int] = {}
        self.parser: SinkParser | None = None

    def makeStatement(self, quadruple: Any, why: Any = None) -> None:
        _, p, s, o = quadruple
        assert self.parser is not None
        _record(self.lines, str(s), str(p), str(o), self.parser.lines + 1)


def _parsed_lines(data: bytes, parser_class: type[SinkParser]) -> dict[Key, int]:
    sink = _LineSink(Dataset())
    sink.parser = parser = parser_class(sink, baseURI=SUBMISSION_BASE, turtle=True)
    try:
        parser.loadBuf(data)
    except Exception:  # rdflib is stricter than Oxigraph in places: then no lines, same report
        return {}
    return sink.lines
