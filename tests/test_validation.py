"""Validating submissions: the command line, POST /validate and its page, errors, and equality
with a whole-graph pySHACL run."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import pytest
import requests
from pyoxigraph import NamedNode, Quad, RdfFormat, Store, parse, serialize
from pyshacl import validate as shacl_validate
from rdflib import OWL, SH, BNode, Graph, Literal, Node, URIRef

from server.validation.shapes import ontology_triples, shapes_graph
from server.validation.validate import DESCRIBES, parse_rdf, validate

from .conftest import REPO, Server, engine_env

GOOD = REPO / "tests" / "fixtures" / "submission.trig"
# The same submission whose person has no English name (a violation of the person shape).
BAD = GOOD.read_text("utf-8").replace('schema:name "Test Person"@en', 'schema:name "Test Person"')
TRIG = {"Content-Type": "application/trig"}
EXAMPLES = sorted((REPO / "tests" / "shape_examples" / "bad").glob("*.trig"))


def ppkg_validate(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PPKG_DATA_DIR": str(data_dir), "PPKG_CONTENT_DIR": str(REPO)}
    env.update(engine_env(data_dir))
    return subprocess.run(
        [sys.executable, "-m", "server", "validate", *args], capture_output=True, text=True, env=env
    )


def test_cli_conforming_and_not(server: Server, tmp_path: Path) -> None:
    good = ppkg_validate(str(GOOD), data_dir=server.data_dir)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "conforms (0 violations" in good.stdout
    bad_file = tmp_path / "bad.trig"
    bad_file.write_text(BAD, "utf-8")
    bad = ppkg_validate(str(bad_file), data_dir=server.data_dir)
    assert bad.returncode == 1
    assert "does NOT conform" in bad.stdout
    assert "<https://w3id.org/ppkg/id/person/test-person> (Test Person)" in bad.stdout
    assert "https://schema.org/name" in bad.stdout and "[ru]" in bad.stdout


def test_cli_names_the_line(server: Server, tmp_path: Path) -> None:
    bad = tmp_path / "bad.trig"
    bad.write_text(BAD, "utf-8")
    text = ppkg_validate(str(bad), data_dir=server.data_dir).stdout
    assert f"line {_line_of(BAD, 'schema:name')}" in text


def test_cli_report_formats(server: Server, tmp_path: Path) -> None:
    bad_file = tmp_path / "bad.trig"
    bad_file.write_text(BAD, "utf-8")
    as_json = json.loads(
        ppkg_validate(str(bad_file), "--report", "json", data_dir=server.data_dir).stdout
    )
    assert as_json["conforms"] is False and as_json["counts"]["Violation"] >= 1
    turtle = ppkg_validate(str(bad_file), "--report", "turtle", data_dir=server.data_dir).stdout
    report = Graph().parse(data=turtle, format="turtle")
    assert (None, SH.conforms, None) in report


def test_cli_malformed_file_exits_2_with_position(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text('<urn:a> <urn:b> "unterminated .\n', "utf-8")
    result = ppkg_validate(str(broken), data_dir=tmp_path / "no-store")
    assert result.returncode == 2
    assert "line 1" in result.stderr and "broken.ttl" in result.stderr


def test_without_shapes_nothing_passes_for_conforming(tmp_path: Path) -> None:
    """A content folder without shapes is a configuration error, not a vacuous 'conforms'."""
    env = {**os.environ, "PPKG_DATA_DIR": str(tmp_path / "data"), "PPKG_CONTENT_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "server", "validate", str(GOOD)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 2 and "no SHACL shapes" in result.stderr


def test_cited_facts_come_from_the_store(server: Server, tmp_path: Path) -> None:
    # The submission cites art:212.1 without describing it: with the published store it exists,
    # without a store the charge cites an unknown provision.
    with_store = ppkg_validate(str(GOOD), data_dir=server.data_dir)
    without = ppkg_validate(str(GOOD), data_dir=tmp_path / "no-store")
    assert with_store.returncode == 0
    assert without.returncode == 1 and "ontology#provision" in without.stdout


def test_http_json_summary(server: Server) -> None:
    good = requests.post(server.url + "/validate", data=GOOD.read_bytes(), headers=TRIG)
    assert good.status_code == 200
    shapes = REPO / "shapes" / "ppkg-shapes.ttl"
    version = next(Graph().parse(shapes).objects(None, OWL.versionInfo))
    assert good.json() == {
        "conforms": True,
        "counts": {"Violation": 0, "Warning": 0, "Info": 0},
        "results": [],
        "shapes": f"{version}+sha256:{hashlib.sha256(shapes.read_bytes()).hexdigest()[:12]}",
        "dropped_keys": [],
        "with_store": True,
    }
    bad = requests.post(server.url + "/validate", data=BAD.encode(), headers=TRIG).json()
    assert bad["conforms"] is False and bad["counts"]["Violation"] == len(
        [r for r in bad["results"] if r["severity"] == "Violation"]
    )
    result = next(r for r in bad["results"] if r["path"] == "https://schema.org/name")
    assert result["focus"] == "https://w3id.org/ppkg/id/person/test-person"
    assert set(result["messages"]) == {"en", "ru"}


def _line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_results_point_at_the_line_of_their_triple(server: Server) -> None:
    quads = parse_rdf(BAD.encode(), "application/trig")
    nquads = serialize(quads, format=RdfFormat.N_QUADS).decode()
    jsonld = serialize(quads, format=RdfFormat.JSON_LD).decode()
    cases = [
        ("application/trig", BAD, _line_of(BAD, 'schema:name "Test Person"')),
        (
            "application/n-quads",
            nquads,
            _line_of(nquads, '<https://schema.org/name> "Test Person"'),
        ),
        ("application/ld+json", jsonld, None),  # JSON has no lines to speak of
    ]
    for media_type, text, line in cases:
        headers = {"Content-Type": media_type}
        report = requests.post(server.url + "/validate", data=text.encode(), headers=headers)
        result = next(r for r in report.json()["results"] if r["path"] == "https://schema.org/name")
        assert result["line"] == line, media_type


def test_json_ld_keys_the_context_drops_are_named(server: Server, tmp_path: Path) -> None:
    """JSON-LD silently leaves out keys its @context does not define; the report names them."""
    document = {
        "@context": {
            "schema": "https://schema.org/",
            "name": {"@id": "schema:name", "@language": "en"},
            "knows": {"@id": "schema:knows", "@context": {"nick": "schema:alternateName"}},
        },
        "@id": "https://w3id.org/ppkg/id/person/x",
        "name": "X",
        "nmae": "Y",
        "knows": {"@id": "https://w3id.org/ppkg/id/person/y", "nick": "y", "nik": "z"},
    }
    body = json.dumps(document).encode()
    headers = {"Content-Type": "application/ld+json"}
    summary = requests.post(server.url + "/validate", data=body, headers=headers).json()
    assert summary["dropped_keys"] == ["/nmae", "/knows/nik"]
    path = tmp_path / "person.jsonld"
    path.write_bytes(body)
    assert "/knows/nik is not in the @context" in ppkg_validate(str(path), data_dir=tmp_path).stdout


def test_http_shacl_report_by_negotiation(server: Server) -> None:
    for accept, fmt in (("text/turtle", "turtle"), ("application/ld+json", "json-ld")):
        response = requests.post(
            server.url + "/validate", data=BAD.encode(), headers={**TRIG, "Accept": accept}
        )
        assert response.headers["Content-Type"].startswith(accept)
        report = Graph().parse(data=response.text, format=fmt)
        assert (None, SH.conforms, None) in report
        assert any(report.subjects(None, SH.ValidationResult))


def test_http_bad_input(server: Server) -> None:
    url = server.url + "/validate"
    malformed = requests.post(
        url, data=b"<urn:a> <urn:b> .", headers={"Content-Type": "text/turtle"}
    )
    assert malformed.status_code == 400 and "line 1" in malformed.text
    unsupported = requests.post(url, data=b"a,b", headers={"Content-Type": "text/csv"})
    assert unsupported.status_code == 415
    untyped = requests.Request("POST", url, data=b"x").prepare()
    untyped.headers.pop("Content-Type", None)
    assert requests.Session().send(untyped).status_code == 400
    huge = requests.post(url, data=b"#" * 21_000_000, headers={"Content-Type": "text/turtle"})
    assert huge.status_code == 413


def test_the_page_uploads_a_file(server: Server) -> None:
    page = requests.get(server.url + "/validate")
    assert page.status_code == 200 and 'type="file"' in page.text
    response = requests.post(
        server.url + "/validate",
        files={"file": ("bad.trig", BAD.encode(), "application/octet-stream")},
        headers={"Accept": "text/html"},
    )
    assert response.status_code == 200
    assert "Does not conform" in response.text and "test-person" in response.text
    pasted = requests.post(
        server.url + "/validate",
        files={"text": (None, "@prefix x: <urn:x:> .")},
        headers={"Accept": "text/html"},
    )
    assert "Conforms" in pasted.text


def test_result_equals_a_whole_graph_run() -> None:
    """Validating the submission with the facts it cites gives, for the submission's nodes, what
    pySHACL gives on the whole published data plus the submission."""
    submission = parse_rdf(BAD.encode(), "application/trig")
    files = sorted((REPO / "data").glob("*.trig"))
    published = [q for path in files for q in parse(path=path, format=RdfFormat.TRIG)]

    def cited(iris: Iterable[NamedNode]) -> list[Quad]:
        wanted = set(iris)
        return [q for q in published if q.subject in wanted]

    report = validate(submission, REPO, cited)
    got = {_result_key(report.graph, r) for r in report.graph.objects(None, SH.result)}
    assert got == _whole_graph_results(published + submission, about=submission) and got


def _whole_graph_results(quads: list[Quad], about: list[Quad]) -> set[tuple[str, ...]]:
    """What pySHACL alone reports, every SPARQL constraint run per focus node, on the ontology
    and the quads as one graph, about the subjects of `about`."""
    store = Store()
    store.extend(Quad(t.subject, t.predicate, t.object) for t in ontology_triples(REPO))
    store.extend(Quad(q.subject, q.predicate, q.object) for q in quads)
    store.extend(
        Quad(q.graph_name, DESCRIBES, q.subject)
        for q in quads
        if isinstance(q.graph_name, NamedNode) and isinstance(q.subject, NamedNode)
    )
    _, report, _ = shacl_validate(
        store,
        shacl_graph=shapes_graph(REPO),
        inference="none",  # type: ignore[arg-type]
        allow_warnings=True,
        allow_infos=True,
    )
    own = {URIRef(q.subject.value) for q in about if isinstance(q.subject, NamedNode)}
    return {
        _result_key(report, r)
        for r in report.objects(None, SH.result)
        if isinstance(f := report.value(r, SH.focusNode), BNode) or f in own
    }


def _result_key(report: Graph, result: Node) -> tuple[str, ...]:
    def text(node: Node | None) -> str:
        return "_:" if isinstance(node, BNode) else str(node)

    messages = sorted(str(m) for m in report.objects(result, SH.resultMessage))
    return (
        *(text(report.value(result, p)) for p in (SH.focusNode, SH.sourceShape, SH.resultPath)),
        *(text(report.value(result, p)) for p in (SH.value, SH.resultSeverity)),
        "|".join(messages),
    )


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.stem for e in EXAMPLES])
def test_every_bad_example_reports_as_pyshacl_alone(example: Path) -> None:
    """SPARQL constraints run once for all focus nodes give pySHACL's per-node results: focus,
    shape, path, value, severity and the filled-in messages, for every non-conforming example."""
    quads = parse_rdf(example.read_bytes(), "application/trig")
    report = validate(quads, REPO)
    got = {_result_key(report.graph, r) for r in report.graph.objects(None, SH.result)}
    assert got == _whole_graph_results(quads, about=quads) and got


def test_the_shacl_report_says_what_the_summary_says(server: Server) -> None:
    """The published article the submission cites, seen only through its own triples, fails
    shapes that need more of the store: those results are about the store, not the submission,
    and are neither in the summary nor in the SHACL report."""

    def post(accept: str) -> requests.Response:
        headers = {**TRIG, "Accept": accept}
        return requests.post(server.url + "/validate", data=GOOD.read_bytes(), headers=headers)

    summary = post("application/json").json()
    report = Graph().parse(data=post("text/turtle").text, format="turtle")
    assert summary["conforms"] is True and summary["results"] == []
    assert set(report.objects(None, SH.conforms)) == {Literal(True)}
    assert not any(report.objects(None, SH.result))


def test_results_about_blank_nodes_are_kept(server: Server) -> None:
    # A campaign action given as a blank node: the result's focus node has no IRI.
    example = REPO / "tests" / "shape_examples" / "bad" / "action-blank-node.trig"
    report = requests.post(server.url + "/validate", data=example.read_bytes(), headers=TRIG).json()
    assert report["conforms"] is False
    assert any("IRI" in r["messages"]["en"] for r in report["results"])
