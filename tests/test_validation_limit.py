"""Validation runs in a query worker under its own time limit: past it the worker is stopped and
replaced, the answer is 503, and a submission is kept, marked as not validated."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
import requests

from bench.generate import submission
from tests.conftest import Server, start_server, stop_server
from tests.submitting import SUBMISSION, issue_tokens

LIMIT = "0.2"  # a cold worker loads pySHACL and the shapes first: 1,000 triples take seconds
TRIG = {"Content-Type": "application/trig"}


@pytest.fixture(scope="module")
def hurried(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str, str]]:
    data_dir = tmp_path_factory.mktemp("hurried") / "data"
    partner, _, reviewer = issue_tokens(data_dir)
    server = start_server(data_dir, validation_timeout=LIMIT, workers="1")
    yield server, partner, reviewer
    stop_server(server)


@pytest.fixture(scope="module")
def big() -> bytes:
    text, triples = submission(1, 1000)
    assert triples >= 1000
    return text.encode()


def test_validate_past_the_limit_is_stopped(hurried: tuple[Server, str, str], big: bytes) -> None:
    server, _, _ = hurried
    response = requests.post(server.url + "/validate", data=big, headers=TRIG)
    assert response.status_code == 503
    assert f"validation ran longer than the limit of {LIMIT} s" in response.text
    # The only worker was replaced: queries are answered, not queued behind the validation.
    answer = requests.get(server.sparql, params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
    assert answer.status_code == 200 and answer.json()["boolean"] is True


def test_a_submission_past_the_limit_is_kept_unvalidated(
    hurried: tuple[Server, str, str], big: bytes
) -> None:
    server, partner, reviewer = hurried
    headers = {**TRIG, "Authorization": f"Bearer {partner}"}
    response = requests.post(server.url + "/submissions", data=big, headers=headers)
    assert response.status_code == 503 and "kept as" in response.text
    listing = requests.get(
        server.url + "/submissions",
        params={"status": "unvalidated"},
        headers={"Authorization": f"Bearer {reviewer}"},
    ).json()
    [record] = listing["submissions"]
    auth = {"Authorization": f"Bearer {reviewer}"}
    raw = requests.get(f"{server.url}/submissions/{record['id']}/raw", headers=auth)
    assert raw.content == big
    accept = requests.post(f"{server.url}/submissions/{record['id']}/accept", headers=auth)
    assert accept.status_code == 409


@pytest.fixture(scope="module")
def busy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str, str]]:
    """An accept waits at most the query limit (1 s) + 1 s for a busy worker to be free."""
    data_dir = tmp_path_factory.mktemp("busy") / "data"
    partner, _, reviewer = issue_tokens(data_dir)
    server = start_server(data_dir, query_timeout="1", workers="2")
    yield server, partner, reviewer
    stop_server(server)


@pytest.mark.embedded_only(
    "an accept pauses the embedded store's workers to write; a remote engine takes the write"
    " while validations read it, so nothing is interrupted"
)
def test_a_validation_an_accept_interrupts_answers_503(busy: tuple[Server, str, str]) -> None:
    server, partner, reviewer = busy
    headers = {**TRIG, "Authorization": f"Bearer {partner}"}
    pending = requests.post(server.url + "/submissions", data=SUBMISSION, headers=headers).json()
    assert pending["status"] == "pending"
    text, _ = submission(1, 20_000)  # 10 s or more of validation, far past the accept's wait
    answers: list[requests.Response] = []
    validating = threading.Thread(
        target=lambda: answers.append(
            requests.post(server.url + "/validate", data=text.encode(), headers=TRIG)
        )
    )
    validating.start()
    time.sleep(0.5)
    auth = {"Authorization": f"Bearer {reviewer}"}
    accepted = requests.post(f"{server.url}/submissions/{pending['id']}/accept", headers=auth)
    validating.join()
    assert accepted.status_code == 200
    [answer] = answers
    assert answer.status_code == 503, answer.text
    assert "stopped so that a change could be written" in answer.text
    assert answer.headers["Retry-After"] == "5"
