"""Reading what a server-rendered page shows: its tables, links, form fields and JSON-LD."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any


@dataclass
class Cell:
    text: str = ""
    href: str | None = None
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass
class Table:
    ident: str | None
    header: list[str] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)
    row_attrs: list[dict[str, str]] = field(default_factory=list)


class Page(HTMLParser):
    """Tables (header and body rows), every link, JSON-LD scripts and elements by id."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[Table] = []
        self.links: list[tuple[str, str]] = []  # (href, text)
        self.jsonld: list[Any] = []
        self.ids: dict[str, dict[str, str]] = {}
        self.textareas: dict[str, str] = {}
        self._cell: Cell | None = None
        self._in_head = False
        self._link: list[str] | None = None
        self._script: list[str] | None = None
        self._textarea: tuple[str, list[str]] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if "id" in values:
            self.ids[values["id"]] = values
        if tag == "table":
            self.tables.append(Table(values.get("id")))
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr" and self.tables and not self._in_head:
            self.tables[-1].rows.append([])
            self.tables[-1].row_attrs.append(values)
        elif tag in ("td", "th") and self.tables:
            self._cell = Cell(attrs=values)
        elif tag == "a" and "href" in values:
            self._link = [values["href"]]
            if self._cell is not None and self._cell.href is None:
                self._cell.href = values["href"]
        elif tag == "script" and values.get("type") == "application/ld+json":
            self._script = []
        elif tag == "textarea":
            self._textarea = (values.get("name", ""), [])

    def handle_endtag(self, tag: str) -> None:
        if tag == "thead":
            self._in_head = False
        elif tag in ("td", "th") and self._cell is not None:
            cell, self._cell = self._cell, None
            cell.text = " ".join(cell.text.split())
            if self._in_head:
                self.tables[-1].header.append(cell.text)
            elif self.tables[-1].rows:
                self.tables[-1].rows[-1].append(cell)
        elif tag == "a" and self._link is not None:
            self.links.append((self._link[0], " ".join("".join(self._link[1:]).split())))
            self._link = None
        elif tag == "script" and self._script is not None:
            self.jsonld.append(json.loads("".join(self._script)))
            self._script = None
        elif tag == "textarea" and self._textarea is not None:
            self.textareas[self._textarea[0]] = "".join(self._textarea[1])
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.text += data
        if self._link is not None:
            self._link.append(data)
        if self._script is not None:
            self._script.append(data)
        if self._textarea is not None:
            self._textarea[1].append(data)

    def table(self, ident: str) -> Table:
        return next(t for t in self.tables if t.ident == ident)

    def link(self, text: str) -> str:
        return next(href for href, label in self.links if label == text)
