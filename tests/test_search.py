"""The name search finds people whatever the script or transliteration; JSON and HTML agree.

The names searched for are read from the server with SPARQL; the variant spellings are made
here by the alternations of Russian transliteration systems (x/ks, ey/ei, y/i...).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import requests

from server.core.vocabulary import BASE

from .conftest import Server, start_server, stop_server
from .submitting import SUBMISSION, ppkg
from .test_entities import BROWSER, Links, select

# Each spelling a transliteration system may use instead of another.
ALTERNATIONS = [
    ("ks", "x"),
    ("x", "ks"),
    ("ei", "ey"),
    ("ey", "ei"),
    ("ya", "ia"),
    ("yu", "iu"),
    ("y ", "yi "),
    ("i ", "iy "),
]


def variant(name: str) -> str | None:
    """Another transliteration of a Latin `name`, or None when no alternation applies."""
    padded = name + " "
    for old, new in ALTERNATIONS:
        if old in padded.lower():
            return re.sub(re.escape(old), new, padded, count=1, flags=re.I).strip()
    return None


def search(server: Server, query: str, **params: str) -> list[dict[str, object]]:
    response = requests.get(
        server.url + "/search",
        params={"q": query, **params},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/json"
    results: list[dict[str, object]] = response.json()["results"]
    return results


def found(server: Server, query: str) -> list[object]:
    return [r["iri"] for r in search(server, query)]


def people(server: Server) -> list[dict[str, str]]:
    return select(
        server,
        """SELECT ?p ?en ?ru WHERE { ?p a ppkg:Person ;
             schema:name ?en FILTER(LANG(?en) = "en")
           ?p schema:name ?ru FILTER(LANG(?ru) = "ru") } ORDER BY ?p""",
    )


def test_a_person_is_found_by_either_script(server: Server) -> None:
    rows = people(server)
    assert len(rows) >= 10
    for row in rows:
        assert row["p"] in found(server, row["ru"]), row["ru"]
        assert row["p"] in found(server, row["en"]), row["en"]
        # a surname alone is enough, in the other script too
        assert row["p"] in found(server, row["ru"].split()[-1]), row["ru"]


def test_a_person_is_found_by_another_transliteration(server: Server) -> None:
    tried = 0
    for row in people(server):
        other = variant(row["en"])
        if other is None:
            continue
        tried += 1
        assert row["p"] in found(server, other), (row["en"], other)
    assert tried >= 5


def test_the_spellings_the_issue_names(server: Server) -> None:
    for surname, spellings in (
        ("Navalny", ["Navalnyi", "Navalnyy", "Naval'nyj"]),
        ("Aleksei", ["Alexey", "Alexei", "Aleksey"]),
    ):
        expected = {
            row["p"]
            for row in select(
                server,
                f"""SELECT ?p WHERE {{ ?p a ppkg:Person ; schema:name ?n
                    FILTER(CONTAINS(?n, "{surname}")) }}""",
            )
        }
        assert expected
        for spelling in spellings:
            assert expected <= set(found(server, spelling)), spelling


def test_accents_and_case_are_ignored(server: Server) -> None:
    row = people(server)[0]
    accented = row["en"].upper().replace("E", "É", 1).replace("A", "Á", 1)
    assert accented != row["en"]
    assert row["p"] in found(server, accented)
    assert row["p"] in found(server, row["ru"].lower())


def test_other_named_things_are_found(server: Server) -> None:
    rows = select(
        server,
        """SELECT ?o ?name WHERE { ?o a ppkg:Organisation ; schema:alternateName ?name
           FILTER(LANG(?name) = "ru") } ORDER BY ?o LIMIT 3""",
    )
    assert rows
    for row in rows:
        results = search(server, row["name"])
        mine = [r for r in results if r["iri"] == row["o"]]
        assert mine and mine[0]["kind"] == "organisation"
        assert mine[0]["url"] == server.url + "/" + row["o"][len(BASE) :]


def test_json_and_html_agree(server: Server) -> None:
    row = people(server)[0]
    for query in (row["en"].split()[0], row["ru"], variant(row["en"]) or row["en"]):
        results = search(server, query)
        assert results
        html = requests.get(
            server.url + "/search", params={"q": query}, headers={"Accept": BROWSER}
        )
        assert html.headers["Content-Type"].startswith("text/html")
        assert "Accept" in html.headers["Vary"]
        listed = [h for h in Links(html.text).hrefs() if h.startswith(server.url)]
        assert listed == [r["url"] for r in results]
        assert f'value="{query}"' in html.text  # the box keeps the query


def test_bad_requests(server: Server) -> None:
    url = server.url + "/search"
    json_only = {"Accept": "application/json"}
    assert requests.get(url, headers=json_only).status_code == 400
    assert requests.get(url, params={"q": "x", "limit": "0"}, headers=json_only).status_code == 400
    assert requests.get(url, params={"q": "x" * 201}, headers=json_only).status_code == 400
    assert requests.get(url, params={"q": "x"}, headers={"Accept": "image/png"}).status_code == 406
    assert requests.get(url, headers={"Accept": BROWSER}).status_code == 200  # the empty form
    limited = search(server, "a", limit="2")
    assert len(limited) == 2


# --- the index follows the store ---------------------------------------------------------


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str, str]]:
    data_dir = tmp_path_factory.mktemp("search-submissions") / "data"
    partner = ppkg(data_dir, "token", "issue", "ngo", "--role", "partner", "--label", "NGO")
    reviewer = ppkg(data_dir, "token", "issue", "rev", "--role", "reviewer", "--label", "Rev")
    running = start_server(data_dir)
    yield running, partner, reviewer
    stop_server(running)


def test_an_accepted_submission_is_found_and_answers(service: tuple[Server, str, str]) -> None:
    server, partner, reviewer = service
    # A name no seed record has, taken from the fixture itself.
    name = re.search(rb'person:test-person a ppkg:Person ;\s*schema:name "([^"]+)"', SUBMISSION)
    assert name
    person = BASE + "id/person/test-person"
    assert person not in found(server, name.group(1).decode())  # the index is built now
    page = server.url + "/id/person/test-person"
    assert requests.get(page, headers={"Accept": BROWSER}).status_code == 404
    article = select(server, "SELECT ?a WHERE { ?a a ppkg:Article ; eli:number '212.1' }")[0]["a"]
    before = requests.get(server.url + "/" + article[len(BASE) :], headers={"Accept": BROWSER})
    submitted = requests.post(
        server.url + "/submissions",
        data=SUBMISSION,
        headers={"Content-Type": "application/trig", "Authorization": f"Bearer {partner}"},
    )
    assert submitted.status_code == 201, submitted.text
    accepted = requests.post(
        f"{server.url}/submissions/{submitted.json()['id']}/accept",
        headers={"Authorization": f"Bearer {reviewer}"},
    )
    assert accepted.status_code == 200, accepted.text
    assert person in found(server, name.group(1).decode())
    assert requests.get(page, headers={"Accept": BROWSER}).status_code == 200
    after = requests.get(server.url + "/" + article[len(BASE) :], headers={"Accept": BROWSER})
    assert "/id/person/test-person" in Links(after.text).hrefs("charged")
    assert "/id/person/test-person" not in Links(before.text).hrefs("charged")
