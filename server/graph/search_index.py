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
import re
import threading
from dataclasses import dataclass

from anyascii import anyascii

from .names import KIND_RANK, Named, Names

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

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.entries: dict[str, Entry] = {}
        self.by_key: dict[str, set[str]] = {}
        self.by_skeleton: dict[str, set[str]] = {}
        self.sorted_keys: list[str] = []

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


class SearchIndexCache:
    """The search index of the current names, kept with them.

    Keyed on the names table and the store revision it is of: a new table (after a release) is
    indexed from the start; a table that grew (an accepted submission) only for what it added.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._index: SearchIndex | None = None
        self._names: Names | None = None
        self._revision: int | None = None
        self._seen = 0  # how many of the table's additions the index holds

    def get(self, names: Names) -> SearchIndex:
        with self._lock:
            revision = names.revision  # before `added`: the names cache sets it last
            if self._index is None or names is not self._names:
                self._seen = len(names.added)  # before the copy: catching up again is harmless
                self._index = SearchIndex()
                self._index.update(names.things.copy())  # the table may grow meanwhile
                self._names = names
            elif revision != self._revision:
                added = len(names.added)
                self._index.update(names.changed(since=self._seen))
                self._seen = added
            self._revision = revision
            return self._index
