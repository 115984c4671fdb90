"""GET /dumps (the list, HTML or JSON), GET /dumps/<file> (a dump, with its checksum as ETag and
digest headers, 304s and ranges) and GET /context.jsonld (the JSON-LD dump's @context)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import time
from pathlib import Path
from typing import IO, Any

from flask import Blueprint, Response, render_template, request, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.wsgi import wrap_file

from ..core.problem import Problem
from ..graph.dumps import CONTEXT, GZIP, MANIFEST, DumpFile, Manifest, dumps_dir, read_manifest
from .context import settings
from .negotiation import choose

bp = Blueprint("dumps", __name__)
RETRY = {"Retry-After": "10"}


def folder() -> Path:
    return dumps_dir(settings())


def manifest() -> Manifest:
    found = read_manifest(folder())
    if found is None:
        raise Problem(404, "no dumps have been written yet; `ppkg export` writes them")
    return found


def file_url(name: str) -> str:
    return url_for("dumps.dump_file", name=name, _external=True)


@bp.get("/dumps")
def index() -> Response:
    current = manifest()
    best = choose(["application/json", "text/html"], "text/html")
    files = entries(current)
    if best == "application/json":
        body = json.dumps(
            {
                "created": current.created,
                "last_change": current.last_change,
                "context": url_for("dumps.context", _external=True),
                "void": url_for("void.void", _external=True),
                "files": files,
            },
            ensure_ascii=False,
            indent=2,
        )
        response = Response(body, content_type="application/json")
    else:
        response = Response(
            render_template(
                "dumps.html", manifest=current, files=files, schema_org=schema_org(current, files)
            )
        )
    response.vary.add("Accept")
    return conditional(response, body_hash(response.get_data()), current.created_at)


@bp.get("/dumps/<name>")
def dump_file(name: str) -> Response:
    if manifest().file(name) is None:
        raise Problem(404, f"no dump {name!r}; GET /dumps lists them")
    handle, size, entry = _open_consistent(folder(), name)
    digest = base64.b64encode(bytes.fromhex(entry.sha256)).decode("ascii")
    response = Response(wrap_file(request.environ, handle), mimetype=GZIP, direct_passthrough=True)
    response.content_length = size
    response.headers["Content-Disposition"] = f"attachment; filename={name}"
    response.headers["Digest"] = f"sha-256={digest}"  # RFC 3230, of the whole file
    response.headers["Repr-Digest"] = f"sha-256=:{digest}:"  # RFC 9530, likewise
    response.set_etag(entry.sha256)
    response.last_modified = entry.created_at
    response.cache_control.no_cache = True  # store, but revalidate: a 304 costs nothing
    try:
        response.make_conditional(request.environ, accept_ranges=True, complete_length=size)
    except HTTPException:
        handle.close()
        raise
    if response.status_code == 200:  # the content is the whole representation
        response.headers["Content-Digest"] = f"sha-256=:{digest}:"
    return response


@bp.get("/context.jsonld")
def context() -> Response:
    current = manifest()
    try:
        body = (folder() / current.context).read_bytes()
    except FileNotFoundError:
        raise Problem(404, f"no {CONTEXT} beside the dumps; `ppkg export` writes it") from None
    response = Response(body, content_type="application/ld+json")
    return conditional(response, body_hash(body), current.created_at)


def schema_org(current: Manifest, files: list[dict[str, Any]]) -> dict[str, Any]:
    """The page's schema.org description, which dataset search engines read."""
    return {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": "ppkg: the political prisoners knowledge graph",
        "url": request.base_url,
        "dateModified": current.created,
        "distribution": [
            {
                "@type": "DataDownload",
                "name": f["title"],
                "contentUrl": f["url"],
                "encodingFormat": f["media_type"],
                "contentSize": f"{f['byte_size']} B",
            }
            for f in files
        ],
    }


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:32]


def conditional(response: Response, etag: str, modified: dt.datetime | None) -> Response:
    """ETag and Last-Modified, and a 304 when the client's copy is current."""
    response.set_etag(etag)
    response.last_modified = modified
    response.cache_control.no_cache = True
    response.make_conditional(request)
    return response


def _open_consistent(where: Path, name: str) -> tuple[IO[bytes], int, DumpFile]:
    """The file and the manifest entry that describes it, both of the same export.

    An export renames each new file into place and then the manifest; a file newer than the
    manifest, or replaced while we read the manifest, means one is under way."""
    for attempt in range(3):
        try:
            handle = (where / name).open("rb")
        except FileNotFoundError:
            time.sleep(0.1 * (attempt + 1))
            continue
        opened = os.fstat(handle.fileno())
        current = read_manifest(where)
        entry = current.file(name) if current else None
        if entry is not None and _same(where, name, opened, entry):
            return handle, opened.st_size, entry
        handle.close()
        time.sleep(0.1 * (attempt + 1))
    raise Problem(503, "the dumps are being rewritten; try again in a few seconds", RETRY)


def _same(where: Path, name: str, opened: os.stat_result, entry: DumpFile) -> bool:
    try:
        now = (where / name).stat()
        manifest_time = (where / MANIFEST).stat().st_mtime_ns
    except FileNotFoundError:
        return False
    return (
        now.st_ino == opened.st_ino
        and opened.st_size == entry.byte_size
        and opened.st_mtime_ns <= manifest_time
    )


def entries(current: Manifest) -> list[dict[str, Any]]:
    """The manifest's files with their absolute URLs (for the VoID description too)."""
    return [{**f.to_json(), "url": file_url(f.name)} for f in current.files]
