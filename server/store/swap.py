"""Putting back the store that a load killed mid-swap had moved aside.

A load builds `<store>.loading` beside the store, then renames `<store>` to `<store>.old` and
`<store>.loading` to `<store>`. Killed between the two renames, there is no `<store>`: the old one
is put back, as if the load had not run (it did not finish; the next one starts again). A
`<store>.old` left beside a store is removed. A `<store>.loading` is left for the next load to
remove: a load may be building it right now.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

log = logging.getLogger(__name__)


def finish_swap(path: Path) -> None:
    """Leave `path` holding a whole store (or nothing, if there never was one)."""
    old = path.with_name(path.name + ".old")  # where OxigraphBackend._swap moves it
    if not old.exists():
        return
    if path.exists():
        shutil.rmtree(old, ignore_errors=True)
        return
    old.rename(path)
    log.warning("%s: put back the store that an interrupted load had moved aside", path)
