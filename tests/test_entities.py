"""Every IRI of ours answers at its path: RDF in every format, pages in English and Russian.

Expectations come from the data (parsed from data/*.trig) or from SPARQL against the same server,
never copied from the pages' code.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path

import pytest
import requests
from pyoxigraph import Literal, NamedNode, RdfFormat, parse
from rdflib import Graph, URIRef
from rdflib.namespace import OWL

from server.core.vocabulary import BASE, GRAPH_INFERRED

from .conftest import REPO, Server, start_server, stop_server

PPKG = "https://w3id.org/ppkg/ontology#"
SENSITIVE = PPKG + "sensitive"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
RDF_SUFFIXES = {
    "ttl": ("text/turtle", "turtle"),
    "jsonld": ("application/ld+json", "json-ld"),
    "nt": ("application/n-triples", "nt"),
    "rdf": ("application/rdf+xml", "xml"),
    "trig": ("application/trig", "trig"),
    "nq": ("application/n-quads", "nquads"),
}
PREFIXES = """PREFIX ppkg: <https://w3id.org/ppkg/ontology#>
PREFIX schema: <https://schema.org/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


# --- helpers --------------------------------------------------------------------------------


def select(server: Server, query: str) -> list[dict[str, str]]:
    response = requests.get(
        server.sparql,
        params={"query": PREFIXES + query},
        headers={"Accept": "application/sparql-results+json"},
    )
    response.raise_for_status()
    return [
        {k: v["value"] for k, v in row.items()} for row in response.json()["results"]["bindings"]
    ]


def local(iri: str, base: str = BASE) -> str:
    assert iri.startswith(base), iri
    return "/" + iri[len(base) :]


def data_subjects(content: Path = REPO) -> tuple[set[str], set[str]]:
    """Our IRIs that are subjects in data/: in published graphs, and only in sensitive ones."""
    quads = [q for f in sorted((content / "data").glob("*.trig")) for q in parse(path=f)]
    sensitive = {
        q.subject
        for q in quads
        if q.predicate == NamedNode(SENSITIVE) and q.object == Literal(True)
    }
    public: set[str] = set()
    hidden: set[str] = set()
    for q in quads:
        if isinstance(q.subject, NamedNode) and q.subject.value.startswith(BASE):
            (hidden if q.graph_name in sensitive else public).add(q.subject.value)
    return public, hidden - public


class Links(HTMLParser):
    """Every link of a page with its rel and the id of the section it stands in; the h1."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str, str | None]] = []  # (href, rel, section)
        self.sections: list[str | None] = []
        self.h1 = ""
        self._in_h1 = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "section":
            self.sections.append(found.get("id"))
        elif tag == "a" and found.get("href"):
            section = self.sections[-1] if self.sections else None
            self.links.append((found["href"] or "", found.get("rel") or "", section))
        elif tag == "h1":
            self._in_h1 = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "section" and self.sections:
            self.sections.pop()
        elif tag == "h1":
            self._in_h1 = False

    def handle_data(self, data: str) -> None:
        if self._in_h1:
            self.h1 += data

    def hrefs(self, section: str | None = None, rel: str | None = None) -> list[str]:
        return [
            h
            for h, r, s in self.links
            if (section is None or s == section) and (rel is None or r == rel)
        ]


def page(server: Server, path: str, **headers: str) -> requests.Response:
    response = requests.get(server.url + path, headers={"Accept": BROWSER, **headers})
    assert response.status_code == 200, (path, response.status_code, response.text[:300])
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    return response


def jsonld(html: str) -> dict[str, object]:
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(scripts) == 1
    data: dict[str, object] = json.loads(scripts[0])
    return data


# --- every IRI answers ------------------------------------------------------------------------


def test_every_subject_in_the_data_answers_in_every_format(server: Server) -> None:
    public, _ = data_subjects()
    assert len(public) > 100
    graphs = {row["g"] for row in select(server, "SELECT DISTINCT ?g WHERE { GRAPH ?g {} }")}
    # rdflib reads one resource of each kind in every format; pyoxigraph, faster, all of them
    kinds = {local(iri).rsplit("/", 1)[0]: iri for iri in sorted(public)}
    session = requests.Session()

    def check(iri: str) -> None:
        for suffix, (media_type, rdflib_format) in RDF_SUFFIXES.items():
            response = session.get(server.url + local(iri) + "." + suffix)
            assert response.status_code == 200, (iri, suffix)
            assert response.headers["Content-Type"].split(";")[0] == media_type
            found = list(parse(response.content, RdfFormat.from_media_type(media_type)))
            assert any(q.subject == NamedNode(iri) for q in found), (iri, suffix)
            named = {q.graph_name.value for q in found if isinstance(q.graph_name, NamedNode)}
            if suffix in ("trig", "nq"):
                # every fact keeps the graph (source) that states it; none is in the default
                assert (
                    named and named <= graphs and len(named) == len({q.graph_name for q in found})
                )
            elif iri in kinds.values():
                graph = Graph().parse(data=response.content, format=rdflib_format)
                assert len(graph) == len({q.triple for q in found}), (iri, suffix)
        negotiated = session.get(server.url + local(iri), headers={"Accept": "text/turtle"})
        assert negotiated.headers["Content-Type"] == "text/turtle; charset=utf-8"
        assert "Accept" in negotiated.headers["Vary"]
        html = session.get(server.url + local(iri), headers={"Accept": BROWSER})
        assert html.status_code == 200 and "Accept" in html.headers["Vary"]
        assert jsonld(html.text)["@id"] == iri

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(check, sorted(public)))


def test_sensitive_records_do_not_answer(server: Server) -> None:
    _, hidden = data_subjects()
    assert hidden  # the seed data has records only a sensitive graph states
    for iri in hidden:
        for accept in (BROWSER, "text/turtle"):
            response = requests.get(server.url + local(iri), headers={"Accept": accept})
            assert response.status_code == 404, iri


def test_content_negotiation_and_suffixes(server: Server) -> None:
    person = select(server, "SELECT ?p WHERE { ?p a ppkg:Person } LIMIT 1")[0]["p"]
    url = server.url + local(person)

    def get(path: str = "", accept: str = BROWSER) -> requests.Response:
        return requests.get(url + path, headers={"Accept": accept})

    assert get(accept="application/n-triples;q=0.9, text/turtle;q=0.5").headers["Content-Type"] == (
        "application/n-triples"
    )
    assert get(accept="application/ld+json").headers["Content-Type"] == "application/ld+json"
    assert get(accept="*/*").headers["Content-Type"].startswith("text/html")
    assert get(accept="image/png").status_code == 406
    # A suffix decides, whatever the Accept header says.
    assert get(".ttl", "application/ld+json").headers["Content-Type"].startswith("text/turtle")
    assert get(".html", "text/turtle").headers["Content-Type"].startswith("text/html")
    negotiated = get(accept="text/turtle")
    assert negotiated.headers["Content-Location"] == local(person) + ".ttl"
    assert f"<{local(person)}.jsonld>" in negotiated.headers["Link"]
    same = Graph().parse(data=get(".ttl").text, format="turtle")
    assert len(same) == len(Graph().parse(data=negotiated.text, format="turtle")) > 0
    # the labels of what it links to come along
    linked = {o for o in same.objects(URIRef(person)) if isinstance(o, URIRef)}
    labelled = {s for s in same.subjects() if s in linked}
    assert labelled
    head = requests.head(url, headers={"Accept": "text/turtle"})
    assert head.status_code == 200 and head.headers["Content-Type"].startswith("text/turtle")
    assert requests.get(url, params={"lang": "fr"}, headers={"Accept": BROWSER}).status_code == 400


def test_unknown_iris_get_a_helpful_404(server: Server) -> None:
    row = select(
        server,
        """SELECT ?p ?name WHERE { ?p a ppkg:Person ; schema:name ?name FILTER(LANG(?name) = "en")
           FILTER(CONTAINS(?name, " ")) } ORDER BY ?p LIMIT 1""",
    )[0]
    first, *rest = row["name"].split(" ")
    # The same person under a slug that does not exist: the words the other way round.
    wrong = local(row["p"]).rsplit("/", 1)[0] + "/" + "-".join([*rest, first]).lower()
    response = requests.get(server.url + wrong, headers={"Accept": BROWSER})
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("text/html")
    links = Links(response.text)
    assert local(row["p"]) in links.hrefs()  # suggested
    assert 'action="/search"' in response.text
    machine = requests.get(server.url + wrong, headers={"Accept": "text/turtle"})
    assert machine.status_code == 404
    assert machine.headers["Content-Type"].startswith("text/plain")
    assert requests.get(server.url + local(row["p"]) + ".docx").status_code == 404


def test_pages_link_to_local_paths_and_rdf_keeps_published_iris(server: Server) -> None:
    person = select(server, "SELECT ?p WHERE { ?pr ppkg:defendant ?p } ORDER BY ?p LIMIT 1")[0]["p"]
    html = page(server, local(person)).text
    links = Links(html)
    ours = [h for h in links.hrefs() if h.startswith(BASE)]
    assert ours == []  # our IRIs are linked at this server's paths
    entity_links = {
        h.split("#")[0]
        for h in links.hrefs()
        if h.startswith(("/id/", "/law/", "/source/", "/vocab/"))
    }
    assert len(entity_links) > 5
    for href in entity_links:  # none of them is broken
        assert requests.get(server.url + href, headers={"Accept": BROWSER}).status_code == 200
    terms = {h for h in links.hrefs() if h.startswith("/ontology#")}
    assert "/ontology#Person" in terms
    documentation = page(server, "/ontology").text
    for term in terms:
        assert f'id="{term.split("#")[1]}"' in documentation, term
    turtle = requests.get(server.url + local(person) + ".ttl").text
    published = Graph().parse(data=turtle, format="turtle")
    assert (URIRef(person), None, None) in published and server.url not in turtle


# --- pages people read --------------------------------------------------------------------


def _fact_rows(html: str, section: str) -> list[str]:
    match = re.search(rf'<section id="{section}">(.*?)</section>', html, re.S)
    assert match, section
    return [m[1] for m in re.findall(r"<(li|tr|h3)>(.*?)</\1>", match.group(1), re.S)]


def test_person_pages_show_both_scripts_and_the_source_of_every_fact(server: Server) -> None:
    people = select(
        server,
        """SELECT DISTINCT ?p ?en ?ru WHERE { ?pr ppkg:defendant ?p .
           ?p schema:name ?en FILTER(LANG(?en) = "en")
           ?p schema:name ?ru FILTER(LANG(?ru) = "ru") }""",
    )
    assert len(people) >= 5
    for person in people:
        html = page(server, local(person["p"])).text
        assert person["en"] in html and person["ru"] in html
        cited = set(Links(html).hrefs(rel="cite"))
        who = f"<{person['p']}>"
        stated = select(
            server,
            f"""SELECT DISTINCT ?g WHERE {{
              {{ GRAPH ?g {{ {who} ?x ?y }} }}
              UNION {{ GRAPH ?g {{ ?pr ppkg:defendant {who} }} }}
              UNION {{ ?pr ppkg:defendant {who} . GRAPH ?g {{ ?e ppkg:prosecution ?pr }} }}
              UNION {{ GRAPH ?g {{ ?r ppkg:recognised {who} }} }}
              FILTER(?g != <{GRAPH_INFERRED}>) }}""",
        )
        assert {local(row["g"]) for row in stated} <= cited, person["p"]
        for section in ("names", "cases", "timeline", "recognitions"):
            if f'<section id="{section}">' in html:
                rows = _fact_rows(html, section)
                assert rows and all('rel="cite"' in r for r in rows), (person["p"], section)


def test_pages_in_russian(server: Server) -> None:
    person = select(
        server,
        """SELECT ?p ?ru WHERE { ?pr ppkg:defendant ?p . ?p schema:name ?ru
           FILTER(LANG(?ru) = "ru") } ORDER BY ?p LIMIT 1""",
    )[0]
    for response in (
        page(server, local(person["p"]) + "?lang=ru"),
        page(server, local(person["p"]), **{"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"}),
    ):
        assert Links(response.text).h1.strip() == person["ru"]
        assert '<html lang="ru">' in response.text
        assert "Accept-Language" in response.headers["Vary"]
    english = page(server, local(person["p"]) + "?lang=en")
    assert Links(english.text).h1.strip() != person["ru"]
    switch = Links(english.text).hrefs()
    assert local(person["p"]) + "?lang=ru" in switch


def test_timeline_is_in_time_order(server: Server) -> None:
    events = select(
        server,
        """SELECT ?p ?e ?date WHERE { ?pr ppkg:defendant ?p . ?e ppkg:prosecution ?pr ;
           ppkg:date ?date FILTER(DATATYPE(?date) = xsd:date) } ORDER BY ?p ?date""",
    )
    by_person: dict[str, list[str]] = {}
    for row in events:
        by_person.setdefault(row["p"], []).append(local(row["e"]))
    person, expected = max(by_person.items(), key=lambda item: len(item[1]))
    assert len(expected) >= 3
    shown = [h for h in Links(page(server, local(person)).text).hrefs("timeline") if h in expected]
    assert shown == expected


def test_sentence_versions_follow_each_other(server: Server) -> None:
    rows = select(
        server,
        """SELECT ?p ?old ?new WHERE { ?pr ppkg:defendant ?p ; ppkg:sentence ?old , ?new .
           ?new ppkg:replaces ?old }""",
    )
    assert rows
    for row in rows:
        html = page(server, local(row["p"])).text
        versions = re.findall(r'<ol class="versions">(.*?)</ol>', html, re.S)
        items = [li for block in versions for li in re.findall(r"<li>(.*?)</li>", block, re.S)]
        replacing = [i for i, li in enumerate(items) if f'href="{local(row["old"])}"' in li]
        assert replacing and replacing[0] > 0  # the replacing version comes after


def test_article_pages_list_the_people_the_named_query_lists(server: Server) -> None:
    articles = select(
        server,
        "SELECT DISTINCT ?a ?n WHERE { ?c ppkg:underArticle ?a . ?a a ppkg:Article ;"
        " eli:number ?n }",
    )
    assert len(articles) >= 2
    for article in articles:
        answer = requests.get(
            server.url + "/queries/prisoners-by-article",
            params={"article": article["n"]},
            headers={"Accept": "application/sparql-results+json"},
        ).json()
        expected = {local(b["person"]["value"]) for b in answer["results"]["bindings"]}
        html = page(server, local(article["a"])).text
        listed = {h for h in Links(html).hrefs("charged") if h.startswith("/id/person/")}
        assert listed == expected and expected, article
        introduced = select(server, f"SELECT ?y WHERE {{ <{article['a']}> ppkg:introducedIn ?y }}")
        for row in introduced:
            assert row["y"][:4] in html


def test_official_pages_show_posts(server: Server) -> None:
    rows = select(
        server,
        """SELECT ?p ?post WHERE { ?h ppkg:holder ?p ; ppkg:post ?post
           FILTER NOT EXISTS { ?pr ppkg:defendant ?p } }""",
    )
    posts: dict[str, set[str]] = {}
    for row in rows:
        posts.setdefault(row["p"], set()).add(local(row["post"]))
    assert len(posts) >= 5
    for person, expected in posts.items():
        html = page(server, local(person)).text
        assert set(Links(html).hrefs("posts")) >= expected
        assert '<section id="handled">' in html


def test_other_kinds_get_a_generic_page(server: Server) -> None:
    org = select(
        server,
        """SELECT ?o (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r ppkg:recognisedBy ?o }
           GROUP BY ?o ORDER BY DESC(?n) LIMIT 1""",
    )[0]["o"]
    html = page(server, local(org)).text
    recognitions = {
        local(r["r"]) for r in select(server, f"SELECT ?r WHERE {{ ?r ppkg:recognisedBy <{org}> }}")
    }
    assert recognitions <= set(Links(html).hrefs("linked-from"))
    data = jsonld(html)
    assert data["@id"] == org and "Organization" in data["@type"]  # type: ignore[operator]


def test_pages_embed_schema_org(server: Server) -> None:
    article = select(server, "SELECT ?a WHERE { ?a a ppkg:Article } LIMIT 1")[0]["a"]
    data = jsonld(page(server, local(article)).text)
    assert data["@context"] == "https://schema.org" and "Legislation" in data["@type"]  # type: ignore[operator]
    person = select(server, "SELECT ?p WHERE { ?p a ppkg:Person } LIMIT 1")[0]["p"]
    data = jsonld(page(server, local(person)).text)
    assert "Person" in data["@type"] and data["name"]  # type: ignore[operator]


# --- another base IRI, merged and withdrawn records ----------------------------------------

OTHER_BASE = "https://pp.example.org/"
RETIREMENTS = """
@prefix ppkg: <https://w3id.org/ppkg/ontology#> .
@prefix schema: <https://schema.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix person: <https://pp.example.org/id/person/> .
@prefix b: <https://pp.example.org/> .

GRAPH <https://pp.example.org/source/test-retirements> {
  <https://pp.example.org/source/test-retirements> a ppkg:EditorialRecord ;
    rdfs:label "Test retirements"@en .
  person:merged-test-record dcterms:isReplacedBy person:konstantin-kotov .
  person:withdrawn-test-record a ppkg:Person ; schema:name "Withdrawn Test Record"@en ;
    owl:deprecated true ;
    prov:invalidatedAtTime "2025-01-15"^^xsd:date ;
    skos:changeNote "A test record, published by mistake."@en .
  person:test-judge a ppkg:Person ; schema:name "Test Judge"@en .
  <https://pp.example.org/id/holding/test-judge> a ppkg:PostHolding ;
    ppkg:holder person:test-judge ;
    ppkg:post <https://pp.example.org/id/post/test-judge> ;
    ppkg:organisation <https://pp.example.org/id/org/moscow-city-court> .
  <https://pp.example.org/id/post/test-judge> a ppkg:Post ; rdfs:label "Judge (test)"@en .
  <https://pp.example.org/law/test/article/1> a ppkg:Article ; rdfs:label "Test article"@en .
%s
}
"""
# More people charged under the test article than one page lists.
MANY = 620
CHARGED = "\n".join(
    f"""  person:charged-{i} a ppkg:Person ; schema:name "Charged {i}"@en .
  <https://pp.example.org/id/prosecution/charged-{i}> a ppkg:Prosecution ;
    ppkg:defendant person:charged-{i} ; ppkg:charge <https://pp.example.org/id/charge/charged-{i}> .
  <https://pp.example.org/id/charge/charged-{i}> a ppkg:Charge ;
    ppkg:provision <https://pp.example.org/law/test/article/1> ."""
    for i in range(MANY)
)


@pytest.fixture(scope="module")
def other(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The seed data published under another base IRI, plus test-only retirements."""
    content = tmp_path_factory.mktemp("other-content")
    for folder in ("ontology", "shapes", "queries"):
        shutil.copytree(REPO / folder, content / folder)
    (content / "data").mkdir()
    for path in (REPO / "data").glob("*.trig"):
        text = path.read_text("utf-8")
        for root in ("id/", "law/", "source/"):
            text = text.replace(BASE + root, OTHER_BASE + root)
        (content / "data" / path.name).write_text(text, "utf-8")
    (content / "data" / "zz-test-retirements.trig").write_text(RETIREMENTS % CHARGED, "utf-8")
    running = start_server(
        tmp_path_factory.mktemp("other") / "data", content_dir=content, base_iri=OTHER_BASE
    )
    yield running
    stop_server(running)


def test_another_base_iri_answers_at_the_same_paths(other: Server) -> None:
    public, _ = data_subjects()
    for iri in sorted(public)[:40]:
        if not iri.startswith(BASE + "id/"):
            continue
        published = OTHER_BASE + iri[len(BASE) :]
        response = requests.get(other.url + local(iri) + ".nt")
        assert response.status_code == 200, iri
        subjects = {str(s) for s in Graph().parse(data=response.text, format="nt").subjects()}
        assert published in subjects and iri not in subjects
    html = page(other, "/id/person/konstantin-kotov").text
    assert "/id/person/konstantin-kotov" in html
    assert not [h for h in Links(html).hrefs() if h.startswith(OTHER_BASE)]


def test_a_merged_iri_redirects_to_its_replacement(other: Server) -> None:
    for suffix, query in (("", "?lang=ru"), (".ttl", "")):
        response = requests.get(
            other.url + "/id/person/merged-test-record" + suffix + query, allow_redirects=False
        )
        assert response.status_code == 301
        assert response.headers["Location"] == "/id/person/konstantin-kotov" + suffix + query
        assert "Accept" in response.headers["Vary"]
    followed = requests.get(other.url + "/id/person/merged-test-record.ttl")
    assert (URIRef(OTHER_BASE + "id/person/konstantin-kotov"), None, None) in Graph().parse(
        data=followed.text, format="turtle"
    )


def test_a_withdrawn_iri_answers_410_with_its_tombstone(other: Server) -> None:
    url = other.url + "/id/person/withdrawn-test-record"
    html = requests.get(url, headers={"Accept": BROWSER})
    assert html.status_code == 410
    assert "A test record, published by mistake." in html.text and "2025" in html.text
    assert "/source/test-retirements" in Links(html.text).hrefs(rel="cite")
    rdf = requests.get(url, headers={"Accept": "text/turtle"})
    assert rdf.status_code == 410
    graph = Graph().parse(data=rdf.text, format="turtle")
    assert (URIRef(OTHER_BASE + "id/person/withdrawn-test-record"), OWL.deprecated, None) in graph


def test_an_official_page_shows_the_cases_their_organisation_handled(other: Server) -> None:
    rows = select(
        other,
        f"""SELECT DISTINCT ?case WHERE {{ ?h ppkg:holder <{OTHER_BASE}id/person/test-judge> ;
            ppkg:organisation ?org . ?e ppkg:court ?org ; ppkg:prosecution ?pr .
            ?pr ppkg:case ?case }}""",
    )
    expected = {local(r["case"], OTHER_BASE) for r in rows}
    assert expected
    html = page(other, "/id/person/test-judge").text
    assert expected <= set(Links(html).hrefs("handled"))


def test_a_long_listing_is_split_into_pages(other: Server) -> None:
    listed: list[str] = []
    first = page(other, "/law/test/article/1").text
    assert f"({MANY})" in first
    numbers = sorted({int(n) for n in re.findall(r'href="\?page=(\d+)', first)})
    assert numbers and numbers[-1] >= 2
    for number in [1, *numbers]:
        html = first if number == 1 else page(other, f"/law/test/article/1?page={number}").text
        listed += [h for h in Links(html).hrefs("charged") if h.startswith("/id/person/")]
    assert len(listed) == len(set(listed)) == MANY  # every one once
    url = other.url + "/law/test/article/1"
    assert requests.get(url, params={"page": "0"}, headers={"Accept": BROWSER}).status_code == 400
