"""Content negotiation rules, on parsed Accept headers."""

from __future__ import annotations

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from server.core.media_types import GRAPH, TABULAR
from server.web.negotiation import negotiate


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
    assert choose("*/*", "turtle") == "application/sparql-results+json"
    assert choose("", "json", list(GRAPH)) == "application/ld+json"
    assert choose("", "text/csv") == "text/csv"
