"""GET /search: the name search (server/graph/search_index.py) as JSON or as a page."""

from __future__ import annotations

import json

from flask import Blueprint, Response, jsonify, render_template, request

from ..core.paths import href
from ..core.problem import Problem
from ..graph.names import Names
from ..graph.search_index import DEFAULT_LIMIT, Entry
from .context import names, search_index, settings
from .negotiation import language_links, negotiate, page_language
from .page_text import KIND_NAMES, TEXT
from .truncation import mark

bp = Blueprint("search", __name__)
MAX_LIMIT = 200


def result(entry: Entry, names: Names, lang: str, base: str) -> dict[str, object]:
    return {
        "iri": entry.iri,
        "url": request.host_url.rstrip("/") + href(entry.iri, base),
        "label": names.label(entry.iri, lang) or entry.names[0][0],
        "kind": entry.kind,
        "names": [{"value": text, "lang": lang_} for text, lang_ in entry.names],
    }


@bp.get("/search")
def search() -> Response:
    media_type = negotiate(
        request.accept_mimetypes, ["text/html", "application/json"], request.args.get("format")
    )
    if media_type is None:
        raise Problem(406, "search results are served as: text/html, application/json")
    lang = page_language()
    query = request.args.get("q", "").strip()
    limit = _limit(request.args.get("limit"))
    if len(query) > 200:
        raise Problem(400, "parameter 'q' is limited to 200 characters")
    base, known = settings().base_iri, names()
    entries = search_index().search(query, limit + 1)  # one more: are there more than shown?
    truncated = len(entries) > limit
    found = [result(e, known, lang, base) for e in entries[:limit]]
    if media_type == "application/json":
        if not query:
            raise Problem(400, "parameter 'q' is required: the name to search for")
        response = jsonify(query=query, results=found, truncated=truncated, limit=limit)
    else:
        body = render_template(
            "search.html",
            query=query,
            results=found,
            truncated=truncated,
            limit=limit,
            max_limit=MAX_LIMIT,
            t=TEXT[lang],
            lang=lang,
            kinds=KIND_NAMES[lang],
            languages=language_links(lang),
            schema_org=_schema_org(query, found),
        )
        response = Response(body, content_type="text/html; charset=utf-8")
    response.vary.update(("Accept", "Accept-Language"))
    return mark(response, {"results": limit} if truncated else {})


def _schema_org(query: str, found: list[dict[str, object]]) -> str:
    """A search results page, and how to search this site."""
    site = request.host_url
    data = {
        "@context": "https://schema.org",
        "@type": "SearchResultsPage",
        "url": request.url,
        "isPartOf": {
            "@type": "WebSite",
            "url": site,
            "potentialAction": {
                "@type": "SearchAction",
                "target": site + "search?q={query}",
                "query-input": "required name=query",
            },
        },
        "mainEntity": {
            "@type": "ItemList",
            "itemListElement": [
                {"@type": "ListItem", "position": i + 1, "url": r["url"], "name": r["label"]}
                for i, r in enumerate(found)
            ],
        },
    }
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


def _limit(raw: str | None) -> int:
    if raw is None or raw == "":
        return DEFAULT_LIMIT
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise Problem(400, f"parameter 'limit' must be a whole number from 1 to {MAX_LIMIT}")
    return int(raw)
