"""Content negotiation: the media type a client asks for, and a page's language."""

from __future__ import annotations

from collections.abc import Sequence

from flask import request
from werkzeug.datastructures import MIMEAccept

from ..core.media_types import GRAPH, SHORT_NAMES, rdf_media_type
from ..core.problem import Problem
from .page_text import LANGUAGES


def page_language() -> str:
    """`?lang=ru` or `?lang=en` when given, else the best of the browser's Accept-Language."""
    asked = request.args.get("lang")
    if asked is not None:
        if asked not in LANGUAGES:
            raise Problem(400, f"parameter 'lang' must be one of: {', '.join(LANGUAGES)}")
        return asked
    return request.accept_languages.best_match(LANGUAGES, default="en") or "en"


def language_links(lang: str) -> list[tuple[str, str, bool]]:
    """(language, URL of this page in it, is current) for the language switch."""
    args = {k: v for k, v in request.args.items() if k != "lang"}
    links = []
    for code in LANGUAGES:
        query = "&".join(f"{k}={_quote(v)}" for k, v in {**args, "lang": code}.items())
        links.append((code, f"{request.path}?{query}", code == lang))
    return links


def _quote(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


# Beside the RDF and results formats' short names: pages, and plain JSON (search, listings).
PAGE_SHORT_NAMES: dict[str, tuple[str, ...]] = {
    "html": ("text/html",),
    "json": ("application/json",),
}


def negotiate(accept: MIMEAccept, offers: Sequence[str], format_param: str | None) -> str | None:
    """The offer to answer with, or None when the client accepts none of them (406).

    Accept decides; `format` only chooses among the offers the client ranks equally highest, so
    it is a convenience for links typed by people and never overrides a real preference. A
    `format` that names none of the offers is None too: asked for a type the resource cannot
    serve, it must not answer in another one silently.
    """
    if format_param and not _format_types(format_param, offers):
        return None
    if not accept:
        accept = MIMEAccept([("*/*", 1)])
    ranked = {offer: accept.quality(offer) for offer in offers}
    top = max(ranked.values(), default=0)
    if top <= 0:
        return None
    candidates = [offer for offer in offers if ranked[offer] == top]
    for media_type in _format_types(format_param, candidates):
        return media_type
    named = [offer for offer in candidates if offer in accept.values()]
    return (named or candidates)[0]


def _format_types(format_param: str | None, offers: Sequence[str]) -> list[str]:
    if not format_param:
        return []
    key = format_param.strip().lower()
    candidates = (*SHORT_NAMES.get(key, (key,)), *PAGE_SHORT_NAMES.get(key, ()))
    return [media_type for media_type in candidates if media_type in offers]


def choose(offers: Sequence[str], default: str) -> str:
    """The request's media type among `offers` (`default` without an Accept header); with
    `format`, the offer it names, or 406 when it names none."""
    format_param = request.args.get("format")
    if format_param:
        chosen = negotiate(request.accept_mimetypes, offers, format_param)
        if chosen is None:
            raise Problem(
                406, f"format={format_param} is not served here; use: {', '.join(offers)}"
            )
        return chosen
    return request.accept_mimetypes.best_match(offers, default) or default


# A namespace document (the ontology, the shapes): a page, or one graph in any RDF format.
DOCUMENT_SUFFIXES = {"html": "text/html", **{rdf_media_type(t).suffix: t for t in GRAPH}}


def document_type(what: str, suffix: str | None) -> str:
    """The media type to serve `what` in: the one its `suffix` names (404 for none of ours), else
    the negotiated one (406 when the client accepts none)."""
    if suffix is not None:
        if suffix not in DOCUMENT_SUFFIXES:
            raise Problem(404, f"no {what} format .{suffix}; try {', '.join(DOCUMENT_SUFFIXES)}")
        return DOCUMENT_SUFFIXES[suffix]
    offers = list(DOCUMENT_SUFFIXES.values())
    chosen = negotiate(request.accept_mimetypes, offers, request.args.get("format"))
    if chosen is None:
        raise Problem(406, f"the {what} is served as: {', '.join(offers)}")
    return chosen


def prefers_html(accept: MIMEAccept, machine_types: list[str]) -> bool:
    """True when a browser asks: HTML ranks above every machine format (`*/*` alone does not)."""
    return accept.best_match([*machine_types, "text/html"]) == "text/html"
