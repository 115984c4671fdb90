"""Result media types, their Oxigraph serialisers, and content negotiation."""

from __future__ import annotations

from collections.abc import Sequence

from pyoxigraph import QueryResultsFormat, RdfFormat
from werkzeug.datastructures import MIMEAccept

# The first of each family is the default when the client accepts anything.
TABULAR: dict[str, QueryResultsFormat] = {
    "application/sparql-results+json": QueryResultsFormat.JSON,
    "application/sparql-results+xml": QueryResultsFormat.XML,
    "text/csv": QueryResultsFormat.CSV,
    "text/tab-separated-values": QueryResultsFormat.TSV,
}
GRAPH: dict[str, RdfFormat] = {
    "text/turtle": RdfFormat.TURTLE,
    "application/n-triples": RdfFormat.N_TRIPLES,
    "application/ld+json": RdfFormat.JSON_LD,
    "application/rdf+xml": RdfFormat.RDF_XML,
}

# Short names for the `format` parameter, a convenience for links typed by people.
SHORT_NAMES: dict[str, tuple[str, ...]] = {
    "json": ("application/sparql-results+json", "application/ld+json"),
    "xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "csv": ("text/csv",),
    "tsv": ("text/tab-separated-values",),
    "turtle": ("text/turtle",),
    "ttl": ("text/turtle",),
    "nt": ("application/n-triples",),
    "ntriples": ("application/n-triples",),
    "jsonld": ("application/ld+json",),
    "rdfxml": ("application/rdf+xml",),
}

# Formats the W3C names, for the service description.
FORMAT_IRIS: dict[str, str] = {
    "application/sparql-results+json": "http://www.w3.org/ns/formats/SPARQL_Results_JSON",
    "application/sparql-results+xml": "http://www.w3.org/ns/formats/SPARQL_Results_XML",
    "text/csv": "http://www.w3.org/ns/formats/SPARQL_Results_CSV",
    "text/tab-separated-values": "http://www.w3.org/ns/formats/SPARQL_Results_TSV",
    "text/turtle": "http://www.w3.org/ns/formats/Turtle",
    "application/n-triples": "http://www.w3.org/ns/formats/N-Triples",
    "application/ld+json": "http://www.w3.org/ns/formats/JSON-LD",
    "application/rdf+xml": "http://www.w3.org/ns/formats/RDF_XML",
}


def content_type(media_type: str) -> str:
    """The Content-Type header for a body of `media_type` (our text bodies are UTF-8)."""
    if media_type.startswith("text/"):
        return media_type + "; charset=utf-8"
    return media_type


def negotiate(accept: MIMEAccept, offers: Sequence[str], format_param: str | None) -> str | None:
    """The offer to answer with, or None when the client accepts none of them (406).

    Accept decides; `format` only chooses among the offers the client ranks equally highest, so
    it is a convenience for links typed by people and never overrides a real preference.
    """
    if not accept:
        accept = MIMEAccept([("*/*", 1)])
    ranked = {offer: accept.quality(offer) for offer in offers}
    top = max(ranked.values(), default=0)
    if top <= 0:
        return None
    candidates = [offer for offer in offers if ranked[offer] == top]
    for media_type in _format_types(format_param, candidates):
        return media_type
    named = [offer for offer in candidates if offer in accept.values()]
    return (named or candidates)[0]


def _format_types(format_param: str | None, offers: Sequence[str]) -> list[str]:
    if not format_param:
        return []
    key = format_param.strip().lower()
    candidates = SHORT_NAMES.get(key, (key,))
    return [media_type for media_type in candidates if media_type in offers]


def prefers_html(accept: MIMEAccept, machine_types: list[str]) -> bool:
    """True when a browser asks: HTML ranks above every machine format (`*/*` alone does not)."""
    return accept.best_match([*machine_types, "text/html"]) == "text/html"
