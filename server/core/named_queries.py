"""Named queries: `queries/*.rq` files with a `#+ ` YAML header, and their typed parameters.

Parameter values are checked and turned into RDF terms here, then pre-bound by the engine;
they are never pasted into the query text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pyoxigraph import Literal, NamedNode

from .problem import Problem
from .vocabulary import LAW_ARTICLE, XSD, Term

RESERVED = {"format"}  # output negotiation, not a query parameter
ARTICLES = "articles"  # in `precompute`: every article the store holds


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    description: str
    example: str | None = None
    required: bool = False
    default: str | None = None


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    text: str
    # `#+ precompute:`: each parameter's values to compute answers ahead for (graph/precomputed)
    precompute: tuple[tuple[str, tuple[str, ...]], ...] | None = None

    def bind(self, values: Mapping[str, str]) -> dict[str, Term]:
        """Typed terms for `values` (and defaults); a Problem(400) for anything wrong."""
        known = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(known) - RESERVED)
        if unknown:
            takes = ", ".join(known) or "no parameters"
            raise Problem(400, f"unknown parameter {unknown[0]!r}; {self.name} takes {takes}")
        bindings: dict[str, Term] = {}
        for param in self.params:
            value = values.get(param.name, param.default)
            if value is None or value == "":
                if param.required:
                    raise Problem(
                        400, f"parameter {param.name!r} is required ({param.description})"
                    )
                continue
            bindings[param.name] = coerce(param, value)
        return bindings


def coerce(param: Param, value: str) -> Term:
    convert = COERCIONS.get(param.type)
    if convert is None:
        raise Problem(500, f"parameter {param.name!r} has an unknown type {param.type!r}")
    try:
        return convert(value)
    except ValueError as exc:
        raise Problem(400, f"parameter {param.name!r}: {exc}") from None


def _article(value: str) -> Term:
    if not re.fullmatch(r"\d{1,3}(\.\d{1,2})?", value):
        raise ValueError(f"{value!r} is not an article number such as 212.1")
    return NamedNode(LAW_ARTICLE + value)


def _iri(value: str) -> Term:
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+", value):
        raise ValueError(f"{value!r} is not an absolute IRI")
    return NamedNode(value)


def _lang(value: str) -> Term:
    if not re.fullmatch(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*", value):
        raise ValueError(f"{value!r} is not a language tag such as en, ru or ru-Latn")
    return Literal(value)


def _string(value: str) -> Term:
    if len(value) > 1000:
        raise ValueError("a string parameter is limited to 1000 characters")
    return Literal(value)


def _integer(value: str) -> Term:
    if not re.fullmatch(r"[+-]?\d{1,18}", value):
        raise ValueError(f"{value!r} is not an integer")
    return Literal(str(int(value)), datatype=NamedNode(XSD + "integer"))


def _date(value: str) -> Term:
    try:
        return Literal(dt.date.fromisoformat(value).isoformat(), datatype=NamedNode(XSD + "date"))
    except ValueError:
        raise ValueError(f"{value!r} is not a date such as 2022-03-04") from None


COERCIONS: dict[str, Callable[[str], Term]] = {
    "article": _article,
    "iri": _iri,
    "lang": _lang,
    "string": _string,
    "integer": _integer,
    "date": _date,
}


def load_queries(folder: Path) -> dict[str, NamedQuery]:
    """Every `*.rq` in `folder`, by name (the file name without `.rq`)."""
    return {
        path.stem: parse(path.stem, path.read_text("utf-8")) for path in sorted(folder.glob("*.rq"))
    }


def parse(name: str, text: str) -> NamedQuery:
    header_lines = [line[3:] for line in text.splitlines() if line.startswith("#+ ")]
    header: dict[str, Any] = yaml.safe_load("\n".join(header_lines)) or {}
    params = tuple(
        Param(
            name=key,
            type=str(spec.get("type", "string")),
            description=str(spec.get("description", "")),
            example=None if spec.get("example") is None else str(spec["example"]),
            required=bool(spec.get("required", False)),
            default=None if spec.get("default") is None else str(spec["default"]),
        )
        for key, spec in (header.get("params") or {}).items()
    )
    for param in params:
        if param.type not in COERCIONS:
            raise ValueError(f"{name}.rq: parameter {param.name} has unknown type {param.type}")
    return NamedQuery(
        name,
        str(header.get("title", name)),
        str(header.get("description", "")),
        params,
        text,
        _precompute(name, header.get("precompute"), params),
    )


def _precompute(
    name: str, spec: Any, params: tuple[Param, ...]
) -> tuple[tuple[str, tuple[str, ...]], ...] | None:
    """`{param: [values] | "articles"}`: the values the site offers for each parameter (a
    parameter left out takes its default); `articles` is every article in the store."""
    if spec is None:
        return None
    known = {p.name for p in params}
    if not isinstance(spec, dict) or not set(spec) <= known:
        raise ValueError(f"{name}.rq: precompute must map parameters of the query to values")
    domains = []
    for key, values in spec.items():
        if (isinstance(values, str) and values != ARTICLES) or not isinstance(values, str | list):
            raise ValueError(f"{name}.rq: precompute {key}: a list of values, or {ARTICLES}")
        listed = (values,) if values == ARTICLES else tuple(str(v) for v in values)
        domains.append((str(key), listed))
    return tuple(domains)
