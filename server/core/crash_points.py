"""Crash points for the tests that kill ppkg mid-way through a write (PPKG_FAULT=<point>).

Killing a process at a random moment rarely lands between two steps that take microseconds;
naming the points makes every window of the accept, the load and the export testable. Unset, this
does nothing; only the tests set PPKG_FAULT.
"""

from __future__ import annotations

import os
import signal

POINTS = (
    # accepting a submission (submissions.publishing)
    "decided",  # the reviewer's decision committed, nothing published
    "recorded",  # the change committed to the ledger, the store not yet extended
    "extended",  # the store extended
    # `ppkg load` (store.oxigraph)
    "load-building",  # the new store holds the content files, not yet the submissions or inferences
    "load-built",  # the new store complete beside the old one, not yet swapped
    "load-swapping",  # the old store moved aside, the new one not yet in its place
    "load-swapped",  # the new store in place, no release recorded, the dumps not rewritten
    # an export of the dumps (graph.dumps)
    "export-writing",  # the first dump file half written under its temporary name
    "export-written",  # every file written under its staged name, the manifest not
    "export-committed",  # the new manifest staged: the set is whole, nothing renamed yet
    "export-renamed",  # the dump files renamed into place, the manifest not yet
)


def crash_point(point: str) -> None:
    """Die here, as a power cut would, if PPKG_FAULT names this point."""
    assert point in POINTS, point
    if os.environ.get("PPKG_FAULT") == point:
        os.kill(os.getpid(), signal.SIGKILL)
