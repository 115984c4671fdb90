"""The embedded backend: a persistent Oxigraph store on disk, queried by worker processes."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO, Any, cast

from pyoxigraph import NamedNode, Quad, Store
from tqdm import tqdm

from ..core.budgets import ClientShares
from ..core.content import ContentFile
from ..core.crash_points import crash_point
from ..core.media_types import rdf_media_type_for_suffix
from ..core.problem import Problem
from ..core.vocabulary import ONTOLOGY
from .base import Infer, QueryRequest, QueryResult, R, Task
from .evaluate import evaluate, serialize
from .swap import finish_swap
from .workers import WorkerPool, run_task, serve_requests, task_answer


class OxigraphBackend:
    """Loads by building a new store beside the old one and swapping, so a failed load loses
    nothing; serves through a pool of read-only worker processes."""

    def __init__(
        self,
        path: Path,
        workers: int,
        timeout: float,
        publish_sensitive: bool = False,
    ) -> None:
        self.path = path
        finish_swap(path)  # a load killed mid-swap leaves no store in place: put the old one back
        self._publish_sensitive = publish_sensitive
        self._pool = WorkerPool(_worker_main, str(path), workers, timeout)
        self._graphs: frozenset[str] | None = None
        self._revision = 0

    def start(self) -> None:
        self._graphs = self._read_graph_names()
        self._pool.start()

    def close(self) -> None:
        self._pool.close()

    def is_empty(self) -> bool:
        return not self.path.exists() or not self._read_graph_names()

    def revision(self) -> int:
        return self._revision

    def graph_names(self) -> frozenset[str]:
        if self._graphs is None:
            self._graphs = self._read_graph_names()
        return self._graphs

    def execute(
        self, request: QueryRequest, cancelled: Callable[[], bool] | None = None
    ) -> QueryResult:
        return self._pool.execute(request, cancelled)

    def run(self, task: Task[R], timeout: float) -> R:
        """In a worker, so that the time limit can stop the task whatever it is doing."""
        result = self._pool.execute(task, timeout=timeout)
        answer: R = task_answer(result)
        return answer

    def share(self, shares: ClientShares) -> None:
        self._pool.shares = shares

    def add(self, quads: Sequence[Quad]) -> None:
        with self._pool.paused():
            store = Store(str(self.path))
            try:
                store.extend(quads)  # atomic: all of the quads or none of them
                store.flush()
            finally:
                del store  # closes the database before the workers open it again
                self._graphs = None
                self._revision += 1

    def quads(self) -> Iterator[Quad]:
        """Read-only, so that an export can run beside the server."""
        yield from Store.read_only(str(self.path))

    def load(
        self,
        files: list[ContentFile],
        infer: Infer,
        progress: bool = False,
        extra: Iterable[Quad] = (),
    ) -> int:
        """Replace the store's content with `files` and `extra`; return the number of quads."""
        building = self.path.with_name(self.path.name + ".loading")
        shutil.rmtree(building, ignore_errors=True)
        building.parent.mkdir(parents=True, exist_ok=True)
        total = sum(f.path.stat().st_size for f in files)
        try:
            with tqdm(
                total=total, unit="B", unit_scale=True, disable=not progress, desc="loading"
            ) as bar:
                store = Store(str(building))
                for content in files:
                    _load_file(store, content, bar)
                crash_point("load-building")
                store.bulk_extend(extra)
                if not self._publish_sensitive:
                    _drop_sensitive(store)
                infer(store)
                store.flush()
                count = len(store)
                del store
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            raise
        crash_point("load-built")
        self._swap(building)
        crash_point("load-swapped")
        self._graphs = None
        return count

    def _swap(self, building: Path) -> None:
        retired = self.path.with_name(self.path.name + ".old")
        shutil.rmtree(retired, ignore_errors=True)
        if self.path.exists():
            self.path.rename(retired)
            crash_point("load-swapping")
        building.rename(self.path)
        shutil.rmtree(retired, ignore_errors=True)

    def _read_graph_names(self) -> frozenset[str]:
        if not self.path.exists():
            return frozenset()
        store = Store.read_only(str(self.path))
        return frozenset(g.value for g in store.named_graphs() if isinstance(g, NamedNode))


def _load_file(store: Store, content: ContentFile, bar: tqdm) -> None:
    found = rdf_media_type_for_suffix(content.path.suffix)
    if found is None:
        raise Problem(415, f"{content.path}: no RDF format is known for this file name")
    rdf_format = found.oxigraph
    graph = NamedNode(content.graph) if content.graph else None
    with open(content.path, "rb") as raw:
        try:
            store.bulk_load(
                cast(IO[bytes], _Progress(raw, bar)),
                rdf_format,
                to_graph=graph,
                base_iri=content.path.resolve().as_uri(),
            )
        except SyntaxError as exc:
            raise Problem(400, f"{content.path}: {exc}") from exc


def _drop_sensitive(store: Store) -> None:
    """Remove the graphs that describe themselves as ppkg:sensitive (health, relatives...)."""
    query = f"SELECT ?g WHERE {{ GRAPH ?g {{ ?g <{ONTOLOGY}sensitive> true }} }}"
    for row in store.query(query):  # type: ignore[union-attr]
        store.remove_graph(row[0])


class _Progress:
    """A binary reader that advances a progress bar as Oxigraph reads through it."""

    def __init__(self, raw: IO[bytes], bar: tqdm) -> None:
        self._raw = raw
        self._bar = bar

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self._bar.update(len(data))
        return data


class _PipeSink:
    """A binary file that forwards each write to the parent as one chunk."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def write(self, data: bytes) -> int:
        self._conn.send(("chunk", bytes(data)))
        return len(data)

    def flush(self) -> None:
        pass


def _answer(store: Store, request: QueryRequest | Task[Any], conn: Connection) -> None:
    if isinstance(request, Task):
        run_task(store, request, conn)
        return
    try:
        results, media_type = evaluate(store, request)
        conn.send(("start", media_type))
        serialize(results, media_type, _PipeSink(conn))
    except Problem as exc:
        conn.send(("error", exc.status, exc.message))
        return
    conn.send(("end",))


def _worker_main(conn: Connection, store_path: str) -> None:
    serve_requests(conn, lambda: Store.read_only(store_path), _answer)
