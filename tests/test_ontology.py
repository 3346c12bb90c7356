"""The CPMS ontology (ontology/cpms.ttl): parses, is labelled in zh and en, reuses the standard
vocabularies, covers the data model of PRODUCT.md, and is consistent under HermiT."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from pathlib import Path

import owlready2
import pyoxigraph
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib import namespace as rdfns
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, RDF, RDFS, SKOS

from cpms_kg.namespaces import CPMS, QUDT, SCHEMA, XKOS
from cpms_kg.settings import DEFAULT_BASE_IRI

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = ROOT / "ontology"
CPMS_TTL = ONTOLOGY_DIR / "cpms.ttl"
ONTOLOGY_IRI = URIRef("https://w3id.org/cpms-kg/ontology")
EX = Namespace("http://example.org/negative-control#")

DECLARATION_TYPES = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
                     OWL.NamedIndividual}
# DCAT and XSD are used through the module: as test-module globals they make pytest warn on collection.
BUILTIN_NAMESPACES = (str(RDF), str(RDFS), str(OWL), str(rdfns.XSD))


@pytest.fixture(scope="module")
def onto() -> Graph:
    return Graph().parse(CPMS_TTL, format="turtle")


def cpms_terms(graph: Graph) -> set[URIRef]:
    """Every IRI in the cpms: namespace used anywhere in the graph, defined or merely referenced."""
    return {t for triple in graph for t in triple if isinstance(t, URIRef) and t.startswith(str(CPMS))}


def languages(graph: Graph, subject: URIRef, predicate: URIRef) -> list[str | None]:
    return [o.language if isinstance(o, Literal) else None for o in graph.objects(subject, predicate)]


def is_builtin(iri: URIRef) -> bool:
    return str(iri).startswith(BUILTIN_NAMESPACES)


def list_items(graph: Graph, head: BNode | URIRef) -> list[URIRef]:
    return [item for item in Collection(graph, head) if isinstance(item, URIRef)]


# --- parsing -------------------------------------------------------------------------------------

def test_parses_with_rdflib_and_pyoxigraph_to_the_same_triple_count(onto: Graph) -> None:
    oxi = set(pyoxigraph.parse(path=str(CPMS_TTL), format=pyoxigraph.RdfFormat.TURTLE))
    assert len(onto) > 1000
    assert len(oxi) == len(onto)


def test_every_ontology_turtle_file_parses() -> None:
    # Shipped scheme files use IRIs relative to the service's base (no @base), see cpms_kg/iris.py.
    files = sorted(ONTOLOGY_DIR.rglob("*.ttl"))
    assert CPMS_TTL in files
    errors: list[str] = []
    for path in files:
        try:
            Graph().parse(path, format="turtle", publicID=DEFAULT_BASE_IRI)
            list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE, base_iri=DEFAULT_BASE_IRI))
        except Exception as exc:  # report every broken file, not just the first
            errors.append(f"{path.relative_to(ROOT)}: {exc}")
    assert not errors, "\n".join(errors)


def test_header_names_title_version_licence_and_namespace(onto: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in onto
    assert sorted(languages(onto, ONTOLOGY_IRI, DCTERMS.title)) == ["en", "zh"]
    assert sorted(languages(onto, ONTOLOGY_IRI, DCTERMS.description)) == ["en", "zh"]
    assert onto.value(ONTOLOGY_IRI, OWL.versionInfo) is not None
    assert onto.value(ONTOLOGY_IRI, DCTERMS.license) == URIRef("https://www.apache.org/licenses/LICENSE-2.0")
    vann = Namespace("http://purl.org/vocab/vann/")
    assert str(onto.value(ONTOLOGY_IRI, vann.preferredNamespaceUri)) == str(CPMS)
    assert str(onto.value(ONTOLOGY_IRI, vann.preferredNamespacePrefix)) == "cpms"
    # The service runs offline: everything the reasoner needs is in this one file.
    assert not list(onto.objects(None, OWL.imports))


# --- labels and declarations ---------------------------------------------------------------------

def test_every_term_has_zh_and_en_label_and_definition(onto: Graph) -> None:
    missing: list[str] = []
    for term in sorted(cpms_terms(onto)):
        for predicate in (RDFS.label, SKOS.definition):
            langs = languages(onto, term, predicate)
            for lang in ("zh", "en"):
                if langs.count(lang) != 1:
                    missing.append(f"{onto.qname(term)} {onto.qname(predicate)}@{lang}: {langs.count(lang)}")
    assert not missing, "terms without exactly one label/definition per language:\n" + "\n".join(missing)


def test_chinese_labels_are_chinese(onto: Graph) -> None:
    def has_han(text: str) -> bool:
        return any("\u4e00" <= ch <= "\u9fff" for ch in text)

    bad = [f"{onto.qname(s)}: {o}" for s, p, o in onto.triples((None, None, None))
           if p in (RDFS.label, SKOS.definition, SKOS.prefLabel) and isinstance(o, Literal)
           and o.language == "zh" and not has_han(str(o))]
    assert not bad, "\n".join(bad)


def test_every_term_is_declared(onto: Graph) -> None:
    undeclared = [onto.qname(t) for t in sorted(cpms_terms(onto))
                  if not DECLARATION_TYPES & set(onto.objects(t, RDF.type))]
    assert not undeclared, f"cpms terms without an OWL declaration: {undeclared}"


def test_external_terms_are_declared_so_the_file_is_self_contained(onto: Graph) -> None:
    declared_classes = set(onto.subjects(RDF.type, OWL.Class))
    declared_properties = {s for t in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
                           for s in onto.subjects(RDF.type, t)}
    used_properties = {p for p in onto.predicates() if not is_builtin(p)}
    used_properties |= {t for p in (RDFS.subPropertyOf, OWL.inverseOf) for s, o in onto.subject_objects(p)
                        for t in (s, o)}
    used_classes = {o for o in onto.objects(None, RDF.type) if isinstance(o, URIRef) and not is_builtin(o)
                    and o not in DECLARATION_TYPES}
    for p in (RDFS.subClassOf, OWL.disjointWith, RDFS.domain):
        used_classes |= {o for o in onto.objects(None, p) if isinstance(o, URIRef)}
    used_classes |= {o for s, o in onto.subject_objects(RDFS.range)
                     if isinstance(o, URIRef) and not is_builtin(o) and s not in
                     set(onto.subjects(RDF.type, OWL.DatatypeProperty))}
    for group in onto.subjects(RDF.type, OWL.AllDisjointClasses):
        used_classes |= set(list_items(onto, onto.value(group, OWL.members)))
    problems = [f"property {onto.qname(p)}" for p in sorted(used_properties - declared_properties)]
    problems += [f"class {onto.qname(c)}" for c in sorted(used_classes - declared_classes)]
    assert not problems, f"used but not declared: {problems}"


# --- coverage of the data model ------------------------------------------------------------------

MODEL_CLASSES = [
    # standards
    "ProductCategory", "AttributeDefinition", "ValueDomain", "CodeList", "NumericRange", "PatternDomain",
    "LengthDomain", "AttributeRequirement", "Obligation", "IndustryStandard", "StandardVersion",
    "StandardStatus",
    # workflow
    "Proposal", "Seminar", "ConsensusDraft", "ReviewRound", "ReviewItem", "Vote", "VoteChoice", "Decision",
    "DecisionOutcome",
    # pilot
    "Pilot", "Expert", "ExpertGroup", "RegionalGroup", "Firm", "ApplicationScenario", "ChangeRequest",
    "FiledChange", "ApprovalChange", "ChangeType", "AcceptanceReview", "AcceptanceOutcome", "PilotTarget",
    "PilotMetric",
    # firm data
    "Product", "IndustryDataWarehouse", "CatalogueEntry", "DataItem", "DataProcessing", "DataIPRegistration",
]

MODEL_PROPERTIES = [
    # attribute definitions and requirements
    "datatype", "unit", "quantityKind", "valueDomain", "minCount", "maxCount", "minInclusive",
    "maxInclusive", "minExclusive", "maxExclusive", "pattern", "minLength", "maxLength", "category",
    "attribute", "obligation",
    # standards
    "hasVersion", "versionOf", "versionNumber", "implementationDate", "hasAttribute", "hasRequirement",
    "hasCodeList", "industry", "region", "regionCode", "issuingBody", "expertGroup", "status",
    "allowedNextStatus",
    # workflow and pilot
    "votedOn", "voteChoice", "decisionOn", "decisionOutcome", "forPilot", "pilotFirm", "changeType",
    "extensionMonths", "acceptanceOutcome",
    # firm data
    "attributeValue", "hasDataItem", "definedBy", "registrant", "registeredDataset", "contentHash",
    "hashAlgorithm", "registrationNumber", "registrationDate",
]


def test_data_model_classes_exist(onto: Graph) -> None:
    missing = [name for name in MODEL_CLASSES if (CPMS[name], RDF.type, OWL.Class) not in onto]
    assert not missing


def test_data_model_properties_exist(onto: Graph) -> None:
    kinds = {OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}
    missing = [name for name in MODEL_PROPERTIES if not kinds & set(onto.objects(CPMS[name], RDF.type))]
    assert not missing


def notations(graph: Graph, scheme: URIRef) -> set[str]:
    return {str(graph.value(c, SKOS.notation)) for c in graph.subjects(SKOS.inScheme, scheme)}


LIFECYCLE = ["draft", "consensus", "under-review", "published-provincial", "recommended",
             "published-national"]


@pytest.mark.parametrize(("scheme", "klass", "expected"), [
    ("ObligationScheme", "Obligation", {"required", "recommended", "optional"}),
    ("StandardStatusScheme", "StandardStatus", {*LIFECYCLE, "superseded", "retired"}),
    ("VoteChoiceScheme", "VoteChoice", {"approve", "reject", "abstain"}),
    ("AcceptanceOutcomeScheme", "AcceptanceOutcome", {"passed", "rectify", "failed"}),
])
def test_code_lists_hold_the_contract_values(
    onto: Graph, scheme: str, klass: str, expected: set[str]
) -> None:
    assert notations(onto, CPMS[scheme]) == expected
    assert all((c, RDF.type, CPMS[klass]) in onto for c in onto.subjects(SKOS.inScheme, CPMS[scheme]))


def test_status_transitions_follow_the_lifecycle(onto: Graph) -> None:
    def code(status: URIRef) -> str:
        return str(onto.value(status, SKOS.notation))

    transitions = {(code(s), code(o)) for s, o in onto.subject_objects(CPMS.allowedNextStatus)}
    assert set(itertools.pairwise(LIFECYCLE)) <= transitions
    assert {("published-provincial", "superseded"), ("published-national", "retired")} <= transitions
    # Nothing leaves a terminal status, and nothing is published straight from draft.
    assert not {t for t in transitions if t[0] in ("superseded", "retired")}
    assert ("draft", "published-provincial") not in transitions


def test_pilot_metrics_carry_the_guide_minimums(onto: Graph) -> None:
    minimums = {str(onto.value(m, SKOS.notation)): onto.value(m, CPMS.guideMinimum).toPython()
                for m in onto.subjects(RDF.type, CPMS.PilotMetric)}
    assert minimums == {"experts": 15, "firms": 20, "scenarios": 3, "data-ip-registrations": 3,
                        "catalogue-entries": 80, "data-items": 400}


# --- reuse of standard vocabularies --------------------------------------------------------------

ALIGNMENT_PREDICATES = (RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty)
REUSED = {"SKOS": SKOS, "XKOS": XKOS, "DCTERMS": DCTERMS, "DCAT": rdfns.DCAT, "PROV": PROV, "ORG": ORG,
          "QUDT": QUDT, "schema.org": SCHEMA}


@pytest.mark.parametrize("vocabulary", sorted(REUSED))
def test_aligns_to_each_reused_vocabulary(onto: Graph, vocabulary: str) -> None:
    namespace = str(REUSED[vocabulary])
    alignments = [(s, o) for p in ALIGNMENT_PREDICATES for s, o in onto.subject_objects(p)
                  if s in cpms_terms(onto) and isinstance(o, URIRef) and o.startswith(namespace)]
    assert alignments, f"no cpms term is aligned to {vocabulary}"


def superterms(graph: Graph, term: URIRef) -> set[URIRef]:
    found: set[URIRef] = set()
    for predicate in (RDFS.subClassOf, RDFS.subPropertyOf):
        found |= {t for t in graph.transitive_objects(term, predicate) if isinstance(t, URIRef)}
    return found


@pytest.mark.parametrize(("term", "expected"), [
    (CPMS.ProductCategory, SKOS.Concept),
    (CPMS.CodeList, SKOS.ConceptScheme),
    (CPMS.StandardVersion, SKOS.ConceptScheme),
    (CPMS.StandardVersion, DCTERMS.Standard),
    (CPMS.industry, XKOS.classifiedUnder),
    (CPMS.unit, QUDT.unit),
    (CPMS.quantityKind, QUDT.hasQuantityKind),
    (CPMS.Product, SCHEMA.Product),
    (CPMS.Firm, ORG.Organization),
    (CPMS.ExpertGroup, ORG.Organization),
    (CPMS.ExpertGroup, PROV.Agent),
    (CPMS.Expert, PROV.Agent),
    (CPMS.Pilot, PROV.Activity),
    (CPMS.Vote, PROV.Activity),
    (CPMS.Decision, PROV.Activity),
    (CPMS.Proposal, PROV.Entity),
    (CPMS.IndustryDataWarehouse, rdfns.DCAT.Catalog),
    (CPMS.CatalogueEntry, rdfns.DCAT.Dataset),
    (CPMS.hasVersion, DCTERMS.hasVersion),
    (CPMS.registrant, PROV.wasAttributedTo),
])
def test_specific_alignments(onto: Graph, term: URIRef, expected: URIRef) -> None:
    assert expected in superterms(onto, term)


def test_attribute_units_are_qudt_units(onto: Graph) -> None:
    assert onto.value(CPMS.unit, RDFS.range) == QUDT.Unit
    # The Rec 20 code is read from the unit itself; the ontology declares the QUDT property for it.
    assert (QUDT.uneceCommonCode, RDF.type, OWL.DatatypeProperty) in onto


# --- consistency under HermiT --------------------------------------------------------------------

def hermit(graph: Graph, workdir: Path) -> owlready2.World:
    """Run HermiT on the graph in a fresh owlready2 World; raises OwlReadyInconsistentOntologyError."""
    path = workdir / "ontology.nt"
    graph.serialize(path, format="nt", encoding="utf-8")
    world = owlready2.World()
    world.get_ontology(path.as_uri()).load()
    owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    return world


def with_extra(graph: Graph, triples: Iterable[tuple[URIRef, URIRef, URIRef]]) -> Graph:
    copy = Graph()
    copy += graph
    for triple in triples:
        copy.add(triple)
    return copy


def test_hermit_finds_the_ontology_consistent(onto: Graph, tmp_path: Path) -> None:
    world = hermit(onto, tmp_path)
    assert list(world.inconsistent_classes()) == []


def test_hermit_control_individual_in_disjoint_classes_is_inconsistent(onto: Graph, tmp_path: Path) -> None:
    # Proves the consistency test can fail: value domain kinds are declared pairwise disjoint.
    broken = with_extra(onto, [(EX.domain, RDF.type, OWL.NamedIndividual),
                               (EX.domain, RDF.type, CPMS.NumericRange),
                               (EX.domain, RDF.type, CPMS.CodeList)])
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        hermit(broken, tmp_path)


def test_hermit_control_class_under_disjoint_classes_is_unsatisfiable(onto: Graph, tmp_path: Path) -> None:
    # Proves the owl:Nothing check can fail: filed and approval changes are disjoint.
    broken = with_extra(onto, [(EX.Impossible, RDF.type, OWL.Class),
                               (EX.Impossible, RDFS.subClassOf, CPMS.FiledChange),
                               (EX.Impossible, RDFS.subClassOf, CPMS.ApprovalChange)])
    world = hermit(broken, tmp_path)
    # owlready2 lists owl:Nothing itself once any class is unsatisfiable.
    assert {c.iri for c in world.inconsistent_classes()} - {str(OWL.Nothing)} == {str(EX.Impossible)}
