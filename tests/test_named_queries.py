"""Named queries: the catalogue, every query run with its example, typed parameters, the CLI."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from server.core.named_queries import load_queries

from .conftest import REPO, Server, engine_env, start_server, stop_server

QUERIES = load_queries(REPO / "queries")


def run(server: Server, name: str, **params: str) -> requests.Response:
    return requests.get(f"{server.url}/queries/{name}", params=params)


def example_params(name: str) -> dict[str, str]:
    return {p.name: p.example for p in QUERIES[name].params if p.example is not None}


def test_catalogue_lists_every_query(server: Server) -> None:
    listed = requests.get(server.url + "/queries").json()["queries"]
    assert {q["name"] for q in listed} == set(QUERIES)
    entry = next(q for q in listed if q["name"] == "prisoners-by-article")
    assert entry["params"][0]["name"] == "article" and entry["params"][0]["example"] == "212.1"
    page = requests.get(server.url + "/queries", headers={"Accept": "text/html"})
    assert page.headers["Content-Type"].startswith("text/html")
    assert "Prisoners by article" in page.text


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_query_runs_with_its_example(server: Server, name: str) -> None:
    response = run(server, name, **example_params(name))
    assert response.status_code == 200, response.text
    rows = response.json()["results"]["bindings"]
    assert rows, f"{name} with its example parameters returned nothing"
    text = requests.get(f"{server.url}/queries/{name}.rq")
    assert text.status_code == 200 and text.text == QUERIES[name].text


def test_prisoners_by_article_columns_and_parts(server: Server) -> None:
    response = run(server, "prisoners-by-article", article="212.1")
    head = response.json()["head"]["vars"]
    assert head[:4] == ["person", "name", "case", "article"]
    rows = response.json()["results"]["bindings"]
    names = {r["name"]["value"] for r in rows}
    assert {"Konstantin Kotov", "Ildar Dadin", "Andrey Borovikov"} <= names
    assert all(r["article"]["value"].endswith("/article/212.1") for r in rows)
    assert all(r["person"]["type"] == "uri" and r["case"]["type"] == "uri" for r in rows)


def test_lang_picks_russian_names(server: Server) -> None:
    rows = run(server, "prisoners-by-article", article="207.3", lang="ru").json()
    names = {r["name"]["value"] for r in rows["results"]["bindings"] if "name" in r}
    assert "Алексей Горинов" in names


def test_same_negotiation_as_the_endpoint(server: Server) -> None:
    as_csv = requests.get(
        f"{server.url}/queries/prisoners-by-article",
        params={"article": "212.1"},
        headers={"Accept": "text/csv"},
    )
    assert as_csv.headers["Content-Type"].startswith("text/csv")
    assert as_csv.text.splitlines()[0].startswith("person,name,case,article")
    by_format = run(server, "prisoners-by-article", article="212.1", format="tsv")
    assert by_format.headers["Content-Type"].startswith("text/tab-separated-values")
    refused = requests.get(
        f"{server.url}/queries/prisoners-by-article",
        params={"article": "212.1"},
        headers={"Accept": "image/png"},
    )
    assert refused.status_code == 406


@pytest.mark.parametrize(
    "value",
    ['212.1" } UNION { ?s ?p ?o', "212.1> . ?s ?p ?o #", "x", "", "212.1 ", "1234.5"],
)
def test_injection_and_bad_values_get_400(server: Server, value: str) -> None:
    response = run(server, "prisoners-by-article", article=value)
    assert response.status_code == 400
    assert "article" in response.text


def test_unknown_parameter_and_query(server: Server) -> None:
    assert run(server, "prisoners-by-article", article="212.1", artcle="x").status_code == 400
    assert run(server, "no-such-query").status_code == 404


def test_cli_prints_a_table(server: Server) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "server", "query", "prisoners-by-article", "--article", "212.1"],
        capture_output=True,
        text=True,
        check=True,
        env={
            "PPKG_DATA_DIR": str(server.data_dir),
            "PPKG_CONTENT_DIR": str(REPO),
            "PATH": "",
            **engine_env(server.data_dir),
        },
    )
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["person", "name", "case", "article", "lang"]
    assert any("Konstantin Kotov" in line for line in lines)
    assert lines[-1].startswith("(") and "rows" in lines[-1]


def test_cli_format_and_bad_value(server: Server) -> None:
    env = {"PPKG_DATA_DIR": str(server.data_dir), "PPKG_CONTENT_DIR": str(REPO), "PATH": ""}
    env.update(engine_env(server.data_dir))
    csv_run = subprocess.run(
        [
            sys.executable,
            "-m",
            "server",
            "query",
            "prisoners-by-article",
            "--article=207.3",
            "--format",
            "csv",
        ],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    assert csv_run.stdout.startswith("person,name,case,article") and "Gorinov" in csv_run.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "server", "query", "prisoners-by-article", "--article", "x}"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert bad.returncode != 0 and "article number" in bad.stderr


PART_CHARGE = """
@prefix ppkg: <https://w3id.org/ppkg/ontology#> .
@prefix eli: <http://data.europa.eu/eli/ontology#> .
@prefix schema: <https://schema.org/> . @prefix prov: <http://www.w3.org/ns/prov#> .
@prefix art: <https://w3id.org/ppkg/law/ru/criminal-code/article/> .
GRAPH <urn:test:source> {
  <urn:test:source> a prov:Entity .
  <urn:test:person> a ppkg:Person ; schema:name "Test Person"@en .
  <urn:test:prosecution> a ppkg:Prosecution ; ppkg:defendant <urn:test:person> ;
    ppkg:case <urn:test:case> ; ppkg:charge <urn:test:charge> .
  <urn:test:charge> a ppkg:Charge ; ppkg:provision <urn:test:part> .
  <urn:test:part> a ppkg:ArticlePart ;
    eli:number "1" ; eli:is_part_of art:212.1 .
}
"""


def test_a_charge_under_a_part_counts_for_the_article(tmp_path: Path) -> None:
    content = tmp_path / "content"
    for folder in ("ontology", "data", "queries"):
        shutil.copytree(REPO / folder, content / folder)
    (content / "data" / "zz-test-part.trig").write_text(PART_CHARGE, "utf-8")
    running = start_server(tmp_path / "data", content)
    try:
        rows = run(running, "prisoners-by-article", article="212.1").json()["results"]["bindings"]
        names = {r["name"]["value"] for r in rows if "name" in r}
        assert "Test Person" in names and "Konstantin Kotov" in names
        stats = run(running, "article-stats", article="212.1").json()["results"]["bindings"]
        assert int(stats[0]["persons"]["value"]) == len(names)
    finally:
        stop_server(running)
