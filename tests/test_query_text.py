"""Parameters written into the query text mean what Oxigraph's own pre-binding means: every named
query, with its examples and other values, gives the same rows both ways on the seed data."""

from __future__ import annotations

from collections import Counter

import pytest
from pyoxigraph import (
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QueryTriples,
    RdfFormat,
    Store,
    Variable,
)

from server.core.content import content_files
from server.core.named_queries import load_queries
from server.core.problem import Problem
from server.core.query_text import (
    graph_patterns,
    has_quantified_path,
    in_graph,
    mentions_graph,
    prebind,
    without_dataset,
)
from server.core.vocabulary import Term
from server.graph.reasoning import infer

from .conftest import REPO

pytestmark = pytest.mark.no_backend  # the same whatever --backend is: run once

QUERIES = load_queries(REPO / "queries")
PERSON = "https://w3id.org/ppkg/id/person/konstantin-kotov"


@pytest.fixture(scope="module")
def store() -> Store:
    built = Store()
    for content in content_files(REPO):
        graph = NamedNode(content.graph) if content.graph else None
        fmt = RdfFormat.TRIG if content.path.suffix == ".trig" else RdfFormat.TURTLE
        built.load(path=content.path, format=fmt, to_graph=graph)
    infer(built)
    return built


def rows(store: Store, query: str, bindings: dict[str, Term] | None = None) -> Counter[str]:
    options = {"use_default_graph_as_union": True}
    if bindings:
        subs = {Variable(k): v for k, v in bindings.items()}
        found = store.query(query, substitutions=subs, **options)  # type: ignore[arg-type]
    else:
        found = store.query(query, **options)  # type: ignore[arg-type]
    variables = found.variables  # type: ignore[union-attr]
    return Counter(
        "|".join(str(s[v]) for v in variables)
        for s in found  # type: ignore[union-attr]
    )


def cases() -> list[tuple[str, dict[str, str]]]:
    out = []
    for name, query in sorted(QUERIES.items()):
        examples = {p.name: p.example for p in query.params if p.example}
        out.append((name, examples))
        if any(p.name == "lang" for p in query.params):
            out.append((name, {**examples, "lang": "ru"}))
        if any(p.name == "person" for p in query.params):
            out.append((name, {**examples, "person": PERSON}))
    return out


@pytest.mark.parametrize(("name", "values"), cases(), ids=lambda v: str(v))
def test_named_queries_agree_with_oxigraphs_prebinding(
    store: Store, name: str, values: dict[str, str]
) -> None:
    query = QUERIES[name]
    bindings = query.bind(values)
    native = rows(store, query.text, bindings)
    written = rows(store, prebind(query.text, bindings))
    assert written == native
    assert native, "the seed data answers every example"


def test_a_filter_deep_in_an_optional_sees_the_value(store: Store) -> None:
    # A VALUES block opening the WHERE clause would leave ?lang unbound in the inner OPTIONAL.
    query = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    SELECT ?a ?label ?lang WHERE { ?a a <https://w3id.org/ppkg/ontology#Article>
      OPTIONAL { ?a ?p ?o OPTIONAL { ?a rdfs:label ?label FILTER(LANG(?label) = ?lang) } } }"""
    bindings: dict[str, Term] = {"lang": Literal("ru")}
    assert rows(store, prebind(query, bindings)) == rows(store, query, bindings)
    assert any("@ru" in r for r in rows(store, prebind(query, bindings)))


def test_subqueries_keep_variables_they_do_not_project(store: Store) -> None:
    query = """SELECT ?n ?s WHERE { { SELECT (COUNT(?s) AS ?n) WHERE { ?s a ?c } } }"""
    bindings: dict[str, Term] = {"s": NamedNode(PERSON)}
    text = prebind(query, bindings)
    assert rows(store, text) == rows(store, query, bindings)
    assert "COUNT(?s)" in text


def test_values_are_written_as_terms_never_as_syntax() -> None:
    hostile = Literal('en") } } DROP ALL #\n"')
    text = prebind('SELECT ?x WHERE { ?x ?p ?o FILTER(STR(?o) = ?v) } # ?v "?v"', {"v": hostile})
    assert 'BIND("en\\") } } DROP ALL #\\n\\"" AS ?v)' in text
    assert text.endswith('# ?v "?v"')  # comments and strings untouched
    Store().query(text)  # still one valid query


def test_bound_and_assignment() -> None:
    assert "FILTER(true)" in prebind(
        "SELECT * WHERE { OPTIONAL { ?a ?b ?c } FILTER(BOUND(?v)) }", {"v": Literal("x")}
    )
    with pytest.raises(Problem):
        prebind('SELECT * WHERE { BIND("y" AS ?v) }', {"v": Literal("x")})
    with pytest.raises(Problem):
        prebind("SELECT * WHERE { VALUES ?v { 1 } }", {"v": Literal("x")})


def test_dataset_clauses_come_out() -> None:
    query = (
        "PREFIX ex: <http://example.org/>\nSELECT * FROM <urn:a> FROM NAMED ex:b\n"
        'from named <urn:c> WHERE { ?s ?p "FROM <urn:d>" } # FROM <urn:e>'
    )
    text = without_dataset(query)
    assert "urn:a" not in text and "ex:b" not in text and "urn:c" not in text
    assert '"FROM <urn:d>"' in text and "# FROM <urn:e>" in text
    Store().query(text)


def test_graph_patterns_in_other_words(store: Store) -> None:
    named = sorted(g.value for g in store.named_graphs())  # type: ignore[union-attr]
    for query in [
        "SELECT ?g WHERE { GRAPH ?g {} FILTER(?g != <urn:x>) } # GRAPH ?h {}",
        "PREFIX x: <urn:x:> SELECT (COUNT(*) AS ?n) { GRAPH x:nothing { ?s ?p ?o } }",
        "SELECT * WHERE { OPTIONAL { GRAPH <urn:nothing> { ?s ?p ?o } } ?a a ?b }",
        "PREFIX src: <https://w3id.org/ppkg/source/> SELECT * { GRAPH src:ua-23-24 { ?s a ?c } }",
    ]:
        text = graph_patterns(query, named)
        assert rows(store, text) == rows(store, query), query
    assert "VALUES ?g" in graph_patterns("SELECT ?g { GRAPH ?g {} }", named)
    assert "FILTER(false)" in graph_patterns("ASK { GRAPH <urn:no> { ?s ?p ?o } }", named)
    assert "FILTER" not in graph_patterns(f"ASK {{ GRAPH <{named[0]}> {{ ?s ?p ?o }} }}", named)


def test_quantified_paths_are_told_apart() -> None:
    assert has_quantified_path("SELECT * { ?a <urn:p>* ?b }")
    assert has_quantified_path("PREFIX e: <urn:e:> SELECT ?a { ?a e:p/e:q+ ?b }")
    assert has_quantified_path("SELECT ?a { ?a (<urn:p>|<urn:q>)? ?b }")
    assert not has_quantified_path("SELECT * { ?a ?p ?b }")
    assert not has_quantified_path("SELECT (COUNT(*) AS ?n) { ?a ?p ?b FILTER(?b * 2 > 1) }")


def test_graph_patterns_are_told_from_the_word_in_strings_and_comments() -> None:
    assert mentions_graph("SELECT * { graph ?g { ?s ?p ?o } }")
    assert not mentions_graph('SELECT * { ?s ?p "GRAPH" } # GRAPH ?g {}')


def test_a_where_clause_inside_one_graph_reads_it_as_its_default_graph(store: Store) -> None:
    """For Virtuoso, the union graph: each query run inside `GRAPH <union> { }` answers as the
    plain query does with that graph as its default graph, its GRAPH patterns untouched."""
    union = NamedNode("urn:test:union")
    merged = Store()
    merged.extend(store.quads_for_pattern(None, None, None, None))
    merged.extend(Quad(q.subject, q.predicate, q.object, union) for q in store)
    for query in [
        "SELECT ?c (COUNT(*) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c LIMIT 5",
        f"SELECT * {{ GRAPH ?g {{ <{PERSON}> ?p ?o }} ?s a ?c }} VALUES ?c {{ owl:Class }}",
        "ASK { ?s ?p ?o FILTER NOT EXISTS { ?o ?q ?s } }",
        "CONSTRUCT WHERE { ?s a <https://w3id.org/ppkg/ontology#Person> }",
        "CONSTRUCT { ?s <urn:x> ?n } { { SELECT ?s (COUNT(*) AS ?n) { ?s ?p ?o } GROUP BY ?s } }",
    ]:
        query = "PREFIX owl: <http://www.w3.org/2002/07/owl#>\n" + query
        wrapped = in_graph(query, union.value)
        assert wrapped is not None and wrapped != query
        assert answer(merged, wrapped) == answer(merged, query, default_graph=union), query
    assert in_graph(f"DESCRIBE ?s WHERE {{ ?s ?p <{PERSON}> }}", union.value) is None


def test_graph_variables_joined_with_a_list_of_graphs_range_over_those_graphs(store: Store) -> None:
    """`member` restricts each GRAPH ?v to the graphs a pattern lists (Virtuoso's META graph), as
    a dataset naming those graphs would."""
    meta, holds = NamedNode("urn:test:meta"), NamedNode("urn:test:holds")
    named = [g for g in store.named_graphs() if "inferred" not in g.value]  # type: ignore[union-attr]
    listed = Store()
    listed.extend(store.quads_for_pattern(None, None, None, None))
    listed.extend(Quad(meta, holds, g, meta) for g in named)

    def member(var: str) -> str:
        return f"GRAPH <{meta.value}> {{ <{meta.value}> <{holds.value}> {var} }}"

    for query in [
        "SELECT ?g WHERE { GRAPH ?g {} }",
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
        f"SELECT * {{ ?s ?p ?o OPTIONAL {{ GRAPH ?g {{ ?s ?p ?o }} }} FILTER(?s = <{PERSON}>) }}",
    ]:
        text = graph_patterns(query, {g.value for g in named}, member)
        assert "VALUES" not in text and text != query
        plain = answer(listed, query, default_graph=named, named_graphs=named)
        assert answer(listed, text, default_graph=named) == plain, query


def answer(store: Store, query: str, **options: object) -> Counter[str]:
    """Rows, or triples, of the answer, in a form that compares."""
    found = store.query(query, **options)  # type: ignore[arg-type]
    if isinstance(found, QueryBoolean):
        return Counter([str(bool(found))])
    if isinstance(found, QueryTriples):
        return Counter(str(t) for t in found)
    return Counter(str([row[v] for v in found.variables]) for row in found)  # type: ignore[union-attr]
