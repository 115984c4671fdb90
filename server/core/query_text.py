"""Rewriting a query's text for a remote engine: pre-binding its parameters, taking its dataset
clauses out, naming its constant graphs by variables.

Pre-binding written into the query text, for engines that cannot bind values themselves.

Oxigraph binds a named query's parameters natively (`substitutions`, after SPARQL's SEP-0007): the
variable holds its value everywhere in the query, in a FILTER inside a nested OPTIONAL as much as
at the top, while a subquery that does not project the variable keeps its own. A VALUES block at
the top of the WHERE clause is not the same: SPARQL evaluates groups bottom-up, so a FILTER deep in
an OPTIONAL would not see the value. The equivalent text is therefore:

- every use of the variable in the WHERE clause (and in subqueries that project it) replaced by
  the term, written by pyoxigraph in N-Triples syntax, so nothing in a value is read as syntax;
- `BIND(term AS ?v)` opening that WHERE clause (and those subqueries), so that the projection,
  GROUP BY, ORDER BY and a CONSTRUCT template still see the variable;
- `BOUND(?v)` as `true`; a query that assigns the variable itself (`AS ?v`, `VALUES ?v`) is refused.

A scanner, not a parser: it only has to tell strings, IRIs, comments and variables apart, and
follow braces. The engine still parses the result. The same scanner takes a query's dataset
clauses out (`without_dataset`), for engines given the dataset by the protocol instead, and
writes what Virtuoso gets wrong about graph patterns in other words (`graph_patterns`).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pyoxigraph import BlankNode

from .problem import Problem
from .vocabulary import Term

_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
      |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\uffff]+)
  | (?P<punct>[{}()*+]|\?(?![A-Za-z0-9_\u00b7\u00c0-\uffff]))
  | (?P<word>[A-Za-z_][\w-]*(?::[^\s{}()<>,;"'\#+*/?|^]*)?|:[^\s{}()<>,;"'\#+*/?|^]*)
    """,
    re.VERBOSE | re.DOTALL,
)
FORMS = {"SELECT", "CONSTRUCT", "ASK", "DESCRIBE"}


@dataclass
class _Token:
    kind: str
    text: str
    start: int
    end: int

    @property
    def upper(self) -> str:
        return self.text.upper() if self.kind == "word" else self.text


def without_dataset(query: str) -> str:
    """`query` without its FROM and FROM NAMED clauses (for an engine given the dataset by the
    protocol's parameters, which some engines add to the clauses instead of replacing them)."""
    tokens = _tokens(query)
    cut: list[tuple[int, int]] = []
    for i, token in enumerate(tokens):
        if token.upper == "FROM" and i + 1 < len(tokens):
            last = i + 2 if tokens[i + 1].upper == "NAMED" else i + 1
            if last < len(tokens):
                cut.append((token.start, tokens[last].end))
    out, at = [], 0
    for start, end in cut:
        out.append(query[at:start])
        at = end
    out.append(query[at:])
    return "".join(out)


def has_quantified_path(query: str) -> bool:
    """Whether `query` has a property path with `*`, `+` or `?` (told apart from `SELECT *`,
    `COUNT(*)` and arithmetic by what precedes them: an IRI, a prefixed name, `a` or `)`)."""
    tokens = _tokens(query)
    for previous, token in itertools.pairwise(tokens):
        if token.text in ("*", "+", "?"):
            if previous.kind == "iri" or previous.text == ")" or previous.text == "a":
                return True
            if previous.kind == "word" and ":" in previous.text:
                return True
    return False


def graph_patterns(query: str, named: Sequence[str]) -> str:
    """`query` with `GRAPH ?v {}` written as `VALUES ?v { <named graphs> }`, what it means, and
    `GRAPH <g> { P }` for a graph not among `named` (any graph, if `named` is empty) as
    `{ { GRAPH <g> { P } } FILTER(false) }`, what it finds: for Virtuoso, which finds no graph for
    an empty pattern, and one empty solution in a graph outside the dataset."""
    tokens = _tokens(query)
    prefixes = {
        tokens[i + 1].text[:-1]: tokens[i + 2].text[1:-1]
        for i in range(len(tokens) - 2)
        if tokens[i].upper == "PREFIX" and tokens[i + 2].kind == "iri"
    }
    known = set(named)
    values = " ".join(f"<{g}>" for g in named)
    edits: list[tuple[int, int, str]] = []
    for i in range(len(tokens) - 3):
        graph, name, opening = tokens[i], tokens[i + 1], tokens[i + 2]
        if graph.upper != "GRAPH" or opening.text != "{":
            continue
        if name.kind == "var" and tokens[i + 3].text == "}":
            edits.append((graph.start, tokens[i + 3].end, f"VALUES {name.text} {{ {values} }}"))
            continue
        iri = _iri(name, prefixes)
        if (iri is not None and iri not in known) or (name.kind == "var" and not known):
            # Virtuoso gives one empty solution, whatever filters the group holds: the filter
            # that removes it must stand outside.
            closing = tokens[_closing(tokens, i + 2)]
            edits.append((graph.start, graph.start, "{ { "))
            edits.append((closing.end, closing.end, " } FILTER(false) }"))
    return _edited(query, edits) if edits else query


def _iri(token: _Token, prefixes: dict[str, str]) -> str | None:
    if token.kind == "iri":
        return token.text[1:-1]
    if token.kind == "word" and ":" in token.text:
        prefix, _, local = token.text.partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + local
    return None


def _edited(query: str, edits: list[tuple[int, int, str]]) -> str:
    out, last = [], 0
    for start, end, text in sorted(edits):
        out.append(query[last:start])
        out.append(text)
        last = end
    out.append(query[last:])
    return "".join(out)


def _tokens(query: str) -> list[_Token]:
    return [
        _Token(m.lastgroup or "", m.group(), m.start(), m.end())
        for m in _TOKEN.finditer(query)
        if m.lastgroup != "comment"
    ]


def prebind(query: str, bindings: Mapping[str, Term]) -> str:
    """`query` with `bindings` written in as Oxigraph's pre-binding would bind them."""
    if not bindings:
        return query
    for name, term in bindings.items():
        if isinstance(term, BlankNode):
            raise Problem(500, f"parameter ?{name} cannot be bound to a blank node")
    tokens = _tokens(query)
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement), in order
    form = next((i for i, t in enumerate(tokens) if t.upper in FORMS), None)
    if form is None:
        raise Problem(500, "the query has no SELECT, CONSTRUCT, ASK or DESCRIBE")
    where = _where_group(tokens, form)
    _bind_group(tokens, where, dict(bindings), edits)
    return _edited(query, edits)


def _where_group(tokens: list[_Token], form: int) -> int:
    """The index of the brace opening the WHERE clause of the query form at `form`."""
    i = form + 1
    if tokens[form].upper == "CONSTRUCT":
        if i < len(tokens) and tokens[i].upper == "WHERE":
            raise Problem(500, "parameters need a CONSTRUCT with a template and a WHERE clause")
        if i < len(tokens) and tokens[i].text == "{":
            i = _closing(tokens, i) + 1
    while i < len(tokens) and tokens[i].text != "{":
        i += 1
    if i == len(tokens):
        raise Problem(500, "the query has no WHERE clause")
    return i


def _closing(tokens: list[_Token], opening: int) -> int:
    depth = 0
    for i in range(opening, len(tokens)):
        if tokens[i].text == "{":
            depth += 1
        elif tokens[i].text == "}":
            depth -= 1
            if depth == 0:
                return i
    raise Problem(500, "unbalanced braces in the query")


def _bind_group(
    tokens: list[_Token], opening: int, bindings: dict[str, Term], edits: list[tuple[int, int, str]]
) -> None:
    """Write `bindings` into the group opened at `opening` (a WHERE clause), recursing into the
    subqueries in it with the bindings each one projects."""
    closing = _closing(tokens, opening)
    at = tokens[opening].end
    for name, term in bindings.items():
        edits.append((at, at, f" BIND({term} AS ?{name})"))
    i = opening + 1
    while i < closing:
        token = tokens[i]
        if token.upper == "SELECT":
            i = _subquery(tokens, i, bindings, edits)
            continue
        if token.upper == "VALUES":
            _refuse_assigned(tokens, i, bindings, "VALUES")
        elif token.kind == "var" and token.text[1:] in bindings:
            name = token.text[1:]
            previous = tokens[i - 1]
            if previous.upper == "AS":
                raise Problem(500, f"parameter ?{name} cannot be bound: the query assigns it")
            if previous.text == "(" and tokens[i - 2].upper == "BOUND" and i + 1 < closing:
                edits.append((tokens[i - 2].start, tokens[i + 1].end, "true"))
            else:
                edits.append((token.start, token.end, str(bindings[name])))
        i += 1


def _subquery(
    tokens: list[_Token], select: int, bindings: dict[str, Term], edits: list[tuple[int, int, str]]
) -> int:
    """Handle the subquery whose SELECT is at `select`; return the index of the brace that closes
    the group holding it (after its WHERE group and its solution modifiers)."""
    where, depth = select + 1, 0
    projected: set[str] = set()
    everything = False
    while where < len(tokens) and tokens[where].text != "{":
        token = tokens[where]
        depth += {"(": 1, ")": -1}.get(token.text, 0)
        if token.text == "*" and depth == 0:
            everything = True
        elif token.kind == "var" and (depth == 0 or tokens[where - 1].upper == "AS"):
            if depth and token.text[1:] in bindings:
                raise Problem(500, f"parameter {token.text} cannot be bound: the query assigns it")
            projected.add(token.text[1:])
        where += 1
    inner = {k: v for k, v in bindings.items() if everything or k in projected}
    if inner:
        _bind_group(tokens, where, inner, edits)
    i, depth = _closing(tokens, where) + 1, 0
    while i < len(tokens) and not (tokens[i].text == "}" and depth == 0):
        depth += {"{": 1, "}": -1}.get(tokens[i].text, 0)
        i += 1
    return i


def _refuse_assigned(
    tokens: list[_Token], values: int, bindings: dict[str, Term], word: str
) -> None:
    i = values + 1
    while i < len(tokens) and tokens[i].text != "{":
        if tokens[i].kind == "var" and tokens[i].text[1:] in bindings:
            raise Problem(500, f"parameter {tokens[i].text} cannot be bound: {word} assigns it")
        i += 1
