"""JSON-LD for the CPMS ontology: the published @context (ontology/context.jsonld) and compaction with it.

The context gives every class and property of the `cpms:` namespace a term named by its local name:
object properties coerce their values to IRIs (`"@type": "@id"`), datatype properties with one XSD range
other than xsd:string to that datatype; classes, annotation properties and plain-text properties are
simple terms. It also holds the prefixes of the vocabularies the graph reuses. It is generated from
ontology/cpms.ttl by `python -m cpms_kg.jsonld` (a test checks the shipped file is a rebuild), and served
at `/ontology/context.jsonld` (`CONTEXT_PATH`) on every host the service runs on.

The service's JSON-LD (`/id/...`, standard exports) is compacted with it. Each document carries inline the
part of the context it uses (every definition as published), so it parses offline, with no remote context
to fetch; HTTP answers name the published context by URL in a Link header.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from cpms_kg.namespaces import CPMS, PREFIXES
from cpms_kg.resources import ontology_file

CONTEXT_PATH = "/ontology/context.jsonld"
CONTEXT_REL = "http://www.w3.org/ns/json-ld#context"
MEDIA_TYPE = "application/ld+json"

_C = str(CPMS)
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_RANGE = "http://www.w3.org/2000/01/rdf-schema#range"
_OWL = "http://www.w3.org/2002/07/owl#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_KINDS = {_OWL + k: k for k in ("Class", "ObjectProperty", "DatatypeProperty", "AnnotationProperty")}
# Vocabularies the ontology and the service descriptions reuse beyond cpms_kg.namespaces.PREFIXES.
_MORE_PREFIXES = {
    "odrl": "http://www.w3.org/ns/odrl/2/",
    "vann": "http://purl.org/vocab/vann/",
    "void": "http://rdfs.org/ns/void#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
}

Node = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def build_context(ontology: Iterable[ox.Triple]) -> dict[str, object]:
    """The context document for the ontology's triples: prefixes, then one term per cpms class and property."""
    kinds: dict[str, set[str]] = {}
    ranges: dict[str, set[str]] = {}
    for t in ontology:
        s, o = t.subject, t.object
        if not isinstance(s, ox.NamedNode) or not s.value.startswith(_C) or not isinstance(o, ox.NamedNode):
            continue
        name = s.value[len(_C) :]
        if t.predicate.value == _RDF_TYPE and o.value in _KINDS:
            kinds.setdefault(name, set()).add(_KINDS[o.value])
        elif t.predicate.value == _RANGE:
            ranges.setdefault(name, set()).add(o.value)
    # A cpms term takes its local name even where a prefix had it (cpms:unit over QUDT's unit vocabulary,
    # which is then written with full IRIs).
    prefixes = {k: v for k, v in sorted({**PREFIXES, **_MORE_PREFIXES}.items()) if k not in kinds}
    context: dict[str, object] = {"@version": 1.1, **prefixes}
    for name, kind in sorted(kinds.items()):
        iri = f"cpms:{name}"
        if "Class" in kind:
            context[name] = iri
        elif "ObjectProperty" in kind:
            context[name] = {"@id": iri, "@type": "@id"}
        elif "DatatypeProperty" in kind and _coercible(ranges.get(name, set())):
            (datatype,) = ranges[name]
            context[name] = {"@id": iri, "@type": "xsd:" + datatype[len(_XSD) :]}
        else:
            context[name] = iri
    return {"@context": context}


def _coercible(ranges: set[str]) -> bool:
    # Strings stay plain JSON strings: RDF reads a plain string as xsd:string anyway.
    return len(ranges) == 1 and next(iter(ranges)).startswith(_XSD) and ranges != {_XSD + "string"}


def context_text(context: Mapping[str, object]) -> str:
    return json.dumps(context, ensure_ascii=False, indent=2) + "\n"


@lru_cache(maxsize=1)
def published_context() -> dict[str, object]:
    """The shipped context document, as served at CONTEXT_PATH."""
    document = json.loads(ontology_file("context.jsonld").read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


@dataclass(frozen=True)
class _Term:
    name: str
    definition: object
    coercion: str | None
    """"@id", a datatype IRI, or None."""


@dataclass(frozen=True)
class _Tables:
    prefixes: dict[str, str]
    terms: dict[str, _Term]
    """By IRI."""


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    context = published_context()["@context"]
    assert isinstance(context, dict)
    # As in JSON-LD 1.1, prefixes are the simple definitions ending in a gen-delim; terms never do.
    prefixes = {k: v for k, v in context.items() if isinstance(v, str) and v.endswith(("/", "#"))}

    def expand(curie: str) -> str:
        prefix, _, rest = curie.partition(":")
        return prefixes[prefix] + rest if prefix in prefixes else curie

    terms: dict[str, _Term] = {}
    for name, definition in context.items():
        if name.startswith("@") or name in prefixes:
            continue
        if isinstance(definition, str):
            terms[expand(definition)] = _Term(name, definition, None)
        elif isinstance(definition, dict):
            coercion = definition.get("@type")
            if isinstance(coercion, str) and coercion != "@id":
                coercion = expand(coercion)
            terms[expand(definition["@id"])] = _Term(name, definition, coercion)
    return _Tables(prefixes, terms)


class _Compactor:
    def __init__(self, extra_prefixes: Mapping[str, str]) -> None:
        tables = _tables()
        clash = sorted(set(extra_prefixes) & set(tables.prefixes))
        if clash:
            raise ValueError(f"prefixes {clash} would redefine the published context's")
        self.prefixes = {**tables.prefixes, **extra_prefixes}
        # Longest namespace first, so that a folder prefix wins over its parent's.
        self.spaces = sorted(self.prefixes.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        self.terms = {iri: t for iri, t in tables.terms.items() if t.name not in extra_prefixes}
        self.used: dict[str, object] = {}

    def iri(self, iri: str) -> str:
        """A compact IRI where a prefix fits, else the IRI itself (never a bare term: ids are not vocab-relative)."""
        for prefix, namespace in self.spaces:
            rest = iri[len(namespace) :]
            if iri.startswith(namespace) and rest and not rest.startswith("//"):
                return f"{prefix}:{rest}"
        return iri

    def term(self, iri: str) -> _Term | None:
        term = self.terms.get(iri)
        if term is not None:
            self.used[term.name] = term.definition
        return term

    def node_id(self, node: Node) -> str:
        if isinstance(node, ox.BlankNode):
            return "_:" + node.value
        if isinstance(node, ox.NamedNode):
            return self.iri(node.value)
        raise ValueError(f"JSON-LD 1.1 has no form for the term {node}")

    def vocab(self, iri: str) -> str:
        term = self.term(iri)
        return term.name if term is not None else self.iri(iri)

    def value(self, o: Node, coercion: str | None) -> object:
        """The compacted value: a bare string where the term's coercion says what it is, else a value object."""
        if isinstance(o, ox.Literal):
            datatype = o.datatype.value
            if o.language:
                return {"@value": o.value, "@language": o.language}
            if (coercion is None and datatype == _XSD + "string") or coercion == datatype:
                return o.value
            if datatype == _XSD + "string":
                return {"@value": o.value}
            return {"@value": o.value, "@type": self.iri(datatype)}
        if coercion == "@id":
            return self.node_id(o)
        return {"@id": self.node_id(o)}

    def document(self, triples: Iterable[ox.Triple]) -> dict[str, object]:
        nodes: dict[str, dict[str, list[object]]] = {}
        for t in sorted(set(triples), key=str):
            node = nodes.setdefault(self.node_id(t.subject), {})
            p, o = t.predicate.value, t.object
            if p == _RDF_TYPE and isinstance(o, ox.NamedNode | ox.BlankNode):
                key = "@type"
                value: object = self.vocab(o.value) if isinstance(o, ox.NamedNode) else self.node_id(o)
            else:
                term = self.term(p)
                key = term.name if term is not None else self.iri(p)
                value = self.value(o, term.coercion if term is not None else None)
            node.setdefault(key, []).append(value)
        graph = [
            {"@id": subject, **{k: v[0] if len(v) == 1 else v for k, v in body.items()}}
            for subject, body in sorted(nodes.items())
        ]
        context = {"@version": 1.1, **self.prefixes, **self.used}
        return {"@context": context, "@graph": graph}


def compactable(triples: Iterable[ox.Triple]) -> bool:
    """False when an RDF-star triple term occurs, which JSON-LD 1.1 cannot write."""
    return not any(isinstance(t.subject, ox.Triple) or isinstance(t.object, ox.Triple) for t in triples)


def compact(triples: Iterable[ox.Triple], *, prefixes: Mapping[str, str] | None = None) -> dict[str, object]:
    """A JSON-LD document of the triples compacted with the published context, which it carries inline,
    restricted to the terms it uses. `prefixes` adds local ones (an instance folder); a term whose name a
    local prefix takes is written as a compact IRI instead."""
    return _Compactor(prefixes or {}).document(triples)


def dumps(triples: Iterable[ox.Triple], *, prefixes: Mapping[str, str] | None = None) -> str:
    """`compact` as text: keys sorted, so equal graphs give identical bytes."""
    return json.dumps(compact(triples, prefixes=prefixes), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def link_header() -> str:
    """Names the published context (relative to the serving host) for clients that follow links."""
    return f'<{CONTEXT_PATH}>; rel="{CONTEXT_REL}"; type="{MEDIA_TYPE}"'


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Writes ontology/context.jsonld from ontology/cpms.ttl.")
    parser.add_argument("--ontology", type=Path, default=Path("ontology/cpms.ttl"))
    parser.add_argument("--out", type=Path, default=Path("ontology/context.jsonld"))
    args = parser.parse_args(argv)
    triples = ox.parse(path=args.ontology, format=ox.RdfFormat.TURTLE)
    args.out.write_text(context_text(build_context(triples)), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
