"""Crash points for the tests that kill the server mid-accept (PPKG_FAULT=<point>).

Killing a process at a random moment rarely lands between two steps that take microseconds;
naming the points makes every window of the accept path testable. Unset, this does nothing.
"""

from __future__ import annotations

import os
import signal

POINTS = ("decided", "recorded", "extended")


def crash_point(point: str) -> None:
    """Die here, as a power cut would, if PPKG_FAULT names this point."""
    if os.environ.get("PPKG_FAULT") == point:
        os.kill(os.getpid(), signal.SIGKILL)
