"""The IRIs that the application itself mints or relies on."""

from __future__ import annotations

BASE = "https://w3id.org/ppkg/"
ONTOLOGY = BASE + "ontology#"
LAW_ARTICLE = BASE + "law/ru/criminal-code/article/"
SOURCE = BASE + "source/"

# What relative IRIs in a submitted file resolve against (never published: they stay relative).
SUBMISSION_BASE = "urn:ppkg:submission:"

GRAPH_ONTOLOGY = BASE + "graph/ontology"
GRAPH_SHAPES = BASE + "graph/shapes"
GRAPH_INFERRED = BASE + "graph/inferred"
