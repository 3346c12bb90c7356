"""Standards as linked data: write a version as RDF, read it back, and find versions in a store.

Writing and reading live in rdf_write and rdf_read; this module adds the store side, through the
`Store` interface only (SPARQL SELECT and CONSTRUCT), so it works on embedded and remote stores.

>>> sorted(["1.10", "1.9", "2", "1.0.1"], key=version_key)
['1.0.1', '1.9', '1.10', '2']
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from cpms_kg.errors import NotFound
from cpms_kg.standards.model import Standard, Status, Text, standard_path, version_path
from cpms_kg.standards.rdf_read import from_quads
from cpms_kg.standards.rdf_terms import ANNOTATED_SOURCE, DCT, SK, STATUSES, C, VersionIris
from cpms_kg.standards.rdf_write import decimal_lexical, prefixes, to_jsonld, to_quads, to_triples, to_turtle
from cpms_kg.store.base import Store

__all__ = [
    "StandardSummary",
    "StoredVersion",
    "VersionSummary",
    "decimal_lexical",
    "find_version",
    "from_quads",
    "latest_version",
    "list_standards",
    "load_standard",
    "prefixes",
    "read_version",
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


@dataclass(frozen=True)
class StoredVersion:
    """A version as the store holds it, with the base IRI its IRIs were minted under: this instance's,
    or, for a version imported from a package, the base of the instance that published it."""

    standard: Standard
    base: str

    @property
    def iri(self) -> str:
        return self.base + version_path(self.standard.info.id, self.standard.info.version)


def _minted_base(iri: str, path: str) -> str | None:
    """The base an IRI was minted under with this path, or None when it was not minted so."""
    return iri[: -len(path)] if iri.endswith(path) and len(iri) > len(path) else None


def _bases(store: Store, standard_id: str, *, trusted: bool) -> dict[str, set[str]]:
    """Each version number of the standard and the bases its IRIs were minted under."""
    rows = store.select(
        f"""SELECT DISTINCT ?std ?v ?number WHERE {{
              ?std <{DCT}identifier> {ox.Literal(standard_id)} ; <{C}hasVersion> ?v . ?v <{C}versionNumber> ?number .
            }}""",
        trusted=trusted,
    )
    found: dict[str, set[str]] = {}
    for row in rows:
        number, node = _literal(row["number"]), _literal(row["v"])
        base = _minted_base(node, version_path(standard_id, number))
        if base is not None and _literal(row["std"]) == base + standard_path(standard_id):
            found.setdefault(number, set()).add(base)
    return found


def find_version(store: Store, standard_id: str, version: str | None = None, *, trusted: bool = False) -> VersionIris:
    """The IRIs of `standard_id@version` (None: its latest version) found by the version's identifier and
    number, whatever base they carry; the instance's own base first when two bases hold the same version.
    NotFound when absent.

    A version under another base counts only when it is public: a published version imported from a
    package. Private graphs hold such versions for other reasons (an expert's proposal is a whole
    standard minted under the proposal's IRI), and those are not the standard.
    """
    found = _bases(store, standard_id, trusted=trusted)
    if trusted and any(b != store.base_iri for bases in found.values() for b in bases):
        public = _bases(store, standard_id, trusted=False)
        found = {v: {b for b in bs if b == store.base_iri or b in public.get(v, set())} for v, bs in found.items()}
        found = {v: bs for v, bs in found.items() if bs}
    chosen = version if version is not None else latest_version(list(found))
    if chosen is None or chosen not in found:
        if version is None:
            raise NotFound(f"no standard {standard_id}", message_zh=f"没有标准 {standard_id}")
        raise NotFound(
            f"no standard version {standard_id}@{version}", message_zh=f"没有标准版本 {standard_id}@{version}"
        )
    bases = found[chosen]
    base = store.base_iri if store.base_iri in bases else min(bases)
    return VersionIris(base, standard_id, chosen)


def read_version(store: Store, standard_id: str, version: str | None = None, *, trusted: bool = False) -> StoredVersion:
    """One version of a standard from the store with the base of its IRIs; None: its latest version.

    Unpublished versions live in private graphs: only `trusted` reads (operators, the workflow) see them.
    """
    iris = find_version(store, standard_id, version, trusted=trusted)
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
    return StoredVersion(from_quads(triples, iris.base, standard_id, iris.version), iris.base)


def load_standard(store: Store, standard_id: str, version: str | None = None, *, trusted: bool = False) -> Standard:
    """One version of a standard from the store; None: its latest version. NotFound when absent.

    Its IRIs may carry another base than the store's (a version imported from a package keeps its IRIs);
    `read_version` says which.
    """
    return read_version(store, standard_id, version, trusted=trusted).standard
