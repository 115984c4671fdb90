"""The media type tables agree with the libraries, and their views keep the orders negotiation
relies on (the first offer is the default)."""

from __future__ import annotations

import pytest
from rdflib.parser import Parser
from rdflib.plugin import get
from rdflib.serializer import Serializer

from server.core.media_types import (
    FORMAT_IRIS,
    GRAPH,
    RDF_MEDIA_TYPES,
    RESULTS_MEDIA_TYPES,
    SHORT_NAMES,
    TABULAR,
    rdf_media_type,
    rdf_media_type_for_suffix,
)

pytestmark = pytest.mark.no_backend  # the same whatever --backend is: run once


def test_the_rdf_table_agrees_with_oxigraph_and_rdflib() -> None:
    for row in RDF_MEDIA_TYPES:
        assert row.oxigraph.media_type == row.media_type
        assert row.oxigraph.file_extension == row.suffix
        assert row.oxigraph.supports_datasets or not row.dataset
        assert get(row.rdflib, Parser) and get(row.rdflib, Serializer)
        assert rdf_media_type(row.media_type) is row
    for row in RESULTS_MEDIA_TYPES:  # Oxigraph adds the charset to CSV's and TSV's
        assert row.oxigraph.media_type.split(";")[0] == row.media_type


def test_suffixes_name_one_format_each() -> None:
    suffixes = [s for row in RDF_MEDIA_TYPES for s in row.suffixes]
    assert len(suffixes) == len(set(suffixes))
    assert rdf_media_type_for_suffix(".JSON") == rdf_media_type("application/ld+json")
    assert rdf_media_type_for_suffix(".owl") == rdf_media_type("application/rdf+xml")
    assert rdf_media_type_for_suffix(".html") is None


def test_the_views_keep_their_orders() -> None:
    assert list(TABULAR) == [
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    ]
    assert list(GRAPH) == [
        "text/turtle",
        "application/n-triples",
        "application/ld+json",
        "application/rdf+xml",
    ]
    assert list(FORMAT_IRIS) == [*TABULAR, *GRAPH]
    assert SHORT_NAMES["json"] == ("application/sparql-results+json", "application/ld+json")
    assert SHORT_NAMES["xml"] == ("application/sparql-results+xml", "application/rdf+xml")
    assert SHORT_NAMES["ttl"] == SHORT_NAMES["turtle"] == ("text/turtle",)
    assert "trig" not in SHORT_NAMES  # dataset formats are asked for by media type or suffix
