"""Every dated fact of a person's prosecutions is in their timeline, with its source: the events'
dates and the others (the day of the act a charge is for, ...), in English and Russian."""

from __future__ import annotations

import re

from server.core.vocabulary import GRAPH_INFERRED

from .conftest import Server
from .test_entities import _fact_rows, local, page, select

GORINOV = "/id/person/aleksei-gorinov"
CHARGE = "/id/charge/aleksei-gorinov-207-3"
SOURCE = "/source/ua-23-24"
DATED = f"""SELECT DISTINCT ?person ?node ?date ?g WHERE {{
  {{ ?pros ppkg:defendant ?person BIND(?pros AS ?node) }}
  UNION {{ ?pros ppkg:defendant ?person ; ppkg:case|ppkg:charge|ppkg:sentence ?node }}
  UNION {{ ?pros ppkg:defendant ?person . ?node ppkg:prosecution ?pros }}
  GRAPH ?g {{ ?node ?p ?date }}
  FILTER(DATATYPE(?date) IN (xsd:date, xsd:gYear, xsd:gYearMonth, xsd:gMonthDay, xsd:dateTime))
  FILTER(?g != <{GRAPH_INFERRED}>)
}}"""


def _when(row: str) -> str:
    match = re.search(r'<td class="when">(.*?)</td>', row, re.S)
    return match.group(1) if match else ""


def test_every_dated_fact_of_a_prosecution_is_in_the_timeline(server: Server) -> None:
    dated = select(server, DATED)
    assert any(local(r["node"]) == CHARGE for r in dated)  # ppkg:actDate, not an event's date
    pages: dict[str, list[str]] = {}
    for row in dated:
        person = local(row["person"])
        if person not in pages:
            pages[person] = _fact_rows(page(server, person).text, "timeline")
        shown = [
            r
            for r in pages[person]
            if f'href="{local(row["node"])}"' in r and f'href="{local(row["g"])}"' in r
        ]
        year = row["date"][:4]  # as precise as stated; "--01-17" has no year to show
        assert any(year in _when(r) or not year.isdigit() for r in shown), row


def test_gorinovs_speech_is_dated_with_its_source(server: Server) -> None:
    for lang, date, kind in (
        ("en", "15 March 2022", "Date of the act"),
        ("ru", "15 марта 2022", "Дата деяния"),
    ):
        rows = _fact_rows(page(server, f"{GORINOV}?lang={lang}").text, "timeline")
        act = [r for r in rows if _when(r) == date]
        assert len(act) == 1, (lang, rows)
        assert kind in act[0] and f'href="{CHARGE}"' in act[0]
        assert f'href="{SOURCE}"' in act[0] and 'rel="cite"' in act[0]
        if lang == "en":  # what the act was, as the charge describes it
            assert "spoke at a municipal council" in act[0]
        # in time order: before his arrest of 26 April 2022
        arrest = next(i for i, r in enumerate(rows) if "arrest-2022-04-26" in r)
        assert rows.index(act[0]) < arrest
