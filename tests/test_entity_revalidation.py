"""Entity IRIs answer conditional requests as the dumps and the feed do: a strong ETag per
representation, Last-Modified, and 304 for If-None-Match / If-Modified-Since; a change to the
store changes the ETag of what it changed and leaves the others alone."""

from __future__ import annotations

import time
from collections.abc import Iterator
from email.utils import parsedate_to_datetime

import pytest
import requests

from .conftest import Server, start_server, stop_server
from .submitting import SUBMISSION, issue_tokens

PERSON = "/id/person/konstantin-kotov"
ARTICLE = "/law/ru/criminal-code/article/212.1"
SUFFIXES = ("html", "ttl", "jsonld", "nt", "rdf", "trig", "nq")


def variants(path: str) -> dict[str, dict[str, str]]:
    """Each way of asking for `path`: a suffix, negotiation, a language."""
    found = {suffix: {"url": f"{path}.{suffix}"} for suffix in SUFFIXES}
    found["negotiated turtle"] = {"url": path, "Accept": "text/turtle"}
    found["page"] = {"url": path, "Accept": "text/html"}
    found["page in Russian"] = {"url": path + "?lang=ru", "Accept": "text/html"}
    return found


def fetch(
    server: Server, variant: dict[str, str], method: str = "GET", **headers: str
) -> requests.Response:
    extra = {k: v for k, v in variant.items() if k != "url"}
    return requests.request(method, server.url + variant["url"], headers={**extra, **headers})


def test_every_representation_revalidates(server: Server) -> None:
    tags = {}
    for path in (PERSON, ARTICLE):
        for name, variant in variants(path).items():
            first = fetch(server, variant)
            assert first.status_code == 200, (path, name)
            tag, modified = first.headers["ETag"], first.headers["Last-Modified"]
            assert tag.startswith('"') and not tag.startswith("W/"), (path, name)  # strong
            assert parsedate_to_datetime(modified).timestamp() <= time.time()
            assert fetch(server, variant).headers["ETag"] == tag  # stable
            for method in ("GET", "HEAD"):
                again = fetch(server, variant, method, **{"If-None-Match": tag})
                assert again.status_code == 304 and again.content == b"", (path, name, method)
                assert again.headers["ETag"] == tag
            by_date = fetch(server, variant, **{"If-Modified-Since": modified})
            assert by_date.status_code == 304, (path, name)
            other = fetch(server, variant, **{"If-None-Match": '"something-else"'})
            assert other.status_code == 200 and other.content == first.content
            # the ETag wins over the date (RFC 9110): a stale tag gets the representation
            both = fetch(
                server, variant, **{"If-None-Match": '"stale"', "If-Modified-Since": modified}
            )
            assert both.status_code == 200
            tags[(path, name)] = tag
    # one tag per representation: formats and languages differ, the same bytes the same tag
    assert tags[(PERSON, "negotiated turtle")] == tags[(PERSON, "ttl")]
    distinct = {t for (p, n), t in tags.items() if n not in ("negotiated turtle", "page")}
    assert len(distinct) == len(tags) - 4


def test_unknown_iris_get_no_etag(server: Server) -> None:
    missing = requests.get(server.url + "/id/person/nobody-at-all.ttl")
    assert missing.status_code == 404 and "ETag" not in missing.headers


@pytest.fixture(scope="module")
def changing(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str, str]]:
    data_dir = tmp_path_factory.mktemp("revalidate") / "data"
    partner, _, reviewer = issue_tokens(data_dir)
    server = start_server(data_dir)
    yield server, partner, reviewer
    stop_server(server)


def test_a_change_moves_the_etag_of_what_it_changed(changing: tuple[Server, str, str]) -> None:
    server, partner, reviewer = changing
    article = {"url": ARTICLE, "Accept": "text/html"}  # lists who is charged under it
    person = {"url": PERSON + ".ttl"}  # untouched by the submission
    before = {key: fetch(server, v) for key, v in (("article", article), ("person", person))}
    time.sleep(1.1)  # HTTP dates count seconds
    sid = requests.post(
        server.url + "/submissions",
        data=SUBMISSION,  # a person charged under 212.1
        headers={"Authorization": f"Bearer {partner}", "Content-Type": "application/trig"},
    ).json()["id"]
    accepted = requests.post(
        f"{server.url}/submissions/{sid}/accept", headers={"Authorization": f"Bearer {reviewer}"}
    )
    assert accepted.status_code == 200, accepted.text
    tag = before["article"].headers["ETag"]
    changed = fetch(server, article, **{"If-None-Match": tag})
    assert changed.status_code == 200 and "Test Person" in changed.text
    assert changed.headers["ETag"] != tag
    assert parsedate_to_datetime(changed.headers["Last-Modified"]) > parsedate_to_datetime(
        before["article"].headers["Last-Modified"]
    )
    modified = before["article"].headers["Last-Modified"]
    assert fetch(server, article, **{"If-Modified-Since": modified}).status_code == 200
    same = fetch(server, person, **{"If-None-Match": before["person"].headers["ETag"]})
    assert same.status_code == 304  # its bytes did not change
