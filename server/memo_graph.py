"""A graph that remembers the answer to every triple pattern it was asked.

pySHACL reads the shapes graph again for every focus node and every nested shape (a shape's
parameters, severity, messages, paths): the same few thousand patterns, thousands of times. The
shapes do not change between validations, so each pattern is answered from the store once.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable
from typing import Any

from rdflib import Graph
from rdflib.paths import Path

Pattern = tuple[Any, Any, Any]


class MemoGraph(Graph):
    def __init__(self, source: Iterable[Pattern] = ()) -> None:
        super().__init__(store="SimpleMemory")  # no per-triple context bookkeeping
        self._memo: dict[Pattern, tuple[Pattern, ...]] = {}
        for triple in source:
            self.add(triple)

    def triples(self, triple: Any) -> Generator[Any, None, None]:
        if isinstance(triple[1], Path):
            yield from super().triples(triple)
            return
        answer = self._memo.get(triple)
        if answer is None:
            answer = self._memo[triple] = tuple(super().triples(triple))
        yield from answer

    def add(self, triple: Any) -> MemoGraph:
        self._memo.clear()
        super().add(triple)
        return self

    def addN(self, quads: Iterable[Any]) -> MemoGraph:
        self._memo.clear()
        super().addN(quads)
        return self

    def remove(self, triple: Any) -> MemoGraph:
        self._memo.clear()
        super().remove(triple)
        return self
