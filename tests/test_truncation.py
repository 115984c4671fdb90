"""No result is cut short silently: a result the time limit stops once it has started is aborted,
never ended as if whole."""

from __future__ import annotations

import time

import pytest
import requests

from tests.conftest import Server

# --- a result the time limit stops ------------------------------------------------------------


def test_a_result_the_time_limit_stops_midway_is_aborted_not_ended(strict_server: Server) -> None:
    """Past its first megabyte a result streams, its status already sent; stopped by the time
    limit (6 s here), the transfer must fail for the client rather than end like a whole one."""
    endless = "SELECT ?s WHERE { ?s ?p ?o . ?a ?b ?c }"  # 25 million rows
    response = requests.get(
        strict_server.sparql,
        params={"query": endless},
        headers={"Accept": "text/csv"},
        stream=True,
        timeout=60,
    )
    assert response.status_code == 200 and "Content-Length" not in response.headers
    chunks = response.iter_content(1 << 16)
    received = len(next(chunks))
    time.sleep(7)  # past the limit: the server stops the query meanwhile
    give_up = time.monotonic() + 40
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        for chunk in chunks:
            received += len(chunk)
            if time.monotonic() > give_up:
                pytest.fail(f"the results went on long past the limit ({received} bytes)")
    assert received > 1 << 20
    # the worker was replaced: the next query is answered
    ask = requests.get(strict_server.sparql, params={"query": "ASK { ?s ?p ?o }"}, timeout=60)
    assert ask.status_code == 200
