"""The HTTP API's OpenAPI description (/openapi.json): a valid OpenAPI 3.1 document describing every
route the web layer registers, and schemathesis against the live server: no 5xx, and every status,
media type, header and JSON body the server answers is one the description gives.

The server is its own (submissions are stored and accepted here), with a partner's and a
reviewer's token issued as an operator would, so that the authenticated operations are exercised
beyond 401: schemathesis sends the reviewer's token, and checks that each operation refuses the
request without it (ignored_auth).
"""

from __future__ import annotations

import copy
import importlib
import pkgutil
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from unittest.mock import MagicMock

import pytest
import requests
import schemathesis
from flask import Blueprint
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate
from rdflib import DCAT, Graph, URIRef
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ensure_resource_availability,
    ignored_auth,
    missing_required_header,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
    use_after_free,
)

import server.web
from server.web.openapi import description

from .conftest import Server, start_server, stop_server
from .submitting import SUBMISSION, issue_tokens

# Every check that says whether an answer is right, and those that probe auth and methods.
# Left out: positive_data_acceptance and negative_data_rejection. A body described as a string
# of Turtle is schema-valid whatever it holds, and so is a graph IRI the store does not hold or
# a named query without its required parameter: the server rightly answers 400 or 415. The other
# way round, the server is lenient where leniency harms no one (`lang` is ignored in RDF answers,
# unknown keys on the query page are ignored), which negative_data_rejection reports.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    ignored_auth,
    unsupported_method,
    missing_required_header,
    use_after_free,
    ensure_resource_availability,
]

# What clients ask for, so that content negotiation is exercised too (schemathesis itself never
# sets Accept: OpenAPI leaves the header out of parameters).
ACCEPTS = [
    "*/*",
    "application/json",
    "text/html",
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "text/turtle",
    "application/ld+json",
    "application/n-triples",
    "application/rdf+xml",
    "application/trig",
    "application/n-quads",
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
    "text/csv;q=0.5, application/json",
    "text/plain",
    "image/png",
]

# Each example is one request to the live server; the whole run stays within about two minutes
# on two cores (36 operations, three phases: examples, coverage, fuzzing).
BOUNDED = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)

# The RDF and SPARQL bodies the description names, sent as the text generated for them.
schemathesis.serializer.alias(
    [
        "application/sparql-query",
        "application/sparql-update",
        "application/trig",
        "application/n-triples",
        "application/n-quads",
        "application/rdf+xml",
    ],
    "text/plain",
)


@dataclass
class Api:
    server: Server
    partner: str
    reviewer: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.reviewer}"}


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    data_dir = tmp_path_factory.mktemp("openapi") / "data"
    partner, _, reviewer = issue_tokens(data_dir)
    # Thousands of requests from one token: the per-client request count would answer 429
    # (described) to most of them; the worker-time budget stays as it is.
    running = start_server(data_dir, max_upload_bytes="200000", requests_per_minute="0")
    yield Api(running, partner, reviewer)
    stop_server(running)


# The description as the server serves it, less the `servers` it makes from each request's host
# (test_the_description_is_a_valid_openapi_document checks that the two are the same); loaded
# here so that schemathesis makes one test per operation. Requests go to the live server.
schema = schemathesis.openapi.from_dict(copy.deepcopy(description()))


@schema.hook
def flatmap_case(context: schemathesis.HookContext, case: schemathesis.Case) -> Any:
    def with_accept(accept: str) -> schemathesis.Case:
        case.headers = {**(case.headers or {}), "Accept": accept}
        return case

    return st.sampled_from(ACCEPTS).map(with_accept)


@schema.parametrize()
@BOUNDED
def test_every_answer_is_described(case: schemathesis.Case, api: Api) -> None:
    if "Accept" not in (case.headers or {}):  # the examples and coverage phases: one, by the case
        chosen = ACCEPTS[zlib.crc32(repr(case.as_transport_kwargs()).encode()) % len(ACCEPTS)]
        case.headers = {**(case.headers or {}), "Accept": chosen}
    case.call_and_validate(base_url=api.server.url, headers=api.auth, checks=CHECKS, timeout=60)


def call(
    api: Api, path: str, method: str, token: str | None = None, **case: Any
) -> schemathesis.Response:
    """One request made by hand (with the reviewer's token unless another is given), checked
    as the generated ones are."""
    made = schema[path][method].Case(**case)
    auth = {"Authorization": f"Bearer {token}"} if token else api.auth
    return made.call_and_validate(base_url=api.server.url, headers=auth, checks=CHECKS, timeout=60)


def test_a_submission_accepted_and_one_rejected_follow_the_description(api: Api) -> None:
    """Generated bodies are seldom RDF that conforms, so the way a submission is published is
    walked by hand: every answer on it checked against the description."""
    trig = {"media_type": "application/trig", "body": SUBMISSION.decode()}
    created = call(api, "/submissions", "POST", **trig)
    assert created.status_code == 201, created.text
    sid = created.json()["id"]
    assert created.json()["status"] == "pending"
    for sub in ("/submissions/{sid}", "/submissions/{sid}/raw", "/submissions/{sid}/report"):
        assert call(api, sub, "GET", path_parameters={"sid": sid}).status_code == 200, sub
    accepted = call(api, "/submissions/{sid}/accept", "POST", path_parameters={"sid": sid})
    assert accepted.status_code == 200, accepted.text
    seq = int(accepted.json()["change"].rsplit("/", 1)[1])
    for sub in ("/changes/{seq}", "/changes/{seq}.nq"):
        assert call(api, sub, "GET", path_parameters={"seq": seq}).status_code == 200, sub
    page = call(api, "/changes/pages/{number}", "GET", path_parameters={"number": 1})
    assert page.json()["orderedItems"][-1]["id"] == accepted.json()["change"]
    again = call(
        api,
        "/submissions/{sid}/reject",
        "POST",
        path_parameters={"sid": sid},
        media_type="application/json",
        body={"reason": "too late"},
    )
    assert again.status_code == 409
    second = call(api, "/submissions", "POST", **trig, query={"replaces": sid})
    assert second.status_code == 201, second.text
    assert "compared" in second.json()
    rejected = call(
        api,
        "/submissions/{sid}/reject",
        "POST",
        path_parameters={"sid": second.json()["id"]},
        media_type="application/x-www-form-urlencoded",
        body={"reason": "duplicate"},
    )
    assert rejected.status_code == 200, rejected.text
    listed = call(api, "/submissions", "GET", query={"status": "rejected"})
    assert [s["id"] for s in listed.json()["submissions"]] == [second.json()["id"]]
    # A partner: their own submission, none of the reviewer's, and no decisions.
    own = call(api, "/submissions", "POST", token=api.partner, **trig)
    assert own.status_code == 201, own.text
    mine = call(api, "/submissions", "GET", token=api.partner)
    assert [s["id"] for s in mine.json()["submissions"]] == [own.json()["id"]]
    hidden = call(api, "/submissions/{sid}", "GET", token=api.partner, path_parameters={"sid": sid})
    assert hidden.status_code == 404
    refused = call(
        api,
        "/submissions/{sid}/accept",
        "POST",
        token=api.partner,
        path_parameters={"sid": own.json()["id"]},
    )
    assert refused.status_code == 403


def test_generated_workflows_follow_the_description(api: Api) -> None:
    """Stateful: what POST /submissions answers feeds the operations its links name (the
    record, the raw bytes, the report, accept, reject)."""

    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            return {"base_url": api.server.url, "headers": api.auth, "timeout": 60}

        def validate_response(self, response: Any, case: schemathesis.Case, **kwargs: Any) -> None:
            case.validate_response(
                response,
                checks=CHECKS,
                headers=api.auth,
                transport_kwargs=kwargs,
                recorder=getattr(self, "recorder", None),
            )

    Workflow.run(settings=settings(max_examples=10, stateful_step_count=6, deadline=None))


def test_the_description_is_a_valid_openapi_document(api: Api) -> None:
    response = requests.get(api.server.url + "/openapi.json")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    document = response.json()
    validate(document)
    assert document["openapi"].startswith("3.1")
    # The servers are this server, as the client reached it; the rest is the file as written.
    assert document["servers"] == [{"url": api.server.url}]
    assert {**document, "servers": description()["servers"]} == description()


# --- every route is described ---------------------------------------------------------------


class _Rules:
    """Stands in for Flask's BlueprintSetupState: records each rule a blueprint would add."""

    first_registration = True

    def __init__(self) -> None:
        self.found: set[tuple[str, str]] = set()
        self.app = MagicMock()  # what the other setup functions do to the app (template globals)

    def add_url_rule(
        self, rule: str, endpoint: str | None = None, view_func: Any = None, **options: Any
    ) -> None:
        methods = options.get("methods") or getattr(view_func, "methods", None) or ["GET"]
        for method in methods:
            self.found.add((rule, method.upper()))


def blueprint_rules() -> set[tuple[str, str]]:
    """(rule, method) of every route the blueprints of server/web declare, read from the
    setup functions Flask replays when an app registers them (no app is made), and Flask's own
    route to the static files of the app's package."""
    rules = _Rules()
    for module in pkgutil.walk_packages(server.web.__path__, "server.web."):
        for value in vars(importlib.import_module(module.name)).values():
            if isinstance(value, Blueprint):
                for deferred in value.deferred_functions:
                    deferred(rules)  # type: ignore[arg-type]
    rules.found.add(("/static/<path:filename>", "GET"))
    return rules.found


def _shape(path: str) -> str:
    """A path with its variables blanked: Flask's `<int:n>` and OpenAPI's `{n}` alike."""
    return re.sub(r"<[^>]+>|\{[^}]+\}", "{}", path)


def test_every_route_is_described_and_every_description_is_a_route(api: Api) -> None:
    document = requests.get(api.server.url + "/openapi.json").json()
    described = {
        (_shape(path), method.upper())
        for path, item in document["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }
    routes = {(_shape(rule), method) for rule, method in blueprint_rules()}
    routes -= {(path, m) for path, m in routes if m in {"HEAD", "OPTIONS"}}
    assert routes - described == set(), "routes the description leaves out"
    assert described - routes == set(), "described operations no route serves"


def test_every_route_read_from_the_blueprints_is_served(api: Api) -> None:
    """The blueprints read above are those the running server registered: each route answers
    with something other than Flask's own 'no such URL' or 'no such method'."""
    for rule, method in sorted(blueprint_rules()):
        if method in {"HEAD", "OPTIONS"}:
            continue
        path = re.sub(r"<int:[^>]+>", "1", rule)
        path = re.sub(r"<path:filename>", "query.js", path)
        path = re.sub(r"<[^>]+>", "x", path)
        response = requests.request(method, api.server.url + path, allow_redirects=False)
        assert "method is not allowed for the requested URL" not in response.text, (method, rule)
        assert "was not found on the server" not in response.text, (method, rule)


def test_the_front_page_and_the_dataset_description_link_it(api: Api) -> None:
    home = requests.get(api.server.url + "/")
    assert 'href="/openapi.json"' in home.text
    void = requests.get(api.server.url + "/.well-known/void", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=void.text, format="turtle")
    feed = URIRef(api.server.url + "/changes")
    assert (feed, DCAT.endpointDescription, URIRef(api.server.url + "/openapi.json")) in graph


# --- what schemathesis found, each kept as a plain test ------------------------------------


def test_a_change_number_past_any_integer_sqlite_holds_is_no_change(api: Api) -> None:
    """Was 500: the ledger bound the number and SQLite raised OverflowError."""
    for path in ("/changes/21864815154799688286208", "/changes/21864815154799688286208.nq"):
        response = requests.get(api.server.url + path)
        assert response.status_code == 404, path
        assert "no change" in response.text


def test_a_doubled_slash_is_no_path_of_ours(api: Api) -> None:
    """Was a 308 to the path with the slashes merged, which the description does not give (and
    for POST /submissions//accept, merged into GET-only /submissions/accept, a 405)."""
    for method, path in [
        ("GET", "/id//person/konstantin-kotov"),
        ("GET", "/queries//sources"),
        ("GET", "/dumps//ppkg.nq.gz"),
        ("GET", "/static//query.js"),
        ("GET", "/changes//1"),
        ("GET", "/submissions//raw"),
        ("POST", "/submissions//accept"),
    ]:
        response = requests.request(method, api.server.url + path, allow_redirects=False)
        assert response.status_code == 404, (method, path, response.status_code)
