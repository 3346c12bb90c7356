"""Standards as linked data: write a version as RDF, read it back, and find versions in a store.

Writing and reading live in rdf_write and rdf_read; this module adds the store side, through the
`Store` interface only (SPARQL SELECT and CONSTRUCT), so it works on embedded and remote stores.

>>> sorted(["1.10", "1.9", "2", "1.0.1"], key=version_key)
['1.0.1', '1.9', '1.10', '2']
"""

from __future__ import annotations

from dataclasses import dataclass

from cpms_kg.errors import NotFound
from cpms_kg.standards.model import Standard, Status, Text, standard_path
from cpms_kg.standards.rdf_read import from_quads
from cpms_kg.standards.rdf_terms import ANNOTATED_SOURCE, DCT, SK, STATUSES, C, VersionIris
from cpms_kg.standards.rdf_write import decimal_lexical, prefixes, to_jsonld, to_quads, to_triples, to_turtle
from cpms_kg.store.base import Store

__all__ = [
    "StandardSummary",
    "VersionSummary",
    "decimal_lexical",
    "from_quads",
    "latest_version",
    "list_standards",
    "load_standard",
    "prefixes",
    "to_jsonld",
    "to_quads",
    "to_triples",
    "to_turtle",
    "version_key",
]

_STATUSES = {iri: s for s, iri in STATUSES.items()}


def version_key(version: str) -> tuple[tuple[int, int, str], ...]:
    """Sort key comparing dotted versions part by part, numerically (1.10 > 1.9; 1.0 > 1).

    A part that is not a number sorts after the numbers at its place, by its text.
    """
    return tuple((0, int(p), "") if p.isascii() and p.isdigit() else (1, 0, p) for p in version.split("."))


def latest_version(versions: list[str]) -> str | None:
    return max(versions, key=lambda v: (version_key(v), v), default=None)


@dataclass(frozen=True)
class VersionSummary:
    version: str
    iri: str
    status: Status
    title: Text


@dataclass(frozen=True)
class StandardSummary:
    id: str
    iri: str
    versions: tuple[VersionSummary, ...]
    """Oldest first (by `version_key`)."""

    @property
    def latest(self) -> VersionSummary:
        return self.versions[-1]


def _literal(term: object) -> str:
    return str(getattr(term, "value", ""))


def _by_version(v: VersionSummary) -> tuple[tuple[tuple[int, int, str], ...], str]:
    return version_key(v.version), v.version


def list_standards(store: Store, *, trusted: bool = False) -> list[StandardSummary]:
    """Every standard with its versions, by id: published ones, or with `trusted` unpublished ones too."""
    rows = store.select(
        f"""SELECT ?std ?id ?v ?number ?status ?zh ?en WHERE {{
              ?std a <{C}IndustryStandard> ; <{DCT}identifier> ?id ; <{C}hasVersion> ?v .
              ?v <{C}versionNumber> ?number .
              OPTIONAL {{ ?v <{C}status> ?status }}
              OPTIONAL {{ ?v <{DCT}title> ?zh FILTER(LANGMATCHES(LANG(?zh), "zh")) }}
              OPTIONAL {{ ?v <{DCT}title> ?en FILTER(LANGMATCHES(LANG(?en), "en")) }}
            }}""",
        trusted=trusted,
    )
    found: dict[tuple[str, str], dict[str, VersionSummary]] = {}
    for row in rows:
        version = VersionSummary(
            version=_literal(row["number"]),
            iri=_literal(row["v"]),
            status=_STATUSES.get(_literal(row.get("status")), Status.DRAFT),
            title=Text(_literal(row.get("zh")), _literal(row.get("en"))),
        )
        # A version with several titles (two loads of it) is listed once.
        found.setdefault((_literal(row["id"]), _literal(row["std"])), {}).setdefault(version.version, version)
    return [
        StandardSummary(std_id, iri, tuple(sorted(versions.values(), key=_by_version)))
        for (std_id, iri), versions in sorted(found.items())
    ]


def _versions(store: Store, standard_id: str, trusted: bool) -> list[str]:
    std = store.base_iri + standard_path(standard_id)
    rows = store.select(
        f"SELECT ?number WHERE {{ <{std}> <{C}hasVersion> ?v . ?v <{C}versionNumber> ?number }}", trusted=trusted
    )
    return [_literal(row["number"]) for row in rows]


def load_standard(store: Store, standard_id: str, version: str | None = None, *, trusted: bool = False) -> Standard:
    """One version of a standard from the store; None: its latest version. NotFound when absent.

    Unpublished versions live in private graphs: only `trusted` reads (operators, the workflow) see them.
    """
    if version is None:
        version = latest_version(_versions(store, standard_id, trusted))
        if version is None:
            raise NotFound(f"no standard {standard_id}", message_zh=f"没有标准 {standard_id}")
    iris = VersionIris(store.base_iri, standard_id, version)
    v = iris.node
    parts = "|".join(
        f"<{C}{p}>" for p in ("hasAttribute", "hasCodeList", "hasRequirement", "issuingBody", "expertGroup")
    )
    # Everything from_quads reads: the version, its items, their value domains, codes and mapping axioms;
    # reused items are read the same way from the graph of the standard that defines them.
    triples = store.construct(
        f"""CONSTRUCT {{ ?s ?p ?o }} WHERE {{
              {{ VALUES ?s {{ <{v}> <{iris.standard}> }} ?s ?p ?o }}
              UNION {{ ?s <{SK}inScheme> <{v}> ; ?p ?o }}
              UNION {{ <{v}> {parts} ?s . ?s ?p ?o }}
              UNION {{ <{v}> <{C}hasAttribute> ?a . ?a <{C}valueDomain> ?s . ?s ?p ?o }}
              UNION {{ <{v}> <{C}hasCodeList> ?l . ?s <{SK}inScheme> ?l ; ?p ?o }}
              UNION {{ ?c <{SK}inScheme> <{v}> . ?s <{ANNOTATED_SOURCE}> ?c ; ?p ?o }}
              UNION {{ ?s <{ANNOTATED_SOURCE}> <{v}> ; ?p ?o }}
            }}""",
        trusted=trusted,
    )
    return from_quads(triples, store.base_iri, standard_id, version)
