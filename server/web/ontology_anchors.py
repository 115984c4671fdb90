"""Anchors by local name in pyLODE's page, so that `.../ontology#LawFirm` lands on its term.

pyLODE names each term's section after its label (`id="Lawfirm"`, `id="chargein"`), but a
browser following the term's IRI asks for the fragment `LawFirm` or `chargeIn`.
"""

from __future__ import annotations

import re

from ..core.vocabulary import ONTOLOGY

_SECTION = re.compile(r'<div class="[^"]*\bentity\b[^"]*" id="([^"]+)">')
_TERM = re.compile(r"<code>" + re.escape(ONTOLOGY) + r"([A-Za-z_][\w.-]*)</code>")


def add_term_anchors(html: str) -> str:
    """`html` with an empty element `id="LocalName"` opening each term's section."""
    ids = set(re.findall(r'id="([^"]+)"', html))
    sections = list(_SECTION.finditer(html))
    pieces, last = [], 0
    for i, section in enumerate(sections):
        end = sections[i + 1].start() if i + 1 < len(sections) else len(html)
        term = _TERM.search(html, section.end(), end)
        if term is None or term.group(1) in ids:
            continue
        ids.add(term.group(1))
        pieces += [html[last : section.end()], f'<span id="{term.group(1)}"></span>']
        last = section.end()
    return "".join([*pieces, html[last:]])
