"""Answers to IRIs, kept until the store changes; and pages made from files, kept until the
files change.

The data changes only when a release or an accepted submission writes the store, so an answer
stays right for as long as `backend.revision()` is the same; bounded LRUs keep the pages people
read most, and the descriptions every RDF format is written from, without asking the worker
pool again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

from ..store.base import Backend

V = TypeVar("V")


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...]


class VersionedCache(Generic[V]):
    """An LRU emptied whenever the store changes."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._version: int | None = None
        self._values: OrderedDict[tuple[str, ...], V] = OrderedDict()

    def get(self, backend: Backend, key: tuple[str, ...]) -> V | None:
        version = backend.revision()
        with self._lock:
            if version != self._version:
                self._values.clear()
                self._version = version
                return None
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
            return value

    def put(self, backend: Backend, key: tuple[str, ...], value: V) -> None:
        version = backend.revision()
        with self._lock:
            if version != self._version:
                return  # the store changed while this value was being made
            self._values[key] = value
            if len(self._values) > self._size:
                self._values.popitem(last=False)


class LatestCache(Generic[V]):
    """One value, made again when its key (what it is made from) changes; one maker at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: Hashable = None
        self._value: V | None = None

    def get(self, key: Hashable, make: Callable[[], V]) -> V:
        with self._lock:
            if self._value is None or key != self._key:
                self._value, self._key = make(), key
            return self._value
