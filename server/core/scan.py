"""A lexical look at a query before it runs: what it asks the server to fetch or change.

Oxigraph would execute SERVICE against any address, so such queries are refused before they
reach the engine. A scanner (not a parser) suffices because it only has to find keywords outside
strings, IRIs and comments; the engine still parses the query and reports syntax errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
      |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$]\w+)
  | (?P<pname>(?:[A-Za-z][\w.-]*)?:[^\s{}()<>,;"'\#]*)
  | (?P<word>[A-Za-z_]\w*)
    """,
    re.VERBOSE | re.DOTALL,
)

UPDATE_WORDS = {
    "INSERT",
    "DELETE",
    "LOAD",
    "CLEAR",
    "DROP",
    "CREATE",
    "ADD",
    "MOVE",
    "COPY",
    "WITH",
}
QUERY_WORDS = {"SELECT", "CONSTRUCT", "ASK", "DESCRIBE"}


@dataclass
class Scan:
    """What the scanner found."""

    from_graphs: list[str] = field(default_factory=list)
    from_named: list[str] = field(default_factory=list)  # those of from_graphs after FROM NAMED
    uses_service: bool = False
    update_word: str | None = None


def scan(query: str) -> Scan:
    """Find FROM / FROM NAMED graphs, SERVICE, and an update operation in `query`."""
    result = Scan()
    prefixes: dict[str, str] = {}
    base = ""
    tokens = [(m.lastgroup, m.group()) for m in _TOKEN.finditer(query) if m.lastgroup != "comment"]
    seen_query_word = False
    for i, (kind, text) in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else (None, "")
        if kind != "word":
            continue
        word = text.upper()
        if word == "PREFIX" and i + 2 < len(tokens):
            prefixes[nxt[1].rstrip(":")] = tokens[i + 2][1][1:-1]
        elif word == "BASE" and nxt[0] == "iri":
            base = urljoin(base, nxt[1][1:-1])
        elif word in QUERY_WORDS:
            seen_query_word = True
        elif word in UPDATE_WORDS and not seen_query_word and result.update_word is None:
            result.update_word = word
        elif word == "SERVICE":
            result.uses_service = True
        elif word == "FROM":
            named = nxt[1].upper() == "NAMED" and i + 2 < len(tokens)
            target = tokens[i + 2] if named else nxt
            result.from_graphs.append(_resolve(target, prefixes, base))
            if named:
                result.from_named.append(result.from_graphs[-1])
    return result


def _resolve(token: tuple[str | None, str], prefixes: dict[str, str], base: str) -> str:
    kind, text = token
    if kind == "iri":
        return urljoin(base, text[1:-1]) if base else text[1:-1]
    if kind == "pname":
        prefix, _, local = text.partition(":")
        return prefixes.get(prefix, prefix + ":") + local
    return text
