"""Publishing a rebuilt store: a release in the change feed, then the dumps of the new store.

`ppkg load` marks the publication as pending before it starts, swaps the new store in, records
the release and rewrites the dumps, then removes the mark. A mark left behind means a load was
killed part-way; the next start (or load) publishes the store in place, whichever it is. Killed
before the swap, the old store stays and is announced once more: harmless, since a harvester then
fetches dumps with the same content, whereas a new store announced never would leave its mirror
behind for good.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..core.config import Settings
from ..store.ledger import Ledger
from .dumps import Manifest, refresh_dumps

PENDING = "release.pending"


def pending(settings: Settings) -> Path:
    return settings.data_dir / PENDING


def begin(settings: Settings) -> bool:
    """Mark a release as pending; True if one already was (an earlier load did not finish)."""
    mark = pending(settings)
    if mark.exists():
        return True
    mark.parent.mkdir(parents=True, exist_ok=True)
    with mark.open("wb") as out:
        os.fsync(out.fileno())
    return False


def cancel(settings: Settings) -> None:
    """The load failed and left the store as it was: nothing to publish."""
    pending(settings).unlink(missing_ok=True)


def publish(settings: Settings) -> Manifest:
    """Announce the store in place (harvesters fetch the dumps again) and rewrite its dumps."""
    Ledger(settings.ledger_path).release()
    manifest = refresh_dumps(settings)
    pending(settings).unlink(missing_ok=True)
    return manifest


def finish(settings: Settings) -> Manifest | None:
    """Publish the store if a load was killed before it could; None if none was."""
    return publish(settings) if pending(settings).exists() else None
