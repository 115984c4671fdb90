"""Helpers shared by the tests that submit, accept and harvest: the CLI, tokens, quads, the feed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import requests

from tests.conftest import REPO, Server, engine_env

SUBMISSION = (REPO / "tests" / "fixtures" / "submission.trig").read_bytes()
SOURCE = "https://w3id.org/ppkg/source/test-submission"
PERSON = "https://w3id.org/ppkg/id/person/test-person"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def ppkg(data_dir: Path, *args: str) -> str:
    """The real command line, against `data_dir`."""
    done = subprocess.run(
        [sys.executable, "-m", "server", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **engine_env(data_dir)},
    )
    return done.stdout.strip()


def issue_tokens(data_dir: Path) -> tuple[str, str, str]:
    """Two partners' tokens and a reviewer's, issued as an operator would."""
    partner = ppkg(data_dir, "token", "issue", "ngo-a", "--role", "partner", "--label", "NGO A")
    other = ppkg(data_dir, "token", "issue", "ngo-b", "--role", "partner", "--label", "NGO B")
    reviewer = ppkg(data_dir, "token", "issue", "rev", "--role", "reviewer", "--label", "Rev")
    return partner, other, reviewer


def quads(server: Server) -> set[tuple[str, ...]]:
    """Every quad the public endpoint serves, as comparable tuples."""
    query = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    response = requests.get(
        server.sparql,
        params={"query": query},
        headers={"Accept": "application/sparql-results+json"},
    )
    response.raise_for_status()
    return {
        tuple(
            f"{b[v]['type']}|{b[v]['value']}|{b[v].get('xml:lang', '')}|{b[v].get('datatype', '')}"
            for v in ("s", "p", "o", "g")
        )
        for b in response.json()["results"]["bindings"]
    }


def quad_tuple(q: Any) -> tuple[str, ...]:
    """A parsed pyoxigraph quad in the form `quads` gives."""

    def term(t: Any) -> str:
        kind = type(t).__name__
        if kind == "NamedNode":
            return f"uri|{t.value}||"
        if kind == "Literal":
            lang = t.language or ""
            datatype = "" if lang or t.datatype.value == XSD_STRING else t.datatype.value
            return f"literal|{t.value}|{lang}|{datatype}"
        return f"bnode|{t.value}||"

    return (term(q.subject), term(q.predicate), term(q.object), term(q.graph_name))


def without_blank_nodes(found: set[tuple[str, ...]]) -> set[tuple[str, ...]]:
    """Blank-node labels differ between loads and serialisations: compare the rest exactly."""
    return {q for q in found if not any(term.startswith("bnode|") for term in q)}


def feed_items(server: Server) -> list[dict[str, Any]]:
    """Every activity of the change feed, oldest first, following `next`."""
    items: list[dict[str, Any]] = []
    url: str | None = requests.get(server.url + "/changes").json()["first"]
    while url:
        page = requests.get(url).json()
        items += page["orderedItems"]
        url = page.get("next")
    return items
