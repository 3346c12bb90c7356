"""SHACL shapes in shapes/: well-formed (SHACL-SHACL), messages in zh and en, and the classification
shapes accept a valid SKOS/XKOS sample and name the shape, path and rule of each seeded fault."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pyshacl
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from cpms_kg.namespaces import SH, XKOS
from cpms_kg.settings import DEFAULT_BASE_IRI

ROOT = Path(__file__).resolve().parent.parent
SHAPES_DIR = ROOT / "shapes"
SHAPE_FILES = sorted(SHAPES_DIR.glob("*.ttl"))
SHACL_SHACL = Path(pyshacl.__file__).parent / "assets" / "shacl-shacl.ttl"
S = Namespace("https://w3id.org/cpms-kg/shapes#")
EX = Namespace("http://example.org/cls/")

PREFIXES = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xkos: <http://rdf-vocabulary.ddialliance.org/xkos#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX ex: <http://example.org/cls/>
"""

# A synthetic two-level classification A, a flat classification B and a B -> A correspondence,
# written the way the importer writes CPC, HS and their correspondence.
VALID_SAMPLE = PREFIXES + """
ex:A a skos:ConceptScheme ;
    skos:prefLabel "示例分类"@zh , "Sample classification"@en ;
    skos:hasTopConcept ex:A1 ;
    xkos:numberOfLevels 2 ;
    xkos:levels ( ex:A-L1 ex:A-L2 ) .
ex:A-L1 a xkos:ClassificationLevel ; xkos:depth 1 ;
    skos:prefLabel "大类"@zh , "Division"@en ; skos:member ex:A1 .
ex:A-L2 a xkos:ClassificationLevel ; xkos:depth 2 ;
    skos:prefLabel "中类"@zh , "Group"@en ; skos:member ex:A11 , ex:A12 .
ex:A1 a skos:Concept ; skos:notation "1" ; skos:prefLabel "示例大类"@zh , "Sample division"@en ;
    skos:inScheme ex:A ; skos:topConceptOf ex:A .
ex:A11 a skos:Concept ; skos:notation "11" ; skos:prefLabel "示例中类一"@zh , "Sample group one"@en ;
    skos:inScheme ex:A ; skos:broader ex:A1 .
ex:A12 a skos:Concept ; skos:notation "12" ; skos:prefLabel "示例中类二"@zh , "Sample group two"@en ;
    skos:inScheme ex:A ; skos:broader ex:A1 .

ex:B a skos:ConceptScheme ; skos:prefLabel "Sample flat list"@en ; skos:hasTopConcept ex:B1 .
ex:B1 a skos:Concept ; skos:notation "0101" ; skos:prefLabel "Sample item"@en ;
    skos:inScheme ex:B ; skos:topConceptOf ex:B .

ex:B-A a xkos:Correspondence ; skos:prefLabel "B to A"@en ;
    xkos:compares ex:A , ex:B ; xkos:madeOf ex:B-A-1 .
ex:B-A-1 a xkos:ConceptAssociation ; xkos:sourceConcept ex:B1 ; xkos:targetConcept ex:A11 .
"""

THIRD_SCHEME = """
ex:C a skos:ConceptScheme ; skos:prefLabel "Other"@en ; skos:hasTopConcept ex:C1 .
ex:C1 a skos:Concept ; skos:notation "9" ; skos:prefLabel "Other item"@en ;
    skos:inScheme ex:C ; skos:topConceptOf ex:C .
"""


class Finding(NamedTuple):
    """One validation result: where, which shape said so, on which path, by which rule, about what."""

    focus: Node
    shape: Node
    path: Node | tuple[str, Node] | None
    rule: Node
    value: Node | None


def findings(report: Graph) -> set[Finding]:
    found: set[Finding] = set()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        path = report.value(result, SH.resultPath)
        if isinstance(path, BNode):
            inverse = report.value(path, SH.inversePath)
            path = ("inverse", inverse) if inverse is not None else ("complex", path)
        # A SPARQL constraint is named by its node; a core constraint by its component.
        rule = report.value(result, SH.sourceConstraint) or report.value(result, SH.sourceConstraintComponent)
        assert rule is not None
        focus, shape = report.value(result, SH.focusNode), report.value(result, SH.sourceShape)
        found.add(Finding(focus, shape, path, rule, report.value(result, SH.value)))
    return found


def validate(data: Graph, shapes: Graph) -> tuple[bool, Graph]:
    # No inference is asked for, so validating in place leaves the data as it was (and saves a copy).
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, allow_warnings=False, inplace=True)
    assert isinstance(report, Graph)
    return bool(conforms), report


@pytest.fixture(scope="module")
def classification_shapes() -> Graph:
    return Graph().parse(SHAPES_DIR / "classification.ttl", format="turtle")


@pytest.fixture(scope="module")
def valid_sample() -> Graph:
    return Graph().parse(data=VALID_SAMPLE, format="turtle")


# --- every shapes file ---------------------------------------------------------------------------

def test_shapes_folder_has_the_classification_shapes() -> None:
    assert SHAPES_DIR / "classification.ttl" in SHAPE_FILES


@pytest.mark.parametrize("path", SHAPE_FILES, ids=lambda p: p.name)
def test_shapes_file_passes_shacl_shacl(path: Path) -> None:
    shapes = Graph().parse(path, format="turtle")
    conforms, report = validate(shapes, Graph().parse(SHACL_SHACL))
    assert conforms, report.serialize(format="turtle")


def test_shacl_shacl_control_rejects_a_malformed_shape() -> None:
    # Proves the meta-validation can fail: sh:minCount must be an integer.
    broken = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        <http://example.org/S> a sh:NodeShape ;
            sh:property [ sh:path <http://example.org/p> ; sh:minCount "one" ] .""", format="turtle")
    conforms, _ = validate(broken, Graph().parse(SHACL_SHACL))
    assert not conforms


def bilingual_problems(shapes: Graph) -> list[str]:
    """Shapes without a zh and an en name, and messages not given in exactly zh and en."""
    problems: list[str] = []

    def check(node: Node, predicate: URIRef) -> None:
        langs = sorted(o.language or "-" for o in shapes.objects(node, predicate) if isinstance(o, Literal))
        if langs != ["en", "zh"]:
            problems.append(f"{node} {shapes.qname(predicate)}: {langs}")

    node_shapes = set(shapes.subjects(RDF.type, SH.NodeShape))
    property_shapes = {*shapes.subjects(RDF.type, SH.PropertyShape), *shapes.objects(None, SH.property)}
    sparql_constraints = set(shapes.objects(None, SH.sparql))
    for shape in node_shapes:
        check(shape, RDFS.label)
    for shape in property_shapes:
        check(shape, SH.name)
    for node in node_shapes | property_shapes | sparql_constraints | set(shapes.subjects(SH.message, None)):
        check(node, SH.message)
    return sorted(set(problems))


@pytest.mark.parametrize("path", SHAPE_FILES, ids=lambda p: p.name)
def test_every_shape_has_name_and_message_in_zh_and_en(path: Path) -> None:
    shapes = Graph().parse(path, format="turtle")
    assert set(shapes.subjects(RDF.type, SH.NodeShape)), "no shapes found"
    problems = bilingual_problems(shapes)
    assert not problems, "\n".join(problems)


def test_bilingual_check_control_flags_a_message_in_one_language() -> None:
    shapes = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <http://example.org/S> a sh:NodeShape ; rdfs:label "形状"@zh , "shape"@en ;
            sh:message "only English"@en .""", format="turtle")
    assert bilingual_problems(shapes) == ["http://example.org/S sh:message: ['en']"]


# --- classification shapes -----------------------------------------------------------------------

def test_valid_sample_conforms(classification_shapes: Graph, valid_sample: Graph) -> None:
    conforms, report = validate(valid_sample, classification_shapes)
    assert conforms, findings(report)


def test_shipped_classifications_conform(classification_shapes: Graph) -> None:
    # CPC 2.1, HS 2017, their correspondence and the units, as the importer generated them.
    data = Graph()
    files = sorted((ROOT / "ontology" / "schemes").glob("*.ttl"))
    for path in files:
        data.parse(path, format="turtle", publicID=DEFAULT_BASE_IRI)
    assert files and len(set(data.subjects(RDF.type, SKOS.Concept))) > 10_000
    conforms, report = validate(data, classification_shapes)
    assert conforms, sorted(findings(report))[:20]


def test_ontology_code_lists_conform(classification_shapes: Graph) -> None:
    # The obligation, status, vote... code lists in cpms.ttl are SKOS schemes like any other.
    ontology = Graph().parse(ROOT / "ontology" / "cpms.ttl", format="turtle")
    conforms, report = validate(ontology, classification_shapes)
    assert conforms, findings(report)


def F(focus: str, shape: str, path: Node | tuple[str, Node], rule: Node, value: str | Node | None = None) -> Finding:
    """An expected finding on sample resource ex:{focus} by shape cpmssh:{shape}; a str value is ex:{value}."""
    # Literal is a str too, so test for an RDF term first.
    return Finding(EX[focus], S[shape], path, rule, value if isinstance(value, Node) or value is None else EX[value])


IN_SCHEME = ("inverse", SKOS.inScheme)  # the path of cpmssh:SchemeConceptsShape: a scheme's concepts
FAULTS: dict[str, tuple[str, set[Finding]]] = {
    "missing notation": (
        'DELETE DATA { ex:A11 skos:notation "11" }',
        {F("A11", "ConceptNotationShape", SKOS.notation, SH.MinCountConstraintComponent)}),
    "two notations": (
        'INSERT DATA { ex:A11 skos:notation "11b" }',
        {F("A11", "ConceptNotationShape", SKOS.notation, SH.MaxCountConstraintComponent)}),
    "notation with padding": (
        'DELETE DATA { ex:A11 skos:notation "11" } ; INSERT DATA { ex:A11 skos:notation " 11" }',
        {F("A11", "ConceptNotationShape", SKOS.notation, SH.PatternConstraintComponent, Literal(" 11"))}),
    "notation reused in a scheme": (
        'DELETE DATA { ex:A12 skos:notation "12" } ; INSERT DATA { ex:A12 skos:notation "11" }',
        {F("A", "SchemeConceptsShape", IN_SCHEME, S.NotationUniqueInScheme, "A11"),
         F("A", "SchemeConceptsShape", IN_SCHEME, S.NotationUniqueInScheme, "A12")}),
    "no preferred label": (
        'DELETE WHERE { ex:A12 skos:prefLabel ?label }',
        {F("A12", "ConceptPrefLabelShape", SKOS.prefLabel, SH.MinCountConstraintComponent)}),
    "label without language": (
        'INSERT DATA { ex:A12 skos:prefLabel "untagged" }',
        {F("A12", "ConceptPrefLabelShape", SKOS.prefLabel, SH.DatatypeConstraintComponent, Literal("untagged"))}),
    "two labels in one language": (
        'INSERT DATA { ex:A12 skos:prefLabel "另一个名称"@zh }',
        {F("A12", "ConceptPrefLabelShape", SKOS.prefLabel, SH.UniqueLangConstraintComponent)}),
    "no scheme": (
        'DELETE DATA { ex:A12 skos:inScheme ex:A }',
        {F("A12", "ConceptInSchemeShape", SKOS.inScheme, SH.MinCountConstraintComponent)}),
    "broader concept in another scheme": (
        'DELETE DATA { ex:A12 skos:broader ex:A1 } ; INSERT DATA { ex:A12 skos:broader ex:B1 }',
        {F("A", "SchemeConceptsShape", IN_SCHEME, S.BroaderInSameScheme, "A12")}),
    "broader concept is itself": (
        'DELETE DATA { ex:A12 skos:broader ex:A1 } ; INSERT DATA { ex:A12 skos:broader ex:A12 }',
        {F("A", "SchemeConceptsShape", IN_SCHEME, S.BroaderAcyclic, "A12"),
         F("A-L2", "LevelMemberShape", SKOS.member, S.MemberDepthFollowsBroader, "A12")}),
    "broader cycle": (
        'INSERT DATA { ex:A1 skos:broader ex:A11 }',
        {F("A", "SchemeConceptsShape", IN_SCHEME, S.BroaderAcyclic, "A1"),
         F("A", "SchemeConceptsShape", IN_SCHEME, S.BroaderAcyclic, "A11"),
         F("A", "SchemeConceptsShape", IN_SCHEME, S.TopConceptHasNoBroader, "A1"),
         F("A-L1", "LevelMemberShape", SKOS.member, S.MemberDepthFollowsBroader, "A1")}),
    "two broader concepts": (
        'INSERT DATA { ex:A12 skos:broader ex:A11 }',
        {F("A12", "ConceptBroaderShape", SKOS.broader, SH.MaxCountConstraintComponent),
         F("A-L2", "LevelMemberShape", SKOS.member, S.MemberDepthFollowsBroader, "A12")}),
    "root not declared top concept": (
        'DELETE DATA { ex:A1 skos:topConceptOf ex:A }',
        {F("A", "SchemeConceptsShape", IN_SCHEME, S.RootIsTopConcept, "A1"),
         F("A", "SchemeTopConceptShape", SKOS.hasTopConcept, S.HasTopConceptInverse, "A1")}),
    "top concept with a broader concept": (
        'INSERT DATA { ex:A11 skos:topConceptOf ex:A }',
        {F("A", "SchemeConceptsShape", IN_SCHEME, S.TopConceptHasNoBroader, "A11")}),
    "top concept of a scheme it is not in": (
        'INSERT DATA { ex:B1 skos:topConceptOf ex:A }',
        {F("A", "SchemeConceptsShape", IN_SCHEME, S.TopConceptInScheme, "B1")}),
    "concept in two levels": (
        'INSERT DATA { ex:A-L1 skos:member ex:A11 }',
        {F("A11", "ConceptLevelShape", ("inverse", SKOS.member), SH.QualifiedMaxCountConstraintComponent),
         F("A-L1", "LevelMemberShape", SKOS.member, S.MemberDepthFollowsBroader, "A11")}),
    "level without depth": (
        'DELETE DATA { ex:A-L2 xkos:depth 2 }',
        {F("A-L2", "LevelDepthShape", XKOS.depth, SH.MinCountConstraintComponent)}),
    "depth as text": (
        'DELETE DATA { ex:A-L2 xkos:depth 2 } ; INSERT DATA { ex:A-L2 xkos:depth "2" }',
        {F("A-L2", "LevelDepthShape", XKOS.depth, SH.OrConstraintComponent, Literal("2")),
         F("A-L2", "LevelDepthShape", XKOS.depth, SH.MinInclusiveConstraintComponent, Literal("2")),
         # the text "2" is not the number 2, so it does not match the level's list position either
         F("A", "SchemeLevelsShape", XKOS.levels, S.LevelDepthMatchesPosition, "A-L2")}),
    "depth out of order": (
        'DELETE DATA { ex:A-L2 xkos:depth 2 } ; INSERT DATA { ex:A-L2 xkos:depth 3 }',
        {F("A", "SchemeLevelsShape", XKOS.levels, S.LevelDepthMatchesPosition, "A-L2"),
         F("A-L2", "LevelMemberShape", SKOS.member, S.MemberDepthFollowsBroader, "A11"),
         F("A-L2", "LevelMemberShape", SKOS.member, S.MemberDepthFollowsBroader, "A12")}),
    "root concept below the top level": (
        'DELETE DATA { ex:A-L1 skos:member ex:A1 } ; INSERT DATA { ex:A-L2 skos:member ex:A1 }',
        {F("A-L2", "LevelMemberShape", SKOS.member, S.RootMemberAtTopLevel, "A1"),
         # its children now share its level
         F("A-L2", "LevelMemberShape", SKOS.member, S.MemberDepthFollowsBroader, "A11"),
         F("A-L2", "LevelMemberShape", SKOS.member, S.MemberDepthFollowsBroader, "A12")}),
    "level list holds a non-level": (
        'DELETE DATA { ex:A-L2 a xkos:ClassificationLevel }',
        {F("A", "SchemeLevelsShape", XKOS.levels, S.LevelListMembers, "A-L2")}),
    "wrong number of levels": (
        'DELETE DATA { ex:A xkos:numberOfLevels 2 } ; INSERT DATA { ex:A xkos:numberOfLevels 3 }',
        {F("A", "SchemeNumberOfLevelsShape", XKOS.numberOfLevels, S.NumberOfLevelsMatchesList, Literal(3))}),
    "scheme without label": (
        'DELETE WHERE { ex:B skos:prefLabel ?label }',
        {F("B", "SchemePrefLabelShape", SKOS.prefLabel, SH.MinCountConstraintComponent)}),
    "correspondence of one scheme": (
        'DELETE DATA { ex:B-A xkos:compares ex:B }',
        {F("B-A", "CorrespondenceComparesShape", XKOS.compares, SH.MinCountConstraintComponent),
         F("B-A", "CorrespondenceMadeOfShape", XKOS.madeOf, S.AssociationConceptInComparedScheme, "B-A-1")}),
    "association to a scheme not compared": (
        "INSERT DATA { " + THIRD_SCHEME + " ex:B-A-1 xkos:targetConcept ex:C1 }",
        {F("B-A", "CorrespondenceMadeOfShape", XKOS.madeOf, S.AssociationConceptInComparedScheme, "B-A-1")}),
    "association without target": (
        'DELETE DATA { ex:B-A-1 xkos:targetConcept ex:A11 }',
        {F("B-A-1", "AssociationTargetShape", XKOS.targetConcept, SH.MinCountConstraintComponent)}),
    "association outside any correspondence": (
        "INSERT DATA { ex:X a xkos:ConceptAssociation ; xkos:sourceConcept ex:B1 ; xkos:targetConcept ex:A12 }",
        {F("X", "AssociationCorrespondenceShape", ("inverse", XKOS.madeOf), SH.MinCountConstraintComponent)}),
}


def with_fault(valid_sample: Graph, update: str) -> Graph:
    data = Graph()
    data += valid_sample
    data.update(PREFIXES + update)
    assert set(data) != set(valid_sample), "the fault changed nothing"
    return data


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_classification_fault_is_reported_by_its_shape(
    classification_shapes: Graph, valid_sample: Graph, fault: str
) -> None:
    update, expected = FAULTS[fault]
    conforms, report = validate(with_fault(valid_sample, update), classification_shapes)
    assert not conforms
    assert findings(report) == expected


def test_core_results_carry_the_shape_messages_in_zh_and_en(
    classification_shapes: Graph, valid_sample: Graph
) -> None:
    _, report = validate(with_fault(valid_sample, FAULTS["missing notation"][0]), classification_shapes)
    messages = set(report.objects(None, SH.resultMessage))
    assert messages == set(classification_shapes.objects(S.ConceptNotationShape, SH.message))
    assert {m.language for m in messages if isinstance(m, Literal)} == {"zh", "en"}


def test_sparql_results_name_the_offending_value_in_zh_and_en(
    classification_shapes: Graph, valid_sample: Graph
) -> None:
    _, report = validate(with_fault(valid_sample, FAULTS["notation reused in a scheme"][0]), classification_shapes)
    texts = {str(m) for m in report.objects(None, SH.resultMessage)}
    # Filled-in templates name the concept and its code. Told apart by script, not by tag: pyshacl
    # drops the language tag of a message once it fills in a template.
    filled = {t for t in texts if str(EX.A12) in t and "11" in t}
    assert any("重复" in t for t in filled) and any("used twice" in t for t in filled)
    assert not any("{?" in t or "{$" in t for t in texts)


def test_shapes_declare_no_owl_import(classification_shapes: Graph) -> None:
    # Validation must work offline, with the shapes file alone.
    assert not list(classification_shapes.objects(None, OWL.imports))
