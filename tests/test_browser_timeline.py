"""A person's timeline in a real browser: the day of the act a charge is for, with its source."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from .browser import screenshot
from .conftest import Server


def test_the_timeline_shows_the_day_of_the_act(server: Server, page: Page) -> None:
    page.goto(server.url + "/id/person/aleksei-gorinov")
    timeline = page.locator("#timeline")
    act = timeline.locator("tr", has_text="15 March 2022")
    expect(act).to_have_count(1)
    expect(act).to_contain_text("Date of the act")
    expect(act.get_by_role("link", name="UA 23.24")).to_be_visible()
    expect(act.get_by_role("link", name="Disseminating knowingly false")).to_be_visible()
    act.scroll_into_view_if_needed()
    screenshot(page, "entity-person-act-date")
    act.get_by_role("link", name="UA 23.24").click()
    page.wait_for_url("**/source/ua-23-24")
    expect(page.locator("h1")).to_contain_text("Urgent Action 23.24")
