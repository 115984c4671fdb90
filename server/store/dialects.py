"""What differs between engines, one class each: how the union default graph is asked for, where
ppkg keeps its revision, how writes are phrased, and what must be undone in their answers.

- `oxigraph serve`: the embedded store's own engine. The union is its `union-default-graph`
  parameter, which takes in every graph and cannot be combined with a list of named graphs, so
  nothing of ppkg's own could be kept there unseen: the revision is read from the data (how many
  graphs, how much provenance of accepted submissions), which every accept changes. A `ppkg
  load` may not change it: restart the servers after one, as on the embedded store. Answers are
  streamed as the engine writes them.
- Virtuoso (7, open source; its cluster edition speaks the same): without FROM its default graph
  is the union of every graph, its own system graphs too, and `GRAPH ?g` ranges over them even
  under FROM. A dataset that lists ppkg's graphs does not scale: Virtuoso refuses more than
  4,094 of them (SP030) and compiles a query more slowly the more it is given (0.2 s for 1,000,
  1.9 s for 4,000); its ways of leaving graphs out fail elsewhere (exclusions and graph groups
  empty `GRAPH <g>`, a graph group scans a whole store ten thousand times slower). So ppkg keeps,
  beside its graphs, a bookkeeping graph (`urn:ppkg:meta`: the revision, the list of ppkg's
  graphs, and the union graph's name) and a union graph holding every triple of its graphs,
  written by each load under a new name and switched to in the load's last request, added to
  by each accept in the same request as the data. A query's WHERE clause is run inside `GRAPH
  <union> { ... }`, where the union is its default graph and its own GRAPH patterns keep
  theirs, each `GRAPH ?g` joined with META's list of ppkg's graphs. DESCRIBE, and a query with
  a path with *, + or ? (which Virtuoso cannot follow inside GRAPH), are given the union graph
  as their default graph by the protocol instead (and the list of graphs, if they use GRAPH).
  Being one graph, the union holds a triple stated in two graphs once, as SPARQL's RDF merge
  does, where Oxigraph's union default graph (the embedded store's) counts it once per graph.
  Virtuoso rewrites some literals (xsd:duration as a number of months or of seconds, booleans as
  1/0, doubles in its own way) and labels blank nodes `nodeID://...`: its answers are read and
  written again, in the form Oxigraph would give. It cuts answers at ResultSetMaxRows (saying so
  only in a header) and gives partial answers past its time limit (saying so in another): both
  are refused, never served as whole. Its SPARQL compiler takes no xsd:duration in INSERT DATA
  and a few thousand triples per operation, so writes are `INSERT {...} WHERE {}` in chunks, all
  in one request.
"""

from __future__ import annotations

import io
import json
import re
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import IO, Any, ClassVar

import requests
from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Store,
    Triple,
    parse,
    parse_query_results,
    serialize,
)

from ..core.media_types import GRAPH, TABULAR
from ..core.problem import Problem
from ..core.query_text import graph_patterns, has_quantified_path, in_graph, mentions_graph
from ..core.vocabulary import GRAPH_SUBMISSIONS, XSD
from .base import QueryResult
from .engine import Engine, EngineError

NO_GRAPH = "urn:ppkg:no-graph"  # named where a dataset must be empty: no engine holds it
STATE_TIMEOUT = 30.0
DURATIONS = {XSD + "duration", XSD + "yearMonthDuration", XSD + "dayTimeDuration"}

# The query forms, as pyoxigraph's result classes tell them apart.
SELECT, ASK, CONSTRUCT = "select", "ask", "construct"


@dataclass(frozen=True)
class State:
    """What ppkg reads back from the engine: a token that changes with every write, and ppkg's
    graphs (the engine may hold others, which no answer may show)."""

    token: str
    graphs: frozenset[str]
    union: str = ""  # a graph holding every triple of ppkg's graphs, on an engine that needs one


class Dialect:
    name: ClassVar[str]

    def read_token(self, engine: Engine) -> str | None:
        """The revision token, None if ppkg never loaded this engine."""
        raise NotImplementedError

    def read_state(self, engine: Engine) -> State:
        raise NotImplementedError

    def union(self, text: str, state: State) -> tuple[str, list[tuple[str, str]]]:
        """The query and the parameters that make its default graph the union of ppkg's graphs
        and its named graphs ppkg's."""
        raise NotImplementedError

    def finish(self, text: str, named: Sequence[str]) -> str:
        """The query as the engine must be sent it, `named` its named graphs (a dataset the
        query or the request names)."""
        return text

    def union_graph(self, token: str) -> str | None:
        """The graph a load writes the union of ppkg's graphs into, if the engine needs one."""
        return None

    def state_ops(
        self,
        state: State,
        token: str,
        graphs: frozenset[str],
        load: bool,
        union: str | None = None,
    ) -> list[str]:
        """Update operations that record `token` and `graphs` (all of ppkg's graphs if `load`,
        else those added) and a load's `union` graph, to end the request that writes the
        data."""
        raise NotImplementedError

    def insert_ops(self, quads: Sequence[Quad], state: State) -> list[str]:
        raise NotImplementedError

    def refuse(self, quad: Quad) -> str | None:
        """Why the engine cannot hold `quad` as it is, if it cannot."""
        return None

    def accept(self, form: str, media_type: str) -> str:
        """What to ask the engine for, to answer in `media_type`."""
        return media_type

    def check(self, response: requests.Response) -> None:
        """Refuse an answer the engine marked as partial."""

    def answer(self, form: str, media_type: str, response: requests.Response) -> Iterator[bytes]:
        """The engine's answer as `media_type`: its own bytes, by default."""
        return response.iter_content(1 << 16)

    def failure(self, error: EngineError, what: str) -> Problem:
        return Problem(500, f"{what} failed: {_first_lines(error.message)}")


# --- oxigraph serve -------------------------------------------------------------------------


class OxigraphDialect(Dialect):
    name = "oxigraph"

    def read_token(self, engine: Engine) -> str | None:
        # Nothing ppkg could add would stay hidden on this engine, so the revision is read from
        # the data: its graphs, and the provenance that every accepted submission adds.
        query = (
            "SELECT (COUNT(DISTINCT ?g) AS ?graphs) (COUNT(?s) AS ?provenance) WHERE {"
            f" {{ GRAPH ?g {{}} }} UNION {{ GRAPH <{GRAPH_SUBMISSIONS}> {{ ?s ?p ?o }} }} }}"
        )
        row = select(engine, query)[0]
        if row["graphs"] == "0":
            return None
        return f"{row['graphs']}:{row['provenance']}"

    def read_state(self, engine: Engine) -> State:
        token = self.read_token(engine) or ""
        names = frozenset(row["g"] for row in select(engine, "SELECT ?g WHERE { GRAPH ?g {} }"))
        return State(token, names)

    def union(self, text: str, state: State) -> tuple[str, list[tuple[str, str]]]:
        return text, [("union-default-graph", "true")]

    def state_ops(
        self,
        state: State,
        token: str,
        graphs: frozenset[str],
        load: bool,
        union: str | None = None,
    ) -> list[str]:
        return []  # the data written is the new revision

    def insert_ops(self, quads: Sequence[Quad], state: State) -> list[str]:
        if not quads:
            return []
        return [f"INSERT DATA {{ {_grouped(quads)} }}"]

    def failure(self, error: EngineError, what: str) -> Problem:
        if "timeout" in error.message.lower() or "timed out" in error.message.lower():
            return Problem(503, f"the engine stopped the {what} at its own time limit")
        return super().failure(error, what)


# --- Virtuoso -------------------------------------------------------------------------------


class VirtuosoDialect(Dialect):
    name = "virtuoso"
    META = "urn:ppkg:meta"
    REVISION = "urn:ppkg:revision"
    HOLDS = "urn:ppkg:graph"
    UNION = "urn:ppkg:union"  # META's link to the union graph, and the prefix of its name
    CHUNK = 500  # triples per update operation: Virtuoso's compiler gives up at a few thousand

    def read_token(self, engine: Engine) -> str | None:
        query = (
            f"SELECT ?r WHERE {{ GRAPH <{self.META}> {{ <{self.META}> <{self.REVISION}> ?r }} }}"
        )
        tokens = sorted(row["r"] for row in select(engine, query))
        return " ".join(tokens) or None

    def read_state(self, engine: Engine) -> State:
        token = self.read_token(engine) or ""
        holds = f"GRAPH <{self.META}> {{ <{self.META}> <{self.HOLDS}> ?g }}"
        ours = frozenset(row["g"] for row in _pages(engine, f"SELECT ?g WHERE {{ {holds} }}"))
        link = f"SELECT ?u WHERE {{ GRAPH <{self.META}> {{ <{self.META}> <{self.UNION}> ?u }} }}"
        union = next((row["u"] for row in select(engine, link)), "")
        return State(token, ours, union)

    def union(self, text: str, state: State) -> tuple[str, list[tuple[str, str]]]:
        # Virtuoso takes at most 4,094 graphs in a dataset, and compiles a query more slowly
        # the more it is given (0.2 s for 1,000), so ppkg's graphs are not listed: the default
        # graph is the union graph, and GRAPH ?v is joined with META's list of ppkg's graphs.
        if not state.union:
            raise Problem(
                503,
                "ppkg's data on this engine has no union graph (an older ppkg loaded it):"
                " run `ppkg load` again",
            )
        if not has_quantified_path(text):
            wrapped = in_graph(graph_patterns(text, state.graphs, self._member), state.union)
            if wrapped is not None:
                return wrapped, []
        # DESCRIBE describes from the default graph; inside GRAPH <g> Virtuoso 7.2 fails on a
        # path with *, + or ? ("transitive start not given"). Both are given the union graph as
        # their default graph by the protocol, and ppkg's graphs listed if they use GRAPH (up
        # to Virtuoso's 4,094).
        named = sorted(state.graphs) if mentions_graph(text) else []
        params = [("default-graph-uri", state.union)]
        params += [("named-graph-uri", g) for g in named or [NO_GRAPH]]
        return graph_patterns(text, named), params

    def _member(self, var: str) -> str:
        return f"GRAPH <{self.META}> {{ <{self.META}> <{self.HOLDS}> {var} }}"

    def finish(self, text: str, named: Sequence[str]) -> str:
        return graph_patterns(text, named)

    def union_graph(self, token: str) -> str | None:
        return f"{self.UNION}:{token}"

    def state_ops(
        self,
        state: State,
        token: str,
        graphs: frozenset[str],
        load: bool,
        union: str | None = None,
    ) -> list[str]:
        meta = f"<{self.META}>"
        ops = [f"DROP SILENT GRAPH {meta}"] if load else []
        ops.append(f"DELETE WHERE {{ GRAPH {meta} {{ {meta} <{self.REVISION}> ?r }} }}")
        triples = [f'{meta} <{self.REVISION}> "{token}" .']
        triples += [f"{meta} <{self.HOLDS}> <{g}> ." for g in sorted(graphs)]
        if union:
            triples.append(f"{meta} <{self.UNION}> <{union}> .")
            if state.union and state.union != union:
                ops.append(f"DROP SILENT GRAPH <{state.union}>")
        for i in range(0, len(triples), self.CHUNK):
            ops.append(
                f"INSERT DATA {{ GRAPH {meta} {{ {' '.join(triples[i : i + self.CHUNK])} }} }}"
            )
        return ops

    def insert_ops(self, quads: Sequence[Quad], state: State) -> list[str]:
        # Blank nodes keep their identity within one operation only: all of them in the first,
        # with their copies in the union graph.
        if state.union:
            union = NamedNode(state.union)
            quads = [*quads, *(Quad(q.subject, q.predicate, q.object, union) for q in quads)]
        blank = [q for q in quads if _has_blank_node(q)]
        rest = [q for q in quads if not _has_blank_node(q)]
        chunks = [blank] if blank else []
        chunks += [rest[i : i + self.CHUNK] for i in range(0, len(rest), self.CHUNK)]
        return [f"INSERT {{ {_grouped(chunk)} }} WHERE {{}}" for chunk in chunks]

    def refuse(self, quad: Quad) -> str | None:
        o = quad.object
        if isinstance(o, Literal) and o.datatype.value in DURATIONS:
            months = re.search(r"\d[YM]", o.value.split("T")[0])
            days = re.search(r"\dD|T", o.value)
            if months and days:
                return (
                    f"Virtuoso keeps an xsd:duration as months or as seconds, not both:"
                    f" {o.value} would lose part of itself"
                )
        return None

    def accept(self, form: str, media_type: str) -> str:
        # Not its XML results, though it writes them twice as fast: pyoxigraph's XML parser trims
        # a literal's leading line break (tests/test_remote.py, curated literals).
        return "application/n-triples" if form == CONSTRUCT else "application/sparql-results+json"

    def check(self, response: requests.Response) -> None:
        cap = response.headers.get("X-SPARQL-MaxRows")
        if cap:
            response.close()
            raise Problem(
                503,
                f"the engine gives at most {cap} rows (Virtuoso's ResultSetMaxRows) and this"
                " answer reached them: it may be cut short, so it is not served. Narrow the"
                " query, page it with LIMIT and OFFSET, or download the dumps (/dumps).",
                {"X-SPARQL-MaxRows": cap},
            )
        if response.headers.get("X-SQL-State"):
            response.close()
            raise Problem(
                503,
                "the engine stopped the query at its own time limit and offered a partial"
                " answer, which is not served",
            )

    def answer(self, form: str, media_type: str, response: requests.Response) -> Iterator[bytes]:
        if form == ASK:
            data = json.loads(response.content)
            response.close()
            return iter([_boolean(_virtuoso_ask(data), media_type)])
        # pyoxigraph's parsers and results belong to the thread that made them: the serialiser's.
        if form == CONSTRUCT:

            def graph(out: IO[bytes]) -> None:
                triples = parse(_stream(response), RdfFormat.N_TRIPLES)
                serialize((_fix_triple(q) for q in triples), out, GRAPH[media_type])

            return pushed(graph, response.close)

        def table(out: IO[bytes]) -> None:
            found = parse_query_results(_stream(response, _fix_json_line), QueryResultsFormat.JSON)
            assert isinstance(found, QuerySolutions)
            found.serialize(out, TABULAR[media_type])

        return pushed(table, response.close)

    def failure(self, error: EngineError, what: str) -> Problem:
        if re.search(r"S1T00|SR171|timed out", error.message):
            return Problem(503, f"the engine stopped the {what} at its own time limit")
        # Virtuoso repeats the whole query after its message: keep the message.
        message = error.message.split("\nSPARQL query:", 1)[0]
        return Problem(500, f"{what} failed: {_first_lines(message)}")


DIALECTS: dict[str, type[Dialect]] = {"oxigraph": OxigraphDialect, "virtuoso": VirtuosoDialect}


def new_token() -> str:
    return uuid.uuid4().hex


# --- reading the engine's answers -------------------------------------------------------------


def select(engine: Engine, query: str) -> list[dict[str, str]]:
    """A small SELECT of IRIs and plain values (ppkg's own bookkeeping), as strings."""
    try:
        response = engine.query(query, [], "application/sparql-results+json", STATE_TIMEOUT)
    except EngineError as exc:
        raise Problem(500, f"reading ppkg's state from the engine failed: {exc.message}") from None
    try:
        data = json.loads(response.content)
    finally:
        response.close()
    return [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]


def _pages(engine: Engine, query: str, size: int = 5000) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    while True:
        page = select(engine, f"{query} ORDER BY ?g LIMIT {size} OFFSET {len(rows)}")
        rows += page
        if len(page) < size:
            return rows


def _virtuoso_ask(data: dict[str, Any]) -> bool:
    if "boolean" in data:
        return bool(data["boolean"])
    rows = data["results"]["bindings"]
    return any(v.get("value") in ("1", "true") for row in rows for v in row.values())


def _boolean(value: bool, media_type: str) -> bytes:
    """An ASK answer in `media_type`, written by Oxigraph as the embedded store would."""
    result = Store().query("ASK {}" if value else "ASK { FILTER(false) }")
    assert isinstance(result, QueryBoolean)
    out = io.BytesIO()
    result.serialize(out, TABULAR[media_type])
    return out.getvalue()


def _stream(response: requests.Response, fix: Callable[[bytes], bytes] | None = None) -> IO[bytes]:
    lines = response.iter_lines(1 << 16, delimiter=b"\n")
    chunks = (line + b"\n" for line in lines) if fix is None else (fix(x) + b"\n" for x in lines)
    return QueryResult("", chunks).stream()


_TYPED = re.compile(
    rb'"type": "typed-literal", "datatype": "([^"]*)", "value": "((?:[^"\\]|\\.)*)"'
)
_BLANK = re.compile(rb'("type": "bnode", "value": ")nodeID://')


def _fix_json_line(line: bytes) -> bytes:
    """One line of Virtuoso's SPARQL JSON (one solution a line) as Oxigraph would write it."""
    line = _BLANK.sub(rb"\1", line)
    return _TYPED.sub(_fix_typed, line)


def _fix_typed(match: re.Match[bytes]) -> bytes:
    datatype = match.group(1).decode()
    value: str = json.loads(b'"' + match.group(2) + b'"')
    fixed = canonical(value, datatype)
    if fixed == value:
        return match.group(0)
    encoded = json.dumps(fixed, ensure_ascii=False).encode()
    return b'"type": "typed-literal", "datatype": "' + match.group(1) + b'", "value": ' + encoded


def _fix_triple(q: Quad) -> Triple:
    o = q.object
    if isinstance(o, Literal) and not o.language and o.datatype.value.startswith(XSD):
        fixed = canonical(o.value, o.datatype.value)
        if fixed != o.value:
            o = Literal(fixed, datatype=o.datatype)
    return Triple(q.subject, q.predicate, o)


_scratch = threading.local()
_NUMBER = re.compile(r"-?\d+(\.\d*)?([eE][+-]?\d+)?")


@lru_cache(maxsize=1 << 16)
def canonical(value: str, datatype: str) -> str:
    """The lexical form Oxigraph gives the literal (its canonical one), undoing Virtuoso's
    numbers for durations and 1/0 for booleans."""
    if datatype in DURATIONS and _NUMBER.fullmatch(value):
        value = _duration(value)
    elif datatype == XSD + "boolean" and value in ("1", "0"):
        return "true" if value == "1" else "false"
    if not datatype.startswith(XSD) or datatype == XSD + "string":
        return value
    store: Store | None = getattr(_scratch, "store", None)
    if store is None:
        store = _scratch.store = Store()
    node = NamedNode("urn:x")
    store.clear()
    try:
        store.add(Quad(node, node, Literal(value, datatype=NamedNode(datatype))))
    except (ValueError, SyntaxError):
        return value
    found: str = next(iter(store)).object.value
    return found


def _duration(number: str) -> str:
    """Virtuoso's xsd:duration: whole months as an integer, day-time durations as seconds."""
    sign = "-" if number.startswith("-") else ""
    digits = number.lstrip("-")
    if "." not in digits and "e" not in digits.lower():
        return f"{sign}P{int(digits)}M"
    try:
        seconds = Decimal(digits)
    except InvalidOperation:
        return number
    return f"{sign}PT{seconds.normalize():f}S"


# --- writing --------------------------------------------------------------------------------


def _grouped(quads: Iterable[Quad]) -> str:
    """`GRAPH <g> { triples }` blocks, in N-Triples syntax (pyoxigraph escapes every term)."""
    graphs: dict[str, list[str]] = {}
    for q in quads:
        if not isinstance(q.graph_name, NamedNode):
            raise Problem(500, "the remote backend keeps every quad in a named graph")
        graphs.setdefault(q.graph_name.value, []).append(f"{q.subject} {q.predicate} {q.object} .")
    return " ".join(f"GRAPH <{g}> {{ {' '.join(t)} }}" for g, t in graphs.items())


def _has_blank_node(q: Quad) -> bool:
    return isinstance(q.subject, BlankNode) or isinstance(q.object, BlankNode)


def _first_lines(message: str, limit: int = 600) -> str:
    text = " ".join(message.split())
    return text if len(text) <= limit else text[:limit] + "..."


# --- pushing a serialiser's output through an iterator ----------------------------------------


class _Stopped(Exception):
    pass


def pushed(write: Callable[[IO[bytes]], object], close: Callable[[], None]) -> Iterator[bytes]:
    """The bytes `write(out)` writes, as an iterator: pyoxigraph's serialisers push their output,
    the web server pulls. A thread runs `write`; closing the iterator stops it."""
    import queue

    chunks: queue.Queue[bytes | BaseException | None] = queue.Queue(maxsize=8)
    stop = threading.Event()
    sink = _Sink(chunks, stop)

    def run() -> None:
        try:
            write(sink)  # type: ignore[arg-type]
            sink.flush()
        except _Stopped:
            pass
        except BaseException as exc:  # handed to the reader, which raises it
            _put(chunks, stop, exc)
        finally:
            _put(chunks, stop, None)

    thread = threading.Thread(target=run, name="ppkg-results", daemon=True)
    thread.start()
    try:
        while True:
            item = chunks.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                if isinstance(item, Problem):
                    raise item
                raise Problem(500, f"the engine's answer could not be read: {item}") from item
            yield item
    finally:
        stop.set()
        close()


def _put(chunks: Any, stop: threading.Event, item: object) -> None:
    import queue

    while not stop.is_set():
        try:
            chunks.put(item, timeout=0.2)
            return
        except queue.Full:
            continue


class _Sink:
    """A binary file whose writes are gathered into chunks of 64 KiB for the reader."""

    def __init__(self, chunks: Any, stop: threading.Event) -> None:
        self._chunks = chunks
        self._stop = stop
        self._buffer = bytearray()

    def write(self, data: bytes) -> int:
        if self._stop.is_set():
            raise _Stopped
        self._buffer += data
        if len(self._buffer) >= 1 << 16:
            self.flush()
        return len(data)

    def flush(self) -> None:
        if self._buffer:
            _put(self._chunks, self._stop, bytes(self._buffer))
            self._buffer.clear()
