"""Hostile input never makes the server open a connection or read a local file.

A listener on another loopback port stands for any address an attacker could name: SPARQL
SERVICE and LOAD, JSON-LD @context and @import, RDF/XML external entities, owl:imports. It must
receive nothing, and no answer may hold the content of a local file.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import requests

from tests.conftest import Server, free_port
from tests.submitting import SUBMISSION, issue_tokens

SECRET = "ppkg-local-file-secret-4f1c"


@dataclass
class Listener:
    """A TCP listener that records every connection made to it."""

    port: int
    sock: socket.socket
    connections: list[bytes] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(1)
                try:
                    self.connections.append(conn.recv(4096))
                except OSError:
                    self.connections.append(b"")


@pytest.fixture
def listener() -> Iterator[Listener]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", free_port()))
    sock.listen()
    found = Listener(sock.getsockname()[1], sock)
    thread = threading.Thread(target=found.serve, daemon=True)
    thread.start()
    yield found
    sock.close()
    thread.join(5)


@pytest.fixture
def secret_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("local") / "secret.txt"
    path.write_text(SECRET)
    return path.as_uri()


def hostile_documents(base: str, secret: str) -> dict[str, tuple[str, bytes]]:
    """Name -> (media type, body): each tries to make a parser or validator reach out."""
    entity = f"""<?xml version="1.0"?>
<!DOCTYPE r [ <!ENTITY remote SYSTEM "{base}/entity"> <!ENTITY local SYSTEM "{secret}"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:s="https://schema.org/">
  <rdf:Description rdf:about="urn:x:a"><s:name>&remote;&local;</s:name></rdf:Description>
</rdf:RDF>"""
    laughs = """<?xml version="1.0"?>
<!DOCTYPE r [ <!ENTITY a "aaaaaaaaaa"> <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"> <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"> <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"> <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:s="https://schema.org/">
  <rdf:Description rdf:about="urn:x:a"><s:name>&h;</s:name></rdf:Description>
</rdf:RDF>"""
    return {
        "jsonld-context": (
            "application/ld+json",
            f'{{"@context": "{base}/context", "@id": "urn:x:a", "name": "x"}}'.encode(),
        ),
        "jsonld-local-context": (
            "application/ld+json",
            f'{{"@context": "{secret}", "@id": "urn:x:a", "name": "x"}}'.encode(),
        ),
        "jsonld-import": (
            "application/ld+json",
            f'{{"@context": {{"@import": "{base}/import"}}, "@id": "urn:x:a"}}'.encode(),
        ),
        "rdfxml-entities": ("application/rdf+xml", entity.encode()),
        "rdfxml-billion-laughs": ("application/rdf+xml", laughs.encode()),
        "owl-imports": (
            "text/turtle",
            f"<urn:x:o> a <http://www.w3.org/2002/07/owl#Ontology> ;"
            f" <http://www.w3.org/2002/07/owl#imports> <{base}/ontology> .".encode(),
        ),
        "trig-owl-imports": (
            "application/trig",
            SUBMISSION
            + f"\n<urn:x:o> <http://www.w3.org/2002/07/owl#imports> <{base}/o2> .\n".encode(),
        ),
    }


def hostile_queries(base: str, secret: str) -> list[str]:
    return [
        f"SELECT * WHERE {{ SERVICE <{base}/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{base}/sparql> {{ ?s ?p ?o }} }}",
        f"LOAD <{base}/data>",
        f"LOAD <{secret}>",
        f"SELECT * FROM <{base}/graph> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM <{secret}> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{base}/named> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    ]


def assert_untouched(listener: Listener, response: requests.Response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code} {response.text[:300]}"
    assert SECRET not in response.text, f"{what}: a local file was read"
    assert listener.connections == [], f"{what}: the server connected out"


def test_validation_never_reaches_out(server: Server, listener: Listener, secret_file: str) -> None:
    for name, (media_type, body) in hostile_documents(listener.url, secret_file).items():
        response = requests.post(
            server.url + "/validate",
            data=body,
            headers={"Content-Type": media_type, "Accept": "application/json"},
            timeout=60,
        )
        assert_untouched(listener, response, name)


def test_submissions_never_reach_out(
    tmp_path_factory: pytest.TempPathFactory, listener: Listener, secret_file: str
) -> None:
    from tests.conftest import start_server, stop_server

    data_dir = tmp_path_factory.mktemp("hostile") / "data"
    partner, _, _ = issue_tokens(data_dir)
    served = start_server(data_dir)
    try:
        for name, (media_type, body) in hostile_documents(listener.url, secret_file).items():
            response = requests.post(
                served.url + "/submissions",
                data=body,
                headers={"Content-Type": media_type, "Authorization": f"Bearer {partner}"},
                timeout=60,
            )
            assert_untouched(listener, response, name)
    finally:
        stop_server(served)


def test_queries_never_reach_out(server: Server, listener: Listener, secret_file: str) -> None:
    for query in hostile_queries(listener.url, secret_file):
        for method in ("get", "post"):
            if method == "get":
                response = requests.get(server.sparql, params={"query": query}, timeout=60)
            else:
                response = requests.post(server.sparql, data={"update": query}, timeout=60)
            assert_untouched(listener, response, f"{method} {query}")
        response = requests.get(
            server.sparql,
            params={"query": "ASK {}", "default-graph-uri": f"{listener.url}/g"},
            timeout=60,
        )
        assert_untouched(listener, response, "default-graph-uri")


def test_the_listener_sees_an_engine_that_reaches_out(listener: Listener) -> None:
    """The oracle works: Oxigraph itself, unguarded, connects to a SERVICE address."""
    from pyoxigraph import Store

    with pytest.raises(OSError):
        list(Store().query(f"SELECT * WHERE {{ SERVICE <{listener.url}/s> {{ ?s ?p ?o }} }}"))
    deadline = time.monotonic() + 5
    while not listener.connections and time.monotonic() < deadline:
        time.sleep(0.05)
    assert listener.connections and listener.connections[0].startswith(b"POST")
