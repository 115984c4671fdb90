"""JSON-LD keys the @context maps to nothing are named, as JSON Pointers; nothing is fetched."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pyoxigraph import RdfFormat, parse

from server.validation.jsonld_keys import dropped_keys

pytestmark = pytest.mark.no_backend  # the same whatever --backend is: run once

S = "https://schema.org/"
CASES: list[tuple[dict[str, Any] | list[Any], list[str]]] = [
    ({"@context": {"name": S + "name"}, "@id": "urn:a", "name": "A", "nmae": "B"}, ["/nmae"]),
    ({"@context": {"@vocab": S}, "@id": "urn:a", "anything": "A"}, []),
    ({"@id": "urn:a", S + "name": "A", "a/b~c": 1}, ["/a~1b~0c"]),
    (
        {
            "@context": {"knows": {"@id": S + "knows", "@context": {"nick": S + "nick"}}},
            "@graph": [
                {"@id": "urn:a", "knows": {"@id": "urn:b", "nick": "b"}},
                {"@id": "urn:c", "nick": "c"},  # outside "knows": not defined here
            ],
        },
        ["/@graph/1/nick"],
    ),
    (
        {
            "@context": {"Person": {"@id": S + "Person", "@context": {"nick": S + "nick"}}},
            "@id": "urn:a",
            "@type": "Person",
            "nick": "a",
            "nik": "b",
        },
        ["/nik"],
    ),
]


@pytest.mark.parametrize(("document", "dropped"), CASES)
def test_the_keys_json_ld_drops(document: dict[str, Any] | list[Any], dropped: list[str]) -> None:
    data = json.dumps(document).encode()
    assert dropped_keys(data) == dropped
    # pyoxigraph agrees: the values under the keys named are not in the RDF.
    values = {str(q.object.value) for q in parse(data, RdfFormat.JSON_LD)}
    assert all(str(_at(document, pointer)) not in values for pointer in dropped)


def _at(document: Any, pointer: str) -> Any:
    for part in pointer.split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        document = document[int(part)] if isinstance(document, list) else document[part]
    return document


@pytest.mark.parametrize(
    "context",
    ["http://127.0.0.1:9/context.jsonld", {"@import": "http://127.0.0.1:9/context.jsonld"}],
)
def test_contexts_from_elsewhere_are_not_fetched_nor_guessed(context: object) -> None:
    assert dropped_keys(json.dumps({"@context": context, "@id": "urn:a", "x": 1}).encode()) == []
