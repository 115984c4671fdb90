"""Dumps of the whole published dataset: N-Quads with the named graphs, and the merge of the graphs
as Turtle and as JSON-LD, each gzipped, with a manifest (name, media type, size, SHA-256, count,
date) and the JSON-LD @context.

An export stages every file beside the published ones (`.<name>.new`, each complete and on disk),
then stages the new manifest: that is its commit. Only then is each file renamed into place, the
manifest last, so a reader sees either the old set or the new one; a dump file newer than the
manifest means an export is renaming (the server answers 503 for it meanwhile). Killed before its
commit, an export leaves the old set whole and its staged files are removed by the next one (or by
`ppkg serve` on start); killed after, the next one finishes the renames first.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import gzip
import hashlib
import json
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, cast

from pyoxigraph import DefaultGraph, Quad, RdfFormat, Store, Triple, serialize

from ..core.config import Settings
from ..core.crash_points import crash_point
from .jsonld import Compactor, context_document, context_prefixes, write_jsonld

log = logging.getLogger(__name__)
MANIFEST = "manifest.json"
CONTEXT = "context.jsonld"
GZIP = "application/gzip"
NQUADS = "ppkg.nq.gz"
TURTLE = "ppkg.ttl.gz"
JSONLD = "ppkg.jsonld.gz"
TITLES = {
    NQUADS: "The whole dataset with its named graphs (N-Quads, gzip)",
    TURTLE: "The merge of all graphs (Turtle, gzip)",
    JSONLD: "The merge of all graphs (JSON-LD with the published @context, gzip)",
}


@dataclass(frozen=True)
class DumpFile:
    """One file of a dump set; `media_type` is that of the decompressed content."""

    name: str
    title: str
    media_type: str
    compress_format: str
    byte_size: int
    sha256: str
    unit: str  # "quads" or "triples"
    count: int
    created: str

    @property
    def created_at(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.created)

    def to_json(self) -> dict[str, Any]:
        fields = asdict(self)
        fields[fields.pop("unit")] = fields.pop("count")
        return fields

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DumpFile:
        unit = "quads" if "quads" in data else "triples"
        fields = {k: v for k, v in data.items() if k not in ("quads", "triples")}
        return cls(**fields, unit=unit, count=int(data[unit]))


@dataclass(frozen=True)
class Manifest:
    created: str
    files: tuple[DumpFile, ...]
    context: str = CONTEXT
    last_change: int | None = None  # the change feed's position these dumps include

    def file(self, name: str) -> DumpFile | None:
        return next((f for f in self.files if f.name == name), None)

    @property
    def created_at(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.created)

    def to_json(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "last_change": self.last_change,
            "context": self.context,
            "files": [f.to_json() for f in self.files],
        }


def dumps_dir(settings: Settings) -> Path:
    return settings.data_dir / "dumps"


def refresh_dumps(settings: Settings, out_dir: Path | None = None) -> Manifest:
    """Rewrite the published dumps (or write them into `out_dir`) from the store; call it after
    the data changes.

    The change feed's position is read before the store is opened, so the dumps hold every
    change up to it (perhaps more: a harvester re-applying an addition changes nothing)."""
    from ..store import open_backend
    from ..store.ledger import Ledger

    position = Ledger(settings.ledger_path).last_change()
    folder = out_dir or dumps_dir(settings)
    return write_dumps(open_backend(settings).quads, folder, settings.content_dir, position)


def ensure_dumps(settings: Settings) -> Manifest | None:
    """Finish an export a crash interrupted, then write the dumps if there are none; None when
    they were already there."""
    folder = dumps_dir(settings)
    if folder.is_dir():
        with _exclusive(folder):
            _settle(folder)
    if read_manifest(folder) is not None:
        return None
    return refresh_dumps(settings)


def write_dumps(
    quads: Callable[[], Iterable[Quad]],
    out_dir: Path,
    content_dir: Path,
    last_change: int | None = None,
) -> Manifest:
    """Export the quads that `quads()` reads (a backend's, read-only, so a running server is not
    disturbed) into `out_dir`; the JSON-LD @context comes from the prefixes of the files in
    `content_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with _exclusive(out_dir):
        return _export(quads(), out_dir, content_dir, last_change)


def _export(
    store: Iterable[Quad], out_dir: Path, content_dir: Path, last_change: int | None
) -> Manifest:
    _settle(out_dir)
    created = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    prefixes = context_prefixes(content_dir)
    context = context_document(prefixes)
    merged = Store()  # in memory: the distinct triples of all graphs, looked up by subject
    subjects: dict[Any, None] = {}  # insertion-ordered set

    def quads(out: IO[bytes]) -> int:
        counted = _Counter(_tee(store, merged, subjects))
        serialize(counted, out, RdfFormat.N_QUADS)
        return counted.count

    def turtle(out: IO[bytes]) -> int:
        serialize(_by_subject(merged, subjects), out, RdfFormat.TURTLE, prefixes=prefixes)
        return len(merged)

    def jsonld(out: IO[bytes]) -> int:
        descriptions = _descriptions(merged, subjects)
        return write_jsonld(descriptions, context, Compactor(prefixes), out)

    files = (
        _write_gzip(out_dir, NQUADS, "application/n-quads", "quads", created, quads),
        _write_gzip(out_dir, TURTLE, "text/turtle", "triples", created, turtle),
        _write_gzip(out_dir, JSONLD, "application/ld+json", "triples", created, jsonld),
    )
    _write_json(out_dir / _staged(CONTEXT), context)
    crash_point("export-written")
    manifest = Manifest(created, files, CONTEXT, last_change)
    _write_json(out_dir / _staged(MANIFEST), manifest.to_json())  # the commit: the set is whole
    _sync_folder(out_dir)
    crash_point("export-committed")
    _settle(out_dir)  # each file renamed into place, the manifest last: it publishes the set
    return manifest


def describe(manifest: Manifest, folder: Path) -> str:
    """A few lines for the command line."""
    lines = [f"wrote dumps into {folder} at {manifest.created}:"]
    for f in manifest.files:
        lines.append(f"  {f.name}  {f.byte_size:,} bytes  {f.count:,} {f.unit}  sha256 {f.sha256}")
    return "\n".join(lines)


def read_manifest(folder: Path) -> Manifest | None:
    """The manifest of the dumps in `folder`, re-read only when the file changes."""
    try:
        stat = (folder / MANIFEST).stat()
    except FileNotFoundError:
        return None
    return _parse_manifest(folder / MANIFEST, stat.st_mtime_ns, stat.st_ino, stat.st_size)


@lru_cache(maxsize=16)
def _parse_manifest(path: Path, mtime_ns: int, inode: int, size: int) -> Manifest:
    data = json.loads(path.read_text("utf-8"))
    files = tuple(DumpFile.from_json(f) for f in data["files"])
    return Manifest(data["created"], files, data.get("context", CONTEXT), data.get("last_change"))


def _tee(store: Iterable[Quad], merged: Store, subjects: dict[Any, None]) -> Iterator[Quad]:
    """Every quad of `store`, also adding its triple to `merged`: one pass over the store,
    whose term lookups are the slow part of an export."""
    add = merged.add
    for quad in store:
        subjects[quad.subject] = None
        add(Quad(quad.subject, quad.predicate, quad.object))
        yield quad


def _by_subject(merged: Store, subjects: dict[Any, None]) -> Iterator[Triple]:
    """The merged triples grouped by subject, so Turtle states each subject once."""
    for _, statements in _descriptions(merged, subjects):
        for quad in statements:
            yield quad.triple


def _descriptions(merged: Store, subjects: dict[Any, None]) -> Iterator[tuple[Any, Any]]:
    """Each subject with its statements in the merge."""
    for subject in subjects:
        yield subject, merged.quads_for_pattern(subject, None, None, DefaultGraph())


class _Counter:
    def __init__(self, items: Iterator[Quad]) -> None:
        self._items = items
        self.count = 0

    def __iter__(self) -> Iterator[Quad]:
        for item in self._items:
            self.count += 1
            yield item


class _Digest:
    """A binary writer that hashes and counts what passes through it."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self.sha256 = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.sha256.update(data)
        self.size += len(data)
        return self._raw.write(data)

    def flush(self) -> None:
        self._raw.flush()


@contextlib.contextmanager
def _exclusive(folder: Path) -> Iterator[None]:
    """One export at a time into a folder (the command line and the server may both write it),
    so that its files and manifest always come from the same export."""
    with (folder / ".export.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        yield


@contextlib.contextmanager
def _replacing(target: Path) -> Iterator[IO[bytes]]:
    """A file that takes `target`'s name only once complete (and on disk)."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("wb") as raw:
            yield raw
            raw.flush()
            os.fsync(raw.fileno())
        temporary.replace(target)
    finally:
        temporary.unlink(missing_ok=True)


def _staged(name: str) -> str:
    """The name a file of an export has until the export is committed."""
    return f".{name}.new"


def _settle(folder: Path) -> None:
    """Finish what an export killed part-way left in `folder` (whose lock the caller holds): a
    committed set (its manifest staged) is renamed into place, the manifest last; files staged
    without a manifest, and temporaries, are removed."""
    committed = folder / _staged(MANIFEST)
    if committed.exists():
        data = json.loads(committed.read_text("utf-8"))
        for name in [*(f["name"] for f in data["files"]), data.get("context", CONTEXT)]:
            staged = folder / _staged(name)
            if staged.exists():
                staged.replace(folder / name)
        crash_point("export-renamed")
        committed.replace(folder / MANIFEST)
        _sync_folder(folder)
    for leftover in [*folder.glob(".*.new"), *folder.glob(".*.tmp")]:
        leftover.unlink(missing_ok=True)


def _sync_folder(folder: Path) -> None:
    """Put the renames made in `folder` on disk (a power cut after this keeps them)."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _write_gzip(
    folder: Path,
    name: str,
    media_type: str,
    unit: str,
    created: str,
    write: Callable[[IO[bytes]], int],
) -> DumpFile:
    started = time.monotonic()
    with _replacing(folder / _staged(name)) as raw:
        digest = _Digest(raw)
        # mtime=0: the same content gives the same bytes, hence the same checksum and ETag.
        sink = cast(IO[bytes], digest)
        with gzip.GzipFile(name[:-3], "wb", compresslevel=6, fileobj=sink, mtime=0) as out:
            count = write(cast(IO[bytes], out))
            crash_point("export-writing")
    log.info("%s: %d %s in %.1f s", name, count, unit, time.monotonic() - started)
    return DumpFile(
        name,
        TITLES[name],
        media_type,
        GZIP,
        digest.size,
        digest.sha256.hexdigest(),
        unit,
        count,
        created,
    )


def _write_json(target: Path, data: dict[str, Any]) -> None:
    with _replacing(target) as raw:
        raw.write(json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8") + b"\n")
