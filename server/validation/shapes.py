"""The shapes and the ontology a validation reads, parsed once per version of their files.

The caches are keyed on each file's path, size and modification time, so an edited shape is read
again; a long-running server never validates against shapes that are no longer on disk.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from pyoxigraph import RdfFormat, Triple, parse
from rdflib import OWL, Graph

from ..core.problem import Problem
from . import sparql_constraints

# A file as the caches know it: a changed size or mtime is a new version.
Stamp = tuple[tuple[Path, int, int], ...]


def _stamp(paths: tuple[Path, ...]) -> Stamp:
    stats = [(path, path.stat()) for path in paths]
    return tuple((path, st.st_size, st.st_mtime_ns) for path, st in stats)


@lru_cache(maxsize=8)
def _load(stamp: Stamp) -> Graph:
    graph = Graph()
    for path, _, _ in stamp:
        graph.parse(path, format="turtle")
    return graph


def _shape_files(content_dir: Path) -> tuple[Path, ...]:
    paths = tuple(sorted((content_dir / "shapes").glob("*.ttl")))
    if not paths:  # without shapes everything would "conform"
        raise Problem(500, f"no SHACL shapes (*.ttl) in {content_dir / 'shapes'}")
    return paths


def shapes_graph(content_dir: Path) -> Graph:
    return _load(_stamp(_shape_files(content_dir)))


def shapes_version(content_dir: Path) -> str:
    """The shapes' owl:versionInfo and a digest of their files: `0.1.0+sha256:1a2b3c4d5e6f`."""
    return _version(_stamp(_shape_files(content_dir)))


@lru_cache(maxsize=8)
def _version(stamp: Stamp) -> str:
    digest = hashlib.sha256(b"".join(path.read_bytes() for path, _, _ in stamp)).hexdigest()[:12]
    versions = sorted(str(v) for v in _load(stamp).objects(None, OWL.versionInfo))
    return f"{'/'.join(versions) or 'unversioned'}+sha256:{digest}"


def split_shapes(
    content_dir: Path,
) -> tuple[Graph, list[sparql_constraints.Constraint]]:
    """The core shapes for pySHACL and the SPARQL constraints we run once for all nodes."""
    return _split(_stamp(_shape_files(content_dir)))


@lru_cache(maxsize=8)
def _split(stamp: Stamp) -> tuple[Graph, list[sparql_constraints.Constraint]]:
    return sparql_constraints.split(_load(stamp))


@lru_cache(maxsize=8)
def _triples(stamp: Stamp) -> list[Triple]:
    return [q.triple for path, _, _ in stamp for q in parse(path=path, format=RdfFormat.TURTLE)]


def ontology_triples(content_dir: Path) -> list[Triple]:
    """The ontology goes into the data graph: its SKOS concepts are what controlled values cite."""
    return _triples(_stamp(tuple(sorted((content_dir / "ontology").glob("*.ttl")))))
