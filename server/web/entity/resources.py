"""Every IRI of ours answers at its path: HTML for people, RDF for machines.

`{base}id/person/x` answers at `/id/person/x` by content negotiation (`Vary: Accept`), or in
the format a suffix names (`/id/person/x.ttl`). RDF keeps the published IRIs; pages link to local
paths. A merged IRI (`dcterms:isReplacedBy`) redirects to its replacement with 301; a withdrawn one
(`owl:deprecated true`) answers 410 with its tombstone; an unknown one 404 with suggestions.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, render_template, request
from markupsafe import Markup, escape
from pyoxigraph import Literal, NamedNode, Triple, serialize

from ...core.media_types import content_type, rdf_media_type
from ...core.paths import href, iri_for, local_url
from ...core.problem import Problem
from ...core.vocabulary import DCTERMS, OWL, PPKG, PROV, SKOS
from ...graph.describe import LISTED, Description, describe
from ...graph.layout import arranged, content_prefixes, prefixes_used
from ...graph.names import fallback_label
from ..context import answers, backend, descriptions, names, search_index, settings
from ..negotiation import language_links, negotiate, page_language
from ..page_cache import Answer
from ..page_text import TEXT
from ..truncation import entity_listings, mark
from .article import article_view
from .graphs import graph_description
from .person import is_official, person_view
from .reader import Reader
from .revalidation import published_at, revalidated
from .schema_org import schema_org

bp = Blueprint("linked_data", __name__)

# The RDF a resource answers in, the first preferred among those a client accepts equally; the
# dataset formats (TriG, N-Quads) keep each fact's source graph.
RDF_TYPES = (
    "text/turtle",
    "application/ld+json",
    "application/n-triples",
    "application/rdf+xml",
    "application/trig",
    "application/n-quads",
)
SUFFIXES = {"html": "text/html", **{rdf_media_type(t).suffix: t for t in RDF_TYPES}}
SUFFIX_OF = {media_type: suffix for suffix, media_type in SUFFIXES.items()}
OFFERS = ["text/html", *RDF_TYPES]
# The first segments of our IRIs (the ontology answers at /ontology, ontology_docs.py).
# The provenance of accepted submissions names the submissions and their agents. The shapes
# answer at /shapes (shapes.py).
ROOTS = ("id", "law", "source", "vocab", "graph", "submission", "agent")

REPLACED_BY = DCTERMS + "isReplacedBy"
DEPRECATED = OWL + "deprecated"
WITHDRAWN_AT = PROV + "invalidatedAtTime"
CHANGE_NOTE = SKOS + "changeNote"


def _resource(root: str, rest: str) -> Response:
    path, suffix = _split_suffix(f"{root}/{rest}")
    if suffix is not None:
        media_type = SUFFIXES[suffix]
    else:
        chosen = negotiate(request.accept_mimetypes, OFFERS, request.args.get("format"))
        if chosen is None:
            raise Problem(406, f"resources are served as: {', '.join(OFFERS)}")
        media_type = chosen
    lang = page_language() if media_type == "text/html" else "en"
    if media_type == "text/html":
        _page_number()  # a bad page number is a bad request, not a missing resource
    key = (request.host_url, request.full_path, media_type, lang)
    modified = published_at()
    answer = answers().get(backend(), key)
    if answer is None:
        response = _answer(iri_for(path, settings().base_iri), media_type, suffix, lang)
        if response.status_code != 404:  # unknown addresses are endless; keep only answers
            answers().put(backend(), key, _keep(response))
    else:
        response = Response(answer.body, answer.status, headers=list(answer.headers))
    response.vary.add("Accept")
    if media_type == "text/html":
        response.vary.add("Accept-Language")
    return revalidated(response, modified)


def _keep(response: Response) -> Answer:
    headers = tuple(
        (name, value)
        for name, value in response.headers.items()
        if name in ("Content-Type", "Location", "Content-Location", "Link")
    )
    return Answer(response.status_code, response.get_data(), headers)


def _view(root: str) -> Callable[[str], Response]:
    def view(rest: str) -> Response:
        return _resource(root, rest)

    return view


for _root in ROOTS:
    bp.add_url_rule(f"/{_root}/<path:rest>", endpoint=_root, view_func=_view(_root))


def _split_suffix(path: str) -> tuple[str, str | None]:
    """`id/person/x.ttl` is `id/person/x` as Turtle; `article/212.1` keeps its dot."""
    stem, dot, suffix = path.rpartition(".")
    if dot and suffix in SUFFIXES and "/" not in suffix:
        return stem, suffix
    return path, None


def _answer(iri: str, media_type: str, suffix: str | None, lang: str) -> Response:
    try:
        description = _describe(iri, for_page=media_type == "text/html")
    except ValueError:
        description = None  # not even an IRI, so certainly not one of ours
    if description is None or not description.exists:
        description = graph_description(iri) if description is not None else None
    if description is None or not description.exists:
        return _not_found(iri, media_type, lang)
    replacement = description.value(description.iri, REPLACED_BY)
    if isinstance(replacement, NamedNode):
        return _moved(replacement.value, suffix)
    withdrawn = any(
        isinstance(v, Literal) and v.value in ("true", "1")
        for v in description.objects(description.iri, DEPRECATED)
    )
    status = 410 if withdrawn else 200
    if media_type != "text/html":
        return _rdf(description, media_type, status, suffix is None)
    return _page(description, lang, status)


def _describe(iri: str, for_page: bool) -> Description:
    """One query per page; one per resource for all the RDF formats."""
    if for_page:
        return describe(backend(), iri, for_page=True, page=_page_number())
    found = descriptions().get(backend(), (iri,))
    if found is None:
        found = describe(backend(), iri, for_page=False)
        descriptions().put(backend(), (iri,), found)
    return found


def _page_number() -> int:
    """Which part of a long listing (the people charged under an article) to show."""
    raw = request.args.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= 100_000:
        raise Problem(400, "parameter 'page' must be a whole number from 1")
    return int(raw)


def _moved(replacement: str, suffix: str | None) -> Response:
    location = href(replacement, settings().base_iri)
    if local_url(replacement, settings().base_iri) is not None:
        location += f".{suffix}" if suffix else ""
        location += f"?{request.query_string.decode()}" if request.query_string else ""
    response = Response(status=301)
    response.headers["Location"] = location
    return response


def _not_found(iri: str, media_type: str, lang: str) -> Response:
    message = f"no resource <{iri}> in ppkg; search its names at /search?q=..."
    if media_type != "text/html":
        raise Problem(404, message)
    words = fallback_label(iri)
    suggestions = search_index().search(words, 5) if words else []
    known = names()
    body = render_template(
        "not_found.html",
        iri=iri,
        query=words,
        suggestions=[
            (href(e.iri, settings().base_iri), known.label(e.iri, lang) or e.iri, e.kind)
            for e in suggestions
        ],
        t=TEXT[lang],
        lang=lang,
        languages=language_links(lang),
    )
    return Response(body, 404, content_type="text/html; charset=utf-8")


# --- RDF -----------------------------------------------------------------------------------


def _rdf(description: Description, media_type: str, status: int, negotiated: bool) -> Response:
    rdf = rdf_media_type(media_type)
    quads = arranged(description.quads, description.iri, rdf.dataset)
    prefixes = prefixes_used(quads, content_prefixes(settings().content_dir))
    if rdf.dataset:
        body = serialize(quads, format=rdf.oxigraph, prefixes=prefixes)
    else:
        triples = dict.fromkeys(Triple(q.subject, q.predicate, q.object) for q in quads)
        body = serialize(triples, format=rdf.oxigraph, prefixes=prefixes)
    response = Response(body, status, content_type=content_type(media_type))
    _link_alternates(response, media_type, negotiated)
    return response


def _link_alternates(response: Response, media_type: str, negotiated: bool) -> None:
    """`Content-Location` names the variant sent; `Link` lists the others."""
    path = request.path
    stem, _ = _split_suffix(path)
    if negotiated:
        response.headers["Content-Location"] = f"{path}.{SUFFIX_OF[media_type]}"
    response.headers["Link"] = ", ".join(
        f'<{stem}.{s}>; rel="alternate"; type="{t}"' for s, t in SUFFIXES.items() if t != media_type
    )


# --- pages ---------------------------------------------------------------------------------


def _page(description: Description, lang: str, status: int) -> Response:
    base = settings().base_iri
    reader = Reader(description, names(), lang, base)
    types = description.types(description.iri)
    if status == 410:
        template, view = "gone.html", _tombstone(reader)
    elif PPKG + "Person" in types:
        official = is_official(reader)
        template, view = ("official.html" if official else "person.html"), person_view(reader)
    elif PPKG + "LegalProvision" in types:
        template, view = "article.html", article_view(reader)
    else:
        template, view = "entity.html", {}
    stem = request.path.removesuffix(".html")
    truncated = entity_listings(description, template)
    body = render_template(
        template,
        r=reader,
        t=reader.text,
        view=view,
        title=reader.label(description.iri),
        iri=description.iri.value,
        kind=reader.kind_label(description.iri),
        lang=lang,
        languages=language_links(lang),
        formats=[(s, f"{stem}.{s}", t) for s, t in SUFFIXES.items() if s != "html"],
        schema_org=schema_org(reader, request.host_url.rstrip("/") + stem),
        page=_page_number(),
        listed=LISTED,
        truncated=truncated,
    )
    response = Response(body, status, content_type="text/html; charset=utf-8")
    _link_alternates(response, "text/html", not request.path.endswith(".html"))
    return mark(response, truncated)


@bp.app_template_global()
def joined(items: list[object], separator: str = ", ") -> Markup:
    """Values (which render themselves) joined by `separator`, a trusted piece of HTML."""
    return Markup(separator).join(escape(x) for x in items)


def _tombstone(reader: Reader) -> dict[str, object]:
    x = reader.d.iri
    return {
        "when": [reader.ref(v) for v in reader.d.objects(x, WITHDRAWN_AT)],
        "why": reader.texts(x, CHANGE_NOTE),
        "sources": reader.stated(x, DEPRECATED),
    }
