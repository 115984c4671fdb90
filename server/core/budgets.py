"""Each client's share of the query workers, and its budget of worker time.

A client (a bearer token's holder, or else an address) holds at most `workers` query workers at
once, one fewer than the pool has, so that its runaway queries always leave a worker to everyone
else. Up to `queue` more of its queries and validations wait for its turn; past that it is
refused at once (429), so that it cannot hold every HTTP thread either.

The time each of its queries and validations holds a worker (streaming its results included)
is charged to a bucket of `seconds` that refills steadily, from empty to full in `period`. While
the bucket is overspent, the client's next work is refused (429) with the time the bucket needs
to refill. A query is charged when it ends, so a client overspends by at most what its last
queries took: each is stopped at its time limit.

The worker pool calls `begin` before it takes a worker (it may wait here for the client's turn),
`Turn.start` once it has one and `Turn.end` when it gives it back; nothing here knows HTTP
beyond `Problem`'s status.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from .config import Settings
from .problem import Problem

POLL = 0.2  # how often a request waiting for its turn checks its deadline and its client
PRUNE_AT = 4096  # clients remembered before the idle ones with a full bucket are forgotten
QUEUE_RETRY = 2  # Retry-After, s, for a client with too many queries at once


@dataclass(frozen=True)
class Budget:
    workers: int  # workers one client may hold at once
    queue: int  # more of its requests that may wait for a turn
    seconds: float  # worker time it may use at once; 0: no budget
    period: float  # seconds to refill from empty

    @classmethod
    def from_settings(cls, settings: Settings) -> Budget:
        return cls(
            settings.workers_per_client,
            max(settings.client_queue, 0),
            max(settings.worker_seconds, 0.0),
            max(settings.worker_seconds_period, 1.0),
        )

    @property
    def rate(self) -> float:
        """Seconds of worker time the bucket regains each second."""
        return self.seconds / self.period


@dataclass(frozen=True)
class Usage:
    """A client's state, as /limits shows it to that client."""

    seconds_left: float | None  # None without a budget; negative when overspent
    full_in: float  # seconds until the bucket is full again
    holding: int  # workers its requests hold (or are about to take)
    waiting: int  # its requests waiting for a turn


@dataclass
class _Client:
    level: float
    at: float
    holding: int = 0
    waiting: int = 0


class Turn:
    """A client's hold on one worker: `start` when the worker is taken, `end` when it is
    given back (once; later calls do nothing)."""

    def __init__(self, shares: ClientShares, client: str) -> None:
        self._shares = shares
        self._client = client
        self._started: float | None = None
        self._ended = False

    def start(self) -> None:
        self._started = self._shares.clock()

    def end(self) -> None:
        if self._ended:
            return
        self._ended = True
        held = 0.0 if self._started is None else self._shares.clock() - self._started
        self._shares.finish(self._client, held)


class ClientShares:
    def __init__(self, budget: Budget, clock: Callable[[], float] = time.monotonic) -> None:
        self.budget = budget
        self.clock = clock
        self._changed = threading.Condition()
        self._clients: dict[str, _Client] = {}

    def begin(self, client: str, task: str, deadline: float, cancelled: Callable[[], bool]) -> Turn:
        """The client's turn for one worker: refused (429) when its budget is spent or it has
        too many requests already; waits while it holds its share, up to `deadline`."""
        budget = self.budget
        with self._changed:
            state = self._state(client)
            self._admit(client, state)
            if state.holding >= budget.workers and state.waiting >= budget.queue:
                raise Problem(
                    429,
                    f"{client} already has {_requests(state.holding)} running and"
                    f" {state.waiting} waiting for a turn, the most one client may have"
                    f" ({budget.workers}"
                    f" running, PPKG_CLIENT_WORKERS; {budget.queue} waiting, PPKG_CLIENT_QUEUE):"
                    " send this one again when one of them has finished",
                    {"Retry-After": str(QUEUE_RETRY)},
                )
            state.waiting += 1
            try:
                while state.holding >= budget.workers:
                    if cancelled():
                        raise Problem(499, f"the client went away; the {task} was stopped")
                    left = deadline - self.clock()
                    if left <= 0:
                        raise Problem(
                            503,
                            f"{client}'s earlier requests held its share of the workers"
                            f" ({budget.workers}) for the whole time limit; this {task} did not"
                            " start",
                            {"Retry-After": "5"},
                        )
                    self._changed.wait(min(left, POLL))
                self._admit(client, state)  # its earlier requests may have spent the budget
            finally:
                state.waiting -= 1
            state.holding += 1
        return Turn(self, client)

    def check(self, client: str) -> None:
        """Refuse (429) a client whose worker time is spent, before work that would need it."""
        with self._changed:
            self._admit(client, self._state(client))

    def finish(self, client: str, held: float) -> None:
        """A turn ended: charge the time the worker was held and let the next one in."""
        with self._changed:
            state = self._state(client)
            state.level -= held
            state.holding -= 1
            self._changed.notify_all()

    def usage(self, client: str) -> Usage:
        with self._changed:
            state = self._state(client)
            if not self.budget.seconds:
                return Usage(None, 0.0, state.holding, state.waiting)
            missing = self.budget.seconds - state.level
            return Usage(state.level, missing / self.budget.rate, state.holding, state.waiting)

    def _admit(self, client: str, state: _Client) -> None:
        budget = self.budget
        if not budget.seconds or state.level > 0:
            return
        wait = max(math.ceil(-state.level / budget.rate), 1)
        raise Problem(
            429,
            f"{client} has used its worker time: a client's queries and validations may hold"
            f" query workers for {budget.seconds:g} s, refilled steadily over"
            f" {budget.period:g} s (PPKG_WORKER_SECONDS, PPKG_WORKER_SECONDS_PERIOD); it is"
            f" {-state.level:.1f} s overspent, refilled enough to start again in {wait} s",
            {"Retry-After": str(wait)},
        )

    def _state(self, client: str) -> _Client:
        """The client's state, its bucket refilled up to now (called with the lock held)."""
        now = self.clock()
        state = self._clients.get(client)
        if state is None:
            if len(self._clients) >= PRUNE_AT:
                self._prune(now)
            state = self._clients[client] = _Client(self.budget.seconds, now)
            return state
        state.level = self._refilled(state, now)
        state.at = now
        return state

    def _prune(self, now: float) -> None:
        """Forget the clients that would be new again: nothing running, the bucket full."""
        for key, state in list(self._clients.items()):
            full = self._refilled(state, now) >= self.budget.seconds
            if full and not state.holding and not state.waiting:
                del self._clients[key]

    def _refilled(self, state: _Client, now: float) -> float:
        budget = self.budget
        return min(budget.seconds, state.level + (now - state.at) * budget.rate)


def _requests(n: int) -> str:
    return f"{n} request" if n == 1 else f"{n} requests"
