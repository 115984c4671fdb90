"""The dataset's statistics for its VoID description, counted by SPARQL on the published store.

Counts are of distinct triples of the merge of all graphs (the union default graph keeps one copy
per graph that states a triple, hence the DISTINCTs), except the per-graph subsets, which count
each graph's own triples: their sum is the number of quads in the N-Quads dump.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from dataclasses import dataclass
from typing import Any

from ..core.vocabulary import BASE
from ..store.base import Backend, QueryRequest

# Each query stays well under the time limit on 1.7 million quads; void:triples is the sum of the
# property partition (each distinct triple has one property), so no query counts all of them.
SUBJECTS = f"""
SELECT (COUNT(?s) AS ?subjects)
       (SUM(IF(isIRI(?s) && STRSTARTS(STR(?s), "{BASE}"), 1, 0)) AS ?entities)
WHERE {{ SELECT DISTINCT ?s WHERE {{ ?s ?p ?o }} }}"""
OBJECTS = "SELECT (COUNT(DISTINCT ?o) AS ?objects) WHERE { ?s ?p ?o }"
CLASSES = """
SELECT ?key (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?key FILTER(isIRI(?key)) } GROUP BY ?key"""
PROPERTIES = """
SELECT ?key (COUNT(*) AS ?n) WHERE { { SELECT DISTINCT ?s ?key ?o WHERE { ?s ?key ?o } } }
GROUP BY ?key"""
GRAPHS = "SELECT ?key (COUNT(*) AS ?n) WHERE { GRAPH ?key { ?s ?p ?o } } GROUP BY ?key"
# A source's graph is named by the source's IRI and describes it (see README, the data).
SOURCES = """
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?key (SAMPLE(?t) AS ?title) WHERE {
  GRAPH ?key { ?key ?p ?o OPTIONAL { ?key dcterms:title ?t FILTER(LANGMATCHES(LANG(?t), "en")) } }
} GROUP BY ?key"""


@dataclass(frozen=True)
class Statistics:
    triples: int
    entities: int
    distinct_subjects: int
    distinct_objects: int
    classes: dict[str, int]  # class IRI -> distinct instances
    properties: dict[str, int]  # property IRI -> distinct triples
    graphs: dict[str, int]  # graph name -> its triples
    sources: dict[str, str | None]  # graph that describes its own name -> that source's title
    computed: dt.datetime


def compute(backend: Backend) -> Statistics:
    subjects = _rows(backend, SUBJECTS)[0]
    properties = _counts(backend, PROPERTIES)
    return Statistics(
        triples=sum(properties.values()),
        entities=int(subjects["entities"]),
        distinct_subjects=int(subjects["subjects"]),
        distinct_objects=int(_rows(backend, OBJECTS)[0]["objects"]),
        classes=_counts(backend, CLASSES),
        properties=properties,
        graphs=_counts(backend, GRAPHS),
        sources={row["key"]: row.get("title") for row in _rows(backend, SOURCES)},
        computed=dt.datetime.now(dt.UTC).replace(microsecond=0),
    )


class StatisticsCache:
    """Statistics recomputed only when the store's graphs or revision change."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[Any, ...] | None = None
        self._value: Statistics | None = None

    def get(self, backend: Backend) -> tuple[tuple[Any, ...], Statistics]:
        key = (backend.graph_names(), backend.revision())
        with self._lock:  # one computation at a time; the others wait for its result
            if self._value is None or key != self._key:
                self._value = compute(backend)
                self._key = key
            return key, self._value


def _rows(backend: Backend, query: str) -> list[dict[str, str]]:
    body = backend.execute(QueryRequest(query)).read()
    bindings: list[dict[str, dict[str, str]]] = json.loads(body)["results"]["bindings"]
    return [{name: term["value"] for name, term in row.items()} for row in bindings]


def _counts(backend: Backend, query: str) -> dict[str, int]:
    return {row["key"]: int(row["n"]) for row in _rows(backend, query) if "key" in row}
