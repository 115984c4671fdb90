"""Keys of a JSON-LD document that its @context maps to nothing, so that JSON-LD drops them.

A misspelt or undeclared key ("nmae" for "name") is not an error in JSON-LD: the processor
silently leaves it and its value out, and the RDF looks complete. Validators should hear of it.
Terms are resolved with rdflib's JSON-LD context; documents with remote contexts are not checked
(nothing is fetched).
"""

from __future__ import annotations

import json
from typing import Any

from rdflib.plugins.shared.jsonld.context import Context

# Keywords whose values hold node objects (or lists of them) to look into.
CONTAINERS = {"@graph", "@list", "@set", "@reverse", "@included", "@nest"}


class _Remote(Exception):
    """The document loads a context from elsewhere: its terms are unknown here."""


def dropped_keys(data: bytes) -> list[str]:
    """JSON Pointers (RFC 6901) to the keys that expand to no IRI; [] when they cannot be known."""
    try:
        document = json.loads(data)
        found: list[str] = []
        _walk(document, Context(), "", found)
    except Exception:  # a context rdflib cannot read: advice withheld, never an error
        return []
    return found


def _walk(node: Any, context: Context, pointer: str, found: list[str]) -> None:
    if isinstance(node, list):
        for index, item in enumerate(node):
            _walk(item, context, f"{pointer}/{index}", found)
        return
    if not isinstance(node, dict) or "@value" in node:
        return
    if "@context" in node:
        context = context.subcontext(_local(node["@context"]))
    context = context.get_context_for_type(node) or context  # a type-scoped context
    for key, value in node.items():
        here = f"{pointer}/{_escape(key)}"
        iri = key if key.startswith("@") else context.expand(key)
        if iri is None or not (iri.startswith("@") or ":" in iri):
            found.append(here)
        elif not iri.startswith("@"):
            term = context.terms.get(key)
            _walk(value, context.get_context_for_term(term) if term else context, here, found)
        elif iri in CONTAINERS:
            _walk(value, context, here, found)


def _local(source: Any) -> Any:
    """`source` if it loads nothing from elsewhere (rdflib would fetch it)."""
    sources = source if isinstance(source, list) else [source]
    if any(isinstance(s, str) or (isinstance(s, dict) and "@import" in s) for s in sources):
        raise _Remote
    return source


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")
