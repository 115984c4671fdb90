"""Property-based tests (hypothesis) of every parser the public side exposes: named-query
parameters of each type, content negotiation headers, Range headers, tokens, and paths under
/dumps/, /static/ and /id/. Whatever arrives, the answer is a clear 4xx or a real answer: never
a 5xx, never a file from outside the folders served, never a way in without a valid token."""

from __future__ import annotations

import http.client
import urllib.parse

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyoxigraph import Literal, NamedNode

from server.core.named_queries import COERCIONS, Param, coerce
from server.core.problem import Problem
from server.core.vocabulary import LAW_ARTICLE

from .conftest import Server

# Enough to find the classes of input a parser gets wrong, few enough for CI: each example
# against the live server is one request.
HTTP = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
UNIT = settings(max_examples=300, deadline=None)

# What a header can carry over HTTP/1.1 (requests refuses CR, LF and NUL in a header value).
header_text = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0xFF, blacklist_characters="\x7f"),
    max_size=200,
).map(str.strip)
any_text = st.text(max_size=300)


def _param(kind: str) -> Param:
    return Param(name="p", type=kind, description="")


@UNIT
@given(kind=st.sampled_from(sorted(COERCIONS)), value=any_text)
def test_a_parameter_is_a_typed_term_or_a_400(kind: str, value: str) -> None:
    try:
        term = coerce(_param(kind), value)
    except Problem as exc:
        assert exc.status == 400 and "'p'" in exc.message
        return
    assert isinstance(term, NamedNode | Literal)


@UNIT
@given(st.from_regex(r"\A[0-9]{1,3}(\.[0-9]{1,2})?\Z"))
def test_every_article_number_binds_its_article(number: str) -> None:
    assert coerce(_param("article"), number) == NamedNode(LAW_ARTICLE + number)


@UNIT
@given(st.integers(min_value=-(10**17), max_value=10**17))
def test_every_integer_binds_its_value(number: int) -> None:
    term = coerce(_param("integer"), str(number))
    assert isinstance(term, Literal) and int(term.value) == number


@UNIT
@given(st.dates())
def test_every_date_binds_its_day(day: object) -> None:
    term = coerce(_param("date"), str(day))
    assert isinstance(term, Literal) and term.value == str(day)


@HTTP
@given(value=any_text, lang=any_text)
def test_named_query_parameters_over_http(server: Server, value: str, lang: str) -> None:
    response = requests.get(
        server.url + "/queries/prisoners-by-article",
        params={"article": value, "lang": lang},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.status_code in (200, 400), response.text[:300]
    if response.status_code == 400:
        assert "parameter" in response.text


@HTTP
@given(accept=header_text, language=header_text)
def test_any_accept_header_is_negotiated(server: Server, accept: str, language: str) -> None:
    for path in ("/sparql?query=ASK%7B%7D", "/id/person/konstantin-kotov", "/queries", "/dumps"):
        response = requests.get(
            server.url + path, headers={"Accept": accept, "Accept-Language": language}
        )
        assert response.status_code in (200, 406), (path, accept, response.status_code)


bound = st.one_of(st.just(""), st.integers(min_value=-3, max_value=10**13).map(str))
ranges = st.one_of(
    header_text,
    st.builds(lambda a, b: f"bytes={a}-{b}", bound, bound),
    st.lists(st.builds(lambda a, b: f"{a}-{b}", bound, bound), min_size=1, max_size=5).map(
        lambda parts: "bytes=" + ",".join(parts)
    ),
)


@HTTP
@given(value=ranges)
def test_any_range_header_on_a_dump(server: Server, value: str) -> None:
    response = requests.get(server.url + "/dumps/ppkg.nq.gz", headers={"Range": value})
    assert response.status_code in (200, 206, 416), (value, response.status_code)
    if response.status_code == 206:
        assert response.headers["Content-Range"].startswith("bytes ")


@HTTP
@given(value=st.one_of(header_text, header_text.map(lambda t: "Bearer " + t), st.just("Bearer ")))
def test_no_authorization_header_but_a_valid_token_gets_in(server: Server, value: str) -> None:
    for method, path in (("GET", "/submissions"), ("POST", "/submissions/x/accept")):
        response = requests.request(method, server.url + path, headers={"Authorization": value})
        assert response.status_code in (400, 401), (value, response.status_code)


@HTTP
@given(segments=st.lists(any_text, min_size=1, max_size=4))
@pytest.mark.parametrize("root", ["/dumps/", "/static/", "/id/"])
def test_any_path_is_answered_or_refused(server: Server, root: str, segments: list[str]) -> None:
    path = root + "/".join(urllib.parse.quote(s, safe="") for s in segments)
    response = requests.get(server.url + path, allow_redirects=False)
    assert response.status_code in (200, 301, 302, 308, 400, 404, 406, 410), (path, response)
    assert "root:x:0:0" not in response.text  # no file from outside the served folders


@pytest.mark.parametrize(
    "path",
    [
        "/static/../../../../etc/passwd",
        "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/dumps/..%2f..%2f..%2fetc%2fpasswd",
        "/dumps/%2e%2e/ledger.sqlite",
        "/static/..%5c..%5cetc%5cpasswd",
    ],
)
def test_traversal_never_leaves_the_served_folders(server: Server, path: str) -> None:
    # http.client sends the path as written; requests would remove the dot segments first.
    parts = urllib.parse.urlsplit(server.url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    assert response.status in (400, 404), (path, response.status)
    assert b"root:x:0:0" not in body and b"SQLite format" not in body
