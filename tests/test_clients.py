"""The endpoint as researchers use it: SPARQLWrapper and rdflib against the running server."""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, POST, TURTLE, SPARQLWrapper

from .conftest import Server

PREFIXES = """
PREFIX ppkg: <https://w3id.org/ppkg/ontology#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX schema: <https://schema.org/>
"""
BY_ARTICLE = (
    PREFIXES
    + """
SELECT DISTINCT ?name WHERE {
  ?charge ppkg:provision/eli:is_part_of* ?article .
  ?article eli:number "%s" .
  ?prosecution ppkg:charge ?charge ; ppkg:defendant ?person .
  ?person schema:name ?name FILTER(LANG(?name) = "en")
}
"""
)


def names_under(server: Server, article: str, method: str = "GET") -> set[str]:
    client = SPARQLWrapper(server.sparql)
    client.setQuery(BY_ARTICLE % article)
    client.setReturnFormat(JSON)
    client.setMethod(method)
    rows = client.query().convert()["results"]["bindings"]  # type: ignore[index, call-overload]
    return {row["name"]["value"] for row in rows}


def test_persons_charged_under_212_1(server: Server) -> None:
    names = names_under(server, "212.1")
    assert {"Konstantin Kotov", "Ildar Dadin", "Andrey Borovikov"} <= names
    assert "Aleksei Gorinov" not in names


def test_persons_charged_under_207_3_by_post(server: Server) -> None:
    names = names_under(server, "207.3", POST)
    assert "Aleksei Gorinov" in names
    assert "Konstantin Kotov" not in names


def test_sparqlwrapper_csv_and_construct(server: Server) -> None:
    client = SPARQLWrapper(server.sparql)
    client.setQuery(BY_ARTICLE % "212.1")
    client.setReturnFormat(CSV)
    text = client.query().convert().decode("utf-8")  # type: ignore[union-attr]
    assert text.splitlines()[0] == "name" and "Konstantin Kotov" in text
    client.setQuery(
        PREFIXES + "CONSTRUCT { ?p schema:name ?n } WHERE { ?p a ppkg:Person ; schema:name ?n }"
    )
    client.setReturnFormat(TURTLE)
    graph = Graph().parse(data=client.query().convert(), format="turtle")  # type: ignore[arg-type]
    assert len(graph) > 10


def test_rdflib_sparqlstore(server: Server) -> None:
    graph = Graph(SPARQLStore(server.sparql, returnFormat="json"))
    rows = graph.query(BY_ARTICLE % "207.3")
    assert "Aleksei Gorinov" in {str(row[0]) for row in rows}  # type: ignore[index]
    kotov = URIRef("https://w3id.org/ppkg/id/person/konstantin-kotov")
    assert (kotov, None, None) in graph
