"""The lexical scan that finds SERVICE, FROM and updates before a query reaches the engine."""

from __future__ import annotations

import pytest

from server.core.scan import scan

pytestmark = pytest.mark.no_backend  # the same whatever --backend is: run once


def test_service_found_in_any_case_and_not_in_strings_or_iris() -> None:
    assert scan("SELECT * { SERVICE <http://x/> { ?s ?p ?o } }").uses_service
    assert scan("select * { service silent <http://x/> { ?s ?p ?o } }").uses_service
    assert not scan('SELECT * { ?s ?p "SERVICE" }').uses_service
    assert not scan("SELECT * { ?s <http://x/SERVICE> ?o }").uses_service
    assert not scan("SELECT ?service { ?service ?p ?o } # SERVICE\n").uses_service
    assert not scan("PREFIX ex: <http://x/> SELECT * { ?s ex:SERVICE ?o }").uses_service
    assert not scan('SELECT * { ?s ?p """a\nSERVICE "b" """ }').uses_service


def test_from_graphs_resolved() -> None:
    found = scan(
        "BASE <http://b/> PREFIX g: <http://g/> SELECT * FROM <one> FROM NAMED g:two "
        "FROM <http://abs/three> WHERE { ?s ?p ?o }"
    )
    assert found.from_graphs == ["http://b/one", "http://g/two", "http://abs/three"]
    assert scan("SELECT * { ?s ?p ?o }").from_graphs == []
    assert scan('SELECT * { ?s ?p "FROM <http://x>" }').from_graphs == []


def test_update_operations() -> None:
    assert scan("INSERT DATA { <a:a> <a:b> <a:c> }").update_word == "INSERT"
    assert scan("PREFIX x: <http://x/> DELETE WHERE { ?s ?p ?o }").update_word == "DELETE"
    assert scan("LOAD <http://x/data.ttl>").update_word == "LOAD"
    assert scan("WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }").update_word == "WITH"
    assert scan("SELECT * { ?s ?p ?o }").update_word is None
    assert scan('SELECT * { ?s ?p "DELETE" }').update_word is None
