"""The search index follows its names table: built once, caught up when the table grows (an
accepted submission), built again for a new table (a release). No server: the index is plain
Python over `Names`."""

from __future__ import annotations

import pytest

from server.graph.names import Named, Names
from server.graph.search_index import SearchIndexCache, words

pytestmark = pytest.mark.no_backend  # the same whatever --backend is: run once

NAME = "https://schema.org/name"
NAVALNY = "urn:x:navalny"
KOTOV = "urn:x:kotov"


def named(*texts: str) -> Named:
    return Named("person", [(NAME, text, "") for text in texts])


def found(cache: SearchIndexCache, names: Names, query: str) -> list[str]:
    return [entry.iri for entry in cache.get(names).search(query)]


def test_the_keys_fold_scripts_and_transliterations_together() -> None:
    assert words("Навальный") == words("Navalny") == words("Navalnyy") == words("Navalnyi")
    assert words("Алексей") == words("Alexey") == words("Aleksei")


def test_the_index_catches_up_when_the_names_grow() -> None:
    names = Names({NAVALNY: named("Alexei Navalny")}, revision=1)
    cache = SearchIndexCache()
    index = cache.get(names)
    assert found(cache, names, "Навальный") == [NAVALNY]
    assert found(cache, names, "Kotov") == []

    names.add({KOTOV: named("Konstantin Kotov"), NAVALNY: named("Алексей Навальный")})
    names.revision = 2
    assert found(cache, names, "Kotov") == [KOTOV]
    assert found(cache, names, "Алексей") == [NAVALNY]
    assert cache.get(names) is index  # updated in place, not built again


def test_a_new_table_gets_a_new_index() -> None:
    cache = SearchIndexCache()
    old = Names({NAVALNY: named("Alexei Navalny")}, revision=1)
    index = cache.get(old)
    new = Names({KOTOV: named("Konstantin Kotov")}, revision=2)
    assert cache.get(new) is not index
    assert found(cache, new, "Navalny") == []
    assert found(cache, new, "Kotov") == [KOTOV]


def test_things_without_a_kind_are_not_indexed() -> None:
    names = Names({"urn:x:term": Named(None, [(NAME, "Prosecution", "en")])}, revision=1)
    assert found(SearchIndexCache(), names, "Prosecution") == []
