"""The CPMS ontology (ontology/cpms.ttl): parses, is labelled in zh and en, reuses the standard
vocabularies, covers the data model of PRODUCT.md, and is consistent under HermiT."""

from __future__ import annotations

import ast
import importlib
import itertools
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
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
    ("ChangeStatusScheme", "ChangeStatus", {"filed", "pending", "approved", "rejected"}),
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


# --- every cpms term the code mints is declared --------------------------------------------------
#
# The scan reads the source of cpms_kg/ and api/ with `ast` and collects the cpms terms it builds:
# `NS + "Name"` (NS being the namespace as a string, `C`, `_C`, `c`, `str(CPMS)`, ..., wherever bound),
# `CPMS.Name`, `CPMS["Name"]`, `CPMS.term("Name")`, full IRIs in string literals and "cpms:Name" literals.
# The local name may be a literal, `"A" if x else "B"`, `{...}[key]` over literal values, a concatenation
# of these, or a variable bound to literals (`for name in ("minLength", "maxLength")`). An Enum property
# that builds its IRI from the member's value (`_C + "Change" + self.value.capitalize()`) is evaluated for
# every member. Anything else is reported as dynamic, so that no minted term escapes the check.

CODE_DIRS = ("cpms_kg", "api")
NAMESPACES_MODULE = "cpms_kg.namespaces"
CPMS_IRI_IN_TEXT = re.compile(re.escape(str(CPMS)) + r"([A-Za-z_][A-Za-z0-9_]*)")
CPMS_CURIE = re.compile(r"cpms:([A-Za-z_][A-Za-z0-9_]*)")

NS, NS_STR = "namespace", "string"  # what an alias holds: the rdflib Namespace, or its IRI as a string
Values = frozenset[str] | None  # the strings an expression may evaluate to; None when not known statically
Bound = list[ast.expr | None]  # the expressions a name is bound to; None for a binding not known statically
Bindings = dict[str, Bound]
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


@dataclass
class Minted:
    terms: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # local name -> where minted
    dynamic: list[str] = field(default_factory=list)  # the namespace + an expression the scan cannot evaluate
    enum_properties: list[tuple[str, str, str, str]] = field(default_factory=list)  # module, class, property, where


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_from(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".") if is_package else module.split(".")[:-1]
    return ".".join([*package[: len(package) - node.level + 1], *([node.module] if node.module else [])])


def alias_kind(expr: ast.expr | None, aliases: dict[str, str]) -> str | None:
    """NS or NS_STR when `expr` is the cpms namespace (an alias of it, or `str(...)` of one), else None."""
    if isinstance(expr, ast.Name):
        return aliases.get(expr.id)
    if (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id == "str"
            and len(expr.args) == 1 and alias_kind(expr.args[0], aliases)):
        return NS_STR
    return None


def assignments(node: ast.AST) -> list[tuple[ast.expr, ast.expr | None]]:
    """(target, value) pairs of an assignment statement or expression."""
    if isinstance(node, ast.Assign):
        return [(t, node.value) for t in node.targets]
    if isinstance(node, ast.AnnAssign | ast.NamedExpr):
        return [(node.target, node.value)]
    return []


def module_aliases(modules: dict[str, tuple[ast.Module, bool]]) -> dict[str, dict[str, str]]:
    """Per module, the top-level names bound to the cpms namespace, following imports between modules."""
    aliases: dict[str, dict[str, str]] = {m: {} for m in modules}
    aliases.setdefault(NAMESPACES_MODULE, {})["CPMS"] = NS
    changed = True
    while changed:
        changed = False
        for module, (tree, is_package) in modules.items():
            found = aliases[module]
            for node in tree.body:
                pairs = [(t.id, alias_kind(v, found)) for t, v in assignments(node) if isinstance(t, ast.Name)]
                if isinstance(node, ast.ImportFrom):
                    source = aliases.get(imported_from(node, module, is_package), {})
                    pairs += [(a.asname or a.name, source.get(a.name)) for a in node.names]
                for name, kind in pairs:
                    if kind is not None and found.get(name) != kind:
                        found[name], changed = kind, True
    return aliases


def names_in(target: ast.AST) -> list[str]:
    return [n.id for n in ast.walk(target) if isinstance(n, ast.Name)]


def bind(bindings: Bindings, target: ast.expr, value: ast.expr | None) -> None:
    """Binds the names of an assignment or loop target, destructuring literal tuples."""
    if isinstance(target, ast.Name):
        bindings[target.id].append(value)
    elif (isinstance(target, ast.Tuple | ast.List) and isinstance(value, ast.Tuple | ast.List)
          and len(target.elts) == len(value.elts) and not any(isinstance(e, ast.Starred) for e in value.elts)):
        for t, v in zip(target.elts, value.elts, strict=True):
            bind(bindings, t, v)
    else:
        for name in names_in(target):
            bindings[name].append(None)


def own_nodes(scope: ast.Module | ast.FunctionDef | ast.AsyncFunctionDef) -> Iterable[ast.AST]:
    """The nodes of a scope, without those of the functions and classes nested in it."""
    todo: list[ast.AST] = list(scope.body) if isinstance(scope, ast.Module) else [scope.args, *scope.body]
    while todo:
        node = todo.pop()
        yield node
        if not isinstance(node, (*FUNCTIONS, ast.ClassDef, ast.Lambda)):
            todo.extend(ast.iter_child_nodes(node))


class Scope:
    """What the names of a function (or of a module's top level) are bound to, for static evaluation. Loop
    variables are bound only inside their loop: the scanner passes the enclosing loops' bindings in."""

    def __init__(self, scope: ast.Module | ast.FunctionDef | ast.AsyncFunctionDef, aliases: dict[str, str],
                 parent: Scope | None = None) -> None:
        self.aliases, self.parent = dict(aliases), parent
        self.bindings: Bindings = defaultdict(list)
        for node in own_nodes(scope):
            for target, value in assignments(node):
                if isinstance(target, ast.Name) and (kind := alias_kind(value, self.aliases)) is not None:
                    self.aliases[target.id] = kind
                bind(self.bindings, target, value)
            unknown: list[str] = []
            if isinstance(node, ast.arg):
                unknown = [node.arg]
            elif isinstance(node, ast.For | ast.AsyncFor | ast.comprehension | ast.AugAssign):
                unknown = names_in(node.target)  # loops bind their variables through `loop`
            elif isinstance(node, ast.withitem) and node.optional_vars is not None:
                unknown = names_in(node.optional_vars)
            elif isinstance(node, (ast.ExceptHandler, ast.ClassDef, *FUNCTIONS)) and node.name:
                unknown = [node.name]
            elif isinstance(node, ast.Import | ast.ImportFrom):
                unknown = [(a.asname or a.name).split(".")[0] for a in node.names]
            for name in unknown:
                self.bindings[name].append(None)

    def bound(self, name: str, loops: list[Bindings]) -> Bound | None:
        for loop in reversed(loops):
            if name in loop:
                return loop[name]
        if name in self.bindings:
            return self.bindings[name]
        return None if self.parent is None else self.parent.bound(name, [])

    def loop(self, target: ast.expr, iterable: ast.expr, loops: list[Bindings]) -> Bindings:
        bindings: Bindings = defaultdict(list)
        elements = self.elements(iterable, loops)
        for element in elements if elements is not None else [None]:
            bind(bindings, target, element)
        return bindings

    def elements(self, expr: ast.expr | None, loops: list[Bindings], depth: int = 0) -> Bound | None:
        """The items iterating over `expr` yields, when it is a literal collection (or a name bound to one)."""
        if depth > 20 or expr is None:
            return None
        if isinstance(expr, ast.Tuple | ast.List | ast.Set):
            return None if any(isinstance(e, ast.Starred) for e in expr.elts) else list(expr.elts)
        if isinstance(expr, ast.Dict):
            return None if None in expr.keys else list(expr.keys)
        if isinstance(expr, ast.Name) and (bound := self.bound(expr.id, loops)) is not None:
            found: Bound = []
            for value in bound:
                items = self.elements(value, loops, depth + 1)
                if items is None:
                    return None
                found += items
            return found
        return None

    def values(self, expr: ast.expr | None, loops: list[Bindings], depth: int = 0) -> Values:
        """The strings `expr` may evaluate to, or None when that is not known statically."""
        if depth > 20 or expr is None:
            return None
        if isinstance(expr, ast.Constant):
            return frozenset([expr.value]) if isinstance(expr.value, str) else None
        if isinstance(expr, ast.IfExp):
            return self.union([expr.body, expr.orelse], loops, depth)
        if isinstance(expr, ast.Subscript) and isinstance(expr.value, ast.Dict):
            return self.union(expr.value.values, loops, depth)
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
            left, right = self.values(expr.left, loops, depth + 1), self.values(expr.right, loops, depth + 1)
            return None if left is None or right is None else frozenset(a + b for a in left for b in right)
        if isinstance(expr, ast.Name) and (bound := self.bound(expr.id, loops)) is not None:
            return self.union(bound, loops, depth)
        return None

    def union(self, exprs: Iterable[ast.expr | None], loops: list[Bindings], depth: int) -> Values:
        found: set[str] = set()
        for expr in exprs:
            values = self.values(expr, loops, depth + 1)
            if values is None:
                return None
            found |= values
        return frozenset(found)


def is_enum(node: ast.ClassDef) -> bool:
    names = [b.id if isinstance(b, ast.Name) else b.attr for b in node.bases if isinstance(b, ast.Name | ast.Attribute)]
    return any(name.endswith("Enum") for name in names)


def is_property(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(isinstance(d, ast.Name) and d.id == "property" for d in node.decorator_list)


class MintScanner(ast.NodeVisitor):
    """Collects the cpms terms one module mints into `out`."""

    def __init__(self, module: str, label: str, source: str, out: Minted) -> None:
        self.module, self.label, self.source, self.out = module, label, source, out
        self.scopes: list[Scope] = []
        self.loops: list[Bindings] = []
        self.classes: list[ast.ClassDef] = []
        self.functions: list[ast.FunctionDef | ast.AsyncFunctionDef] = []

    def scan(self, tree: ast.Module, aliases: dict[str, str]) -> None:
        self.scopes.append(Scope(tree, aliases))
        self.visit(tree)

    @property
    def scope(self) -> Scope:
        return self.scopes[-1]

    def kind(self, expr: ast.expr) -> str | None:
        return alias_kind(expr, self.scope.aliases)

    def values(self, expr: ast.expr) -> Values:
        return self.scope.values(expr, self.loops)

    def where(self, node: ast.AST) -> str:
        return f"{self.label}:{getattr(node, 'lineno', 0)}"

    def mint(self, names: Iterable[str], node: ast.AST) -> None:
        for name in names:
            self.out.terms[name].append(self.where(node))

    def mint_values(self, values: Values, node: ast.expr) -> None:
        if values is not None:
            self.mint(values, node)
            return
        cls = self.classes[-1] if self.classes else None
        function = self.functions[-1] if self.functions else None
        if cls is not None and function is not None and is_enum(cls) and is_property(function):
            self.out.enum_properties.append((self.module, cls.name, function.name, self.where(node)))
        else:
            self.out.dynamic.append(f"{self.where(node)}: {ast.get_source_segment(self.source, node)}")

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.classes.append(node)
        self.generic_visit(node)
        self.classes.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        outer_loops, self.loops = self.loops, []
        self.scopes.append(Scope(node, self.scope.aliases, self.scope))
        self.functions.append(node)
        self.generic_visit(node)
        self.functions.pop()
        self.scopes.pop()
        self.loops = outer_loops

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        self.visit(node.iter)
        self.loops.append(self.scope.loop(node.target, node.iter, self.loops))
        for statement in node.body:
            self.visit(statement)
        self.loops.pop()
        for statement in node.orelse:
            self.visit(statement)

    visit_AsyncFor = visit_For

    def visit_comprehension_node(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp) -> None:
        depth = len(self.loops)
        for generator in node.generators:
            self.visit(generator.iter)
            self.loops.append(self.scope.loop(generator.target, generator.iter, self.loops))
            for condition in generator.ifs:
                self.visit(condition)
        for part in (node.key, node.value) if isinstance(node, ast.DictComp) else (node.elt,):
            self.visit(part)
        del self.loops[depth:]

    visit_ListComp = visit_SetComp = visit_GeneratorExp = visit_DictComp = visit_comprehension_node

    def visit_BinOp(self, node: ast.BinOp) -> None:
        operands: list[ast.expr] = []
        first: ast.expr = node
        while isinstance(first, ast.BinOp) and isinstance(first.op, ast.Add):
            operands.insert(0, first.right)
            first = first.left
        if self.kind(first) is None:
            self.generic_visit(node)
            return
        values: Values = frozenset([""])
        for operand in operands:
            more = self.values(operand)
            values = None if values is None or more is None else frozenset(a + b for a in values for b in more)
        self.mint_values(values, node)
        for operand in operands:
            self.visit(operand)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if self.kind(node.value) == NS and node.attr != "term":
            self.mint([node.attr], node)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "term" and self.kind(func.value) == NS and node.args:
            self.mint_values(self.values(node.args[0]), node)
        self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        if self.kind(node.value) == NS:
            self.mint_values(self.values(node.slice), node)
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str):
            self.mint(CPMS_IRI_IN_TEXT.findall(node.value), node)
            if (curie := CPMS_CURIE.fullmatch(node.value)) is not None:
                self.mint([curie.group(1)], node)


def scan_sources(sources: dict[str, tuple[str, str, bool]]) -> Minted:
    """`sources`: module name -> (label, source text, is a package); the cpms terms they mint."""
    trees = {module: (ast.parse(text), is_package) for module, (_label, text, is_package) in sources.items()}
    aliases = module_aliases(trees)
    out = Minted()
    for module, (tree, _is_package) in trees.items():
        label, text, _ = sources[module]
        MintScanner(module, label, text, out).scan(tree, aliases[module])
    return out


def minted_by_the_code() -> Minted:
    files = sorted(p for folder in CODE_DIRS for p in (ROOT / folder).rglob("*.py"))
    minted = scan_sources({module_name(p): (str(p.relative_to(ROOT)), p.read_text(encoding="utf-8"),
                                            p.name == "__init__.py") for p in files})
    for module, cls, prop, where in minted.enum_properties:
        for member in getattr(importlib.import_module(module), cls):
            iri = getattr(member, prop)
            assert isinstance(iri, str) and iri.startswith(str(CPMS)), f"{where}: {cls}.{member.name}.{prop}: {iri!r}"
            minted.terms[iri.removeprefix(str(CPMS))].append(f"{where} ({cls}.{member.name})")
    return minted


def undeclared(graph: Graph, minted: Minted) -> list[str]:
    return [f"cpms:{name} ({', '.join(sorted(set(where)))})" for name, where in sorted(minted.terms.items())
            if not DECLARATION_TYPES & set(graph.objects(CPMS[name], RDF.type))]


@pytest.fixture(scope="module")
def minted() -> Minted:
    return minted_by_the_code()


def test_every_cpms_term_the_code_mints_is_declared(onto: Graph, minted: Minted) -> None:
    assert not minted.dynamic, "cpms terms built in a way the scan cannot evaluate (name them with literals):\n" \
        + "\n".join(minted.dynamic)
    assert len(minted.terms) > 150  # the scan does see the code's terms
    missing = undeclared(onto, minted)
    assert not missing, "cpms terms the code mints that ontology/cpms.ttl does not declare:\n" + "\n".join(missing)


def test_minted_terms_control_an_undeclared_term_is_reported(onto: Graph, minted: Minted) -> None:
    # Proves the check can fail: without its declaration, a term the code mints is reported.
    broken = Graph()
    broken += onto
    broken.remove((CPMS.toStatus, RDF.type, None))
    before, after = ({m.split(" ")[0] for m in undeclared(g, minted)} for g in (onto, broken))
    reported = after - before
    assert reported == {"cpms:toStatus"}
    assert any(w.startswith("cpms_kg/workflow/publication.py:") for w in minted.terms["toStatus"])


def test_minted_terms_control_the_scan_reads_every_form() -> None:
    source = '''
from rdflib import URIRef
from cpms_kg.namespaces import CPMS as K
from .terms import C

_C = str(K)
ONTOLOGY = "https://w3id.org/cpms-kg/ontology#"


def mint(flag, kind, other, rows):
    c = _C
    a = [K.Attr, K["Item"], K.term("Termed"), URIRef(str(K) + "Strung"), c + "Local"]
    b = [C + "Imported", _C + ("Yes" if flag else "No"), _C + {"x": "DictA", "y": "DictB"}[kind]]
    d = [f"<{K.InFString}>", "https://w3id.org/cpms-kg/ontology#Full", "cpms:Curie", _C + "Pre" + "Fix"]
    for name, _value in (("LoopA", 1), ("LoopB", 2)):
        d.append(C + name)
    e = [other + "NotATerm", "text about cpms:NotACurie", ONTOLOGY, kind + "x", [C + n for n in ("Comp",)]]
    return a, b, d, e, _C + other, K[other], [C + name for name in rows]
'''
    minted = scan_sources({
        "pkg.mod": ("pkg/mod.py", source, False),
        "pkg.terms": ("pkg/terms.py", "from cpms_kg.namespaces import CPMS\nC = str(CPMS)\n", False),
    })
    assert set(minted.terms) == {"Attr", "Item", "Termed", "Strung", "Local", "Imported", "Yes", "No", "DictA",
                                 "DictB", "InFString", "Full", "Curie", "PreFix", "LoopA", "LoopB", "Comp"}
    assert minted.terms["LoopA"] == ["pkg/mod.py:16"]
    assert minted.dynamic == ["pkg/mod.py:18: _C + other", "pkg/mod.py:18: K[other]", "pkg/mod.py:18: C + name"]
