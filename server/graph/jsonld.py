"""The published JSON-LD @context, and a streaming writer of compact JSON-LD.

The context holds the prefixes our content files declare (ontology first, so a vocabulary keeps
its usual name when a data file reuses it). The writer compacts IRIs with those prefixes only:
that is all a JSON-LD processor needs to expand the dump back to exactly the same triples, and it
runs in one pass over triples grouped by subject, where a general compaction algorithm (pyld,
rdflib) would first hold the whole graph in memory.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from pyoxigraph import BlankNode, Literal, NamedNode, Quad

from ..core.content import content_files
from ..core.vocabulary import TYPE, XSD

Subject = NamedNode | BlankNode
RDF_TYPE = TYPE
XSD_STRING = XSD + "string"
# `@prefix name: <iri> .` or `PREFIX name: <iri>`, as content files declare them at the top.
PREFIX_LINE = re.compile(r"\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE)
# A prefix named like an IRI scheme would make full IRIs of that scheme read as compact IRIs.
SCHEMES = {"http", "https", "urn", "mailto", "file", "ftp", "tag", "data", "doi", "info"}


def declared_prefixes(path: Path) -> Iterator[tuple[str, str]]:
    """The prefixes declared in the header of a Turtle or TriG file (it stops at the first
    statement, so reading a large data file costs nothing)."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            found = PREFIX_LINE.match(line)
            if found and found.group(1):
                yield found.group(1), found.group(2)
            elif line.strip() and not line.lstrip().startswith(("#", "@base", "BASE")):
                return


def context_prefixes(content_dir: Path) -> dict[str, str]:
    """Name -> namespace for every usable prefix of the content, the first binding of a name
    winning (the ontology's `org:` is W3C ORG; a data file's `org:` for our organisations is left
    out, and those IRIs stay absolute)."""
    prefixes: dict[str, str] = {}
    for content in content_files(content_dir):
        for name, iri in declared_prefixes(content.path):
            usable = iri.endswith(("/", "#")) and name.lower() not in SCHEMES
            if usable and name not in prefixes and iri not in prefixes.values():
                prefixes[name] = iri
    return prefixes


def context_document(prefixes: dict[str, str]) -> dict[str, Any]:
    """The document served at /context.jsonld and embedded in the JSON-LD dump."""
    return {"@context": dict(sorted(prefixes.items()))}


class Compactor:
    """IRI -> compact IRI with the context's prefixes (the longest namespace that fits)."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        self._names = {iri: name for name, iri in prefixes.items()}
        self._prefix_names = set(prefixes)
        self.iri = lru_cache(maxsize=65536)(self._compact)

    def _compact(self, iri: str) -> str:
        end = len(iri)
        while True:
            end = max(iri.rfind("/", 0, end), iri.rfind("#", 0, end))
            if end < 0:
                break
            name = self._names.get(iri[: end + 1])
            local = iri[end + 1 :]
            if name is not None and local and not local.startswith("//"):
                return f"{name}:{local}"
        if iri.partition(":")[0] in self._prefix_names:
            raise ValueError(f"<{iri}> would read as a compact IRI; rename that prefix")
        return iri


def write_jsonld(
    descriptions: Iterable[tuple[Subject, Iterable[Quad]]],
    context: dict[str, Any],
    compactor: Compactor,
    out: IO[bytes],
) -> int:
    """Write each subject's statements as one node object a line of a JSON-LD document with
    `context` inline; return the number of statements written."""
    out.write(b'{"@context":' + _dumps(context["@context"]) + b',\n"@graph":[\n')
    count = 0
    separator = b""
    for subject, statements in descriptions:
        node, size = _node(subject, statements, compactor)
        out.write(separator + _dumps(node))
        separator = b",\n"
        count += size
    out.write(b"\n]}\n")
    return count


def _node(
    subject: Subject, statements: Iterable[Quad], compactor: Compactor
) -> tuple[dict[str, Any], int]:
    """The node object of `subject`, and the number of statements it holds."""
    node: dict[str, Any] = {"@id": _node_id(subject, compactor)}
    size = 0
    for statement in statements:
        predicate, value = statement.predicate.value, statement.object
        if predicate == RDF_TYPE and not isinstance(value, Literal):
            node.setdefault("@type", []).append(_node_id(value, compactor))
        else:
            node.setdefault(compactor.iri(predicate), []).append(_value(value, compactor))
        size += 1
    return node, size


def _node_id(term: object, compactor: Compactor) -> str:
    if isinstance(term, NamedNode):
        return compactor.iri(term.value)
    if isinstance(term, BlankNode):
        return "_:" + term.value
    raise ValueError(f"JSON-LD 1.1 cannot state the triple term {term}")


def _value(term: object, compactor: Compactor) -> object:
    if not isinstance(term, Literal):
        return {"@id": _node_id(term, compactor)}
    if term.direction:
        return {"@value": term.value, "@language": term.language, "@direction": term.direction}
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if term.datatype.value == XSD_STRING:
        return term.value
    return {"@value": term.value, "@type": compactor.iri(term.datatype.value)}


def _dumps(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
