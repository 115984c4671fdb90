"""`ppkg validate A B ...`: the files are one dataset, validated together (with the published
store's facts when there is a store, and the report says whether there was); --per-file
validates each alone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO, Server
from .test_validation import BAD, GOOD, _line_of, ppkg_validate

DATA = sorted(str(p) for p in (REPO / "data").glob("*.trig"))
SENSITIVE = str(REPO / "data" / "ua-23-24-sensitive.trig")
ACTION = """@prefix ppkg: <https://w3id.org/ppkg/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
GRAPH <https://w3id.org/ppkg/source/example-NAME> {
    <https://w3id.org/ppkg/source/example-NAME> a prov:Entity , ppkg:SourceDocument ;
        rdfs:label "Example NAME"@en .
    _:action a ppkg:CampaignAction ; rdfs:label "Action NAME"@en .
}
"""


def test_the_data_folder_validates_together_without_a_store(tmp_path: Path) -> None:
    # The README's own example on a fresh clone: the sensitive extract's source document is
    # described in another file, which validating each file alone cannot see.
    together = ppkg_validate(*DATA, data_dir=tmp_path / "no-store")
    assert together.returncode == 0, together.stdout + together.stderr
    assert together.stdout.startswith(f"{len(DATA)} files, validated together: conforms")
    assert "no store read" in together.stdout
    alone = ppkg_validate("--per-file", *DATA, data_dir=tmp_path / "no-store")
    assert alone.returncode == 1
    assert f"{SENSITIVE}: does NOT conform" in alone.stdout
    assert "not described in the graph of any source document" in alone.stdout


def test_one_json_document_for_the_files_saying_whether_the_store_was_read(
    server: Server, tmp_path: Path
) -> None:
    with_store = ppkg_validate("--report", "json", *DATA, data_dir=server.data_dir)
    assert with_store.returncode == 0, with_store.stderr
    document = json.loads(with_store.stdout)  # one document, not one per file
    assert document["files"] == DATA
    assert document["conforms"] is True and document["with_store"] is True
    assert all(r["file"] in DATA for r in document["results"])
    without = json.loads(
        ppkg_validate("--report", "json", *DATA, data_dir=tmp_path / "no-store").stdout
    )
    assert without["with_store"] is False and without["files"] == DATA
    text = ppkg_validate(str(GOOD), data_dir=server.data_dir).stdout
    assert "with the published store's facts" in text.splitlines()[0]


def test_each_result_names_its_file_and_line(server: Server, tmp_path: Path) -> None:
    bad = tmp_path / "bad.trig"
    bad.write_text(BAD.replace("test", "other"), "utf-8")  # other IRIs than GOOD's
    result = ppkg_validate("--report", "json", str(GOOD), str(bad), data_dir=server.data_dir)
    assert result.returncode == 1
    document = json.loads(result.stdout)
    named = [r for r in document["results"] if r["path"] == "https://schema.org/name"]
    assert {(r["file"], r["line"]) for r in named} == {(str(bad), _line_of(BAD, "schema:name"))}
    text = ppkg_validate(str(GOOD), str(bad), data_dir=server.data_dir).stdout
    assert f", {bad}, line {_line_of(BAD, 'schema:name')}" in text


def test_each_files_blank_nodes_stay_its_own(server: Server, tmp_path: Path) -> None:
    # Both files call their action _:action; as one node it would be one result, not two.
    files = []
    for name in ("a", "b"):
        path = tmp_path / f"{name}.trig"
        path.write_text(ACTION.replace("NAME", name), "utf-8")
        files.append(str(path))
    result = ppkg_validate("--report", "json", *files, data_dir=server.data_dir)
    document = json.loads(result.stdout)
    blank = [r for r in document["results"] if r["focus_is_blank"]]
    assert len(blank) == 2 and {r["file"] for r in blank} == set(files)


BAD_FILES = sorted(str(p) for p in (REPO / "tests" / "shape_examples" / "bad").glob("*.trig"))


@pytest.mark.parametrize(("files", "verdict"), [(DATA, 0), (BAD_FILES, 1)])
def test_a_reader_that_leaves_early_keeps_the_verdict(
    tmp_path: Path, files: list[str], verdict: int
) -> None:
    """`ppkg validate ... | head`: the reader closes the pipe before the report is written; the
    exit status is still the verdict, with no traceback (click alone exits 1 without a word)."""
    read, write = os.pipe()
    os.close(read)  # the reader has gone before the first byte
    env = {**os.environ, "PPKG_DATA_DIR": str(tmp_path / "no-store")}
    done = subprocess.run(
        [sys.executable, "-m", "server", "validate", "--report", "json", *files],
        stdout=write,
        stderr=subprocess.PIPE,
        env=env,
        timeout=120,
    )
    os.close(write)
    assert done.returncode == verdict, done.stderr
    assert b"Traceback" not in done.stderr
