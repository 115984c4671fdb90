"""Entity pages and the search box in a real browser, with a screenshot of each step."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from server.core.vocabulary import BASE

from .browser import screenshot
from .conftest import Server
from .test_entities import select


def _charged(server: Server) -> dict[str, str]:
    """A person charged under an article, with their names and the article's label."""
    return select(
        server,
        """SELECT ?p ?en ?ru ?a ?article WHERE { ?pr ppkg:defendant ?p ; ppkg:charge ?c .
           ?c ppkg:provision ?a . ?a a ppkg:Article ; rdfs:label ?article
           FILTER(LANG(?article) = "en")
           ?p schema:name ?en FILTER(LANG(?en) = "en")
           ?p schema:name ?ru FILTER(LANG(?ru) = "ru") } ORDER BY ?p LIMIT 1""",
    )[0]


def test_from_a_person_to_the_article_they_are_charged_under(server: Server, page: Page) -> None:
    row = _charged(server)
    page.goto(server.url + "/" + row["p"][len(BASE) :])
    expect(page.locator("h1")).to_have_text(row["en"])
    expect(page.locator("#names")).to_contain_text(row["ru"])
    expect(page.locator("#cases .src a").first).to_be_visible()
    screenshot(page, "entity-person")
    page.locator("#cases").get_by_role("link", name=row["article"]).first.click()
    page.wait_for_url("**/" + row["a"][len(BASE) :])
    expect(page.locator("h1")).to_have_text(row["article"])
    expect(page.locator("#charged").get_by_role("link", name=row["en"], exact=True)).to_be_visible()
    screenshot(page, "entity-article")


def test_the_language_switch(server: Server, page: Page) -> None:
    row = _charged(server)
    page.goto(server.url + "/" + row["p"][len(BASE) :])
    page.get_by_role("link", name="Русский").click()
    expect(page.locator("h1")).to_have_text(row["ru"])
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    screenshot(page, "entity-person-ru")


def test_search_a_name_in_the_other_script(server: Server, page: Page) -> None:
    row = _charged(server)
    page.goto(server.url + "/" + row["p"][len(BASE) :])
    box = page.get_by_role("searchbox").first
    box.fill(row["ru"])  # the page shows the Latin name; search the Cyrillic one
    box.press("Enter")
    page.wait_for_url("**/search?**")
    result = page.locator("ol.results li").first
    expect(result).to_contain_text(row["en"])
    screenshot(page, "search-other-script")
    result.get_by_role("link").first.click()
    expect(page.locator("h1")).to_have_text(row["en"])
