"""Limits per client: the request count, the worker time, the share of the workers, /limits.

Clients are told apart by their source address: Linux answers on the whole of 127.0.0.0/8, so
each test's clients bind their own (127.0.0.2, 127.0.0.3, ...) while the server listens on
127.0.0.1. Every bound here is generous: the tests are about who waits, not how fast anyone is.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from rdflib import RDFS, Graph, URIRef
from requests.adapters import HTTPAdapter

from tests.conftest import Server, start_server, stop_server
from tests.submitting import SUBMISSION, issue_tokens

ASK = "ASK { ?s ?p ?o }"
DIRECT = {"Content-Type": "application/sparql-query"}
RUNAWAY = (
    "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(8)) + " }"
)


class _SourceAddress(HTTPAdapter):
    def __init__(self, address: str) -> None:
        self._address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self._address, 0)
        super().init_poolmanager(*args, **kwargs)


def client(address: str) -> requests.Session:
    """A client whose requests come from `address` (on loopback)."""
    session = requests.Session()
    adapter = _SourceAddress(address)
    session.mount("http://", adapter)
    return session


def ask(session: requests.Session, server: Server, **headers: str) -> requests.Response:
    return session.post(server.sparql, data=ASK, headers={**DIRECT, **headers}, timeout=60)


def limits(session: requests.Session, server: Server, **headers: str) -> dict[str, Any]:
    response = session.get(server.url + "/limits", params={"format": "json"}, headers=headers)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def until_refused(send: Any, most: int = 12) -> tuple[list[requests.Response], requests.Response]:
    """Send until one is refused: the answers before it, and the refusal."""
    answered = []
    for _ in range(most):
        response = send()
        if response.status_code == 429:
            return answered, response
        answered.append(response)
    raise AssertionError(f"{most} requests and none refused: {[r.status_code for r in answered]}")


# --- the request count ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def counted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str, str]]:
    """Five requests a minute per client; 127.0.0.9 is a trusted proxy."""
    data_dir = tmp_path_factory.mktemp("counted") / "data"
    partner, other, _ = issue_tokens(data_dir)
    server = start_server(data_dir, requests_per_minute="5", trusted_proxy="127.0.0.9")
    yield server, partner, other
    stop_server(server)


def test_past_its_request_count_a_client_gets_429_and_others_do_not(
    counted: tuple[Server, str, str],
) -> None:
    server, _, _ = counted
    heavy, other = client("127.0.0.2"), client("127.0.0.3")
    answered, refused = until_refused(lambda: ask(heavy, server))
    # The count is a sliding window approximated from two fixed ones, so the refusal may come a
    # request or two late at a minute's turn, never early.
    assert 5 <= len(answered) <= 7
    assert all(r.status_code == 200 for r in answered)
    assert answered[0].headers["X-RateLimit-Limit"] == "5"
    assert answered[0].headers["X-RateLimit-Remaining"] == "4"
    assert "Retry-After" not in answered[0].headers
    assert 1 <= int(refused.headers["Retry-After"]) <= 61
    message = refused.text
    assert "address 127.0.0.2" in message and "5 requests in a minute" in message
    assert "PPKG_REQUESTS_PER_MINUTE" in message and "try again in" in message
    # JSON for clients that ask for it, like every error
    assert ask(heavy, server, Accept="application/json").json()["status"] == 429
    # another client is not affected; the refused one can still read the limits
    assert ask(other, server).status_code == 200
    assert limits(heavy, server)["client"] == "address 127.0.0.2"


def test_an_untrusted_x_forwarded_for_changes_nothing(counted: tuple[Server, str, str]) -> None:
    server, _, _ = counted
    sender = client("127.0.0.4")
    addresses = iter(f"198.51.100.{n}" for n in range(1, 20))
    answered, refused = until_refused(
        lambda: ask(sender, server, **{"X-Forwarded-For": next(addresses)})
    )
    assert len(answered) <= 7
    assert "address 127.0.0.4" in refused.text


def test_behind_the_trusted_proxy_each_forwarded_address_is_a_client(
    counted: tuple[Server, str, str],
) -> None:
    server, _, _ = counted
    proxy = client("127.0.0.9")
    forwarded = {"X-Forwarded-For": "198.51.100.7"}
    _, refused = until_refused(lambda: ask(proxy, server, **forwarded))
    assert "address 198.51.100.7" in refused.text
    assert ask(proxy, server, **{"X-Forwarded-For": "198.51.100.8"}).status_code == 200
    found = limits(proxy, server, **{"X-Forwarded-For": "198.51.100.8"})
    assert found["client"] == "address 198.51.100.8"
    assert "127.0.0.9" in found["identified_by"]


def test_a_token_holder_is_one_client_from_any_address(counted: tuple[Server, str, str]) -> None:
    server, partner, other = counted
    token = {"Authorization": f"Bearer {partner}"}
    first, second = client("127.0.0.5"), client("127.0.0.6")
    for _ in range(3):
        assert ask(first, server, **token).status_code == 200
    answered, refused = until_refused(lambda: ask(second, server, **token))
    assert len(answered) <= 4  # the holder's count, not the address's
    assert "token ngo-a" in refused.text
    # the addresses keep their own counts, and so does another holder
    assert ask(second, server).status_code == 200
    assert ask(second, server, Authorization=f"Bearer {other}").status_code == 200
    # a wrong token counts against the address it came from: no fresh count from made-up tokens
    wrong = client("127.0.0.7")
    tokens = iter(f"ppkg_made-up-{n}" for n in range(20))
    _, refused = until_refused(lambda: ask(wrong, server, Authorization=f"Bearer {next(tokens)}"))
    assert "address 127.0.0.7" in refused.text


# --- worker time ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def metered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str]]:
    """Two seconds of worker time per client, refilled over ten minutes; queries stop at 3 s."""
    data_dir = tmp_path_factory.mktemp("metered") / "data"
    partner, _, _ = issue_tokens(data_dir)
    server = start_server(
        data_dir, worker_seconds="2", worker_seconds_period="600", query_timeout="3"
    )
    yield server, partner
    stop_server(server)


def test_past_its_worker_time_a_client_gets_429_until_it_refills(
    metered: tuple[Server, str],
) -> None:
    server, _ = metered
    heavy, other = client("127.0.0.2"), client("127.0.0.3")
    assert limits(heavy, server)["you"]["worker_seconds_left"] == 2
    stopped = heavy.post(server.sparql, data=RUNAWAY, headers=DIRECT, timeout=60)
    assert stopped.status_code == 503  # it held a worker for its whole 3 s
    left = limits(heavy, server)["you"]["worker_seconds_left"]
    assert left < 0
    refused = ask(heavy, server)
    assert refused.status_code == 429
    message = refused.text
    assert "address 127.0.0.2 has used its worker time" in message
    assert "2 s" in message and "600 s" in message and "PPKG_WORKER_SECONDS" in message
    # about 1 s overspent, refilled at 2 s per 600 s: some 300 s
    assert 60 <= int(refused.headers["Retry-After"]) <= 600
    assert ask(other, server).status_code == 200
    # what needs no worker is still served
    assert heavy.get(server.url + "/search", params={"q": "Kotov"}).status_code == 200


def test_validations_are_charged_and_a_spent_partner_is_refused_before_anything_is_stored(
    metered: tuple[Server, str],
) -> None:
    server, partner = metered
    sender = client("127.0.0.4")
    trig = {"Content-Type": "application/trig"}
    assert sender.post(server.url + "/validate", data=SUBMISSION, headers=trig).status_code == 200
    assert limits(sender, server)["you"]["worker_seconds_left"] < 2  # the validation's time
    # the partner's token spends its own worker time on a runaway query...
    token = {"Authorization": f"Bearer {partner}"}
    stopped = sender.post(server.sparql, data=RUNAWAY, headers={**DIRECT, **token}, timeout=60)
    assert stopped.status_code == 503
    # ...and its submission is refused before the ledger stores it
    refused = sender.post(server.url + "/submissions", data=SUBMISSION, headers={**trig, **token})
    assert refused.status_code == 429, refused.text
    assert "token ngo-a has used its worker time" in refused.text
    listing = sender.get(server.url + "/submissions", headers=token).json()
    assert listing["submissions"] == []


# --- the share of the workers -----------------------------------------------------------------


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Two workers; six HTTP threads, as many as the runaway queries, so that without a
    per-client queue they would hold every thread."""
    server = start_server(
        tmp_path_factory.mktemp("shared") / "data", workers="2", threads="6", query_timeout="20"
    )
    yield server
    stop_server(server)


def test_six_runaway_queries_from_one_client_do_not_starve_another(shared: Server) -> None:
    runaway = client("127.0.0.2")
    answers: list[requests.Response] = []
    arrived = threading.Event()

    def send() -> None:
        response = runaway.post(shared.sparql, data=RUNAWAY, headers=DIRECT, timeout=90)
        answers.append(response)
        arrived.set()

    threads = [threading.Thread(target=send) for _ in range(6)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    # The sixth is refused at once (one running, four waiting for their turn): all are in.
    # Without a per-client queue none comes back early; go on after a while all the same.
    arrived.wait(5)
    time.sleep(0.5)
    try:
        cheap = client("127.0.0.3").post(shared.sparql, data=ASK, headers=DIRECT, timeout=10)
    except requests.Timeout:
        pytest.fail("the cheap query waited 10 s behind the runaway ones")
    finally:
        for thread in threads:
            thread.join()
    waited = time.monotonic() - started
    assert cheap.status_code == 200 and cheap.json()["boolean"] is True
    assert waited >= 20  # the runaway queries did run (or wait) to their limit meanwhile
    statuses = sorted(r.status_code for r in answers)
    assert statuses == [429, 503, 503, 503, 503, 503], [r.text for r in answers]
    [refused] = [r for r in answers if r.status_code == 429]
    assert refused.headers["Retry-After"]
    assert "address 127.0.0.2 already has 1 request running and 4 waiting" in refused.text
    assert "PPKG_CLIENT_WORKERS" in refused.text and "PPKG_CLIENT_QUEUE" in refused.text


# --- publishing the limits --------------------------------------------------------------------


def test_the_limits_are_published_as_a_page_json_and_in_the_service_description(
    metered: tuple[Server, str],
) -> None:
    server, _ = metered
    found = limits(requests.Session(), server)
    table = found["limits"]
    assert table["worker_seconds"]["size"] == 2
    assert table["worker_seconds_period"]["size"] == 600
    assert table["requests_per_minute"]["size"] is None  # not counted on this server
    assert table["client_workers"]["size"] == 1 and table["client_queue"]["size"] == 4
    assert table["query_page_rows"]["size"] == 1000
    page = requests.get(server.url + "/limits", headers={"Accept": "text/html"})
    assert page.headers["Content-Type"].startswith("text/html")
    assert "PPKG_WORKER_SECONDS" in page.text and "address 127.0.0.1" in page.text
    assert requests.get(server.url + "/limits", params={"format": "csv"}).status_code == 406
    assert 'href="/limits"' in requests.get(server.url + "/").text  # every page's footer
    description = requests.get(server.sparql, headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=description.text, format="turtle")
    page_iri = URIRef(server.url + "/limits")
    assert (URIRef(server.sparql), RDFS.seeAlso, page_iri) in graph
    [comment] = graph.objects(page_iri, RDFS.comment)
    assert "2 s" in comment and "600 s" in comment and "1 of the 2 query workers" in comment

    # this server counts no requests (PPKG_REQUESTS_PER_MINUTE=0): no count, no headers
    assert "X-RateLimit-Limit" not in ask(requests.Session(), server).headers
