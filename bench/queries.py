"""The benchmark's queries: our named queries, their parameters, one text for every engine, and
the rows they return in a form the engines can be compared on.

ppkg runs a named query with its parameters pre-bound by Oxigraph, which substitutes them for the
variables everywhere in the query. rdflib and Virtuoso get the same query with the parameters
written into its WHERE clause the same way, and bound by a VALUES block for the SELECT and GROUP BY.
A VALUES block alone would not do: a nested OPTIONAL (the court's label in the sentences query)
is evaluated before it is joined with the block, so its FILTER would not see the language.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from server.core.named_queries import load_queries

XSD = "http://www.w3.org/2001/XMLSchema#"
Row = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class BenchQuery:
    key: str  # how the results name it, e.g. "prisoners-by-article"
    name: str  # the named query
    params: dict[str, str]  # as given to GET /queries/<name>
    text: str  # the same query for other engines, parameters bound by VALUES

    @property
    def path(self) -> str:
        return f"/queries/{self.name}"


def bench_queries(queries_dir: Path, article: str, person: str) -> list[BenchQuery]:
    """prisoners-by-article for `article`, article-stats for all, sentences for `person`."""
    named = load_queries(queries_dir)
    wanted = [
        ("prisoners-by-article", {"article": article}),
        ("article-stats", {}),
        ("sentences", {"person": person}),
    ]
    out = []
    for name, params in wanted:
        query = named[name]
        bindings = {k: str(v) for k, v in query.bind(params).items()}  # N-Triples terms
        out.append(BenchQuery(name, name, params, portable(query.text, bindings)))
    return out


def portable(text: str, bindings: dict[str, str]) -> str:
    """`text` with `bindings` (variable -> N-Triples term) written into its WHERE clause and
    bound by a VALUES block opening it."""
    if not bindings:
        return text
    where = re.search(r"WHERE\s*\{", text, re.IGNORECASE)
    if where is None:
        raise ValueError("the query has no WHERE clause")
    end = _closing_brace(text, where.end())
    body = text[where.end() : end]
    for name, value in bindings.items():
        # A function as replacement, so that nothing in the term is read as a group reference.
        body = re.sub(rf"[?$]{name}\b", _constant(value), body)
    names = " ".join(f"?{k}" for k in bindings)
    block = f"\n  VALUES ({names}) {{ ({' '.join(bindings.values())}) }}"
    return text[: where.end()] + block + body + text[end:]


def _constant(value: str) -> Callable[[re.Match[str]], str]:
    return lambda _: value


def _closing_brace(text: str, start: int) -> int:
    """The index of the brace closing the group opened just before `start` (comments, strings
    and IRIs skipped)."""
    depth = 1
    tokens = re.finditer(r'#[^\n]*|"(?:[^"\\]|\\.)*"|<[^>\s]*>|[{}]', text[start:])
    for token in tokens:
        if token.group() == "{":
            depth += 1
        elif token.group() == "}":
            depth -= 1
            if depth == 0:
                return start + token.start()
    raise ValueError("unbalanced braces in the query")


def rows(results: bytes | str | dict[str, Any]) -> Counter[Row]:
    """SPARQL JSON results as a multiset of rows of normalised terms."""
    data = json.loads(results) if isinstance(results, bytes | str) else results
    return Counter(
        tuple(sorted((var, term(value)) for var, value in binding.items()))
        for binding in data["results"]["bindings"]
    )


def term(value: dict[str, str]) -> str:
    """One term in a form the engines agree on where RDF says the values are equal: language
    tags are case-insensitive (Virtuoso lowercases them), and xsd:duration values of years and
    months compare as months (Virtuoso 7.2 returns P1Y6M as "18")."""
    kind, text = value["type"], value["value"]
    if kind == "uri":
        return f"<{text}>"
    if kind == "bnode":
        return "_:"
    lang = value.get("xml:lang")
    if lang:
        return f'"{text}"@{lang.lower()}'
    datatype = value.get("datatype", XSD + "string")
    if datatype == XSD + "duration":
        return f'"P{_months(text)}M"^^<{datatype}>'
    if datatype == XSD + "integer":
        return f'"{int(text)}"^^<{datatype}>'
    if datatype == XSD + "string":
        return f'"{text}"'
    return f'"{text}"^^<{datatype}>'


def _months(duration: str) -> int:
    if duration.isdigit():
        return int(duration)
    match = re.fullmatch(r"P(?:(\d+)Y)?(?:(\d+)M)?", duration)
    if match is None:
        raise ValueError(f"not a duration of years and months: {duration!r}")
    return int(match.group(1) or 0) * 12 + int(match.group(2) or 0)


def difference(ours: Counter[Row], theirs: Counter[Row], limit: int = 3) -> dict[str, Any]:
    """A short account of how two results differ (empty if they do not)."""
    missing, extra = ours - theirs, theirs - ours
    if not missing and not extra:
        return {}
    return {
        "only_ppkg": [dict(r) for r in list(missing.elements())[:limit]],
        "only_other": [dict(r) for r in list(extra.elements())[:limit]],
        "counts": [sum(missing.values()), sum(extra.values())],
    }
