"""A full disk, a read-only data directory, a corrupt ledger, a corrupt content file: `ppkg serve`,
`ppkg load`, `ppkg export` and `ppkg token` refuse to start with one line naming the file or folder
and what is wrong (a non-zero exit status, no traceback), and leave the store, the ledger and the
dumps exactly as they were.

The full disk and the read-only directory are real file systems, mounted for the test: a small
tmpfs filled up, and a read-only bind mount of the data directory. Neither can be faked with
chmod, which does not stop root, and CI runs as root; so these two tests need root (mount) and skip
without it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO, free_port
from tests.submitting import ppkg

pytestmark = pytest.mark.no_backend  # the same whatever --backend is: run once

ROOT = os.geteuid() == 0
needs_root = pytest.mark.skipif(
    not ROOT, reason="mounting a tmpfs or a read-only bind mount needs root (CI runs as root)"
)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory as an operator leaves it: a store, its dumps, a ledger with tokens."""
    data = tmp_path_factory.mktemp("loaded") / "data"
    ppkg(data, "load")
    ppkg(data, "token", "issue", "ngo-a", "--role", "partner", "--label", "NGO A")
    checkpoint(data / "ledger.sqlite")
    return data


@pytest.fixture
def data(loaded: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(loaded, copy)
    return copy


def checkpoint(ledger: Path) -> None:
    """Everything in the ledger file itself, so that damage to the file is damage to the ledger."""
    db = sqlite3.connect(ledger)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    for suffix in ("-wal", "-shm"):
        Path(str(ledger) + suffix).unlink(missing_ok=True)


def state(folder: Path) -> dict[str, str]:
    """Every file under `folder` with its SHA-256: equal states mean nothing was touched."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def run(data: Path, *args: str, content: Path = REPO) -> subprocess.CompletedProcess[str]:
    """`ppkg ARGS` as an operator types it; a server that does start is stopped and reported."""
    env = {
        **os.environ,
        "PPKG_DATA_DIR": str(data),
        "PPKG_CONTENT_DIR": str(content),
        "PPKG_PORT": str(free_port()),
    }
    env.pop("PPKG_FAULT", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "server", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # the server and its workers, to stop together
    )
    try:
        stdout, stderr = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"`ppkg {' '.join(args)}` started instead of refusing to")
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def assert_refused(result: subprocess.CompletedProcess[str], *words: str) -> str:
    """A non-zero exit with one line, no traceback, naming what is wrong; the line is returned."""
    assert result.returncode != 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


# --- a full disk, a read-only data directory -------------------------------------------------


def mount(*args: str) -> None:
    """`mount ARGS`, as root; failing (a container without CAP_SYS_ADMIN) fails the test, loudly."""
    done = subprocess.run(["mount", *args], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.fail(f"mount {' '.join(args)} failed as root: {done.stderr.strip()}")


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 16 MiB file system of its own, unmounted at the end."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mount("-t", "tmpfs", "-o", "size=16m", "tmpfs", str(disk))
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=True)


def fill(disk: Path, leave: int = 0) -> None:
    """Take all the room on `disk` with one file, then give back `leave` bytes of it."""
    filler = disk / "filler"
    with filler.open("wb") as out:
        try:
            while True:
                out.write(bytes(1 << 20))
                out.flush()
        except OSError:
            pass
    size = filler.stat().st_size
    os.truncate(filler, max(0, size - leave))


@needs_root
@pytest.mark.embedded_only("the embedded store built beside the old one on a full disk")
def test_a_full_disk(loaded: Path, tmpfs: Path) -> None:
    data = tmpfs / "data"
    shutil.copytree(loaded, data)
    fill(tmpfs)
    before = state(data)
    for command in (("serve",), ("load",), ("export",), ("token", "list")):
        line = assert_refused(run(data, *command), str(data), "no space left")
    assert "MiB free; ppkg needs 1 MiB to start" in line
    assert state(data) == before

    # Room enough to start, not to build the new store beside the old: the load stops, in one
    # line, and the old store is kept whole (the half-built one is removed).
    store = state(data / "store")
    os.unlink(tmpfs / "filler")
    fill(tmpfs, leave=3 << 19)  # 1.5 MiB: more than the start needs, less than a store
    line = assert_refused(run(data, "load"), str(data / "store"), "No space left on device")
    assert "the new store could not be built" in line and "the old one is kept" in line
    assert state(data / "store") == store
    assert sorted(p.name for p in data.iterdir() if p.name.startswith("store")) == ["store"]
    assert not (data / "release.pending").exists()  # a failed load announces nothing


@needs_root
@pytest.mark.embedded_only("the embedded store, read from a read-only data directory")
def test_a_read_only_data_directory(data: Path, tmp_path: Path) -> None:
    """The data directory seen through a read-only bind mount (`mount --bind`, then `mount -o
    remount,bind,ro`): writes fail with EROFS whoever makes them, root included, as on a disk
    mounted read-only."""
    view = tmp_path / "read-only"
    view.mkdir()
    mount("--bind", str(data), str(view))
    try:
        mount("-o", "remount,bind,ro", str(view))
        before = state(data)
        for command in (("serve",), ("load",), ("export",), ("token", "list")):
            assert_refused(run(view, *command), str(view), "read-only file system")
        assert state(data) == before
        # Reading needs no writes: a named query still answers from a read-only store.
        answered = run(view, "query", "prisoners-by-article", "--article", "212.1")
        assert answered.returncode == 0 and "rows)" in answered.stdout, answered.stderr
    finally:
        subprocess.run(["umount", "-l", str(view)], check=True)


# --- a corrupt ledger ------------------------------------------------------------------------


def damage_header(ledger: Path) -> None:
    with ledger.open("r+b") as f:
        f.write(b"\xde\xad\xbe\xef" * 25)  # the "SQLite format 3" header, overwritten


def damage_length(ledger: Path) -> None:
    os.truncate(ledger, ledger.stat().st_size // 2 + 100)  # cut in the middle of a page


def damage_page(ledger: Path) -> None:
    """A table's root page overwritten: the file opens, and the damage shows only when read."""
    db = sqlite3.connect(ledger)
    page_size = db.execute("PRAGMA page_size").fetchone()[0]
    root = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'changes'").fetchone()[0]
    db.close()
    with ledger.open("r+b") as f:
        f.seek((root - 1) * page_size)
        f.write(b"\xff" * 64)


@pytest.mark.parametrize("damage", [damage_header, damage_length, damage_page])
def test_a_corrupt_ledger(damage: object, data: Path) -> None:
    ledger = data / "ledger.sqlite"
    damage(ledger)  # type: ignore[operator]
    before = state(data)
    for command in (("serve",), ("load",), ("export",), ("token", "list")):
        line = assert_refused(run(data, *command), str(ledger), "the ledger is corrupt")
    assert "restore it from a backup" in line
    assert state(data) == before  # the damaged ledger kept as it is, for whoever repairs it


# --- a corrupt content file ------------------------------------------------------------------


@pytest.fixture
def content(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    for folder in ("ontology", "shapes", "data", "queries"):
        shutil.copytree(REPO / folder, root / folder)
    return root


def truncated(path: Path) -> None:
    """Cut in the middle of a statement, as a copy that ran out of room leaves it."""
    body = path.read_bytes()
    end = body.index(b" .\n", len(body) // 2)
    path.write_bytes(body[:end])


def not_utf8(path: Path) -> None:
    """A Latin-1 byte in the first English label (an editor saving in the wrong encoding)."""
    path.write_bytes(path.read_bytes().replace(b'"@en', b'\xe9"@en', 1))


def bad_header(path: Path) -> None:
    path.write_text("#+ title: [unclosed\n#+ params: : :\nSELECT * WHERE { ?s ?p ?o }\n")


@pytest.mark.parametrize(
    ("folder", "damage", "says"),
    [
        ("data", truncated, "Parser error at line"),
        ("shapes", not_utf8, "Invalid UTF-8"),
        ("ontology", truncated, "Parser error at line"),
        ("queries", bad_header, "the #+ header is not YAML"),
    ],
)
def test_a_corrupt_content_file(
    folder: str, damage: object, says: str, data: Path, content: Path, tmp_path: Path
) -> None:
    suffix = {"data": "trig", "queries": "rq"}.get(folder, "ttl")
    broken = sorted((content / folder).glob("*." + suffix))[0]
    damage(broken)  # type: ignore[operator]
    before = state(data)
    for command in ("serve", "load"):
        assert_refused(run(data, command, content=content), str(broken), says)
    assert state(data) == before
    # A first start builds nothing from broken content.
    fresh = tmp_path / "fresh"
    assert_refused(run(fresh, "serve", content=content), str(broken), says)
    assert not (fresh / "store").exists()
