"""Three things pySHACL 0.40 does slowly on our data, and the least it takes to avoid them.

None changes pySHACL's results (the tests compare them with plain pySHACL runs). Nothing here
acts on import: `validate` applies `hash_constraint_parameters` before each run.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable
from typing import Any

from pyshacl import shape as pyshacl_shape
from pyshacl.constraints import CONSTRAINT_PARAMETERS_MAP
from pyshacl.graph_abstraction import OxigraphDataGraph
from rdflib import Graph, Node
from rdflib.paths import Path

Pattern = tuple[Any, Any, Any]


class _HashedList(list[Node]):
    def __init__(self, items: Iterable[Node]) -> None:
        super().__init__(items)
        self._members = frozenset(self)

    def __contains__(self, item: object) -> bool:
        return item in self._members


def hash_constraint_parameters() -> None:
    """pySHACL checks each predicate of a shape against its list of ~40 constraint parameters,
    with rdflib's Python `__eq__`, for every focus node and property shape: a fifth of a
    validation. It keeps that list in a cache on its shape module; this fills the cache with the
    same list, hashed. Should pySHACL stop reading the cache, this costs speed, not results."""
    if getattr(pyshacl_shape, "CONSTRAINT_PARAMS", None) is None:
        parameters = _HashedList(CONSTRAINT_PARAMETERS_MAP)
        setattr(pyshacl_shape, "CONSTRAINT_PARAMS", (parameters, CONSTRAINT_PARAMETERS_MAP))  # noqa: B010


class FastDataGraph(OxigraphDataGraph):
    """pySHACL writes `data_graph or shapes_graph` for every result, and for every failing branch
    of an sh:or; on an Oxigraph graph that counts every triple (5 s of a 7 s validation)."""

    def __bool__(self) -> bool:
        return True


class MemoGraph(Graph):
    """A graph that remembers its answer to every triple pattern. pySHACL reads the shapes again
    for every focus node and nested shape (parameters, severity, messages, paths): the same few
    thousand patterns, thousands of times, and the shapes do not change between validations."""

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
