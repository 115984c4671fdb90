"""A query's results read as a file while they arrive, whatever the chunks' sizes."""

from __future__ import annotations

import pytest
from pyoxigraph import QueryResultsFormat, QuerySolutions, parse_query_results

from server.store.base import QueryResult

pytestmark = pytest.mark.no_backend  # the same whatever --backend is: run once

TSV = b"?s\t?o\n" + b"".join(b'<urn:x:%d>\t"name %d"@en\n' % (i, i) for i in range(5000))


def test_any_chunking_reads_back_the_same_bytes() -> None:
    for size in (1, 7, 4096, len(TSV)):
        chunks = [TSV[i : i + size] for i in range(0, len(TSV), size)]
        chunks.insert(1, b"")  # an empty chunk is not the end
        assert QueryResult("text/tab-separated-values", iter(chunks)).stream().read() == TSV


def test_oxigraph_parses_the_stream() -> None:
    chunks = iter([TSV[i : i + 1000] for i in range(0, len(TSV), 1000)])
    stream = QueryResult("text/tab-separated-values", chunks).stream()
    solutions = parse_query_results(stream, QueryResultsFormat.TSV)
    assert isinstance(solutions, QuerySolutions)
    rows = list(solutions)
    assert len(rows) == 5000 and rows[4999]["o"].value == "name 4999"
