"""Search over names, whatever the script or the transliteration.

Every name is reduced to a search key: transliterated to Latin by anyascii (ISC licence), lower
case, accents and apostrophes dropped, then the spellings that Russian transliteration systems
disagree on folded together (x/ks, y/i/j, kh/h, doubled letters...), so that Алексей, Aleksei,
Alexey and Alexei meet, and so do Навальный, Navalny, Navalnyi and Navalnyy. A query's words
must each begin a word of one of a thing's names, or failing that have the same consonants as
one (Aleksandr, Alexander).
"""

from __future__ import annotations

import bisect
import json
import re
import threading
from dataclasses import dataclass
from typing import cast

from anyascii import anyascii
from flask import Blueprint, Flask, Response, jsonify, render_template, request

from ..core.paths import href
from ..core.problem import Problem
from ..graph.names import KIND_RANK, Named, Names
from .context import names, settings, warm_up
from .negotiation import language_links, negotiate, page_language
from .page_text import KIND_NAMES, TEXT

bp = Blueprint("search", __name__)
# Read the names and index them as soon as the application exists, not at the first search.
bp.record_once(lambda state: warm_up(cast(Flask, state.app), search_index))
MAX_LIMIT = 200
DEFAULT_LIMIT = 20

# Applied in order to each transliterated, lower-case word.
FOLDS = [
    ("x", "ks"),
    ("dzh", "j"),
    ("dj", "j"),
    ("kh", "h"),
    ("tch", "ch"),
    ("tz", "ts"),
    ("w", "v"),
    ("y", "i"),
    ("j", "i"),
    ("ie", "e"),  # Yevgeny / Evgeny, Dmitriyev / Dmitriev
]
_REPEATS = re.compile(r"(.)\1+")
_WORDS = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    """The search keys of the words of `text`."""
    latin = anyascii(text).lower().replace("'", "")
    return [fold(w) for w in _WORDS.findall(latin)]


def fold(word: str) -> str:
    for old, new in FOLDS:
        word = word.replace(old, new)
    return _REPEATS.sub(r"\1", word)


def skeleton(word: str) -> str:
    return re.sub(r"[aeiou]", "", word)


@dataclass(frozen=True, slots=True)
class Entry:
    iri: str
    kind: str | None
    names: tuple[tuple[str, str], ...]  # (text, language)
    keys: frozenset[str]


class SearchIndex:
    """Name keys to things, with the keys sorted for prefix matching; updated in place when
    names are added (an accepted submission)."""

    def __init__(self, names: Names) -> None:
        self._lock = threading.Lock()
        self.entries: dict[str, Entry] = {}
        self.by_key: dict[str, set[str]] = {}
        self.by_skeleton: dict[str, set[str]] = {}
        self.sorted_keys: list[str] = []
        self.update(names.things)
        names.listeners.append(self.update)

    def update(self, things: dict[str, Named]) -> None:
        with self._lock:
            fresh: set[str] = set()
            for iri, named in things.items():
                if named.kind is None:
                    continue  # an ontology term: documented at /ontology
                self._remove(iri)
                texts = tuple(dict.fromkeys((text, lang) for _, text, lang in named.names))
                entry = Entry(
                    iri, named.kind, texts, frozenset(k for t, _ in texts for k in words(t))
                )
                self.entries[iri] = entry
                for key in entry.keys:
                    if key not in self.by_key:
                        fresh.add(key)
                    self.by_key.setdefault(key, set()).add(iri)
                    self.by_skeleton.setdefault(skeleton(key), set()).add(iri)
            if len(fresh) > 100:  # a first build, or a large submission
                self.sorted_keys = sorted(self.by_key)
            else:
                for key in fresh:
                    bisect.insort(self.sorted_keys, key)

    def _remove(self, iri: str) -> None:
        old = self.entries.pop(iri, None)
        for key in old.keys if old else ():
            self.by_key[key].discard(iri)
            self.by_skeleton[skeleton(key)].discard(iri)

    def search(self, query: str, limit: int = DEFAULT_LIMIT) -> list[Entry]:
        wanted = words(query)
        if not wanted:
            return []
        with self._lock:
            found = [self.entries[iri] for iri in self._match(wanted)]
        found.sort(key=lambda entry: self._rank(entry, wanted))
        return found[:limit]

    def _match(self, wanted: list[str]) -> set[str]:
        """The things every wanted word finds: as the start of a word, else by its consonants."""
        result: set[str] | None = None
        for word in wanted:
            hits = self._prefixed(word) or self._skeletal(word)
            result = hits if result is None else result & hits
            if not result:
                return set()
        return result or set()

    def _prefixed(self, word: str) -> set[str]:
        keys = self.sorted_keys
        hits: set[str] = set()
        for i in range(bisect.bisect_left(keys, word), len(keys)):
            if not keys[i].startswith(word):
                break
            hits |= self.by_key[keys[i]]
        return hits

    def _skeletal(self, word: str) -> set[str]:
        shape = skeleton(word)
        return set(self.by_skeleton.get(shape, set())) if len(shape) >= 3 else set()

    def _rank(self, entry: Entry, wanted: list[str]) -> tuple[int, int, str]:
        exact = sum(1 for w in wanted if w in entry.keys)
        kind = KIND_RANK.get(entry.kind or "", len(KIND_RANK))
        return (-exact, kind, entry.names[0][0].lower() if entry.names else entry.iri)


def search_index() -> SearchIndex:
    """The index for the store's current names, built once and then kept up to date."""
    known = names()
    index = known.derived.get("search")
    if index is None:
        with known.derived_lock:
            index = known.derived.get("search") or SearchIndex(known)
            known.derived["search"] = index
    assert isinstance(index, SearchIndex)
    return index


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
    found = [result(e, known, lang, base) for e in search_index().search(query, limit)]
    if media_type == "application/json":
        if not query:
            raise Problem(400, "parameter 'q' is required: the name to search for")
        response = jsonify(query=query, results=found)
    else:
        body = render_template(
            "search.html",
            query=query,
            results=found,
            t=TEXT[lang],
            lang=lang,
            kinds=KIND_NAMES[lang],
            languages=language_links(lang),
            schema_org=_schema_org(query, found),
        )
        response = Response(body, content_type="text/html; charset=utf-8")
    response.vary.update(("Accept", "Accept-Language"))
    return response


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
