"""The key facts of the five seed documents, read back over HTTP from the running server.

Each fact is checked together with the document that states it: the named graph, whose name is
the source's IRI. Facts are read with SPARQLWrapper against /sparql or with the named queries at
/queries/<name>; nothing here parses the data files.
"""

from __future__ import annotations

import pytest
import requests
from SPARQLWrapper import JSON, SPARQLWrapper

from server.core.vocabulary import LAW_ARTICLE, SOURCE

from .conftest import Server

ID = "https://w3id.org/ppkg/id/"
PERSON = ID + "person/"
ORG = ID + "org/"
SRC = SOURCE
XSD = "http://www.w3.org/2001/XMLSchema#"
ARTICLE = LAW_ARTICLE
POC = "https://w3id.org/ppkg/vocab/recognition-status/prisoner-of-conscience"

UA_82_20 = SRC + "ua-82-20"
UA_23_24 = SRC + "ua-23-24"
UA_23_24_SENSITIVE = SRC + "ua-23-24/sensitive"
UA_126_19 = SRC + "ua-126-19-final"
NAVALNY_EMAIL = SRC + "ai-canada-navalny-email-2021"
PRESS_RELEASE = SRC + "kremlins-political-prisoners-press-release"
EDITORIAL = SRC + "ppkg-editorial-names"

PREFIXES = f"""
PREFIX ppkg: <https://w3id.org/ppkg/ontology#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX schema: <https://schema.org/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX person: <{PERSON}>
PREFIX org: <{ORG}>
PREFIX src: <{SRC}>
PREFIX doc: <{ID}document/>
PREFIX case: <{ID}case/>
"""

Row = dict[str, str]


def _run(server: Server, query: str) -> dict[str, object]:
    client = SPARQLWrapper(server.sparql)
    client.setQuery(PREFIXES + query)
    client.setReturnFormat(JSON)
    result = client.query().convert()
    assert isinstance(result, dict)
    return result


def select(server: Server, query: str) -> list[Row]:
    """SELECT through SPARQLWrapper; each row maps a variable to its value (as a string)."""
    bindings = _run(server, query)["results"]["bindings"]  # type: ignore[index]
    return [{k: v["value"] for k, v in row.items()} for row in bindings]


def ask(server: Server, query: str) -> bool:
    answer = _run(server, query)["boolean"]
    assert isinstance(answer, bool)
    return answer


def named(server: Server, name: str, **params: str) -> list[Row]:
    """A named query over plain HTTP, as SPARQL JSON rows."""
    response = requests.get(f"{server.url}/queries/{name}", params=params, timeout=30)
    assert response.status_code == 200, response.text
    bindings = response.json()["results"]["bindings"]
    return [{k: v["value"] for k, v in row.items()} for row in bindings]


# --- every source: identifier and the person it is about --------------------------------


def test_urgent_action_identifiers(server: Server) -> None:
    rows = select(server, "SELECT ?g ?id WHERE { GRAPH ?g { ?g dcterms:identifier ?id } }")
    assert {r["g"]: r["id"] for r in rows} == {
        UA_82_20: "UA 82.20",
        UA_23_24: "UA 23.24",
        UA_126_19: "UA 126/19",
    }


@pytest.mark.parametrize(
    ("person", "source", "identifier"),
    [
        ("konstantin-kotov", UA_82_20, "UA 82.20"),
        ("aleksei-gorinov", UA_23_24, "UA 23.24"),
        ("emir-usein-kuku", UA_126_19, "UA 126/19"),
        ("aleksei-navalny", NAVALNY_EMAIL, None),
    ],
)
def test_source_is_about_its_prisoner(
    server: Server, person: str, source: str, identifier: str | None
) -> None:
    rows = select(server, "SELECT ?g ?about WHERE { GRAPH ?g { ?g schema:about ?about } }")
    assert {r["g"]: r["about"] for r in rows}[source] == PERSON + person
    listed = {r["source"]: r for r in named(server, "sources", resource=PERSON + person)}
    assert source in listed
    assert listed[source].get("identifier") == identifier


# --- UA 82.20: Konstantin Kotov -----------------------------------------------------------

KOTOV_EVENTS = """
SELECT ?g ?date ?court WHERE {
  GRAPH ?g {
    ?prosecution ppkg:defendant person:konstantin-kotov .
    ?event a ppkg:%s ; ppkg:prosecution ?prosecution ; ppkg:date ?date .
    OPTIONAL { ?event ppkg:court ?court }
  }
}
"""


@pytest.mark.parametrize(
    ("event_class", "date", "court"),
    [
        ("Arrest", "2019-08-10", None),
        ("Verdict", "2019-09-05", ORG + "tverskoy-district-court-moscow"),
        ("Appeal", "2019-10-14", ORG + "moscow-city-court"),
        ("ConstitutionalReview", "2020-01-27", ORG + "constitutional-court-russia"),
        ("Review", "2020-04-20", ORG + "moscow-city-court"),
    ],
)
def test_kotov_procedural_events(
    server: Server, event_class: str, date: str, court: str | None
) -> None:
    rows = select(server, KOTOV_EVENTS % event_class)
    expected: Row = {"g": UA_82_20, "date": date}
    if court is not None:
        expected["court"] = court
    assert rows == [expected]


def test_kotov_convicted_under_212_1_to_four_years_upheld(server: Server) -> None:
    rows = select(
        server,
        """
        SELECT ?g ?number ?courtLabel ?term ?upheldOn WHERE {
          GRAPH ?g {
            ?prosecution ppkg:defendant person:konstantin-kotov ;
              ppkg:charge/ppkg:provision/eli:number ?number ;
              ppkg:sentence ?sentence .
            ?verdict a ppkg:Verdict ; ppkg:prosecution ?prosecution ;
              ppkg:court/rdfs:label ?courtLabel .
            ?sentence ppkg:imposedBy ?verdict ; ppkg:term ?term ;
              ppkg:upheldBy/ppkg:date ?upheldOn .
          }
        }
        """,
    )
    assert rows == [
        {
            "g": UA_82_20,
            "number": "212.1",
            "courtLabel": "Tverskoy District Court of Moscow",
            "term": "P4Y",
            "upheldOn": "2019-10-14",
        }
    ]


def test_kotov_sentence_versions_through_named_query(server: Server) -> None:
    rows = named(server, "sentences", person=PERSON + "konstantin-kotov")
    assert [(r["term"], r["date"], r["courtLabel"], r["article"]) for r in rows] == [
        ("P4Y", "2019-09-05", "Tverskoy District Court of Moscow", ARTICLE + "212.1"),
        ("P1Y6M", "2020-04-20", "Moscow City Court", ARTICLE + "212.1"),
    ]
    first, later = rows
    assert "replaces" not in first
    assert later["replaces"] == first["sentence"]
    # The replacement is stated by UA 82.20.
    stated = select(
        server,
        f"""
        SELECT ?g ?term ?oldTerm WHERE {{
          GRAPH ?g {{ <{later["sentence"]}> ppkg:replaces ?old ; ppkg:term ?term .
                      ?old ppkg:term ?oldTerm }}
        }}
        """,
    )
    assert stated == [{"g": UA_82_20, "term": "P1Y6M", "oldTerm": "P4Y"}]


@pytest.mark.parametrize("name", ["Ildar Dadin", "Andrey Borovikov"])
def test_dadin_and_borovikov_convicted_under_212_1(server: Server, name: str) -> None:
    rows = select(
        server,
        f"""
        SELECT ?g ?number WHERE {{
          GRAPH ?g {{
            ?person schema:name "{name}"@en .
            ?prosecution ppkg:defendant ?person ;
              ppkg:charge/ppkg:provision/eli:number ?number .
            ?verdict a ppkg:Verdict ; ppkg:prosecution ?prosecution .
          }}
        }}
        """,
    )
    assert rows == [{"g": UA_82_20, "number": "212.1"}]


def test_dadin_conviction_quashed_in_2017(server: Server) -> None:
    rows = select(
        server,
        """
        SELECT ?g ?date (DATATYPE(?date) AS ?type) WHERE {
          GRAPH ?g {
            ?prosecution ppkg:defendant person:ildar-dadin .
            ?verdict a ppkg:Verdict ; ppkg:prosecution ?prosecution .
            ?quashing a ppkg:Quashing ; ppkg:quashes ?verdict ; ppkg:date ?date .
          }
        }
        """,
    )
    assert rows == [{"g": UA_82_20, "date": "2017", "type": XSD + "gYear"}]
    # Borovikov's conviction was not quashed.
    assert not ask(
        server,
        """
        ASK { ?prosecution ppkg:defendant person:andrey-borovikov .
              ?verdict ppkg:prosecution ?prosecution . ?q ppkg:quashes ?verdict }
        """,
    )


@pytest.mark.parametrize(
    ("number", "introduced", "datatype", "source"),
    [("212.1", "2014", "gYear", UA_82_20), ("207.3", "2022-03", "gYearMonth", UA_23_24)],
)
def test_article_introduced(
    server: Server, number: str, introduced: str, datatype: str, source: str
) -> None:
    rows = select(
        server,
        f"""
        SELECT ?g ?date (DATATYPE(?date) AS ?type) WHERE {{
          GRAPH ?g {{ ?article a ppkg:Article ; eli:number "{number}" ;
                                ppkg:introducedIn ?date }}
        }}
        """,
    )
    assert rows == [{"g": source, "date": introduced, "type": XSD + datatype}]


def test_prosecutors_general_by_source(server: Server) -> None:
    rows = named(server, "officials", organisation=ORG + "prosecutor-generals-office-russia")
    assert {(r["name"], r["postLabel"], r["source"]) for r in rows} == {
        ("Igor Viktorovich Krasnov", "Prosecutor General of the Russian Federation", UA_82_20),
        ("Igor Viktorovich Krasnov", "Prosecutor General of the Russian Federation", UA_23_24),
        ("Yuri Chaika", "Prosecutor General of the Russian Federation", PRESS_RELEASE),
    }


def test_krasnov_sources(server: Server) -> None:
    rows = named(server, "sources", resource=PERSON + "igor-krasnov")
    documents = {r["source"]: r.get("identifier") for r in rows}
    # Only source documents: neither the ontology nor the inferred graph is a source.
    assert documents == {UA_82_20: "UA 82.20", UA_23_24: "UA 23.24", EDITORIAL: None}


# --- recognitions in UA 82.20, UA 23.24, UA 126/19 and the Navalny email ------------------


@pytest.mark.parametrize(
    ("person", "source"),
    [
        ("konstantin-kotov", UA_82_20),
        ("aleksei-gorinov", UA_23_24),
        ("emir-usein-kuku", UA_126_19),
        ("muslim-aliyev", UA_126_19),
        ("enver-bekirov", UA_126_19),
        ("vadim-siruk", UA_126_19),
        ("refat-alimov", UA_126_19),
        ("arsen-dzhepparov", UA_126_19),
        ("aleksei-navalny", NAVALNY_EMAIL),
    ],
)
def test_prisoner_of_conscience_recognised_by_amnesty(
    server: Server, person: str, source: str
) -> None:
    rows = named(server, "recognitions", person=PERSON + person)
    assert [(r["status"], r["statusLabel"], r["byLabel"], r["source"]) for r in rows] == [
        (POC, "prisoner of conscience", "Amnesty International", source)
    ]
    assert "date" not in rows[0]  # none of the documents dates the recognition


# --- UA 23.24: Aleksei Gorinov -------------------------------------------------------------


def test_gorinov_arrested_and_charged_under_207_3(server: Server) -> None:
    rows = select(
        server,
        """
        SELECT ?g ?arrested ?number ?spoke WHERE {
          GRAPH ?g {
            ?prosecution ppkg:defendant person:aleksei-gorinov ; ppkg:charge ?charge .
            ?charge ppkg:provision/eli:number ?number ; ppkg:actDate ?spoke .
            ?arrest a ppkg:Arrest ; ppkg:prosecution ?prosecution ; ppkg:date ?arrested .
          }
        }
        """,
    )
    assert rows == [
        {"g": UA_23_24, "arrested": "2022-04-26", "number": "207.3", "spoke": "2022-03-15"}
    ]
    listed = named(server, "prisoners-by-article", article="207.3")
    assert [(r["person"], r["name"]) for r in listed] == [
        (PERSON + "aleksei-gorinov", "Aleksei Gorinov")
    ]


def test_gorinov_sentence_reduced_by_one_month_on_appeal(server: Server) -> None:
    rows = named(server, "sentences", person=PERSON + "aleksei-gorinov")
    assert [(r["term"], r.get("date"), r["article"]) for r in rows] == [
        ("P7Y", None, ARTICLE + "207.3"),
        ("P6Y11M", "2023-09-19", ARTICLE + "207.3"),
    ]
    assert rows[1]["replaces"] == rows[0]["sentence"]
    stated = select(
        server,
        """
        SELECT ?g ?date ?term ?oldTerm WHERE {
          GRAPH ?g {
            ?appeal a ppkg:Appeal ; ppkg:date ?date ; ppkg:upholds ?verdict ;
              ppkg:prosecution/ppkg:defendant person:aleksei-gorinov .
            ?new ppkg:imposedBy ?appeal ; ppkg:term ?term ; ppkg:replaces ?old .
            ?old ppkg:imposedBy ?verdict ; ppkg:term ?oldTerm .
          }
        }
        """,
    )
    assert stated == [{"g": UA_23_24, "date": "2023-09-19", "term": "P6Y11M", "oldTerm": "P7Y"}]


def test_gorinov_transferred_to_penal_colony_2_in_pokrov(server: Server) -> None:
    rows = select(
        server,
        """
        SELECT ?g ?to ?label ?town WHERE {
          GRAPH ?g {
            ?transfer a ppkg:Transfer ; ppkg:transferredTo ?to ;
              ppkg:prosecution/ppkg:defendant person:aleksei-gorinov .
            ?to a ppkg:PenalColony ; rdfs:label ?label ; ppkg:locatedIn/rdfs:label ?town .
            FILTER(LANG(?town) = "en")
          }
        }
        """,
    )
    assert rows == [
        {
            "g": UA_23_24,
            "to": ORG + "penal-colony-2-pokrov",
            "label": "Penal Colony No. 2, Pokrov",
            "town": "Pokrov",
        }
    ]


def test_gorinov_health_only_in_the_sensitive_graph(sensitive_server: Server) -> None:
    server = sensitive_server
    reports = select(
        server,
        """
        SELECT ?g ?report ?date WHERE {
          GRAPH ?g { ?report a ppkg:ConditionsReport ; ppkg:concerns person:aleksei-gorinov .
                     OPTIONAL { ?report ppkg:date ?date } }
        }
        """,
    )
    assert {r["g"] for r in reports} == {UA_23_24_SENSITIVE}
    assert sorted(r.get("date", "") for r in reports) == ["", "2023-12-05", "2023-12-08"]
    health = 'FILTER(isLiteral(?o) && REGEX(STR(?o), "lung|respiratory|pale blue|snow", "i"))'
    in_graph = "ASK { GRAPH <%s> { ?s ?p ?o %s } }"
    assert ask(server, in_graph % (UA_23_24_SENSITIVE, health))
    assert not ask(server, in_graph % (UA_23_24, health))
    assert not ask(server, f"ASK {{ GRAPH <{UA_23_24}> {{ ?r a ppkg:ConditionsReport }} }}")
    marked = select(
        server,
        f"""
        SELECT ?sensitive ?from WHERE {{
          GRAPH <{UA_23_24_SENSITIVE}> {{
            <{UA_23_24_SENSITIVE}> ppkg:sensitive ?sensitive ; prov:wasDerivedFrom ?from }}
        }}
        """,
    )
    assert marked == [{"sensitive": "true", "from": UA_23_24}]
    sources = named(server, "sources", resource=PERSON + "aleksei-gorinov")
    flags = {r["source"]: r.get("sensitive") for r in sources if r["source"].startswith(SRC)}
    assert flags == {UA_23_24: None, UA_23_24_SENSITIVE: "true", EDITORIAL: None}


def test_sensitive_graphs_are_not_published_by_default(server: Server) -> None:
    assert not ask(server, f"ASK {{ GRAPH <{UA_23_24_SENSITIVE}> {{ ?s ?p ?o }} }}")
    health = 'FILTER(isLiteral(?o) && REGEX(STR(?o), "lung|respiratory|pale blue|snow", "i"))'
    assert not ask(server, f"ASK {{ GRAPH ?g {{ ?s ?p ?o {health} }} }}")
    # Nor anything inferred from them: the reports do not exist for the public endpoint.
    assert not ask(server, "ASK { ?report a ppkg:ConditionsReport }")
    assert ask(server, "ASK { ?s ?p ?o }")


# --- UA 126/19 final: Emir-Usein Kuku and five co-defendants -------------------------------

KUKU_SIX = {
    "Muslim Aliyev": "P19Y",
    "Enver Bekirov": "P18Y",
    "Vadim Siruk": "P12Y",
    "Emir-Usein Kuku": "P12Y",
    "Refat Alimov": "P8Y",
    "Arsen Dzhepparov": "P7Y",
}


def test_kuku_and_five_co_defendants_share_one_case(server: Server) -> None:
    rows = select(
        server,
        """
        SELECT ?g ?case ?name ?term WHERE {
          GRAPH ?g {
            ?kukus ppkg:defendant person:emir-usein-kuku ; ppkg:case ?case .
            ?prosecution ppkg:case ?case ; ppkg:defendant ?person ;
              ppkg:sentence/ppkg:term ?term .
            ?person schema:name ?name FILTER(LANG(?name) = "en")
          }
        }
        """,
    )
    assert {r["g"] for r in rows} == {UA_126_19}
    assert {r["case"] for r in rows} == {ID + "case/emir-usein-kuku-and-others"}
    assert {r["name"]: r["term"] for r in rows} == KUKU_SIX
    assert len(rows) == 6


@pytest.mark.parametrize(("name", "term"), sorted(KUKU_SIX.items()))
def test_kuku_case_sentence_through_named_query(server: Server, name: str, term: str) -> None:
    slug = name.lower().replace(" ", "-")
    rows = named(server, "sentences", person=PERSON + slug)
    assert [(r["name"], r["term"], r["date"]) for r in rows] == [(name, term, "2019-11")]
    assert "article" not in rows[0]  # the document names no article


def test_kuku_appeal_upheld_on_25_june_2020(server: Server) -> None:
    rows = select(
        server,
        """
        SELECT ?g ?date ?court (COUNT(DISTINCT ?prosecution) AS ?prosecutions)
               (COUNT(DISTINCT ?sentence) AS ?sentences) WHERE {
          GRAPH ?g {
            ?appeal a ppkg:Appeal ; ppkg:date ?date ; ppkg:prosecution ?prosecution ;
              ppkg:court/rdfs:label ?court ; ppkg:upholds ?sentence .
            ?sentence a ppkg:Sentence .
            ?appeal ppkg:prosecution/ppkg:defendant person:emir-usein-kuku .
          }
        }
        GROUP BY ?g ?date ?court
        """,
    )
    assert rows == [
        {
            "g": UA_126_19,
            "date": "2020-06-25",
            "court": "Military Court of Appeals of the Russian Federation",
            "prosecutions": "6",
            "sentences": "6",
        }
    ]


@pytest.mark.parametrize("spelling", ["Muslim Aliyev", "Muslim Aliev"])
def test_aliyev_spelling_variants_findable(server: Server, spelling: str) -> None:
    rows = select(
        server,
        f"""
        SELECT DISTINCT ?g ?person WHERE {{
          GRAPH ?g {{ ?person schema:name|schema:alternateName ?n }}
          FILTER(STR(?n) = "{spelling}")
        }}
        """,
    )
    assert rows == [{"g": UA_126_19, "person": PERSON + "muslim-aliyev"}]


# --- the Navalny email ----------------------------------------------------------------------


def test_navalny_arrest_on_17_january_without_year(server: Server) -> None:
    rows = select(
        server,
        """
        SELECT ?g ?date (DATATYPE(?date) AS ?type) ?place WHERE {
          GRAPH ?g {
            ?arrest a ppkg:Arrest ; ppkg:date ?date ; ppkg:locatedIn/rdfs:label ?place ;
              ppkg:prosecution/ppkg:defendant person:aleksei-navalny .
          }
        }
        """,
    )
    assert rows == [
        {"g": NAVALNY_EMAIL, "date": "--01-17", "type": XSD + "gMonthDay", "place": "Moscow"}
    ]
    assert not ask(server, f"ASK {{ <{NAVALNY_EMAIL}> dcterms:date|dcterms:issued ?d }}")


def test_navalny_founded_fbk(server: Server) -> None:
    rows = select(
        server,
        """
        SELECT ?g ?label ?founded WHERE {
          GRAPH ?g { ?org schema:founder person:aleksei-navalny ; schema:alternateName "FBK"@en ;
                       rdfs:label ?label ; schema:foundingDate ?founded }
        }
        """,
    )
    assert rows == [{"g": NAVALNY_EMAIL, "label": "Anti-Corruption Foundation", "founded": "2011"}]


# --- the press release on "The Kremlin's Political Prisoners" -------------------------------

EIGHT_OFFICIALS = {
    "Vladimir Putin": "President of the Russian Federation",
    "Alexander Bortnikov": "Director of the Federal Security Service (FSB)",
    "Nikolai Patrushev": "Secretary of the Security Council of the Russian Federation",
    "Yuri Chaika": "Prosecutor General of the Russian Federation",
    "Gennady Kornienko": "Director of the Federal Penitentiary Service",
    "Aleksandr Konovalov": "Minister of Justice of the Russian Federation",
    "Vladimir Kolokoltsev": "Minister of Internal Affairs of the Russian Federation",
    "Alexander Bastrykin": "Chairman of the Investigative Committee of the Russian Federation",
}


@pytest.mark.parametrize(("name", "post"), EIGHT_OFFICIALS.items())
def test_press_release_official_and_post(server: Server, name: str, post: str) -> None:
    rows = named(server, "officials")
    posts = {r["postLabel"] for r in rows if r["name"] == name and r["source"] == PRESS_RELEASE}
    assert posts == {post}


def test_report_identifies_the_eight_officials(server: Server) -> None:
    rows = select(
        server,
        """
        SELECT ?g ?name WHERE {
          GRAPH ?g { doc:kremlins-political-prisoners-report ppkg:identifiesAsResponsible ?p .
                     ?p schema:name ?name FILTER(LANG(?name) = "en") }
        }
        """,
    )
    assert {r["g"] for r in rows} == {PRESS_RELEASE}
    assert sorted(r["name"] for r in rows) == sorted(EIGHT_OFFICIALS)


@pytest.mark.parametrize(
    ("relation", "labels"),
    [
        ("schema:author", {"Perseus Strategies"}),
        ("ppkg:supportedBy", {"Memorial Human Rights Centre"}),
        (
            "ppkg:commissionedBy",
            {
                "Free Russia Foundation",
                "Human Rights Foundation",
                "Lantos Foundation for Human Rights and Justice",
                "Raoul Wallenberg Centre for Human Rights",
            },
        ),
    ],
)
def test_report_author_support_and_commissioners(
    server: Server, relation: str, labels: set[str]
) -> None:
    rows = select(
        server,
        f"""
        SELECT ?g ?label WHERE {{
          GRAPH ?g {{ doc:kremlins-political-prisoners-report {relation} ?org ;
                        dcterms:title ?title .
                      ?org rdfs:label ?label FILTER(LANG(?label) = "en") }}
          FILTER(STRSTARTS(?title, "The Kremlin's Political Prisoners"))
        }}
        """,
    )
    assert {r["g"] for r in rows} == {PRESS_RELEASE}
    assert {r["label"] for r in rows} == labels
    assert len(rows) == len(labels)


# --- Cyrillic names: the editorial graph -----------------------------------------------------


@pytest.mark.parametrize(
    ("person", "russian"),
    [
        ("konstantin-kotov", "Константин Котов"),
        ("aleksei-gorinov", "Алексей Горинов"),
        ("emir-usein-kuku", "Эмир-Усеин Куку"),
        ("muslim-aliyev", "Муслим Алиев"),
        ("aleksei-navalny", "Алексей Навальный"),
        ("igor-krasnov", "Игорь Викторович Краснов"),
        ("yuri-chaika", "Юрий Чайка"),
    ],
)
def test_cyrillic_name_from_editorial_graph(server: Server, person: str, russian: str) -> None:
    rows = select(
        server,
        f"""
        SELECT ?g ?name WHERE {{
          GRAPH ?g {{ person:{person} schema:name ?name FILTER(LANG(?name) = "ru") }}
        }}
        """,
    )
    assert rows == [{"g": EDITORIAL, "name": russian}]


def test_no_source_document_graph_has_cyrillic(server: Server) -> None:
    assert not ask(
        server,
        f"""
        ASK {{
          GRAPH ?g {{ ?s ?p ?o FILTER(isLiteral(?o) && LCASE(LANG(?o)) = "ru") }}
          FILTER(STRSTARTS(STR(?g), "{SRC}") && ?g != <{EDITORIAL}>)
        }}
        """,
    )


@pytest.mark.parametrize(
    ("article", "names"),
    [
        (
            "212.1",
            {
                "konstantin-kotov": "Константин Котов",
                "ildar-dadin": "Ильдар Дадин",
                "andrey-borovikov": "Андрей Боровиков",
            },
        ),
        ("207.3", {"aleksei-gorinov": "Алексей Горинов"}),
    ],
)
def test_prisoners_by_article_in_russian(
    server: Server, article: str, names: dict[str, str]
) -> None:
    rows = named(server, "prisoners-by-article", article=article, lang="ru")
    assert {r["person"].removeprefix(PERSON): r["name"] for r in rows} == names
    assert {r["article"] for r in rows} == {ARTICLE + article}
    assert len(rows) == len(names)
