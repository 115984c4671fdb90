"""The store interface: the little that the web application and the command line need."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, Generic, Protocol, TypeVar

from pyoxigraph import Quad, Store

from ..core.budgets import ClientShares
from ..core.content import ContentFile
from ..core.vocabulary import Term

R = TypeVar("R")


@dataclass(frozen=True)
class Dataset:
    """The RDF dataset a query runs on.

    `explicit` means the protocol named it (default-graph-uri / named-graph-uri) and it overrides
    the query's FROM clauses; otherwise the query's own FROM clauses apply, and without them the
    default graph is the union of all published graphs.
    """

    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    explicit: bool = False


@dataclass(frozen=True)
class QueryRequest:
    """A read-only query and the media types the client accepts for each query form."""

    query: str
    tabular_type: str | None = "application/sparql-results+json"
    graph_type: str | None = "text/turtle"
    dataset: Dataset = field(default_factory=Dataset)
    query_declares_dataset: bool = False
    bindings: dict[str, Term] = field(default_factory=dict)
    client: str | None = None  # who asked: its share of the workers, and its worker time


@dataclass(frozen=True)
class Task(Generic[R]):
    """Work for a worker: `function(store, *args)` on a read-only store, its result sent back.

    `function` must be a module-level function and `args` picklable, since both cross to the
    worker process; the store knows nothing of what the task does (validation, for one), so it
    imports no layer above it. `name` is what messages about it call it.
    """

    function: Callable[..., R]
    args: tuple[Any, ...] = ()
    name: str = "task"
    client: str | None = None  # who asked: its share of the workers, and its worker time


# How a store is built after its files are loaded: the inference step, passed in by the caller.
Infer = Callable[[Store], object]


@dataclass
class QueryResult:
    """Serialised results: `chunks` must be consumed or closed (closing stops the work)."""

    media_type: str
    chunks: Iterator[bytes]
    length: int | None = None  # the byte count, when the whole result is already in hand

    def read(self) -> bytes:
        return b"".join(self.chunks)

    def stream(self) -> IO[bytes]:
        """The results as a binary file, read as they arrive rather than held whole."""
        return io.BufferedReader(_ChunkReader(self.chunks))


class _ChunkReader(io.RawIOBase):
    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._rest = memoryview(b"")

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        """Closing the file closes the chunks: a result left unread stops the worker's work."""
        close = getattr(self._chunks, "close", None)
        if close is not None:
            close()
        super().close()

    def readinto(self, buffer: Any) -> int:
        while not self._rest:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._rest = memoryview(chunk)
        size = min(len(buffer), len(self._rest))
        buffer[:size] = self._rest[:size]
        self._rest = self._rest[size:]
        return size


class Backend(Protocol):
    """What a store must do; one module per backend, chosen in `server.store.open_backend`."""

    def start(self) -> None: ...

    def close(self) -> None: ...

    def is_empty(self) -> bool: ...

    def load(
        self,
        files: list[ContentFile],
        infer: Infer,
        progress: bool = False,
        extra: Iterable[Quad] = (),
    ) -> int:
        """Replace the content with `files` and the `extra` quads, then run `infer` on the new
        store before it replaces the old; return the number of quads."""
        ...

    def add(self, quads: Sequence[Quad]) -> None:
        """Add `quads` in one atomic step: all of them or, if it fails, none.

        The one write after a load: an engine without transactions across requests can still
        apply a single request whole (see `server.submissions.publishing`)."""
        ...

    def quads(self) -> Iterator[Quad]:
        """Every quad of the published dataset, read without disturbing the running server."""
        ...

    def graph_names(self) -> frozenset[str]: ...

    def revision(self) -> int:
        """A number that changes whenever the store's content does: a key for caches."""
        ...

    def execute(
        self, request: QueryRequest, cancelled: Callable[[], bool] | None = None
    ) -> QueryResult:
        """Run `request`; `cancelled()` turning true (the client left) stops the work."""
        ...

    def run(self, task: Task[R], timeout: float) -> R:
        """Run `task` on a read-only view of the store, stopped past `timeout` seconds (503)."""
        ...

    def share(self, shares: ClientShares) -> None:
        """Give requests that name a client only that client's share of the workers, and
        charge it the time they hold one (server/core/budgets.py)."""
        ...
