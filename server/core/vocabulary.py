"""The IRIs that the application itself mints or relies on, and the vocabularies it reads."""

from __future__ import annotations

from pyoxigraph import BlankNode, Literal, NamedNode

# Any term a query can bind or a parameter can take.
Term = NamedNode | BlankNode | Literal

BASE = "https://w3id.org/ppkg/"
ONTOLOGY = BASE + "ontology#"
LAW_ARTICLE = BASE + "law/ru/criminal-code/article/"
SOURCE = BASE + "source/"

# What relative IRIs in a submitted file resolve against (never published: they stay relative).
SUBMISSION_BASE = "urn:ppkg:submission:"

GRAPH_ONTOLOGY = BASE + "graph/ontology"
GRAPH_SHAPES = BASE + "graph/shapes"
GRAPH_INFERRED = BASE + "graph/inferred"
GRAPH_SUBMISSIONS = BASE + "graph/submissions"  # the provenance of accepted submissions

# The vocabularies the ontology aligns with.
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SCHEMA = "https://schema.org/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
OWL = "http://www.w3.org/2002/07/owl#"
PROV = "http://www.w3.org/ns/prov#"
ELI = "http://data.europa.eu/eli/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PPKG = ONTOLOGY

TYPE = RDF + "type"
# The predicates that name a thing, the preferred first.
LABELS = (SCHEMA + "name", SKOS + "prefLabel", RDFS + "label", DCTERMS + "title")
