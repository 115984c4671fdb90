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
from collections.abc import Callable, Collection, Mapping
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


def mentions_graph(query: str) -> bool:
    """Whether `query` has a GRAPH pattern (the word, not in a string, an IRI or a comment)."""
    return any(token.upper == "GRAPH" for token in _tokens(query))


def graph_patterns(
    query: str, named: Collection[str], member: Callable[[str], str] | None = None
) -> str:
    """`query` with what Virtuoso gets wrong about graph patterns written in other words:

    - `GRAPH <g> { P }` for a graph not among `named` (any graph, if `named` is empty) as
      `{ { GRAPH <g> { P } } FILTER(false) }`, what it finds (Virtuoso gives one empty solution
      in a graph outside the dataset);
    - `GRAPH ?v {}` as `VALUES ?v { <named graphs> }`, what it means (Virtuoso finds no graph for
      an empty pattern), or as `member(?v)`, a pattern that binds ?v to each of them;
    - with `member`, `GRAPH ?v { P }` followed by `member(?v)`: for a query run without a list
      of named graphs, where ?v would range over every graph of the engine."""
    tokens = _tokens(query)
    prefixes = {
        tokens[i + 1].text[:-1]: tokens[i + 2].text[1:-1]
        for i in range(len(tokens) - 2)
        if tokens[i].upper == "PREFIX" and tokens[i + 2].kind == "iri"
    }
    known = named if isinstance(named, (set, frozenset)) else set(named)
    edits: list[tuple[int, int, str]] = []
    for i in range(len(tokens) - 3):
        graph, name, opening = tokens[i], tokens[i + 1], tokens[i + 2]
        if graph.upper != "GRAPH" or opening.text != "{":
            continue
        if name.kind == "var" and tokens[i + 3].text == "}":
            if member is not None:
                edits.append((graph.start, tokens[i + 3].end, member(name.text)))
            else:
                values = " ".join(f"<{g}>" for g in sorted(known))
                edits.append((graph.start, tokens[i + 3].end, f"VALUES {name.text} {{ {values} }}"))
            continue
        iri = _iri(name, prefixes)
        closing = tokens[_closing(tokens, i + 2)]
        if (iri is not None and iri not in known) or (name.kind == "var" and not known):
            # Virtuoso gives one empty solution, whatever filters the group holds: the filter
            # that removes it must stand outside.
            edits.append((graph.start, graph.start, "{ { "))
            edits.append((closing.end, closing.end, " } FILTER(false) }"))
        elif name.kind == "var" and member is not None:
            edits.append((closing.end, closing.end, " " + member(name.text)))
    return _edited(query, edits) if edits else query


def in_graph(query: str, graph: str) -> str | None:
    """`query` with its WHERE clause inside `GRAPH <graph> { ... }`, so that `graph` is its
    default graph (the GRAPH patterns within keep their own graphs); CONSTRUCT's short form gets
    its template written out. None for DESCRIBE, which describes from the default graph itself."""
    tokens = _tokens(query)
    form = next((i for i, t in enumerate(tokens) if t.upper in FORMS), None)
    if form is None:
        raise Problem(500, "no query form in the query")
    if tokens[form].upper == "DESCRIBE":
        return None
    groups = _top_groups(tokens, form + 1)
    short = tokens[form].upper == "CONSTRUCT" and tokens[form + 1].upper == "WHERE"
    index = 1 if tokens[form].upper == "CONSTRUCT" and not short else 0
    if index >= len(groups):
        return None
    opening, closing = groups[index]
    start, end = tokens[opening].start, tokens[closing].end
    body = query[start:end]
    wrapped = f"{{ GRAPH <{graph}> {body} }}"
    if short:
        wrapped = f"{body} WHERE {wrapped}"
        start = tokens[form + 1].start
    return query[:start] + wrapped + query[end:]


def _top_groups(tokens: list[_Token], first: int) -> list[tuple[int, int]]:
    """The groups `{ ... }` at the top of the query from token `first`: not inside another, nor
    in an expression (`EXISTS { }` in a projection)."""
    groups: list[tuple[int, int]] = []
    parens, i = 0, first
    while i < len(tokens):
        text = tokens[i].text
        if text == "(":
            parens += 1
        elif text == ")":
            parens -= 1
        elif text == "{":
            closing = _closing(tokens, i)
            if parens == 0:
                groups.append((i, closing))
            i = closing
        i += 1
    return groups


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
