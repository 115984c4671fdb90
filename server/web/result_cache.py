"""Query results kept as sent, so that a repeated query costs what its bytes cost.

The data changes only on `ppkg load` (a restart) and on an accepted submission (a new store
revision), so a result is keyed on the query, the media types asked for, the dataset and the
bound parameters, and kept for the revision it was computed on: a result whose query started
before a change is never kept, and none survives one. Results are kept up to `max_bytes` in
all (the least recently used go first); one larger than a quarter of that is not kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass

from ..store.base import QueryResult


@dataclass(frozen=True)
class Kept:
    media_type: str
    body: bytes


class ResultCache:
    def __init__(self, max_bytes: int) -> None:
        self._max = max_bytes
        self._lock = threading.Lock()
        self._revision: int | None = None
        self._size = 0
        self._kept: OrderedDict[Hashable, Kept] = OrderedDict()

    def get(self, key: Hashable, revision: int) -> QueryResult | None:
        with self._lock:
            if revision != self._revision:
                self._kept.clear()
                self._size, self._revision = 0, revision
                return None
            found = self._kept.get(key)
            if found is None:
                return None
            self._kept.move_to_end(key)
        return QueryResult(found.media_type, iter([found.body]), len(found.body))

    def keep(
        self, key: Hashable, started: int, revision: Callable[[], int], result: QueryResult
    ) -> QueryResult:
        """`result`, passed through; kept when it is read to its end and the store's revision
        is still `started` (the one its query ran on)."""
        if result.length is not None:  # held back whole already
            body = result.read()
            self._put(key, started, revision(), Kept(result.media_type, body))
            return QueryResult(result.media_type, iter([body]), len(body))
        chunks = self._teed(key, started, revision, result)
        return QueryResult(result.media_type, chunks)

    def _teed(
        self, key: Hashable, started: int, revision: Callable[[], int], result: QueryResult
    ) -> Iterator[bytes]:
        parts: list[bytes] | None = []
        size = 0
        try:
            for chunk in result.chunks:
                if parts is not None:
                    size += len(chunk)
                    if size <= self._max // 4:
                        parts.append(chunk)
                    else:
                        parts = None  # too large to keep; still sent whole
                yield chunk
        finally:
            close = getattr(result.chunks, "close", None)
            if close is not None:
                close()
        # Reached only when every chunk was read: a reader that left early keeps nothing.
        if parts is not None:
            self._put(key, started, revision(), Kept(result.media_type, b"".join(parts)))

    def _put(self, key: Hashable, started: int, now: int, kept: Kept) -> None:
        if len(kept.body) > self._max // 4:
            return
        with self._lock:
            if started != now or now != self._revision:
                return  # the store changed while the query ran
            old = self._kept.pop(key, None)
            self._size -= len(old.body) if old else 0
            self._kept[key] = kept
            self._size += len(kept.body)
            while self._size > self._max and self._kept:
                _, dropped = self._kept.popitem(last=False)
                self._size -= len(dropped.body)
