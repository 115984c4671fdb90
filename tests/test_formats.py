"""Content negotiation rules, on parsed Accept headers."""

from __future__ import annotations

import pytest
import requests
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from server.core.media_types import GRAPH, TABULAR
from server.web.negotiation import negotiate

from .conftest import Server


def choose(accept: str, fmt: str | None = None, offers: list[str] | None = None) -> str | None:
    return negotiate(parse_accept_header(accept, MIMEAccept), offers or list(TABULAR), fmt)


def test_defaults_and_q_values() -> None:
    assert choose("") == "application/sparql-results+json"
    assert choose("*/*") == "application/sparql-results+json"
    assert (
        choose("text/csv;q=0.2, application/sparql-results+xml;q=0.9")
        == "application/sparql-results+xml"
    )
    assert choose("text/*") == "text/csv"
    assert choose("*/*;q=0.1, text/csv;q=0") == "application/sparql-results+json"
    assert choose("image/png") is None
    assert choose("image/png, text/tab-separated-values;q=0.1") == "text/tab-separated-values"


def test_format_parameter_never_beats_accept() -> None:
    assert choose("", "csv") == "text/csv"
    assert choose("text/html, */*;q=0.8", "xml") == "application/sparql-results+xml"
    assert choose("application/sparql-results+json", "csv") == "application/sparql-results+json"
    assert choose("", "json", ["text/html", "application/json"]) == "application/json"
    assert choose("", "json", list(GRAPH)) == "application/ld+json"
    assert choose("", "text/csv") == "text/csv"


def test_a_format_the_offers_do_not_hold_is_refused() -> None:
    """Asked for a type it cannot serve, a resource says so (406) instead of sending another."""
    assert choose("*/*", "turtle") is None  # SELECT results are never Turtle
    assert choose("*/*", "xlsx") is None
    assert choose("text/csv", "trig", list(GRAPH)) is None


@pytest.mark.parametrize(
    ("path", "fmt", "expected"),
    [
        ("/search?q=Kotov", "json", "application/json"),
        ("/search?q=Kotov", "html", "text/html"),
        ("/dumps", "json", "application/json"),
        ("/dumps", "html", "text/html"),
        ("/queries", "html", "text/html"),
        ("/queries", "json", "application/json"),
        ("/sparql?query=ASK%7B%7D", "csv", "text/csv"),
        ("/id/person/konstantin-kotov", "turtle", "text/turtle"),
    ],
)
def test_the_format_parameter_selects_what_it_names(
    server: Server, path: str, fmt: str, expected: str
) -> None:
    joiner = "&" if "?" in path else "?"
    response = requests.get(f"{server.url}{path}{joiner}format={fmt}")
    assert response.status_code == 200, response.text[:200]
    assert response.headers["Content-Type"].split(";")[0] == expected


@pytest.mark.parametrize(
    "path",
    [
        "/search?q=Kotov&format=turtle",
        "/search?q=Kotov&format=nonsense",
        "/dumps?format=csv",
        "/queries?format=trig",
        "/sparql?query=ASK%7B%7D&format=turtle",
        "/sparql?query=CONSTRUCT%7B%7DWHERE%7B%7D&format=csv",
        "/id/person/konstantin-kotov?format=csv",
    ],
)
def test_a_format_a_resource_cannot_serve_is_406(server: Server, path: str) -> None:
    response = requests.get(server.url + path)
    assert response.status_code == 406, (path, response.status_code, response.text[:200])
