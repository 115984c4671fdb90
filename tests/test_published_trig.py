"""What we publish survives being used: a page's TriG, posted back to /validate, conforms, and it
is written as a person writes TriG (each graph once, with prefixes)."""

from __future__ import annotations

import re

import pytest
import requests
from pyoxigraph import RdfFormat, parse

from server.core.vocabulary import BASE

from .conftest import Server
from .test_entities import local, select

PAGES = """SELECT DISTINCT ?x WHERE {
  { ?x a ppkg:Person } UNION { ?x a ppkg:CriminalCase } UNION { ?x a ppkg:LegalProvision }
} ORDER BY ?x"""
GRAPH_BLOCK = re.compile(r"^(\S+) \{$", re.MULTILINE)


def trig(server: Server, iri: str) -> bytes:
    response = requests.get(f"{server.url}{local(iri)}.trig")
    assert response.status_code == 200
    return response.content


def test_every_person_case_and_article_trig_validates(server: Server) -> None:
    pages = [row["x"] for row in select(server, PAGES)]
    assert len(pages) > 20
    failed = {}
    for iri in pages:
        report = requests.post(
            server.url + "/validate",
            data=trig(server, iri),
            headers={"Content-Type": "application/trig", "Accept": "application/json"},
        ).json()
        if not report["conforms"]:
            failed[iri] = [r["messages"]["en"] for r in report["results"]]
    assert failed == {}


@pytest.mark.parametrize(
    ("path", "written"),
    [
        ("id/person/konstantin-kotov", "person:konstantin-kotov"),
        ("id/person/aleksei-gorinov", "person:aleksei-gorinov"),
        ("law/ru/criminal-code/article/212.1", "art:212.1"),
    ],
)
def test_trig_has_each_graph_once_with_prefixes(server: Server, path: str, written: str) -> None:
    body = trig(server, BASE + path).decode()
    blocks = GRAPH_BLOCK.findall(body)
    assert len(blocks) > 1 and len(blocks) == len(set(blocks)), blocks
    # each statement in its source's graph: the reasoner's graph is in the triple formats only
    assert not any("graph/inferred" in block for block in blocks)
    # the resource and its sources written with the content's prefixes, as in data/*.trig
    assert f"{written} a ppkg:" in body and "src:" in blocks[0]
    assert "@prefix src: <https://w3id.org/ppkg/source/> ." in body
    # the same quads as the N-Quads, which are written one a line
    nquads = requests.get(f"{server.url}/{path}.nq").content
    quads = set(parse(body.encode(), RdfFormat.TRIG))
    assert quads == set(parse(nquads, RdfFormat.N_QUADS))
    # the triple formats keep what the reasoner adds (the inferred types, at least)
    turtle = requests.get(f"{server.url}/{path}.ttl").content
    assert {q.triple for q in quads} < {q.triple for q in parse(turtle, RdfFormat.TURTLE)}
