"""Namespaces used throughout; CPMS ontology terms live in one fixed namespace."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, ORG, OWL, PROV, RDF, RDFS, SKOS, XSD

CPMS = Namespace("https://w3id.org/cpms-kg/ontology#")
XKOS = Namespace("http://rdf-vocabulary.ddialliance.org/xkos#")
QUDT = Namespace("http://qudt.org/schema/qudt/")
UNIT = Namespace("http://qudt.org/vocab/unit/")
QUANTITYKIND = Namespace("http://qudt.org/vocab/quantitykind/")
SCHEMA = Namespace("https://schema.org/")
SH = Namespace("http://www.w3.org/ns/shacl#")

PREFIXES: dict[str, str] = {
    "cpms": str(CPMS),
    "skos": str(SKOS),
    "xkos": str(XKOS),
    "dcterms": str(DCTERMS),
    "dcat": str(DCAT),
    "prov": str(PROV),
    "org": str(ORG),
    "qudt": str(QUDT),
    "unit": str(UNIT),
    "quantitykind": str(QUANTITYKIND),
    "schema": str(SCHEMA),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "sh": str(SH),
    "cpmssh": "https://w3id.org/cpms-kg/shapes#",
}

__all__ = [
    "CPMS",
    "DCAT",
    "DCTERMS",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "QUANTITYKIND",
    "QUDT",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SH",
    "SKOS",
    "UNIT",
    "XKOS",
    "XSD",
]
