"""Checks before ppkg starts writing: a data directory it can write, a ledger SQLite can read, and
content files that parse.

Each failure is a Problem whose message is one line naming the file or folder and what is wrong.
The checks write nothing but a probe file of their own, so a refused start leaves the store, the
ledger and the dumps exactly as they were.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
from collections import deque
from pathlib import Path

import yaml
from pyoxigraph import parse

from .config import Settings
from .content import content_files
from .media_types import rdf_media_type_for_suffix
from .named_queries import parse as parse_named_query
from .problem import Problem

# A start writes the ledger's journal and may write the dumps: with less room than this, or on a
# read-only file system, the probe fails and ppkg says so instead of failing half-way.
PROBE_BYTES = 1 << 20
UNAVAILABLE = 503


def check_start(settings: Settings, content: bool = True) -> None:
    """What a command that writes the data directory needs, in the order it needs it."""
    check_writable(settings.data_dir)
    check_ledger(settings.ledger_path)
    if content:
        check_content(settings.content_dir)


def check_writable(folder: Path) -> None:
    """`folder` exists (or can be made) and takes PROBE_BYTES: written, synced to disk, removed."""
    probe = folder / f".ppkg-probe-{os.getpid()}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with probe.open("wb") as out:
            out.write(os.urandom(PROBE_BYTES))  # random: a compressing file system stores it all
            out.flush()
            os.fsync(out.fileno())
    except OSError as exc:
        raise Problem(UNAVAILABLE, f"{folder}: {_unwritable(exc, folder)}") from None
    finally:
        with contextlib.suppress(OSError):
            probe.unlink()


def _unwritable(exc: OSError, folder: Path) -> str:
    if exc.errno == errno.EROFS:
        writes = "ppkg writes its ledger, store and dumps there"
        return f"the data directory is on a read-only file system ({writes})"
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        needs = f"ppkg needs {PROBE_BYTES >> 20} MiB to start"
        return f"no space left on the data directory's device ({_free(folder)} free; {needs})"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "the data directory is not writable (permission denied)"
    return f"the data directory cannot be written ({exc.strerror or exc})"


def _free(folder: Path) -> str:
    try:
        stat = os.statvfs(folder)
    except OSError:
        return "no room"
    return f"{stat.f_bavail * stat.f_frsize / 2**20:.1f} MiB"


def check_ledger(path: Path) -> None:
    """The ledger, if there is one yet, opens and passes SQLite's quick check, which reads every
    page once and changes none."""
    if not path.exists():
        return  # a new data directory: the ledger is created empty
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True)  # never creates one
    except sqlite3.Error as exc:
        raise Problem(UNAVAILABLE, f"{path}: the ledger cannot be opened ({exc})") from None
    try:
        found = [row[0] for row in db.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as exc:
        found = [str(exc)]
    finally:
        db.close()
    if found != ["ok"]:
        raise Problem(
            UNAVAILABLE,
            f"{path}: the ledger is corrupt ({found[0]}); it holds the tokens and submissions,"
            " so ppkg will not start on it: restore it from a backup",
        )


def check_content(root: Path) -> None:
    """Every content file parses (with Oxigraph's parser, which `ppkg load` uses), and every named
    query's header is YAML that describes it."""
    for content in content_files(root):
        _check_rdf(content.path)
    for path in sorted((root / "queries").glob("*.rq")):
        _check_named_query(path)


def _check_rdf(path: Path) -> None:
    found = rdf_media_type_for_suffix(path.suffix)
    if found is None:
        raise Problem(UNAVAILABLE, f"{path}: no RDF format is known for this file name")
    try:
        deque(parse(path=str(path), format=found.oxigraph, base_iri=path.resolve().as_uri()), 0)
    except SyntaxError as exc:
        raise Problem(UNAVAILABLE, f"{path}: {_first_line(exc)}") from None
    except OSError as exc:
        raise Problem(UNAVAILABLE, f"{path}: cannot be read ({exc.strerror or exc})") from None


def _check_named_query(path: Path) -> None:
    try:
        parse_named_query(path.stem, path.read_text("utf-8"))
    except OSError as exc:
        raise Problem(UNAVAILABLE, f"{path}: cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise Problem(UNAVAILABLE, f"{path}: not UTF-8 text (byte {exc.start})") from None
    except yaml.MarkedYAMLError as exc:
        where = f" (header line {exc.problem_mark.line + 1})" if exc.problem_mark else ""
        message = f"{path}: the #+ header is not YAML: {exc.problem}{where}"
        raise Problem(UNAVAILABLE, message) from None
    except (yaml.YAMLError, ValueError, AttributeError, TypeError) as exc:
        raise Problem(UNAVAILABLE, f"{path}: not a named query ({_first_line(exc)})") from None


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
