"""Writing TriG quickly: one named graph at a time, with the prefixes of data/*.trig.

Graphs are written as `<name> { ... }` without the optional GRAPH keyword, which Virtuoso 7.2's
TriG loader does not accept; Oxigraph and rdflib read both.
"""

from __future__ import annotations

from collections.abc import Sequence

B = "https://w3id.org/ppkg/"
PREFIXES = {
    "ppkg": B + "ontology#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/",
    "prov": "http://www.w3.org/ns/prov#",
    "eli": "http://data.europa.eu/eli/ontology#",
    "src": B + "source/",
    "person": B + "id/person/",
    "org": B + "id/org/",
    "post": B + "id/post/",
    "holding": B + "id/holding/",
    "case": B + "id/case/",
    "pros": B + "id/prosecution/",
    "charge": B + "id/charge/",
    "event": B + "id/event/",
    "sentence": B + "id/sentence/",
    "recog": B + "id/recognition/",
    "place": B + "id/place/",
    "law": B + "law/ru/criminal-code/",
    "art": B + "law/ru/criminal-code/article/",
    "penalty": B + "vocab/penalty-type/",
    "regime": B + "vocab/detention-regime/",
    "status": B + "vocab/recognition-status/",
    "theme": B + "vocab/theme/",
}
HEADER = "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in PREFIXES.items()) + "\n"

Objects = str | Sequence[str]


def lit(text: str, lang: str | None = None) -> str:
    """A string literal, language-tagged if `lang` is given."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def typed(value: str, datatype: str) -> str:
    return f'"{value}"^^xsd:{datatype}'


def expand(name: str) -> str:
    """The full IRI of a prefixed name such as person:ivan-petrov-17."""
    prefix, _, local = name.partition(":")
    return PREFIXES[prefix] + local


class Graph:
    """The Turtle of one named graph, counting the triples written into it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.lines: list[str] = []
        self.triples = 0

    def add(self, subject: str, *pairs: tuple[str, Objects]) -> None:
        """`subject` with (predicate, object or objects) pairs; empty object lists are skipped."""
        parts = []
        for predicate, objects in pairs:
            values = [objects] if isinstance(objects, str) else list(objects)
            if values:
                parts.append(f"{predicate} {' , '.join(values)}")
                self.triples += len(values)
        if parts:
            self.lines.append(f"    {subject} " + " ;\n        ".join(parts) + " .\n")

    def text(self) -> str:
        return f"{self.name} {{\n" + "".join(self.lines) + "}\n\n"
