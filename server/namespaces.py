"""The IRIs that the application itself mints or relies on."""

from __future__ import annotations

BASE = "https://w3id.org/ppkg/"
ONTOLOGY = BASE + "ontology#"
LAW_ARTICLE = BASE + "law/ru/criminal-code/article/"
SOURCE = BASE + "source/"

GRAPH_ONTOLOGY = BASE + "graph/ontology"
GRAPH_SHAPES = BASE + "graph/shapes"
GRAPH_INFERRED = BASE + "graph/inferred"
