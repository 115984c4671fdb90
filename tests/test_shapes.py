"""SHACL shapes (shapes/ppkg-shapes.ttl): every shape has a conforming example (the small world in
tests/shape_examples/base.trig) and non-conforming ones (tests/shape_examples/bad/*.trig, each added
alone), the curated data conforms, and the shapes themselves are valid, labelled and bilingual.

Validation runs pySHACL over ONE graph: the union of the example's (or data's) named graphs, the
ontology, and the "source descriptions" `G ppkgsh:describes S` for every subject S of every named
graph G, which keep the graph membership that the provenance and publication rules need.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path

import pytest
from pyoxigraph import DefaultGraph, NamedNode, Quad, RdfFormat, Store, parse, serialize
from pyshacl import validate
from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from .conftest import REPO

pytestmark = pytest.mark.no_backend  # the same whatever --backend is: run once

SHAPES = REPO / "shapes" / "ppkg-shapes.ttl"
ONTOLOGY = REPO / "ontology" / "ppkg.ttl"
EXAMPLES = Path(__file__).resolve().parent / "shape_examples"
PPKGSH = Namespace("https://w3id.org/ppkg/shapes#")
PPKG = Namespace("https://w3id.org/ppkg/ontology#")
DESCRIBES = NamedNode(str(PPKGSH.describes))
PREFIXES = {
    "schema": "https://schema.org/",
    "ppkg": str(PPKG),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "eli": "http://data.europa.eu/eli/ontology#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
}
# Shapes used only through sh:node from other shapes; they have no targets of their own.
VALUE_SHAPES = {
    "PenaltyTypeConcept",
    "RegimeConcept",
    "StatusConcept",
    "ThemeConcept",
    "TargetedGroupConcept",
    "DateValue",
    "DatedValue",
    "AgentValue",
}

# (example in shape_examples/bad/, expected sh:sourceShape, sh:resultPath or None, severity)
CASES: list[tuple[str, str, str | None, str]] = [
    ("person-blank-node", "PersonShape", None, "Violation"),
    ("person-two-english-names", "Person-name", "schema:name", "Violation"),
    ("person-name-language", "Person-name", "schema:name", "Violation"),
    ("person-no-english-name", "Person-nameEn", "schema:name", "Violation"),
    ("person-alternate-name-untagged", "Person-alternateName", "schema:alternateName", "Violation"),
    ("person-description-untagged", "Person-description", "schema:description", "Violation"),
    ("person-detained-at-city", "Person-detainedAt", "ppkg:detainedAt", "Violation"),
    ("person-owl-same-as", "Person-owlSameAs", "owl:sameAs", "Violation"),
    ("person-same-as-literal", "Person-sameAs", None, "Violation"),
    ("organisation-blank-node", "OrganisationShape", None, "Violation"),
    ("organisation-two-english-labels", "Organisation-label", "rdfs:label", "Violation"),
    ("organisation-no-english-label", "Organisation-labelEn", "rdfs:label", "Violation"),
    (
        "organisation-alternate-name-untagged",
        "Organisation-alternateName",
        "schema:alternateName",
        "Violation",
    ),
    ("organisation-url-string", "Organisation-url", "schema:url", "Violation"),
    (
        "organisation-located-in-organisation",
        "Organisation-locatedIn",
        "ppkg:locatedIn",
        "Violation",
    ),
    ("organisation-address-tagged", "Organisation-address", "schema:address", "Violation"),
    ("state-body-and-ngo", "StateBodyShape", None, "Violation"),
    ("state-and-court", "StateShape", None, "Violation"),
    ("court-and-prosecution-service", "CourtShape", None, "Violation"),
    ("court-two-locations", "Court-locatedIn", "ppkg:locatedIn", "Violation"),
    ("international-court-and-court", "InternationalCourtShape", None, "Violation"),
    ("prosecution-service-and-court", "ProsecutionServiceShape", None, "Violation"),
    ("security-service-and-court", "SecurityServiceShape", None, "Violation"),
    ("investigative-authority-and-court", "InvestigativeAuthorityShape", None, "Violation"),
    ("law-enforcement-agency-and-court", "LawEnforcementAgencyShape", None, "Violation"),
    ("ministry-and-court", "MinistryShape", None, "Violation"),
    ("penitentiary-authority-and-court", "PenitentiaryAuthorityShape", None, "Violation"),
    ("diplomatic-mission-and-court", "DiplomaticMissionShape", None, "Violation"),
    ("legislature-and-court", "LegislatureShape", None, "Violation"),
    ("penal-institution-and-court", "PenalInstitutionShape", None, "Violation"),
    ("media-organisation-and-court", "MediaOrganisationShape", None, "Violation"),
    ("research-institute-and-court", "ResearchInstituteShape", None, "Violation"),
    ("diplomatic-mission-no-location", "DiplomaticMission-locatedIn", "ppkg:locatedIn", "Info"),
    (
        "penal-institution-two-locations",
        "PenalInstitution-locatedIn",
        "ppkg:locatedIn",
        "Violation",
    ),
    ("penal-colony-and-hospital", "PenalColonyShape", None, "Violation"),
    ("prison-hospital-no-location", "PrisonHospital-locatedIn", "ppkg:locatedIn", "Violation"),
    ("ngo-and-international-body", "NonGovernmentalOrganisationShape", None, "Violation"),
    ("international-body-and-media", "InternationalBodyShape", None, "Violation"),
    ("law-firm-and-state-body", "LawFirmShape", None, "Violation"),
    ("place-blank-node", "PlaceShape", None, "Violation"),
    ("place-label-language", "Place-label", "rdfs:label", "Violation"),
    ("place-no-english-label", "Place-labelEn", "rdfs:label", "Violation"),
    ("place-of-detention-no-location", "PlaceOfDetention-locatedIn", "ppkg:locatedIn", "Warning"),
    ("provision-blank-node", "LegalProvisionShape", None, "Violation"),
    ("provision-no-label", "LegalProvision-label", "rdfs:label", "Violation"),
    ("provision-number-integer", "LegalProvision-number", "eli:number", "Violation"),
    ("provision-two-parents", "LegalProvision-partOf", "eli:is_part_of", "Violation"),
    ("provision-introduced-date", "LegalProvision-introducedIn", "ppkg:introducedIn", "Violation"),
    ("provision-in-force-year", "LegalProvision-inForce", None, "Violation"),
    ("code-part-of", "Code-partOf", "eli:is_part_of", "Violation"),
    ("article-number-malformed", "Article-number", "eli:number", "Violation"),
    ("article-part-of-article", "Article-partOf", "eli:is_part_of", "Violation"),
    ("article-part-number-malformed", "ArticlePart-number", "eli:number", "Violation"),
    ("article-part-of-code", "ArticlePart-partOf", "eli:is_part_of", "Violation"),
    ("case-blank-node", "CaseShape", None, "Violation"),
    ("case-no-label", "Case-label", "rdfs:label", "Violation"),
    ("case-theme-wrong-scheme", "Case-theme", "ppkg:theme", "Violation"),
    ("criminal-case-orphan", "CriminalCase-prosecution", None, "Warning"),
    ("prosecution-blank-node", "ProsecutionShape", None, "Violation"),
    ("prosecution-two-defendants", "Prosecution-defendant", "ppkg:defendant", "Violation"),
    ("prosecution-no-case", "Prosecution-case", "ppkg:case", "Violation"),
    ("prosecution-charge-person", "Prosecution-charge", "ppkg:charge", "Violation"),
    ("prosecution-sentence-literal", "Prosecution-sentence", "ppkg:sentence", "Violation"),
    ("prosecution-theme-wrong-scheme", "Case-theme", "ppkg:theme", "Violation"),
    ("charge-blank-node", "ChargeShape", None, "Violation"),
    ("charge-orphan", "Charge-prosecution", None, "Violation"),
    ("charge-no-label", "Charge-label", "rdfs:label", "Violation"),
    ("charge-provision-code", "Charge-provision", "ppkg:provision", "Violation"),
    ("charge-act-date-no-year", "Charge-actDate", "ppkg:actDate", "Violation"),
    ("sentence-blank-node", "SentenceShape", None, "Violation"),
    ("sentence-orphan", "Sentence-prosecution", None, "Violation"),
    ("sentence-penalty-wrong-scheme", "Sentence-penaltyType", "ppkg:penaltyType", "Violation"),
    ("sentence-no-penalty-type", "Sentence-penaltyType", "ppkg:penaltyType", "Violation"),
    ("sentence-term-hours", "Sentence-term", "ppkg:term", "Violation"),
    ("sentence-term-string", "Sentence-term", "ppkg:term", "Violation"),
    ("sentence-regime-wrong-scheme", "Sentence-regime", "ppkg:regime", "Violation"),
    ("sentence-imposed-by-arrest", "Sentence-imposedBy", "ppkg:imposedBy", "Violation"),
    ("sentence-replaces-two", "Sentence-replaces", "ppkg:replaces", "Violation"),
    ("sentence-upheld-by-arrest", "Sentence-upheldBy", "ppkg:upheldBy", "Violation"),
    ("event-blank-node", "ProceduralEventShape", None, "Violation"),
    ("event-no-label", "Event-label", "rdfs:label", "Violation"),
    ("event-date-string", "Event-date", "ppkg:date", "Violation"),
    ("event-two-dates", "Event-date", "ppkg:date", "Violation"),
    ("event-prosecution-person", "Event-prosecution", "ppkg:prosecution", "Violation"),
    ("event-court-ngo", "Event-court", "ppkg:court", "Violation"),
    ("event-concerns-organisation", "Event-concerns", "ppkg:concerns", "Violation"),
    ("arrest-of-no-one", "Event-ofSomeone", None, "Violation"),
    ("detention-of-no-one", "Event-ofSomeone", None, "Violation"),
    ("release-of-no-one", "Event-ofSomeone", None, "Violation"),
    ("pardon-of-no-one", "Event-ofSomeone", None, "Violation"),
    (
        "investigation-opening-no-prosecution",
        "Event-inProsecution",
        "ppkg:prosecution",
        "Violation",
    ),
    ("indictment-no-prosecution", "Event-inProsecution", "ppkg:prosecution", "Violation"),
    ("verdict-no-prosecution", "Event-inProsecution", "ppkg:prosecution", "Violation"),
    ("appeal-no-prosecution", "Event-inProsecution", "ppkg:prosecution", "Violation"),
    ("cassation-no-prosecution", "Event-inProsecution", "ppkg:prosecution", "Violation"),
    ("review-no-prosecution", "Event-inProsecution", "ppkg:prosecution", "Violation"),
    ("quashing-no-prosecution", "Event-inProsecution", "ppkg:prosecution", "Violation"),
    ("transfer-no-destination", "Transfer-to", "ppkg:transferredTo", "Violation"),
    ("transfer-to-itself", "Transfer-from", "ppkg:transferredFrom", "Violation"),
    ("decision-upholds-person", "CourtDecision-upholds", "ppkg:upholds", "Violation"),
    ("verdict-upholds", "Verdict-upholds", "ppkg:upholds", "Violation"),
    ("constitutional-review-imposes", "ConstitutionalReview-imposes", None, "Violation"),
    ("quashing-quashes-nothing", "Quashing-quashes", "ppkg:quashes", "Violation"),
    ("constitutional-review-unlinked", "UnlinkedRuling-link", None, "Info"),
    ("post-blank-node", "PostShape", None, "Violation"),
    ("post-no-label", "Post-label", "rdfs:label", "Violation"),
    ("post-no-organisation", "Post-postIn", "ppkg:postIn", "Violation"),
    ("holding-blank-node", "PostHoldingShape", None, "Violation"),
    ("holding-no-holder", "PostHolding-holder", "ppkg:holder", "Violation"),
    ("holding-two-posts", "PostHolding-post", "ppkg:post", "Violation"),
    ("holding-organisation-person", "PostHolding-organisation", "ppkg:organisation", "Violation"),
    ("holding-start-datetime", "PostHolding-startEnd", None, "Violation"),
    ("holding-former-string", "PostHolding-former", "ppkg:former", "Violation"),
    ("holding-during-place", "PostHolding-during", "ppkg:during", "Violation"),
    ("recognition-blank-node", "RecognitionShape", None, "Violation"),
    ("recognition-of-no-one", "Recognition-recognised", "ppkg:recognised", "Violation"),
    ("recognition-status-wrong-scheme", "Recognition-status", "ppkg:status", "Violation"),
    ("recognition-by-person", "Recognition-recognisedBy", "ppkg:recognisedBy", "Violation"),
    ("recognition-two-withdrawals", "Recognition-withdrawn", "ppkg:withdrawn", "Violation"),
    ("action-blank-node", "CampaignActionShape", None, "Violation"),
    ("action-actor-place", "Campaign-agents", None, "Violation"),
    ("action-for-organisation", "Campaign-for", "ppkg:campaignFor", "Violation"),
    ("action-deadline-year", "Campaign-deadline", "ppkg:deadline", "Violation"),
    ("action-demand-untagged", "Campaign-demand", "ppkg:demand", "Violation"),
    ("urgent-action-no-actor", "UrgentAction-actor", "ppkg:actor", "Violation"),
    ("urgent-action-for-no-one", "UrgentAction-for", "ppkg:campaignFor", "Violation"),
    ("petition-no-target", "Petition-target", "ppkg:target", "Warning"),
    ("statement-deadline", "PublicStatement-deadline", "ppkg:deadline", "Warning"),
    ("document-blank-node", "DocumentShape", None, "Violation"),
    ("document-no-title", "Document-title", None, "Violation"),
    ("document-author-place", "Document-agents", None, "Violation"),
    ("document-case-study-organisation", "Document-persons", None, "Violation"),
    ("document-zero-pages", "Document-pages", "schema:numberOfPages", "Violation"),
    ("source-two-identifiers", "SourceDocument-identifier", "dcterms:identifier", "Violation"),
    ("source-two-publishers", "SourceDocument-publisher", "dcterms:publisher", "Violation"),
    ("source-language-name", "SourceDocument-language", "dcterms:language", "Violation"),
    ("source-two-dates", "SourceDocument-date", None, "Violation"),
    ("source-about-literal", "SourceDocument-about", None, "Violation"),
    ("report-no-author", "Report-author", "schema:author", "Warning"),
    ("report-group-wrong-scheme", "Report-targetedGroup", "ppkg:targetedGroup", "Violation"),
    ("quotation-no-text", "Quotation-text", "schema:text", "Violation"),
    ("quotation-no-creator", "Quotation-creator", "schema:creator", "Violation"),
    ("conditions-report-of-no-one", "ConditionsReport-concerns", "ppkg:concerns", "Violation"),
    (
        "editorial-record-unattributed",
        "EditorialRecord-attributedTo",
        "prov:wasAttributedTo",
        "Violation",
    ),
    ("sensitive-extract-not-flagged", "SensitiveExtract-sensitive", "ppkg:sensitive", "Violation"),
    (
        "sensitive-extract-no-source",
        "SensitiveExtract-derivedFrom",
        "prov:wasDerivedFrom",
        "Violation",
    ),
    ("event-order-verdict-before-arrest", "EventOrderShape", "ppkg:hasEvent", "Violation"),
    ("event-order-appeal-before-verdict", "EventOrderShape", "ppkg:hasEvent", "Violation"),
    ("reduction-not-shorter", "SentenceReductionShape", "ppkg:term", "Violation"),
    ("reduction-longer", "SentenceReductionShape", "ppkg:term", "Violation"),
    ("replaces-other-prosecution", "SentenceVersionsShape", "ppkg:replaces", "Violation"),
    ("replaces-with-earlier-decision", "SentenceVersionsShape", "ppkg:replaces", "Violation"),
    ("imprisonment-without-term", "ImprisonmentTermShape", "ppkg:term", "Warning"),
    ("charge-provision-missing", "ChargeProvisionShape", "ppkg:provision", "Violation"),
    ("charge-act-before-law", "ChargeProvisionShape", "ppkg:actDate", "Violation"),
    ("charge-act-after-law", "ChargeProvisionShape", "ppkg:actDate", "Violation"),
    ("charge-arrest-before-law", "ProvisionBeforeEventsShape", "ppkg:provision", "Warning"),
    ("provision-number-twice", "ProvisionNumberShape", "eli:number", "Violation"),
    ("person-only-in-editorial-graph", "PersonSourceShape", None, "Violation"),
    ("person-in-default-graph", "PersonSourceShape", None, "Violation"),
    ("graph-without-source", "GraphSourceShape", None, "Violation"),
    ("source-without-graph", "SourceGraphShape", None, "Info"),
    ("conditions-report-public", "SensitiveRecordShape", None, "Warning"),
    ("person-health-public", "SensitivePersonDataShape", "schema:healthCondition", "Warning"),
    ("person-address-public", "SensitivePersonDataShape", "schema:address", "Warning"),
    ("person-name-ru-latin", "PersonNameScriptShape", "schema:name", "Violation"),
    ("person-name-en-cyrillic", "PersonNameScriptShape", "schema:alternateName", "Violation"),
    ("label-ru-latin", "LabelScriptShape", "rdfs:label", "Violation"),
    ("person-no-cyrillic-name", "CyrillicNameShape", "schema:name", "Info"),
    ("person-duplicate", "DuplicatePersonShape", None, "Warning"),
    (
        "holding-organisation-not-posts",
        "PostHoldingOrganisationShape",
        "ppkg:organisation",
        "Violation",
    ),
    ("holding-ends-before-start", "PeriodOrderShape", "ppkg:end", "Violation"),
    ("recognition-withdrawn-before", "PeriodOrderShape", "ppkg:withdrawn", "Violation"),
    ("appeal-same-court", "AppealCourtShape", "ppkg:court", "Warning"),
]

Result = tuple[str, Node | None, str, list[Literal]]


@cache
def shapes() -> Graph:
    return Graph().parse(SHAPES)


def union_quads(paths: Iterable[Path]) -> list[Quad]:
    """The ontology, the union of the files' graphs and the source descriptions, as one graph."""
    default = DefaultGraph()
    quads = [Quad(t.subject, t.predicate, t.object, default) for t in parse(path=ONTOLOGY)]
    for path in paths:
        for quad in parse(path=path, format=RdfFormat.TRIG):
            quads.append(Quad(quad.subject, quad.predicate, quad.object, default))
            if not isinstance(quad.graph_name, DefaultGraph) and isinstance(
                quad.subject, NamedNode
            ):
                quads.append(Quad(quad.graph_name, DESCRIBES, quad.subject, default))
    return quads


def union_store(paths: Iterable[Path]) -> Store:
    store = Store()
    store.extend(union_quads(paths))
    return store


def union_graph(paths: Iterable[Path]) -> Graph:
    """The same union as an rdflib graph (pySHACL then evaluates SPARQL with rdflib)."""
    triples = [q.triple for q in union_quads(paths)]
    return Graph().parse(data=serialize(triples, format=RdfFormat.N_TRIPLES), format="nt")


def run(data: Store | Graph) -> tuple[bool, list[Result]]:
    conforms, report, _ = validate(
        data, shacl_graph=shapes(), inference="none", allow_warnings=True, allow_infos=True
    )
    results = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        shape = report.value(result, SH.sourceShape)
        severity = report.value(result, SH.resultSeverity)
        messages = [m for m in report.objects(result, SH.resultMessage) if isinstance(m, Literal)]
        shape_name = str(shape).removeprefix(str(PPKGSH))
        path = report.value(result, SH.resultPath)
        results.append((shape_name, path, str(severity).removeprefix(str(SH)), messages))
    return bool(conforms), results


def expand(curie: str) -> URIRef:
    prefix, local = curie.split(":")
    return URIRef(PREFIXES[prefix] + local)


def named_shapes() -> set[str]:
    graph = shapes()
    found = set()
    for kind in (SH.NodeShape, SH.PropertyShape):
        for shape in graph.subjects(RDF.type, kind):
            if isinstance(shape, URIRef) and str(shape).startswith(str(PPKGSH)):
                found.add(str(shape).removeprefix(str(PPKGSH)))
    return found


def test_base_example_conforms() -> None:
    conforms, results = run(union_store([EXAMPLES / "base.trig"]))
    assert results == []
    assert conforms


def test_every_targeted_shape_has_a_focus_node_in_the_base_example() -> None:
    """So that base.trig is a conforming example for every shape, not a vacuous one."""
    store = union_store([EXAMPLES / "base.trig"])
    graph = shapes()
    missing = []
    for shape in set(graph.subjects(SH.targetClass, None)) | set(
        graph.subjects(SH.targetSubjectsOf, None)
    ):
        classes = " ".join(f"<{c}>" for c in graph.objects(shape, SH.targetClass))
        props = " ".join(f"<{p}>" for p in graph.objects(shape, SH.targetSubjectsOf))
        query = (
            "ASK { { VALUES ?c { " + classes + " } ?x a/<" + str(RDFS.subClassOf) + ">* ?c }"
            " UNION { VALUES ?p { " + props + " } ?x ?p ?o } }"
        )
        if not store.query(query):
            missing.append(str(shape))
    assert missing == []


@pytest.mark.parametrize(("example", "shape", "path", "severity"), CASES, ids=[c[0] for c in CASES])
def test_non_conforming_example(example: str, shape: str, path: str | None, severity: str) -> None:
    conforms, results = run(union_store([EXAMPLES / "bad" / f"{example}.trig"]))
    matching = [
        r
        for r in results
        if r[0] == shape and r[2] == severity and (path is None or r[1] == expand(path))
    ]
    assert matching, f"expected {shape} ({path}, {severity}), got {[r[:3] for r in results]}"
    if severity == "Violation":
        assert not conforms
    for _, _, _, messages in matching:
        assert len(messages) >= 2, "every result has an English and a Russian message"
        assert any(any("\u0400" <= ch <= "\u04ff" for ch in str(m)) for m in messages)
        assert "{?" not in " ".join(messages), "every placeholder is filled"


def test_every_shape_has_a_non_conforming_example() -> None:
    """Each named shape is the source of an expected result, or (a node shape whose rules are all
    in its property shapes) has a property shape that is."""
    graph = shapes()
    covered = {shape for _, shape, _, _ in CASES}
    for node_shape, property_shape in graph.subject_objects(SH.property):
        if str(property_shape).removeprefix(str(PPKGSH)) in covered:
            covered.add(str(node_shape).removeprefix(str(PPKGSH)))
    assert named_shapes() - VALUE_SHAPES - covered == set()


def test_every_class_of_the_ontology_has_a_shape() -> None:
    ontology = Graph().parse(ONTOLOGY)
    classes = {c for c in ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(str(PPKG))}
    assert classes - set(shapes().objects(None, SH.targetClass)) == set()


def test_shapes_are_labelled_and_bilingual() -> None:
    graph = shapes()
    for name in named_shapes():
        shape = PPKGSH[name]
        assert graph.value(shape, RDFS.label) is not None, name
        assert graph.value(shape, RDFS.comment) is not None, name
    carriers = set(graph.subjects(SH.message, None))
    for carrier in carriers:
        languages = {m.language for m in graph.objects(carrier, SH.message)}
        assert languages == {"en", "ru"}, carrier
    for constraint in graph.objects(None, SH.sparql):
        assert constraint in carriers, "every SPARQL constraint has its own messages"
    for shape in graph.subjects(SH.sparql, None):
        assert shape not in carriers, "messages of a SPARQL shape belong on its constraints"


def test_shapes_are_valid_shacl() -> None:
    conforms, _, text = validate(Graph(), shacl_graph=shapes(), meta_shacl=True)
    assert conforms, text


def data_files() -> list[Path]:
    return sorted((REPO / "data").glob("*.trig"))


def test_published_data_conforms() -> None:
    conforms, results = run(union_store(data_files()))
    violations = [r[:3] for r in results if r[2] == "Violation"]
    assert violations == []
    assert conforms


def test_published_data_conforms_with_rdflib_sparql() -> None:
    """The same check with pySHACL evaluating the SPARQL constraints in rdflib, not Oxigraph."""
    conforms, results = run(union_graph(data_files()))
    assert [r[:3] for r in results if r[2] == "Violation"] == []
    assert conforms
