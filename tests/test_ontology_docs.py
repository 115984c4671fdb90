"""The ontology answers at its namespace: documentation for browsers, RDF for machines."""

from __future__ import annotations

import requests
from rdflib import OWL, RDF, Graph, URIRef

from .conftest import Server

PPKG = "https://w3id.org/ppkg/ontology#"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_browser_gets_the_documentation_page(server: Server) -> None:
    page = requests.get(server.url + "/ontology", headers={"Accept": BROWSER})
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert "Accept" in page.headers["Vary"]
    ontology = Graph().parse(server.url + "/ontology.ttl", format="turtle")
    classes = set(ontology.subjects(RDF.type, OWL.Class))
    assert URIRef(PPKG + "Prosecution") in classes
    # Every class of ours is documented, by its IRI.
    ours = [str(cls) for cls in classes if str(cls).startswith(PPKG)]
    assert len(ours) > 20
    assert [iri for iri in ours if iri not in page.text] == []


def test_machines_get_rdf(server: Server) -> None:
    turtle = requests.get(server.url + "/ontology", headers={"Accept": "text/turtle"})
    assert turtle.headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=turtle.text, format="turtle")
    assert (URIRef(PPKG + "Person"), RDF.type, OWL.Class) in graph
    jsonld = requests.get(server.url + "/ontology.jsonld")
    assert jsonld.headers["Content-Type"] == "application/ld+json"
    assert len(Graph().parse(data=jsonld.text, format="json-ld")) == len(graph)
    assert (
        requests.get(server.url + "/ontology", headers={"Accept": "image/png"}).status_code == 406
    )
    assert requests.get(server.url + "/ontology.docx").status_code == 404
