"""The schema.org JSON-LD embedded in every entity page, for search engines and other readers
of the web: the resource's schema.org types, names and description."""

from __future__ import annotations

import json
from typing import Any

from pyoxigraph import Literal, NamedNode

from ...core.vocabulary import ELI, SCHEMA
from .reader import Reader


def schema_org(r: Reader, url: str) -> str:
    """The JSON-LD block embedded in the page: schema.org's view of the resource."""
    x = r.d.iri
    types = sorted(t.removeprefix(SCHEMA) for t in r.d.types(x) if t.startswith(SCHEMA))
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@id": x.value,
        "@type": types or ["Thing"],
        "name": r.label(x),
        "url": url,
    }
    others = [
        {"@value": o.value, "@language": o.language}
        for p in (SCHEMA + "name", SCHEMA + "alternateName")
        for o in r.d.objects(x, p)
        if isinstance(o, Literal) and o.value != data["name"]
    ]
    if others:
        data["alternateName"] = others
    descriptions = r.texts(x, SCHEMA + "description")
    if descriptions:
        data["description"] = descriptions[0].text
    if "Legislation" in types:
        number = r.d.value(x, ELI + "number")
        if isinstance(number, Literal):
            data["legislationIdentifier"] = number.value
        parents = r.d.objects(x, ELI + "is_part_of")
        data["isPartOf"] = [{"@id": o.value} for o in parents if isinstance(o, NamedNode)]
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return text.replace("</", "<\\/")  # never closes the script element early
