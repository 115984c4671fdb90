"""The pages in a real browser (Debian's Chromium through Playwright), with a screenshot of each."""

from __future__ import annotations

from pathlib import Path

import requests
from playwright.sync_api import Page, expect

from .browser import screenshot
from .conftest import REPO, Server

SUBMISSION = REPO / "tests" / "fixtures" / "submission.trig"


def test_validate_page_uploads_a_file_and_shows_the_report(server: Server, page: Page) -> None:
    expected = requests.post(
        server.url + "/validate",
        data=SUBMISSION.read_bytes(),
        headers={"Content-Type": "application/trig", "Accept": "application/json"},
        timeout=60,
    ).json()
    page.goto(server.url + "/validate")
    page.set_input_files("#file", str(SUBMISSION))
    page.get_by_role("button", name="Validate").click()
    expect(page.locator("#report")).to_contain_text("submission.trig")
    verdict = page.locator(".verdict")
    expect(verdict).to_contain_text("Conforms" if expected["conforms"] else "Does not conform")
    expect(verdict).to_contain_text(f"{expected['counts']['Violation']} violations")
    rows = len(expected["results"]) + 1 if expected["results"] else 0  # no results, no table
    assert page.locator("table tr").count() == rows
    screenshot(page, "validate-report")


def test_query_page_runs_a_named_query_from_the_examples(server: Server, page: Page) -> None:
    expected = requests.get(
        server.url + "/queries/prisoners-by-article",
        params={"article": "207.3", "lang": "en"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    ).json()["results"]["bindings"]
    assert expected, "the seed data has people charged under 207.3"
    page.goto(server.url + "/query")
    expect(page.locator(".cm-editor")).to_be_visible()  # the script enhanced the textarea
    expect(page.locator("textarea#query")).to_be_hidden()
    page.get_by_role("link", name="Prisoners by article").click()
    expect(page.locator(".cm-content")).to_contain_text("ppkg:underArticle")
    colours = page.evaluate(
        "[...new Set([...document.querySelectorAll('.cm-line span')]"
        ".map(s => getComputedStyle(s).color))]"
    )
    assert len(colours) >= 3, colours  # keywords, variables, IRIs and strings are highlighted
    page.get_by_label("article").fill("207.3")
    page.get_by_role("button", name="Run").click()
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(len(expected))
    people = {b["person"]["value"].removeprefix("https://w3id.org/ppkg") for b in expected}
    links = rows.locator("td:first-child a")
    assert {links.nth(i).get_attribute("href") for i in range(links.count())} == people
    screenshot(page, "query-named-results")


def test_query_page_submits_what_the_editor_shows(server: Server, page: Page) -> None:
    page.goto(server.url + "/query")
    page.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.type(
        "SELECT ?class WHERE { ?class a <http://www.w3.org/2002/07/owl#Class> } LIMIT 2"
    )
    page.keyboard.press("Control+Enter")
    expect(page.locator("#results tbody tr")).to_have_count(2)
    assert "LIMIT+2" in page.url or "LIMIT%202" in page.url  # the page URL carries the query
    page.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.type("SELECT * WHERE { ?s ?p }")
    page.get_by_role("button", name="Run").click()
    expect(page.locator("#error")).to_contain_text("syntax error")
    screenshot(page, "query-syntax-error")


def test_stats_page_draws_its_charts(server: Server, page: Page) -> None:
    articles = requests.get(
        server.url + "/queries/article-stats",
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    ).json()["results"]["bindings"]
    page.goto(server.url + "/stats")
    for ident in ("chart-articles", "chart-sentences", "chart-years"):
        chart = page.locator(f"#{ident} svg")
        expect(chart).to_be_visible()
        box = chart.bounding_box()
        assert box is not None and box["width"] > 400 and box["height"] > 80
    bars = page.locator("#chart-articles rect.bar")
    expect(bars).to_have_count(len(articles))
    fill = bars.first.evaluate("bar => getComputedStyle(bar).fill")
    assert fill == "rgb(44, 90, 160)"  # styled, not the default black
    expect(page.locator("#chart-sentences circle.dot").first).to_be_visible()
    expect(page.get_by_role("img", name="Cases by year")).to_be_visible()
    screenshot(page, "stats")


def test_validate_page_lists_what_a_bad_file_gets_wrong(server: Server, page: Page) -> None:
    bad = REPO / "tests" / "shape_examples" / "bad" / "article-number-malformed.trig"
    expected = requests.post(
        server.url + "/validate",
        data=bad.read_bytes(),
        headers={"Content-Type": "application/trig", "Accept": "application/json"},
        timeout=60,
    ).json()
    assert not expected["conforms"] and expected["results"]
    page.goto(server.url + "/validate")
    page.set_input_files("#file", str(bad))
    page.get_by_role("button", name="Validate").click()
    expect(page.locator(".verdict")).to_contain_text("Does not conform")
    expect(page.locator("table tr.Violation")).to_have_count(expected["counts"]["Violation"])
    screenshot(page, "validate-violations")


def test_validate_page_names_lines_and_dropped_json_ld_keys(
    server: Server, page: Page, tmp_path: Path
) -> None:
    bad = REPO / "tests" / "shape_examples" / "bad" / "article-number-malformed.trig"
    page.goto(server.url + "/validate")
    page.set_input_files("#file", str(bad))
    page.get_by_role("button", name="Validate").click()
    first = page.locator("table tr.Violation td").nth(1)  # the line column
    line = int(first.inner_text())
    assert '"212.a"' in bad.read_text("utf-8").splitlines()[line - 1]  # the malformed number
    typo = tmp_path / "typo.jsonld"
    typo.write_text(
        '{"@context": {"name": "https://schema.org/name"}, "@id": "urn:x", "nmae": "x"}'
    )
    page.goto(server.url + "/validate")
    page.set_input_files("#file", str(typo))
    page.get_by_role("button", name="Validate").click()
    expect(page.locator("ul.dropped li")).to_have_text(["/nmae"])
    expect(page.locator(".verdict .shapes")).to_contain_text("+sha256:")
    screenshot(page, "validate-dropped-keys")


LONG_IRI = "https://w3id.org/ppkg/law/ru/criminal-code/article/" + "no-such-provision-" * 12 + "x"
LONG_VALUES = f"""@prefix ppkg: <https://w3id.org/ppkg/ontology#> .
@prefix schema: <https://schema.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/ppkg/id/charge/long-values> a ppkg:Charge ;
    rdfs:label "42" ;
    schema:name "A charge with a long provision"@en ;
    ppkg:provision <{LONG_IRI}> .
"""


def test_validate_page_keeps_long_values_inside_the_page(server: Server, page: Page) -> None:
    """A long IRI in a result wraps instead of pushing the message column off the page, and the
    node is named by its English name, not by an untagged literal."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(server.url + "/validate")
    page.fill("#text", LONG_VALUES)
    page.select_option("#type", "text/turtle")
    page.get_by_role("button", name="Validate").click()
    expect(page.locator(".verdict")).to_contain_text("Does not conform")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1280, f"the page is {width} px wide at 1280 px"
    for cell in page.locator("table tr.Violation td:last-child").all():
        box = cell.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 1280, box
    node = page.locator("table tr.Violation td:nth-child(3)").first
    expect(node).to_contain_text("A charge with a long provision")
    expect(node).not_to_contain_text("42")
    screenshot(page, "validate-long-values")
