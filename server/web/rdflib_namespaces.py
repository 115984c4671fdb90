"""The vocabularies as rdflib namespaces, for what the web layer writes with rdflib (the SPARQL
service description, the VoID description, the ontology's page): ours are built from the IRIs
in server/core/vocabulary.py; the others are used only by these descriptions."""

from __future__ import annotations

from rdflib import Namespace

from ..core import vocabulary

RDF = Namespace(vocabulary.RDF)
RDFS = Namespace(vocabulary.RDFS)
SKOS = Namespace(vocabulary.SKOS)
DCTERMS = Namespace(vocabulary.DCTERMS)
XSD = Namespace(vocabulary.XSD)

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
