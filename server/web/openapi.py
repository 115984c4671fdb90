"""GET /openapi.json: the HTTP API's OpenAPI description (openapi.yaml beside this module, written
by hand), as JSON, with `servers` made from the request's host."""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

import yaml
from flask import Blueprint, Response, request

bp = Blueprint("openapi", __name__)
DESCRIPTION = "openapi.yaml"


@cache
def description() -> dict[str, Any]:
    """The description as written (a file of the package, read once)."""
    text = files(__package__ or "server.web").joinpath(DESCRIPTION).read_text(encoding="utf-8")
    found: dict[str, Any] = yaml.safe_load(text)
    return found


@bp.get("/openapi.json")
def openapi() -> Response:
    body = {**description(), "servers": [{"url": request.host_url.rstrip("/")}]}
    return Response(json.dumps(body, ensure_ascii=False, indent=1), content_type="application/json")
