"""Media types: the RDF formats and the SPARQL results formats we serve and read, one table each,
with every name a format goes by (Oxigraph's, rdflib's, the W3C's, file suffixes, short names).

The other tables (TABULAR, GRAPH, SHORT_NAMES, FORMAT_IRIS) are views of these two.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import QueryResultsFormat, RdfFormat

W3C_FORMATS = "http://www.w3.org/ns/formats/"


@dataclass(frozen=True)
class RdfMediaType:
    media_type: str
    oxigraph: RdfFormat
    suffixes: tuple[str, ...]  # file name suffixes, the first the one our URLs use
    rdflib: str  # rdflib's parser and serializer name
    iri: str  # the W3C's name for the format
    # A dataset format: statements are written with their named graphs (each fact's source).
    # JSON-LD could hold graphs, but its users expect one graph, so we treat it as a graph format.
    dataset: bool
    short_names: tuple[str, ...] = ()  # for the `format` parameter (see SHORT_NAMES)

    @property
    def suffix(self) -> str:
        """The suffix our URLs use, without the dot: `/id/person/x.ttl`."""
        return self.suffixes[0].removeprefix(".")


@dataclass(frozen=True)
class ResultsMediaType:
    media_type: str
    oxigraph: QueryResultsFormat
    iri: str  # the W3C's name for the format
    short_names: tuple[str, ...] = ()  # for the `format` parameter (see SHORT_NAMES)


RDF_MEDIA_TYPES: tuple[RdfMediaType, ...] = (
    RdfMediaType(
        "text/turtle",
        RdfFormat.TURTLE,
        (".ttl",),
        "turtle",
        W3C_FORMATS + "Turtle",
        dataset=False,
        short_names=("turtle", "ttl"),
    ),
    RdfMediaType(
        "application/trig", RdfFormat.TRIG, (".trig",), "trig", W3C_FORMATS + "TriG", dataset=True
    ),
    RdfMediaType(
        "application/n-triples",
        RdfFormat.N_TRIPLES,
        (".nt",),
        "nt",
        W3C_FORMATS + "N-Triples",
        dataset=False,
        short_names=("nt", "ntriples"),
    ),
    RdfMediaType(
        "application/n-quads",
        RdfFormat.N_QUADS,
        (".nq",),
        "nquads",
        W3C_FORMATS + "N-Quads",
        dataset=True,
    ),
    RdfMediaType(
        "application/ld+json",
        RdfFormat.JSON_LD,
        (".jsonld", ".json"),
        "json-ld",
        W3C_FORMATS + "JSON-LD",
        dataset=False,
        short_names=("json", "jsonld"),
    ),
    RdfMediaType(
        "application/rdf+xml",
        RdfFormat.RDF_XML,
        (".rdf", ".xml", ".owl"),
        "xml",
        W3C_FORMATS + "RDF_XML",
        dataset=False,
        short_names=("xml", "rdfxml"),
    ),
)

# The first is the default when the client accepts anything.
RESULTS_MEDIA_TYPES: tuple[ResultsMediaType, ...] = (
    ResultsMediaType(
        "application/sparql-results+json",
        QueryResultsFormat.JSON,
        W3C_FORMATS + "SPARQL_Results_JSON",
        ("json",),
    ),
    ResultsMediaType(
        "application/sparql-results+xml",
        QueryResultsFormat.XML,
        W3C_FORMATS + "SPARQL_Results_XML",
        ("xml",),
    ),
    ResultsMediaType(
        "text/csv", QueryResultsFormat.CSV, W3C_FORMATS + "SPARQL_Results_CSV", ("csv",)
    ),
    ResultsMediaType(
        "text/tab-separated-values",
        QueryResultsFormat.TSV,
        W3C_FORMATS + "SPARQL_Results_TSV",
        ("tsv",),
    ),
)

_BY_MEDIA_TYPE = {m.media_type: m for m in RDF_MEDIA_TYPES}
_BY_SUFFIX = {s: m for m in RDF_MEDIA_TYPES for s in m.suffixes}


def rdf_media_type(media_type: str) -> RdfMediaType:
    """The RDF format of `media_type` (KeyError when it is none of ours)."""
    return _BY_MEDIA_TYPE[media_type]


def rdf_media_type_for_suffix(suffix: str) -> RdfMediaType | None:
    """The RDF format a file name suffix (`.ttl`, `.json`, any case) stands for, if any."""
    return _BY_SUFFIX.get(suffix.lower())


# What a submission or a validation may be sent in, and what its file names say it is.
RDF_FORMATS: dict[str, RdfFormat] = {m.media_type: m.oxigraph for m in RDF_MEDIA_TYPES}
RDF_SUFFIXES: dict[str, str] = {s: m.media_type for m in RDF_MEDIA_TYPES for s in m.suffixes}

# What /sparql answers: SELECT and ASK in TABULAR, CONSTRUCT and DESCRIBE in GRAPH (the graph
# formats, in the table's order). The first of each is the default when the client accepts
# anything.
TABULAR: dict[str, QueryResultsFormat] = {r.media_type: r.oxigraph for r in RESULTS_MEDIA_TYPES}
GRAPH: dict[str, RdfFormat] = {m.media_type: m.oxigraph for m in RDF_MEDIA_TYPES if not m.dataset}


# Short names for the `format` parameter, a convenience for links typed by people: each names a
# results format, a graph format, or one of each ("json", "xml").
def _short_names() -> dict[str, tuple[str, ...]]:
    names: dict[str, tuple[str, ...]] = {}
    formats: tuple[ResultsMediaType | RdfMediaType, ...] = (*RESULTS_MEDIA_TYPES, *RDF_MEDIA_TYPES)
    for found in formats:
        for name in found.short_names:
            names[name] = (*names.get(name, ()), found.media_type)
    return names


SHORT_NAMES = _short_names()

# The formats /sparql answers in, as the W3C names them, for the service description.
FORMAT_IRIS: dict[str, str] = {
    **{r.media_type: r.iri for r in RESULTS_MEDIA_TYPES},
    **{t: rdf_media_type(t).iri for t in GRAPH},
}


def content_type(media_type: str) -> str:
    """The Content-Type header for a body of `media_type` (our text bodies are UTF-8)."""
    if media_type.startswith("text/"):
        return media_type + "; charset=utf-8"
    return media_type
