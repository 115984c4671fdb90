"""Queries run in worker processes, so that a query past its time limit can really be stopped.

Neither Oxigraph nor rdflib can cancel a running query. Each worker opens the store read-only and
answers one request at a time over a pipe; the web server waits with a deadline, and a worker past
its deadline, or one whose client went away, is killed and replaced.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import pickle
import queue
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from ..core.budgets import ClientShares, Turn
from ..core.problem import Problem
from .base import QueryRequest, QueryResult, Task

log = logging.getLogger(__name__)
PICKLED = "application/x-python-pickle"  # a task's answer, from `run_task`

# Results up to this size are held back, so that a failure or timeout is still a clean error.
HEAD_BYTES = 1 << 20
READY_TIMEOUT = 60.0
POLL_INTERVAL = 0.2  # how often a waiting request checks its deadline and its client

Cancelled = Callable[[], bool]


def _never() -> bool:
    return False


@dataclass(frozen=True)
class _Deadline:
    at: float
    cancelled: Cancelled
    seconds: float
    task: str  # what is running, for the messages: "query", "validation"


_context = multiprocessing.get_context("spawn")


class Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, target: Callable[[Connection, str], None], store_path: str) -> None:
        parent, child = _context.Pipe()
        self.conn = parent
        self.process: BaseProcess = _context.Process(
            target=target, args=(child, store_path), daemon=True
        )
        self.process.start()
        child.close()
        if not parent.poll(READY_TIMEOUT):
            self.kill()
            raise RuntimeError("a query worker did not start in time")
        message = parent.recv()
        if message[0] != "ready":
            self.kill()
            raise RuntimeError(f"a query worker could not open the store: {message[1]}")

    def kill(self) -> None:
        self.process.kill()
        self.process.join()
        self.conn.close()


class WorkerPool:
    """A fixed number of workers; a request borrows one for the whole of its response."""

    def __init__(
        self,
        target: Callable[[Connection, str], None],
        store_path: str,
        size: int,
        timeout: float,
    ) -> None:
        self._target = target
        self._store_path = store_path
        self._size = size
        self.timeout = timeout
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._all: set[Worker] = set()
        self._lock = threading.Lock()
        self._writer = threading.Lock()
        self._paused = False
        self._starting = 0
        self._running = False
        self.shares: ClientShares | None = None  # each client's share, when the web sets it

    def start(self) -> None:
        self._running = True
        for _ in range(self._size):
            self._add()

    def close(self) -> None:
        self._running = False
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.kill()

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """Stop every worker, letting running queries finish, so the caller alone has the store.

        Oxigraph may not be written while other processes have it open; requests that arrive
        meanwhile wait for the workers that start again afterwards.
        """
        with self._writer:
            with self._lock:
                self._paused = True
            try:
                self._stop_all(time.monotonic() + self.timeout + 1)
                yield
            finally:
                with self._lock:
                    self._paused = False
                for _ in range(self._size if self._running else 0):
                    self._add()

    def _stop_all(self, deadline: float) -> None:
        while True:
            with self._lock:
                if not self._all and not self._starting:
                    return
            try:
                worker = self._idle.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                if time.monotonic() < deadline:
                    continue
                with self._lock:  # past every query's own limit: stop them outright
                    stuck, self._all = self._all, set()
                for worker in stuck:
                    worker.kill()
                continue
            with self._lock:
                self._all.discard(worker)
            worker.kill()

    def execute(
        self,
        request: QueryRequest | Task[Any],
        cancelled: Cancelled | None = None,
        timeout: float | None = None,
    ) -> QueryResult:
        seconds = self.timeout if timeout is None else timeout
        task = request.name if isinstance(request, Task) else "query"
        deadline = _Deadline(time.monotonic() + seconds, cancelled or _never, seconds, task)
        turn = self.turn(request.client, task, deadline.at, deadline.cancelled)
        try:
            worker = self._acquire(deadline.at)
        except BaseException:
            turn.end()
            raise
        turn.start()  # the client's worker time runs from here until the worker is given back
        try:
            worker.conn.send(request)
            media_type = self._expect_start(worker, deadline)
            head, done = self._read_head(worker, deadline)
        except _Handled:
            turn.end()
            raise
        except BaseException:
            self._discard(worker)
            turn.end()
            raise
        if done:
            self._idle.put(worker)
            turn.end()
            return QueryResult(media_type, iter(head), sum(map(len, head)))
        return QueryResult(media_type, self._stream(worker, head, deadline, turn))

    def turn(
        self, client: str | None, task: str, deadline: float, cancelled: Cancelled
    ) -> Turn | NoTurn:
        """The client's turn (it may wait for it, or be refused); work no client asked for, such
        as the names read for every page, is neither shared out nor charged."""
        if client is None or self.shares is None:
            return NoTurn()
        return self.shares.begin(client, task, deadline, cancelled)

    def _acquire(self, deadline: float) -> Worker:
        while True:
            try:
                worker = self._idle.get(timeout=max(deadline - time.monotonic(), 0.001))
            except queue.Empty:
                raise Problem(
                    503, "every query worker is busy; try again shortly", {"Retry-After": "5"}
                ) from None
            with self._lock:
                if worker in self._all:  # not one a writer stopped while it was busy
                    return worker

    def _expect_start(self, worker: Worker, deadline: _Deadline) -> str:
        message = self._recv(worker, deadline)
        if message[0] == "error":
            self._idle.put(worker)
            raise _Handled(message[1], message[2])
        return str(message[1])

    def _read_head(self, worker: Worker, deadline: _Deadline) -> tuple[list[bytes], bool]:
        head: list[bytes] = []
        size = 0
        while size < HEAD_BYTES:
            message = self._recv(worker, deadline)
            if message[0] == "end":
                return head, True
            if message[0] == "error":
                self._idle.put(worker)
                raise _Handled(message[1], message[2])
            head.append(message[1])
            size += len(message[1])
        return head, False

    def _stream(
        self, worker: Worker, head: list[bytes], deadline: _Deadline, turn: Turn | NoTurn
    ) -> Iterator[bytes]:
        """The results as they come. Cut short (the time limit, or a failure once the results
        had started), the stream raises rather than ends: the response is already under way,
        so its transfer is aborted and the client sees it incomplete, never a result that
        looks whole."""
        finished = False
        try:
            yield from head
            while True:
                self._check(deadline)  # also while results keep coming: the limit is the limit
                message = self._recv(worker, deadline)
                if message[0] == "end":
                    finished = True
                    return
                if message[0] == "error":
                    finished = True
                    log.warning("query failed after its results had started: %s", message[2])
                    raise Problem(
                        message[1],
                        f"the {deadline.task} failed after its results had started:"
                        f" {message[2]}; the results were cut short",
                    )
                yield message[1]
        except Problem as exc:
            if exc.status == 499:  # nobody is reading any more
                return
            log.warning("results cut short: %s", exc.message)
            raise
        finally:
            if finished:
                self._idle.put(worker)
            else:  # the client went away or the time ran out: stop the work
                self._discard(worker)
            turn.end()

    def _recv(self, worker: Worker, deadline: _Deadline) -> tuple[Any, ...]:
        # A writer's pause may kill the worker, closing its pipe, while this thread waits on it:
        # the closed handle (OSError) means the same as the worker's end of the pipe (EOFError).
        try:
            while not worker.conn.poll(POLL_INTERVAL):
                self._check(deadline)
            message: tuple[Any, ...] = worker.conn.recv()
        except (EOFError, OSError):
            with self._lock:
                stopped = worker not in self._all  # a writer's pause outlasted it
            if stopped:
                raise Problem(
                    503,
                    f"the {deadline.task} was stopped so that a change could be written; try again",
                    {"Retry-After": "5"},
                ) from None
            raise Problem(500, f"the worker died while running the {deadline.task}") from None
        return message

    @staticmethod
    def _check(deadline: _Deadline) -> None:
        if deadline.cancelled():
            raise Problem(499, f"the client went away; the {deadline.task} was stopped")
        if time.monotonic() >= deadline.at:
            raise Problem(
                503,
                f"the {deadline.task} ran longer than the limit of {deadline.seconds:g} s"
                " and was stopped",
            )

    def _discard(self, worker: Worker) -> None:
        with self._lock:
            if worker not in self._all:
                return
            self._all.discard(worker)
        worker.kill()
        threading.Thread(target=self._add, daemon=True).start()

    def _add(self) -> None:
        with self._lock:
            if self._paused:
                return
            self._starting += 1
        try:
            worker = Worker(self._target, self._store_path)
        except BaseException:
            with self._lock:
                self._starting -= 1
            raise
        with self._lock:
            if not self._paused:
                self._starting -= 1
                self._all.add(worker)
                self._idle.put(worker)
                return
        worker.kill()  # before it counts as stopped: a writer may be waiting for it
        with self._lock:
            self._starting -= 1


class NoTurn:
    """The turn of work no client asked for: neither shared out nor charged."""

    def start(self) -> None:
        pass

    def end(self) -> None:
        pass


class _Handled(Problem):
    """A problem the worker reported; the worker itself is healthy and already back in the pool."""


def run_task(store: Any, task: Task[Any], conn: Connection) -> None:
    """In a worker: run `task` on `store` and send its answer back pickled, or the problem."""
    try:
        answer = task.function(store, *task.args)
    except Problem as exc:
        conn.send(("error", exc.status, exc.message))
        return
    except Exception as exc:  # reported, not fatal: the worker serves the next request
        conn.send(("error", 500, f"the {task.name} failed: {exc}"))
        return
    conn.send(("start", PICKLED))
    conn.send(("chunk", pickle.dumps(answer)))
    conn.send(("end",))


def task_answer(result: QueryResult) -> Any:
    """In the parent: what `run_task` sent (from our own worker, so unpickling is safe)."""
    return pickle.loads(result.read())


def serve_requests(
    conn: Connection, open_store: Callable[[], Any], handle: Callable[..., None]
) -> None:
    """The loop each worker runs: open the store, then answer requests until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        store = open_store()
    except Exception as exc:  # reported to the parent, which refuses to start
        conn.send(("failed", str(exc)))
        return
    conn.send(("ready",))
    frozen = False
    with contextlib.suppress(EOFError, KeyboardInterrupt):
        while True:
            request = conn.recv()
            handle(store, request, conn)
            if not frozen or not isinstance(request, QueryRequest):
                # What the first query and each task (a validation) leave loaded (pySHACL, the
                # shapes and their caches) lives as long as the worker: out of the collector's
                # rounds, which otherwise walk it again and again during each validation (a
                # third of a 1,000-triple one).
                gc.collect()
                gc.freeze()
                frozen = True
