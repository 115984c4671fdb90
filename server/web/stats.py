"""GET /stats: prisoners by article, sentence lengths by article, cases by year, as charts.

Every figure comes from a named query (queries/article-stats.rq, sentence-lengths.rq,
cases-by-year.rq) run through the same path as /sparql, so researchers can run, check and
download the very numbers the page shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, render_template, request, url_for
from pyoxigraph import Literal, NamedNode, QueryResultsFormat, QuerySolutions, parse_query_results

from ..core.paths import local_url
from ..core.vocabulary import Term
from . import charts
from .context import backend, catalogue, settings, stats_pages
from .result_table import TABULAR_TYPE
from .sparql.endpoint import run

bp = Blueprint("stats", __name__)
DURATION = re.compile(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?")
NO_ARTICLE = "no article named"
Row = dict[str, Term]


@dataclass(frozen=True)
class ArticleCount:
    article: str
    number: str
    label: str
    persons: int
    prosecutions: int
    charges: int


@dataclass(frozen=True)
class Sentence:
    """One sentence in force: its length in months, and whose it is."""

    months: float
    person: str
    name: str
    sentence: str


@dataclass(frozen=True)
class SentenceGroup:
    article: str | None
    number: str | None
    terms: list[Sentence]

    @property
    def label(self) -> str:
        return f"Article {self.number}" if self.number else NO_ARTICLE

    @property
    def months(self) -> list[float]:
        return sorted(t.months for t in self.terms)

    @property
    def median(self) -> float:
        return charts.median(self.months)


@dataclass(frozen=True)
class YearCount:
    year: int | None
    cases: int
    persons: int


def solutions(name: str, **values: str) -> list[Row]:
    """The rows of the named query `name` with `values` bound, as /queries/<name> runs it."""
    query = catalogue()[name]
    result = run(query.text, TABULAR_TYPE, None, bindings=query.bind(values))
    parsed = parse_query_results(result.read(), QueryResultsFormat.JSON)
    assert isinstance(parsed, QuerySolutions)
    names = [v.value for v in parsed.variables]
    return [{n: row[n] for n in names if row[n] is not None} for row in parsed]


def article_counts() -> list[ArticleCount]:
    rows = solutions("article-stats", lang="en")
    return [
        ArticleCount(
            row["article"].value,
            row["number"].value,
            _text(row, "label"),
            _int(row, "persons"),
            _int(row, "prosecutions"),
            _int(row, "charges"),
        )
        for row in rows
    ]


def sentence_groups() -> list[SentenceGroup]:
    """Sentences in force grouped by article, articles in order, those naming none last."""
    groups: dict[str | None, list[Sentence]] = {}
    numbers: dict[str | None, str | None] = {}
    for row in solutions("sentence-lengths", lang="en"):
        months = duration_months(row["term"].value)
        if months is None:
            continue
        article = row["article"].value if "article" in row else None
        numbers[article] = _text(row, "number") or None
        person = row["person"].value
        groups.setdefault(article, []).append(
            Sentence(months, person, _text(row, "name") or person, row["sentence"].value)
        )
    ordered = sorted(groups, key=lambda a: (a is None, _article_key(numbers[a])))
    return [SentenceGroup(a, numbers[a], groups[a]) for a in ordered]


def case_years() -> list[YearCount]:
    """Cases and persons by the year the case began; the year not known last."""
    counts = [
        YearCount(
            int(row["year"].value) if "year" in row else None,
            _int(row, "cases"),
            _int(row, "persons"),
        )
        for row in solutions("cases-by-year")
    ]
    return sorted(counts, key=lambda y: (y.year is None, y.year or 0))


def duration_months(value: str) -> float | None:
    """Months in an xsd:duration of years, months and days (P6Y11M -> 83); None otherwise."""
    match = DURATION.fullmatch(value)
    if not match or value == "P":
        return None
    years, months, days = (int(g or 0) for g in match.groups())
    return years * 12 + months + days / 30.4375


def term_text(months: float) -> str:
    """A length as people say it: 7 years, 1 year 6 months, 11 months."""
    whole = round(months)
    years, rest = divmod(whole, 12)
    parts = [f"{years} year{'s' if years != 1 else ''}"] if years else []
    if rest or not parts:
        parts.append(f"{rest} month{'s' if rest != 1 else ''}")
    return " ".join(parts)


def local(iri: str | None) -> str | None:
    """Our IRIs answer on this server at the same path."""
    return local_url(iri, settings().base_iri) if iri else None


@bp.get("/stats")
def stats_page() -> Response:
    pages, key = stats_pages(), (request.url_root,)
    body = pages.get(backend(), key)
    if body is None:
        body = _page()
        pages.put(backend(), key, body)
    return Response(body, content_type="text/html; charset=utf-8")


def _page() -> str:
    articles, groups, years = article_counts(), sentence_groups(), case_years()
    return render_template(
        "stats.html",
        articles=articles,
        groups=groups,
        years=years,
        unknown_year=next((y for y in years if y.year is None), None),
        article_chart=_article_chart(articles),
        sentence_chart=_sentence_chart(groups),
        year_chart=_year_chart(years),
        term_text=term_text,
        local=local,
        jsonld=_jsonld(),
    )


def _article_chart(articles: list[ArticleCount]) -> charts.Chart:
    items = [
        charts.Item(
            f"Article {a.number}",
            a.persons,
            f"Article {a.number}: {a.persons} {_plural(a.persons, 'person')} charged or convicted",
            local(a.article),
        )
        for a in articles
    ]
    return charts.hbar(
        "chart-articles",
        "Prisoners by article",
        "Persons charged or convicted under each article of the Criminal Code, parts included.",
        items,
    )


def _sentence_chart(groups: list[SentenceGroup]) -> charts.Chart:
    chart_groups = [
        charts.Group(
            g.label,
            [(t.months, f"{t.name}: {term_text(t.months)}") for t in g.terms],
            f"{g.label}: {len(g.terms)} {_plural(len(g.terms), 'sentence')}, from "
            f"{term_text(g.months[0])} to {term_text(g.months[-1])}, median {term_text(g.median)}",
            local(g.article),
        )
        for g in groups
    ]
    return charts.dots(
        "chart-sentences",
        "Sentence lengths by article",
        "Each dot is one person's sentence of imprisonment in force; the line spans the shortest "
        "to the longest, the bar marks the median.",
        chart_groups,
        tick_label=lambda years: f"{years:g}",
        per_tick=12,
        axis_label="years of imprisonment",
    )


def _year_chart(years: list[YearCount]) -> charts.Chart:
    known = {y.year: y for y in years if y.year is not None}
    span = range(min(known), max(known) + 1) if known else range(0)
    items = [
        charts.Item(
            str(year),
            y.cases,
            f"{year}: {y.cases} {_plural(y.cases, 'case')} began, "
            f"{y.persons} {_plural(y.persons, 'person')} prosecuted in them",
        )
        for year, y in ((year, known.get(year, YearCount(year, 0, 0))) for year in span)
    ]
    return charts.vbar(
        "chart-years",
        "Cases by year",
        "Criminal cases by the year of their first arrest, detention or opening of an "
        "investigation; years with none show no bar.",
        items,
    )


def _jsonld() -> dict[str, Any]:
    root = request.url_root

    def dataset(name: str, title: str, description: str) -> dict[str, Any]:
        address = url_for("queries.run_query", name=name, _external=True)
        return {
            "@type": "Dataset",
            "name": title,
            "description": description,
            "url": address,
            "isBasedOn": url_for("queries.query_text", name=name, _external=True),
            "distribution": {
                "@type": "DataDownload",
                "contentUrl": address + "?format=csv",
                "encodingFormat": "text/csv",
            },
        }

    return {
        "@context": "https://schema.org",
        "@type": "WebPage",
        "name": "Statistics",
        "description": "Prisoners by article, sentence lengths by article and cases by year.",
        "url": request.base_url,
        "isPartOf": {"@type": "WebSite", "name": "ppkg", "url": root},
        "mainEntity": [
            dataset(name, catalogue()[name].title, catalogue()[name].description)
            for name in ("article-stats", "sentence-lengths", "cases-by-year")
        ],
    }


def _text(row: Row, key: str) -> str:
    term = row.get(key)
    return term.value if isinstance(term, Literal | NamedNode) else ""


def _int(row: Row, key: str) -> int:
    return int(_text(row, key) or 0)


def _plural(count: int, word: str) -> str:
    return word if count == 1 else word + "s"


def _article_key(number: str | None) -> tuple[int, ...]:
    return tuple(int(part) for part in (number or "0").split(".") if part.isdigit())
