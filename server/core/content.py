"""The content folders (ontology/, shapes/, data/) and the graphs their files load into."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .vocabulary import GRAPH_ONTOLOGY, GRAPH_SHAPES

# Turtle files go to a fixed graph; the data's TriG files name their graphs (one per source).
FOLDERS: dict[str, str | None] = {"ontology": GRAPH_ONTOLOGY, "shapes": GRAPH_SHAPES, "data": None}
SUFFIXES = {"ontology": ".ttl", "shapes": ".ttl", "data": ".trig"}


@dataclass(frozen=True)
class ContentFile:
    """A file of RDF to load: Turtle into `graph`, or TriG whose graphs are named inside."""

    path: Path
    graph: str | None


def content_files(root: Path) -> list[ContentFile]:
    """Every file to load from `root`, in a stable order."""
    files = []
    for folder, graph in FOLDERS.items():
        for path in sorted((root / folder).glob("*" + SUFFIXES[folder])):
            files.append(ContentFile(path, graph))
    return files
