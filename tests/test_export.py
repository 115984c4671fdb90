"""Dumps: `ppkg export` and `ppkg load` write them, the server serves them (checksums, 304s,
ranges), and each holds exactly the store's quads or triples, as the SPARQL endpoint says."""

from __future__ import annotations

import base64
import email.utils
import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest
import requests
from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, Triple, parse
from rdflib import BNode, Dataset, Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.term import Node

from .conftest import REPO, Server, engine_env

NAMES = ("ppkg.nq.gz", "ppkg.ttl.gz", "ppkg.jsonld.gz")
ALL_QUADS = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
MERGED_TRIPLES = "SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"


def ppkg(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PPKG_CONTENT_DIR": str(REPO), "PPKG_DATA_DIR": str(data_dir)}
    env.update(engine_env(data_dir))
    return subprocess.run(
        [sys.executable, "-m", "server", *args], env=env, capture_output=True, text=True
    )


def select(server: Server, query: str) -> list[dict[str, Any]]:
    response = requests.get(
        server.sparql,
        params={"query": query},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()["results"]["bindings"]
    return rows


def term(binding: dict[str, str]) -> NamedNode | BlankNode | Literal:
    """A SPARQL JSON term as a pyoxigraph term (blank node labels are the store's own)."""
    if binding["type"] == "uri":
        return NamedNode(binding["value"])
    if binding["type"] == "bnode":
        return BlankNode(binding["value"])
    if "xml:lang" in binding:
        return Literal(binding["value"], language=binding["xml:lang"])
    datatype = binding.get("datatype")
    return Literal(binding["value"], datatype=NamedNode(datatype) if datatype else None)


def oxigraph_term(node: Node) -> NamedNode | BlankNode | Literal:
    if isinstance(node, URIRef):
        return NamedNode(str(node))
    if isinstance(node, BNode):
        return BlankNode(str(node))
    assert isinstance(node, RdfLiteral)
    datatype = NamedNode(str(node.datatype)) if node.datatype else None
    return Literal(str(node), language=node.language, datatype=datatype)


@pytest.fixture(scope="module")
def listing(server: Server) -> dict[str, Any]:
    response = requests.get(server.url + "/dumps", headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


@pytest.fixture(scope="module")
def downloads(server: Server, listing: dict[str, Any]) -> dict[str, bytes]:
    """Each dump as served, decompressed."""
    return {f["name"]: gzip.decompress(requests.get(f["url"]).content) for f in listing["files"]}


# --- the files hold the store ------------------------------------------------------------------


def test_nquads_dump_holds_exactly_the_stores_quads(
    server: Server, downloads: dict[str, bytes], listing: dict[str, Any]
) -> None:
    dumped = list(parse(downloads["ppkg.nq.gz"], RdfFormat.N_QUADS))
    expected = {
        Quad(term(r["s"]), term(r["p"]), term(r["o"]), term(r["g"]))  # type: ignore[arg-type]
        for r in select(server, ALL_QUADS)
    }
    assert len(dumped) == len(set(dumped)) == listing["files"][0]["quads"]
    assert set(dumped) == expected
    # An independent parser reads the same number of quads, in the same graphs.
    dataset = Dataset()
    with warnings.catch_warnings():  # rdflib's Dataset.parse calls its own deprecated API
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset.parse(data=downloads["ppkg.nq.gz"], format="nquads")
    assert sum(1 for _ in dataset.quads((None, None, None, None))) == len(expected)
    assert {str(g.identifier) for g in dataset.graphs() if len(g)} == {
        r["g"]["value"] for r in select(server, "SELECT DISTINCT ?g WHERE { GRAPH ?g {} }")
    }


def test_turtle_dump_holds_the_merge_of_the_graphs(
    server: Server, downloads: dict[str, bytes], listing: dict[str, Any]
) -> None:
    dumped = [q.triple for q in parse(downloads["ppkg.ttl.gz"], RdfFormat.TURTLE)]
    expected = {
        Triple(term(r["s"]), term(r["p"]), term(r["o"]))  # type: ignore[arg-type]
        for r in select(server, MERGED_TRIPLES)
    }
    assert set(dumped) == expected
    assert len(dumped) == len(expected) == listing["files"][1]["triples"]
    # The merge has fewer triples than the dataset quads: triples stated by several graphs.
    assert len(expected) < listing["files"][0]["quads"]


def test_jsonld_dump_expands_with_the_served_context_to_the_turtle_dump(
    server: Server, downloads: dict[str, bytes]
) -> None:
    served = requests.get(server.url + "/context.jsonld")
    assert served.status_code == 200
    assert served.headers["Content-Type"] == "application/ld+json"
    document = json.loads(downloads["ppkg.jsonld.gz"])
    assert document["@context"] == served.json()["@context"]
    assert "schema" in document["@context"] and "ppkg" in document["@context"]
    # Expanded by rdflib (not the code that wrote it) with the served context in place.
    document["@context"] = served.json()["@context"]
    from_jsonld = Graph().parse(data=json.dumps(document), format="json-ld")
    from_turtle = {q.triple for q in parse(downloads["ppkg.ttl.gz"], RdfFormat.TURTLE)}
    assert len(from_jsonld) == len(from_turtle)
    # rdflib keeps the blank node labels, so the graphs compare as sets, with no isomorphism.
    expanded = {Triple(*map(oxigraph_term, triple)) for triple in from_jsonld}  # type: ignore[arg-type]
    assert expanded == from_turtle
    # Compacted: no property of ours or of schema.org is written as a full IRI.
    keys = {key for node in document["@graph"] for key in node}
    assert any(key.startswith("schema:") for key in keys)
    assert not [k for k in keys if k.startswith(("https://w3id.org/ppkg/", "https://schema.org/"))]


# --- the manifest and the HTTP answers ---------------------------------------------------------


def test_listing_matches_the_files_served(server: Server, listing: dict[str, Any]) -> None:
    assert [f["name"] for f in listing["files"]] == list(NAMES)
    for entry in listing["files"]:
        response = requests.get(entry["url"])
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "application/gzip"
        assert hashlib.sha256(response.content).hexdigest() == entry["sha256"]
        assert int(response.headers["Content-Length"]) == len(response.content)
        assert len(response.content) == entry["byte_size"]
        digest = base64.b64encode(hashlib.sha256(response.content).digest()).decode()
        assert response.headers["Content-Digest"] == f"sha-256=:{digest}:"
        assert response.headers["Digest"] == f"sha-256={digest}"
        assert response.headers["ETag"] == f'"{entry["sha256"]}"'
        modified = email.utils.parsedate_to_datetime(response.headers["Last-Modified"])
        assert modified.isoformat().replace("+00:00", "Z") == entry["created"]


def test_conditional_and_range_requests(server: Server, listing: dict[str, Any]) -> None:
    url = listing["files"][0]["url"]
    first = requests.get(url)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert requests.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert requests.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    assert requests.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    earlier = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert requests.get(url, headers={"If-Modified-Since": earlier}).status_code == 200
    part = requests.get(url, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206
    assert part.content == first.content[100:200]
    assert part.headers["Content-Range"] == f"bytes 100-199/{len(first.content)}"
    assert "Content-Digest" not in part.headers  # it would describe the part, not the file
    head = requests.head(url)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["Content-Length"] == str(len(first.content))
    listing_etag = requests.get(server.url + "/dumps").headers["ETag"]
    assert (
        requests.get(server.url + "/dumps", headers={"If-None-Match": listing_etag}).status_code
        == 304
    )


@pytest.mark.parametrize(
    "path",
    [
        "/dumps/nothing.nq.gz",
        "/dumps/manifest.json",
        "/dumps/context.jsonld",
        "/dumps/..%2Fstore%2FCURRENT",
        "/dumps/%2e%2e%2fmanifest.json",
        "/dumps/..%5Cmanifest.json",
        "/dumps/.ppkg.nq.gz.1.tmp",
    ],
)
def test_unknown_files_and_paths_outside_are_404(server: Server, path: str) -> None:
    # A prepared request keeps the path exactly as written (no client-side normalisation).
    session = requests.Session()
    request = requests.Request("GET", server.url + "/x").prepare()
    request.url = server.url + path
    response = session.send(request)
    assert response.status_code == 404
    assert b"CURRENT" not in response.content and b'"files"' not in response.content


def test_a_file_newer_than_its_manifest_is_not_served_with_the_old_checksum(
    server: Server, listing: dict[str, Any]
) -> None:
    """An export renames each file into place before the manifest: meanwhile, 503."""
    path = server.data_dir / "dumps" / "ppkg.ttl.gz"
    before = path.stat()
    later = before.st_mtime_ns + 60 * 10**9
    try:
        os.utime(path, ns=(before.st_atime_ns, later))
        response = requests.get(listing["files"][1]["url"])
        assert response.status_code == 503
        assert "Retry-After" in response.headers
    finally:
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert requests.get(listing["files"][1]["url"]).status_code == 200


def test_dumps_say_which_change_of_the_feed_they_include(
    server: Server, listing: dict[str, Any]
) -> None:
    position = listing["last_change"]
    assert isinstance(position, int) and position >= 1
    change = requests.get(f"{server.url}/changes/{position}")
    assert change.status_code == 200
    assert change.json()["type"] == "Update"  # the release that built the store they were read from


def test_listing_page_for_people(server: Server, listing: dict[str, Any]) -> None:
    page = requests.get(server.url + "/dumps", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    for entry in listing["files"]:
        assert f'href="{entry["url"]}"' in page.text
        assert entry["sha256"] in page.text
    assert "Vary" in page.headers and "Accept" in page.headers["Vary"]


# --- the command line ---------------------------------------------------------------------------


def test_export_while_the_server_runs(server: Server, tmp_path: Path) -> None:
    out = tmp_path / "dumps"
    result = ppkg(server.data_dir, "export", "--out", str(out))
    assert result.returncode == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert [f["name"] for f in manifest["files"]] == list(NAMES)
    for entry in manifest["files"]:
        content = (out / entry["name"]).read_bytes()
        assert hashlib.sha256(content).hexdigest() == entry["sha256"]
        assert len(content) == entry["byte_size"]
        count = entry.get("quads", entry.get("triples"))
        assert count and str(count) in result.stdout.replace(",", "")
    published = sorted(p.name for p in out.iterdir() if p.name != ".export.lock")
    assert published == sorted([*NAMES, "manifest.json", "context.jsonld"])  # no temporaries
    # The server kept answering from the store the export read.
    assert select(server, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[0]["n"][
        "value"
    ] == str(manifest["files"][0]["quads"])


def test_load_refreshes_the_dumps_and_export_needs_a_store(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert ppkg(data, "export").returncode != 0
    assert not (data / "dumps").exists()
    loaded = ppkg(data, "load")
    assert loaded.returncode == 0, loaded.stderr
    manifest = json.loads((data / "dumps" / "manifest.json").read_text())
    nquads = gzip.decompress((data / "dumps" / "ppkg.nq.gz").read_bytes())
    assert len(list(parse(io.BytesIO(nquads), RdfFormat.N_QUADS))) == manifest["files"][0]["quads"]
