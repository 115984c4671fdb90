"""The published base IRI and this server's paths, mapped both ways: the resource
`{base}id/person/x` answers at `/id/person/x` on whatever host the server runs on."""

from __future__ import annotations

from urllib.parse import quote

# What may stand in a path of ours unescaped (RFC 3986 pchar, plus / and the fragment mark).
_SAFE = "/#:@!$&'()*+,;=-._~"


def iri_for(path: str, base: str) -> str:
    """The published IRI a local path answers for (`path` as Flask decoded it, without '/')."""
    return base + path


def local_url(iri: str, base: str) -> str | None:
    """The local path of one of our IRIs (ontology terms go to /ontology#Term); None otherwise."""
    if not iri.startswith(base):
        return None
    return "/" + quote(iri[len(base) :], safe=_SAFE)


def href(iri: str, base: str) -> str:
    """Where a link to `iri` should point: our own pages for our IRIs, the IRI for others'."""
    return local_url(iri, base) or iri
