"""POST /validate: a report by content negotiation; GET /validate: the page for people."""

from __future__ import annotations

import json

from flask import Blueprint, Response, render_template, request

from ..core.media_types import RDF_FORMATS, content_type, rdf_media_type
from ..core.problem import Problem
from ..validation.report import Report
from ..validation.validate import media_type_for, validate_against
from .budgets import client_key
from .context import backend, settings
from .negotiation import negotiate

bp = Blueprint("validate", __name__)
REPORT_TYPES = ["application/json", "text/turtle", "application/ld+json", "text/html"]


@bp.get("/validate")
def page() -> str:
    return render_template("validate.html", formats=list(RDF_FORMATS), report=None, name=None)


@bp.post("/validate")
def validate_submission() -> Response:
    request.max_content_length = settings().max_upload_bytes
    request.max_form_memory_size = settings().max_upload_bytes
    media_type = negotiate(request.accept_mimetypes, REPORT_TYPES, request.args.get("format"))
    if media_type is None:
        raise Problem(406, f"the report is served as: {', '.join(REPORT_TYPES)}")
    data, rdf_type, name = _submitted()
    config = settings()
    report = validate_against(
        backend(),
        data,
        rdf_type,
        config.content_dir,
        config.validation_timeout,
        name,
        client=client_key(),
    )
    response = _render(report, media_type, name)
    response.vary.add("Accept")
    return response


def _submitted() -> tuple[bytes, str, str]:
    """The RDF sent: a form from the page (file or pasted text), or the request body itself."""
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is not None and upload.filename:
            rdf_type = request.form.get("type") or media_type_for(upload.filename)
            return upload.read(), rdf_type, upload.filename
        text = request.form.get("text", "")
        if not text.strip():
            raise Problem(400, "nothing to validate: upload a file or paste RDF")
        return text.encode("utf-8"), request.form.get("type") or "text/turtle", "the pasted text"
    if not request.mimetype:
        raise Problem(400, f"give the RDF's Content-Type: one of {', '.join(RDF_FORMATS)}")
    return request.get_data(), request.mimetype, "the submission"


def _render(report: Report, media_type: str, name: str) -> Response:
    if media_type == "text/html":
        body = render_template("validate.html", formats=list(RDF_FORMATS), report=report, name=name)
    elif media_type == "application/json":
        body = json.dumps(report.summary(), ensure_ascii=False, indent=2)
    else:
        body = report.graph.serialize(format=rdf_media_type(media_type).rdflib)
    return Response(body, content_type=content_type(media_type))
