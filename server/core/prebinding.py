"""Pre-binding written into the query text, for engines that cannot bind values themselves.

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
follow braces. The engine still parses the result.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
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
  | (?P<punct>[{}()*])
  | (?P<word>[A-Za-z_][\w-]*(?::[^\s{}()<>,;"'\#]*)?|:[^\s{}()<>,;"'\#]*)
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


def prebind(query: str, bindings: Mapping[str, Term]) -> str:
    """`query` with `bindings` written in as Oxigraph's pre-binding would bind them."""
    if not bindings:
        return query
    for name, term in bindings.items():
        if isinstance(term, BlankNode):
            raise Problem(500, f"parameter ?{name} cannot be bound to a blank node")
    tokens = [
        _Token(m.lastgroup or "", m.group(), m.start(), m.end())
        for m in _TOKEN.finditer(query)
        if m.lastgroup != "comment"
    ]
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement), in order
    form = next((i for i, t in enumerate(tokens) if t.upper in FORMS), None)
    if form is None:
        raise Problem(500, "the query has no SELECT, CONSTRUCT, ASK or DESCRIBE")
    where = _where_group(tokens, form)
    _bind_group(tokens, where, dict(bindings), edits)
    out, last = [], 0
    for start, end, text in sorted(edits):
        out.append(query[last:start])
        out.append(text)
        last = end
    out.append(query[last:])
    return "".join(out)


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
