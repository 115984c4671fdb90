"""The statistics page: its numbers equal what the endpoint answers to the same questions, asked
here in queries of our own (property paths rather than the inferred ppkg:underArticle)."""

from __future__ import annotations

import re
import statistics
from collections import defaultdict

import pytest
import requests
from SPARQLWrapper import JSON, SPARQLWrapper

from .conftest import Server
from .html_parse import Cell, Page, Table

PREFIXES = """
PREFIX ppkg: <https://w3id.org/ppkg/ontology#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
"""


def ask(server: Server, query: str) -> list[dict[str, str]]:
    client = SPARQLWrapper(server.sparql)
    client.setQuery(PREFIXES + query)
    client.setReturnFormat(JSON)
    bindings = client.query().convert()["results"]["bindings"]
    return [{k: v["value"] for k, v in row.items()} for row in bindings]


@pytest.fixture(scope="module")
def stats(server: Server) -> tuple[str, Page]:
    response = requests.get(server.url + "/stats", timeout=60)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    return response.text, Page(response.text)


def column(table: Table, name: str) -> int:
    return table.header.index(name)


def test_prisoners_by_article(server: Server, stats: tuple[str, Page]) -> None:
    rows = ask(
        server,
        """SELECT ?number (COUNT(DISTINCT ?person) AS ?persons) WHERE {
             ?article a ppkg:Article ; eli:number ?number .
             OPTIONAL { ?charge ppkg:provision/eli:is_part_of* ?article .
                        ?prosecution ppkg:charge ?charge ; ppkg:defendant ?person }
           } GROUP BY ?number""",
    )
    expected = {row["number"]: int(row["persons"]) for row in rows}
    assert any(expected.values())
    html, page = stats
    table = page.table("articles-table")
    persons = column(table, "persons")
    shown = {attrs["data-article"]: int(row[persons].text) for attrs, row in _rows(table)}
    assert shown == expected
    # The chart draws one bar per article, as long as its count says.
    bars = _bars(html, "chart-articles")
    assert len(bars) == len(expected)
    widest = max(expected.values())
    for label, width in bars:
        number = label.removeprefix("Article ").split(":")[0]
        assert width == pytest.approx(expected[number] / widest * max(w for _, w in bars), abs=1)


def test_sentences_by_article(server: Server, stats: tuple[str, Page]) -> None:
    rows = ask(
        server,
        """SELECT DISTINCT ?sentence ?term ?number WHERE {
             ?prosecution ppkg:sentence ?sentence .
             ?sentence ppkg:term ?term ;
               ppkg:penaltyType <https://w3id.org/ppkg/vocab/penalty-type/imprisonment> .
             FILTER NOT EXISTS { ?sentence ppkg:replacedBy ?later }
             FILTER NOT EXISTS { ?sentence ppkg:imposedBy/^ppkg:quashes ?quashing }
             OPTIONAL { ?prosecution ppkg:charge/ppkg:provision/eli:is_part_of* ?article .
                        ?article a ppkg:Article ; eli:number ?number }
           }""",
    )
    months: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        months[row.get("number", "")].append(_months(row["term"]))
    assert len(months) > 1
    _, page = stats
    table = page.table("sentences-table")
    shown = {}
    for attrs, row in _rows(table):
        count, low, mid, high = row[1:5]
        shown[attrs["data-article"]] = (
            int(count.text),
            float(low.attrs["data-months"]),
            float(mid.attrs["data-months"]),
            float(high.attrs["data-months"]),
        )
    assert shown == {
        number: (len(terms), min(terms), statistics.median(terms), max(terms))
        for number, terms in months.items()
    }


def test_cases_by_year(server: Server, stats: tuple[str, Page]) -> None:
    rows = ask(
        server,
        """SELECT DISTINCT ?case ?person ?date WHERE {
             ?prosecution ppkg:case ?case ; ppkg:defendant ?person .
             OPTIONAL {
               ?event ppkg:prosecution ?prosecution ; ppkg:date ?date ; a ?kind .
               FILTER(?kind IN (ppkg:Arrest, ppkg:Detention, ppkg:InvestigationOpening))
             }
           }""",
    )
    years: dict[str, set[int]] = defaultdict(set)
    people: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        people[row["case"]].add(row["person"])
        year = re.match(r"\d{4}", row.get("date", ""))  # --01-17 has no year
        if year:
            years[row["case"]].add(int(year.group()))
    expected: dict[str, tuple[int, set[str]]] = {}
    for case, persons in people.items():
        key = str(min(years[case])) if years[case] else ""
        count, seen = expected.get(key, (0, set()))
        expected[key] = (count + 1, seen | persons)
    html, page = stats
    table = page.table("years-table")
    shown = {attrs["data-year"]: (int(r[1].text), int(r[2].text)) for attrs, r in _rows(table)}
    assert shown == {year: (n, len(persons)) for year, (n, persons) in expected.items()}
    # Every year from the first to the last has a column, empty ones included.
    known = sorted(int(y) for y in expected if y)
    labels = re.findall(r'class="label">(\d{4})</text>', _figure(html, "chart-years"))
    assert labels == [str(y) for y in range(known[0], known[-1] + 1)]


def test_charts_are_accessible_svg_with_tables(stats: tuple[str, Page]) -> None:
    html, page = stats
    for ident in ("chart-articles", "chart-sentences", "chart-years"):
        figure = _figure(html, ident)
        assert 'role="img"' in figure and f'<title id="{ident}-title">' in figure
        assert f'<figcaption id="{ident}-caption">' in figure
    assert {"articles-table", "sentences-table", "years-table"} <= {t.ident for t in page.tables}
    [jsonld] = page.jsonld
    assert [d["@type"] for d in jsonld["mainEntity"]] == ["Dataset"] * 3
    for dataset in jsonld["mainEntity"]:  # each chart's data is its named query, downloadable
        assert requests.get(dataset["distribution"]["contentUrl"], timeout=30).status_code == 200


def _rows(table: Table) -> list[tuple[dict[str, str], list[Cell]]]:
    return list(zip(table.row_attrs, table.rows, strict=True))


def _figure(html: str, ident: str) -> str:
    match = re.search(rf'<figure class="chart" id="{ident}">.*?</figure>', html, re.S)
    assert match, ident
    return match.group()


def _bars(html: str, ident: str) -> list[tuple[str, float]]:
    marks = re.findall(
        r"<title>([^<]*)</title>.*?<rect [^>]*width=\"([\d.]+)\"", _figure(html, ident), re.S
    )
    return [(title, float(width)) for title, width in marks]


def _months(duration: str) -> float:
    parts = {unit: int(n) for n, unit in re.findall(r"(\d+)([YMD])", duration)}
    return parts.get("Y", 0) * 12 + parts.get("M", 0) + parts.get("D", 0) / 30.4375
