"""The ontology's JSON-LD @context: complete, valid JSON-LD 1.1, served, and compaction with it loses nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyld import jsonld as pyld
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS

from cpms_kg import jsonld
from cpms_kg.namespaces import CPMS
from cpms_kg.standards.demo import bearings
from cpms_kg.standards.rdf import to_jsonld, to_triples
from tests.conftest import BASE, ROOT, app_client

ONTOLOGY = ROOT / "ontology" / "cpms.ttl"
SHIPPED = ROOT / "ontology" / "context.jsonld"
LD11 = {"processingMode": "json-ld-1.1"}
XSD = rdflib.Namespace("http://www.w3.org/2001/XMLSchema#")


def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY)


def shipped() -> dict[str, object]:
    context = json.loads(SHIPPED.read_text(encoding="utf-8"))["@context"]
    assert isinstance(context, dict)
    return context


def local(iri: rdflib.term.Node) -> str:
    return str(iri).removeprefix(str(CPMS))


def cpms_terms(kind: rdflib.URIRef) -> list[rdflib.URIRef]:
    return sorted(s for s in ontology().subjects(RDF.type, kind) if str(s).startswith(str(CPMS)))


# -- the context file ----------------------------------------------------------------------------------


def test_every_class_and_property_has_a_term_with_the_right_coercion() -> None:
    graph, context = ontology(), shipped()
    classes = cpms_terms(OWL.Class)
    objects = cpms_terms(OWL.ObjectProperty)
    datatypes = cpms_terms(OWL.DatatypeProperty)
    annotations = cpms_terms(OWL.AnnotationProperty)
    assert len(classes) > 50 and len(objects) > 50 and len(datatypes) > 50 and annotations
    missing = [local(t) for t in (*classes, *objects, *datatypes, *annotations) if local(t) not in context]
    assert missing == []
    for cls in classes:
        assert context[local(cls)] == f"cpms:{local(cls)}"
    for prop in objects:
        assert context[local(prop)] == {"@id": f"cpms:{local(prop)}", "@type": "@id"}, prop
    for prop in datatypes:
        ranges = list(graph.objects(prop, RDFS.range))
        if len(ranges) == 1 and str(ranges[0]).startswith(str(XSD)) and ranges[0] != XSD.string:
            expected: object = {"@id": f"cpms:{local(prop)}", "@type": f"xsd:{str(ranges[0]).removeprefix(str(XSD))}"}
        else:
            expected = f"cpms:{local(prop)}"
        assert context[local(prop)] == expected, prop
    assert context["productCount"] == {"@id": "cpms:productCount", "@type": "xsd:integer"}
    assert context["regionCode"] == "cpms:regionCode"  # xsd:string: a plain JSON string, no coercion
    for prop in annotations:  # no declared range: nothing to coerce to
        assert context[local(prop)] == f"cpms:{local(prop)}"


def test_common_prefixes_and_no_term_taken_twice() -> None:
    context = shipped()
    for prefix, iri in {
        "cpms": str(CPMS),
        "skos": "http://www.w3.org/2004/02/skos/core#",
        "xkos": "http://rdf-vocabulary.ddialliance.org/xkos#",
        "dcterms": "http://purl.org/dc/terms/",
        "dcat": "http://www.w3.org/ns/dcat#",
        "prov": "http://www.w3.org/ns/prov#",
        "qudt": "http://qudt.org/schema/qudt/",
        "schema": "https://schema.org/",
        "void": "http://rdfs.org/ns/void#",
        "xsd": str(XSD),
    }.items():
        assert context[prefix] == iri
    # cpms:unit keeps its local name; QUDT's unit vocabulary gets no prefix rather than a clash.
    assert context["unit"] == {"@id": "cpms:unit", "@type": "@id"}


def test_shipped_context_is_a_rebuild_of_the_ontology() -> None:
    rebuilt = jsonld.build_context(ox.parse(path=ONTOLOGY, format=ox.RdfFormat.TURTLE))
    assert jsonld.context_text(rebuilt) == SHIPPED.read_text(encoding="utf-8"), "run python -m cpms_kg.jsonld"


def test_the_reference_processor_accepts_the_context_and_expands_every_term() -> None:
    context = shipped()
    terms = [k for k, v in context.items() if not k.startswith("@") and not str(v).endswith(("/", "#"))]
    classes = [t for t in terms if t[0].isupper()]
    node: dict[str, object] = {"@context": context, "@id": BASE + "x", "@type": classes}
    for term in terms:
        if not term[0].isupper():
            node[term] = "cpms:Value"
    [expanded] = pyld.expand(node, LD11)
    assert sorted(expanded["@type"]) == sorted(str(CPMS) + c for c in classes)
    for term in terms:
        if term[0].isupper():
            continue
        definition = context[term]
        [value] = expanded[str(CPMS) + term]
        coercion = definition.get("@type") if isinstance(definition, dict) else None
        if coercion == "@id":
            assert value == {"@id": str(CPMS) + "Value"}, term
        elif coercion is not None:
            assert value == {"@value": "cpms:Value", "@type": str(XSD) + coercion.removeprefix("xsd:")}, term
        else:
            assert value == {"@value": "cpms:Value"}, term


def test_an_invalid_context_is_refused_by_the_reference_processor() -> None:
    # The negative control for the test above: rdflib would accept this silently.
    broken = {**shipped(), "hasAttribute": {"@type": "@id"}}
    with pytest.raises(pyld.JsonLdError):
        pyld.expand({"@context": broken, "@id": BASE + "x", "hasAttribute": "cpms:Value"}, LD11)


# -- compaction round trip (Hypothesis) ----------------------------------------------------------------

_ONTOLOGY_TRIPLES = list(ox.parse(path=ONTOLOGY, format=ox.RdfFormat.TURTLE))


def _of_kind(kind: str) -> list[str]:
    return sorted(
        {
            t.subject.value
            for t in _ONTOLOGY_TRIPLES
            if t.predicate.value == str(RDF.type)
            and t.object == ox.NamedNode(str(OWL) + kind)
            and isinstance(t.subject, ox.NamedNode)
            and t.subject.value.startswith(str(CPMS))
        }
    )


CLASSES = _of_kind("Class")
PROPERTIES = _of_kind("ObjectProperty") + _of_kind("DatatypeProperty") + _of_kind("AnnotationProperty")
EXTERNAL = [
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://purl.org/dc/terms/title",
    "https://schema.org/value",
    "http://www.w3.org/2000/01/rdf-schema#subClassOf",
    str(RDF.type),
    BASE + "standard/s/1.0/attribute/width",
]
DATATYPES = [str(XSD) + d for d in ("string", "decimal", "integer", "nonNegativeInteger", "date", "boolean")]
IRIS = st.one_of(
    st.builds(lambda p: BASE + p, st.from_regex(r"[a-z]{1,3}(/[a-z0-9]{1,3}){0,2}", fullmatch=True)),
    st.sampled_from(CLASSES + PROPERTIES + DATATYPES),
    st.sampled_from(["https://schema.org/", "https://schema.org///x", "http://example.org/a#b", str(XSD)]),
)
BLANKS = st.sampled_from(["b0", "b1", "b2"]).map(ox.BlankNode)
TEXT = st.text(st.characters(whitelist_categories=("L", "N", "P", "Zs")), max_size=8)
LITERALS = st.one_of(
    TEXT.map(ox.Literal),
    st.builds(lambda v, lang: ox.Literal(v, language=lang), TEXT, st.sampled_from(["zh", "en"])),
    st.builds(lambda v, dt: ox.Literal(v, datatype=ox.NamedNode(dt)), TEXT, st.sampled_from(DATATYPES)),
    st.integers(0, 10**6).map(lambda i: ox.Literal(str(i), datatype=ox.NamedNode(str(XSD) + "integer"))),
)
SUBJECTS = st.one_of(IRIS.map(ox.NamedNode), BLANKS)
TRIPLES = st.lists(
    st.builds(
        ox.Triple,
        SUBJECTS,
        st.sampled_from(PROPERTIES + EXTERNAL).map(ox.NamedNode),
        st.one_of(IRIS.map(ox.NamedNode), BLANKS, LITERALS),
    ),
    min_size=1,
    max_size=25,
)


def _rdflib(data: str, fmt: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=data, format=fmt)


def _nt(triples: list[ox.Triple]) -> str:
    return (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode()


def _canonical(triples: list[ox.Triple]) -> set[ox.Quad]:
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return set(dataset)


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.filterwarnings("ignore:Serializing weird", "ignore:Parsing weird")  # ill-typed literals on purpose
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TRIPLES)
def test_compacted_documents_expand_back_to_the_same_graph(triples: list[ox.Triple]) -> None:
    text = jsonld.dumps(triples)
    document = json.loads(text)
    # Offline: the inline context is the published one, restricted to the terms used.
    context = shipped()
    assert all(context[k] == v for k, v in document["@context"].items())
    # pyoxigraph (Rust), rdflib and pyld (the reference processor) all read the same graph back.
    assert _canonical(list(ox.parse(text.encode(), format=ox.RdfFormat.JSON_LD))) == _canonical(triples)
    expected = _rdflib(_nt(triples), "nt")
    assert isomorphic(_rdflib(text, "json-ld"), expected)
    assert isomorphic(_rdflib(pyld.to_rdf(document, {**LD11, "format": "application/n-quads"}), "nt"), expected)
    # pyld's own compaction with the full published context loses nothing either, except where pyld 3.3 writes
    # "prefix://x" for {prefix}//x, which JSON-LD 1.1 then reads as an absolute IRI (jsonld.compact does not).
    if not any("///" in str(t) for t in triples):
        expanded = pyld.from_rdf(_nt(triples), {"format": "application/n-quads"})
        compacted = pyld.compact(expanded, {"@context": context}, LD11)
        assert isomorphic(_rdflib(pyld.to_rdf(compacted, {**LD11, "format": "application/n-quads"}), "nt"), expected)


def test_compaction_uses_the_terms_and_their_coercions() -> None:
    v, c = ox.NamedNode(BASE + "standard/s/1.0"), str(CPMS)
    triples = [
        ox.Triple(v, ox.NamedNode(str(RDF.type)), ox.NamedNode(c + "StandardVersion")),
        ox.Triple(v, ox.NamedNode(c + "hasAttribute"), ox.NamedNode(BASE + "standard/s/1.0/attribute/a")),
        ox.Triple(v, ox.NamedNode(c + "productCount"), ox.Literal("7", datatype=ox.NamedNode(str(XSD) + "integer"))),
        ox.Triple(v, ox.NamedNode(c + "productCount"), ox.Literal("x")),
        ox.Triple(v, ox.NamedNode(c + "regionCode"), ox.Literal("330000")),
    ]
    document = jsonld.compact(triples)
    [node] = document["@graph"]  # type: ignore[misc]
    assert node["@type"] == "StandardVersion"
    assert node["hasAttribute"] == BASE + "standard/s/1.0/attribute/a"
    assert sorted(map(json.dumps, node["productCount"])) == ['"7"', '{"@value": "x"}']
    assert node["regionCode"] == "330000"
    assert set(document["@context"]) >= {"StandardVersion", "hasAttribute", "productCount", "regionCode"}  # type: ignore[arg-type]
    assert "Product" not in document["@context"]  # type: ignore[operator]


def test_the_standard_export_is_compacted_with_the_published_context() -> None:
    document = json.loads(to_jsonld(bearings(), BASE))
    context = shipped()
    version = next(n for n in document["@graph"] if n["@type"] == ["skos:ConceptScheme", "StandardVersion"])
    assert isinstance(version["hasAttribute"], list) and version["status"] == "cpms:PublishedProvincial"
    # The version's folders are local prefixes; "category" takes the name of the cpms:category term, which
    # is then written as a compact IRI. Every other definition is the published one.
    folders = {k for k, v in document["@context"].items() if str(v).startswith(BASE)}
    assert {"category", "units"} <= folders
    assert all(document["@context"][k] == context[k] for k in document["@context"] if k not in folders)
    requirement = next(n for n in document["@graph"] if n["@type"] == "AttributeRequirement")
    assert requirement["cpms:category"]["@id"].startswith("category:")
    parsed = list(ox.parse(json.dumps(document).encode(), format=ox.RdfFormat.JSON_LD))
    assert _canonical(parsed) == _canonical(to_triples(bearings(), BASE))


# -- served --------------------------------------------------------------------------------------------


@pytest.fixture
def client(store_dir: Path) -> Iterator[object]:
    with app_client(store_dir) as (client, _):
        yield client


def test_the_context_is_served_as_json_ld(client: object) -> None:
    response = client.get(jsonld.CONTEXT_PATH)  # type: ignore[attr-defined]
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/ld+json")
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.json() == {"@context": shipped()}


def test_id_json_ld_is_compacted_parses_offline_and_links_the_context(client: object) -> None:
    path = "/id/standard/zj-rolling-bearings/1.0"
    answer = client.get(path, headers={"Accept": "application/ld+json"})  # type: ignore[attr-defined]
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/ld+json")
    assert f'<{jsonld.CONTEXT_PATH}>; rel="http://www.w3.org/ns/json-ld#context"' in answer.headers["link"]
    document = answer.json()
    [version] = [n for n in document["@graph"] if n["@id"] == BASE + "standard/zj-rolling-bearings/1.0"]
    assert "StandardVersion" in version["@type"] and len(version["hasAttribute"]) == 27
    assert document["@context"]["hasAttribute"] == {"@id": "cpms:hasAttribute", "@type": "@id"}
    turtle = client.get(path, headers={"Accept": "text/turtle"}).text  # type: ignore[attr-defined]
    assert _canonical(list(ox.parse(answer.content, format=ox.RdfFormat.JSON_LD))) == _canonical(
        list(ox.parse(turtle.encode(), format=ox.RdfFormat.TURTLE))
    )
