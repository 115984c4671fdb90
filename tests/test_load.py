"""`ppkg load`: building the store from the content folders, and losing nothing on bad input."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, RdfFormat, parse

from server.core.config import Settings
from server.store import open_backend
from server.store.base import QueryRequest

from .conftest import REPO, engine_env


def settings(content: Path, data: Path) -> dict[str, str]:
    return {"PPKG_CONTENT_DIR": str(content), "PPKG_DATA_DIR": str(data), **engine_env(data)}


def ppkg(content: Path, data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **settings(content, data)}
    return subprocess.run(
        [sys.executable, "-m", "server", *args], capture_output=True, text=True, env=env
    )


@pytest.fixture
def content(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    for folder in ("ontology", "shapes", "data", "queries"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, root / folder)
    return root


def graph_counts(data: Path) -> dict[str, int]:
    """Quads per graph, as the backend `data` is configured with reads them (the dumps' way)."""
    backend = open_backend(Settings.from_env(settings(REPO, data)))
    counts: dict[str, int] = {}
    for quad in backend.quads():
        counts[str(quad.graph_name)] = counts.get(str(quad.graph_name), 0) + 1
    return counts


def test_load_puts_each_source_in_its_own_graph(content: Path, tmp_path: Path) -> None:
    result = ppkg(content, tmp_path / "data", "load")
    assert result.returncode == 0, result.stderr
    counts = graph_counts(tmp_path / "data")
    in_files: dict[str, bool] = {}
    for path in (content / "data").glob("*.trig"):
        for quad in parse(path=path, format=RdfFormat.TRIG):
            flagged = (
                quad.predicate.value.endswith("#sensitive") and quad.subject == quad.graph_name
            )
            in_files[str(quad.graph_name)] = in_files.get(str(quad.graph_name), False) or flagged
    published = {g for g, sensitive in in_files.items() if not sensitive}
    assert published and len(published) < len(in_files)  # the seed data has a sensitive graph
    assert {g for g in counts if "/source/" in g} == published
    assert "<https://w3id.org/ppkg/graph/ontology>" in counts
    assert "<https://w3id.org/ppkg/graph/inferred>" in counts
    assert f"loaded {sum(counts.values())} quads" in result.stderr


def test_malformed_file_is_refused_and_the_store_kept(content: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert ppkg(content, data, "load").returncode == 0
    before = graph_counts(data)
    (content / "data" / "zz-broken.trig").write_text(
        'GRAPH <https://w3id.org/ppkg/source/x> {\n  <a:b> <a:c> "unterminated .\n}\n'
    )
    result = ppkg(content, data, "load")
    assert result.returncode != 0
    assert "zz-broken.trig" in result.stderr and "line 2" in result.stderr
    assert graph_counts(data) == before


def test_reload_replaces_removed_content(content: Path, tmp_path: Path) -> None:
    """Gone from its graphs and from the default graph (on Virtuoso, the union graph a load
    writes anew and switches to)."""
    data = tmp_path / "data"
    assert ppkg(content, data, "load").returncode == 0
    files = sorted((content / "data").glob("*.trig"))
    removed = files[0]
    others = {q.subject for f in files[1:] for q in parse(path=f, format=RdfFormat.TRIG)}
    only_there = {q.subject for q in parse(path=removed, format=RdfFormat.TRIG)} - others
    subject = sorted(str(s) for s in only_there if isinstance(s, NamedNode))[0]
    before = graph_counts(data)
    assert asks(data, f"ASK {{ {subject} ?p ?o }}")
    removed.unlink()
    assert ppkg(content, data, "load").returncode == 0
    after = graph_counts(data)
    assert sum(after.values()) < sum(before.values())
    assert not asks(data, f"ASK {{ {subject} ?p ?o }}")


def asks(data: Path, query: str) -> bool:
    backend = open_backend(Settings.from_env(settings(REPO, data)))
    backend.start()
    try:
        request = QueryRequest(query, "application/sparql-results+json", None)
        return bool(json.loads(backend.execute(request).read())["boolean"])
    finally:
        backend.close()


def test_settings_flags_override_environment() -> None:
    env = {"PPKG_PORT": "9000", "PPKG_QUERY_TIMEOUT": "2.5", "PPKG_DATA_DIR": "/tmp/x"}
    settings = Settings.from_env(env, port=9100)
    assert settings.port == 9100
    assert settings.query_timeout == 2.5
    assert settings.data_dir == Path("/tmp/x")
    with pytest.raises(ValueError, match="PPKG_PORT"):
        Settings.from_env({"PPKG_PORT": "eighty"})
    assert Settings.from_env({"PPKG_PUBLISH_SENSITIVE": "false"}).publish_sensitive is False
    assert Settings.from_env({"PPKG_PUBLISH_SENSITIVE": "yes"}).publish_sensitive is True
    with pytest.raises(ValueError, match="true or false"):
        Settings.from_env({"PPKG_PUBLISH_SENSITIVE": "maybe"})
