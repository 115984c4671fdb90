"""The HTTP API's OpenAPI description (/openapi.json): a valid OpenAPI 3.1 document, the file as
written with this server as its `servers`, and describing every route the web layer registers."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from unittest.mock import MagicMock

import pytest
import requests
from flask import Blueprint
from openapi_spec_validator import validate
from rdflib import DCAT, Graph, URIRef

import server.web
from server.web.openapi import description

from .conftest import Server, start_server, stop_server
from .submitting import issue_tokens


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
    running = start_server(data_dir, max_upload_bytes="200000")
    yield Api(running, partner, reviewer)
    stop_server(running)


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
        assert response.status_code != 405, (method, rule)
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
