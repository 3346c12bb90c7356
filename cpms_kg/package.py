"""The package for the national platform: one standard version as a self-describing, verifiable zip.

Members, in this order (flat names, nothing else):

- `README.md`: what the package is and how to import and verify it (zh/en);
- `standard.ttl`, `standard.jsonld`: the version in Turtle and JSON-LD (the same triples);
- `shapes.ttl`: its compiled SHACL shapes, as `cpms-kg standard shapes` prints them;
- `provenance.ttl`: the public provenance graph written at publication, or the version's own PROV links;
- `dcat.ttl`: a dcat:Dataset for the package with one dcat:Distribution (size, SHA-256) per content file;
- `manifest.json`: every other file's SHA-256, size, media type and the graph it is loaded into, the
  format version, the source's base IRI, the standard, the creation time, and the published versions
  whose items the standard reuses (`requires`: an importer must hold them first).

Packages are byte-reproducible: the creation time is the version's own time (its issue date, or the
latest time in its provenance), never the clock, and the members are written in a fixed order with
fixed zip metadata. IRIs are the source instance's; an importing instance keeps them.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime

import pyoxigraph as ox

from cpms_kg.errors import BadInput, NotFound
from cpms_kg.iris import graph_path
from cpms_kg.namespaces import CPMS, DCAT, DCTERMS, PREFIXES, PROV, RDF, XSD
from cpms_kg.package_text import DESCRIPTIONS, readme
from cpms_kg.standards import service
from cpms_kg.standards.lifecycle import IMMUTABLE
from cpms_kg.standards.model import Standard, version_path
from cpms_kg.standards.rdf import StoredVersion, list_standards, to_jsonld, to_triples, to_turtle, version_key
from cpms_kg.standards.rdf_terms import VersionIris
from cpms_kg.standards.reuse import reused_iris
from cpms_kg.store.base import Store
from cpms_kg.terms import n, typed, value
from cpms_kg.workflow.publication import provenance_graph

FORMAT = "cpms-kg-package"
FORMAT_VERSION = "1"
MANIFEST = "manifest.json"
DEFAULT_LICENCE = "https://creativecommons.org/licenses/by/4.0/"
ONTOLOGY = "https://w3id.org/cpms-kg/ontology"
SPDX = "http://spdx.org/rdf/terms#"
_IANA = "https://www.iana.org/assignments/media-types/"
_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
_DATETIME = str(XSD) + "dateTime"
_C = str(CPMS)
TURTLE, JSONLD, MARKDOWN, JSON = "text/turtle", "application/ld+json", "text/markdown", "application/json"


def shapes_graph(base: str, standard_id: str, version: str) -> str:
    return base + graph_path("shapes", "standard", standard_id, version)


def package_graph(base: str, standard_id: str, version: str) -> str:
    """The graph of the package's DCAT record on an instance that imported it."""
    return base + graph_path("package", "standard", standard_id, version)


def package_iri(base: str, standard_id: str, version: str) -> str:
    return f"{base}{version_path(standard_id, version)}/package"


@dataclass(frozen=True)
class Member:
    """One file of a package and the graph an importer loads it into (None: not loaded)."""

    path: str
    media_type: str
    data: bytes
    graph: str | None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def entry(self) -> dict[str, object]:
        return {
            "path": self.path,
            "media_type": self.media_type,
            "size": len(self.data),
            "sha256": self.sha256,
            "graph": self.graph,
            "description": DESCRIPTIONS[self.path][1],
        }


@dataclass(frozen=True)
class Required:
    """A published version whose items (attributes, code lists) the packaged version reuses by IRI: its
    package only points at them, so an importing instance must hold that version first."""

    iri: str
    id: str
    version: str

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    @property
    def package_name(self) -> str:
        return f"{self.id}-{self.version}.zip"

    def entry(self) -> dict[str, str]:
        return {"iri": self.iri, "id": self.id, "version": self.version}


@dataclass(frozen=True)
class Package:
    name: str
    """`{id}-{version}.zip`."""
    data: bytes
    standard: Standard
    manifest: dict[str, object]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def choose(store: Store, key: str, *, trusted: bool) -> StoredVersion:
    """The version a key names; without a version, the latest published one (never a draft)."""
    standard_id, version = service.parse_key(key)
    if version is None:
        found = next((s for s in list_standards(store, trusted=trusted) if s.id == standard_id), None)
        published = [v.version for v in found.versions if v.status in IMMUTABLE] if found else []
        if not published:
            raise NotFound(
                f"standard {standard_id} has no published version to package (name one with ID@VERSION)",
                message_zh=f"标准 {standard_id} 没有可打包的已发布版本（可用 ID@VERSION 指定版本）",
            )
        version = max(published, key=lambda v: (version_key(v), v))
    try:
        return service.locate(store, f"{standard_id}@{version}", trusted=trusted)
    except NotFound:
        only = "" if trusted else " (only published versions are packaged)"
        only_zh = "" if trusted else "（仅可打包已发布的版本）"
        raise NotFound(
            f"no version {version} of standard {standard_id}{only}",
            message_zh=f"标准 {standard_id} 没有版本 {version}{only_zh}",
        ) from None


def _provenance(store: Store, standard: Standard, base: str) -> tuple[list[ox.Triple], str | None]:
    """The public provenance graph and its IRI; else the version's own PROV links, loaded nowhere
    (they are part of the standard's graph already)."""
    info = standard.info
    graph = provenance_graph(base, info.id, info.version)
    if graph in store.public_graphs():
        return sorted(store.graph_triples(graph), key=str), graph
    version = base + version_path(info.id, info.version)
    own = {str(PROV.wasRevisionOf), str(DCTERMS.replaces), str(DCTERMS.issued), _C + "issuingBody"}
    triples = to_triples(standard, base)
    return [t for t in triples if value(t.subject) == version and t.predicate.value in own], None


def requirements(store: Store, standard: Standard, base: str) -> list[Required]:
    """The published versions that define the items this version reuses, by IRI.

    NotFound when a reused item is defined by no version in the store (the package could not be imported)."""
    items = sorted(set(reused_iris(standard, base)))
    if not items:
        return []
    rows = store.select(
        f"""SELECT DISTINCT ?item ?v ?id ?number WHERE {{ VALUES ?item {{ {" ".join(f"<{i}>" for i in items)} }}
              ?std <{DCTERMS.identifier}> ?id ; <{_C}hasVersion> ?v . ?v <{_C}versionNumber> ?number .
              ?v <{_C}hasAttribute>|<{_C}hasCodeList> ?item FILTER(STRSTARTS(STR(?item), CONCAT(STR(?v), "/"))) }}"""
    )
    found = {value(r["item"]): Required(value(r["v"]), value(r["id"]), value(r["number"])) for r in rows}
    missing = [i for i in items if i not in found]
    if missing:
        raise NotFound(
            f"{standard.key} reuses {missing[0]}, which no published version in the store defines",
            message_zh=f"{standard.key} 复用的 {missing[0]} 未由存储中任何已发布的版本定义",
        )
    return sorted(set(found.values()), key=lambda r: r.iri)


def _utc(text: str) -> str | None:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def created_time(standard: Standard, provenance: list[ox.Triple]) -> str | None:
    """The version's own latest time: its issue date, or a later time recorded in its provenance."""
    times = [f"{standard.info.issued.isoformat()}T00:00:00Z"] if standard.info.issued else []
    for t in provenance:
        if isinstance(t.object, ox.Literal) and t.object.datatype.value == _DATETIME:
            moment = _utc(t.object.value)
            if moment is not None:
                times.append(moment)
    return max(times, default=None)


def _turtle(triples: list[ox.Triple], names: tuple[str, ...], extra: dict[str, str] | None = None) -> bytes:
    prefixes = {k: PREFIXES[k] for k in names} | (extra or {})
    return ox.serialize(sorted(triples, key=str), format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""


def _dcat(standard: Standard, base: str, members: list[Member], created: str | None, licence: str) -> list[ox.Triple]:
    info = standard.info
    package = n(package_iri(base, info.id, info.version))
    iris = VersionIris(base, info.id, info.version)
    t = ox.Triple
    out = [
        t(package, n(str(RDF.type)), n(str(DCAT.Dataset))),
        t(package, n(str(RDF.type)), n(_C + "StandardPackage")),
        t(package, n(_C + "packageOf"), n(iris.node)),
        t(package, n(str(DCTERMS.identifier)), ox.Literal(standard.key)),
        t(package, n(str(DCTERMS.title)), ox.Literal(f"{info.title.zh} {info.version} 数据包", language="zh")),
        t(package, n(str(DCTERMS.title)), ox.Literal(f"{info.title.en} {info.version}: package", language="en")),
        t(package, n(str(DCTERMS.description)), ox.Literal(DESCRIPTIONS["package"][0], language="zh")),
        t(package, n(str(DCTERMS.description)), ox.Literal(DESCRIPTIONS["package"][1], language="en")),
        t(package, n(str(DCTERMS.publisher)), n(iris.issuing_body)),
        t(package, n(str(DCTERMS.license)), n(licence)),
        t(package, n(str(DCTERMS.conformsTo)), n(ONTOLOGY)),
    ]
    if info.issued is not None:
        out.append(t(package, n(str(DCTERMS.issued)), typed(info.issued.isoformat(), "date")))
    if created is not None:
        out.append(t(package, n(str(DCTERMS.modified)), typed(created, "dateTime")))
    for member in members:
        dist, checksum = n(f"{package.value}/{member.path}"), n(f"{package.value}/{member.path}/checksum")
        out += [
            t(package, n(str(DCAT.distribution)), dist),
            t(dist, n(str(RDF.type)), n(str(DCAT.Distribution))),
            t(dist, n(str(DCTERMS.title)), ox.Literal(member.path)),
            t(dist, n(str(DCTERMS.description)), ox.Literal(DESCRIPTIONS[member.path][0], language="zh")),
            t(dist, n(str(DCTERMS.description)), ox.Literal(DESCRIPTIONS[member.path][1], language="en")),
            t(dist, n(str(DCAT.mediaType)), n(_IANA + member.media_type)),
            t(dist, n(str(DCAT.byteSize)), typed(str(len(member.data)), "nonNegativeInteger")),
            t(dist, n(SPDX + "checksum"), checksum),
            t(checksum, n(str(RDF.type)), n(SPDX + "Checksum")),
            t(checksum, n(SPDX + "algorithm"), n(SPDX + "checksumAlgorithm_sha256")),
            t(checksum, n(SPDX + "checksumValue"), typed(member.sha256, "hexBinary")),
        ]
        if member.graph is not None:
            out.append(t(dist, n(_C + "loadedInto"), n(member.graph)))
    return out


def _zip(members: list[Member], created: str | None) -> bytes:
    stamp = _EPOCH
    if created is not None:
        moment = datetime.strptime(created, "%Y-%m-%dT%H:%M:%SZ")
        stamp = max(_EPOCH, (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for member in members:
            entry = zipfile.ZipInfo(member.path, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3  # unix, whichever system builds it, so the bytes do not depend on it
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, member.data, compresslevel=9)
    return out.getvalue()


def build(store: Store, key: str, *, trusted: bool = False, licence: str = DEFAULT_LICENCE) -> Package:
    """The package of a version (`ID` for the latest published one, or `ID@VERSION`).

    Public callers see only published versions; `trusted` (the command line) may package any version,
    and the manifest says which status it has."""
    if ":" not in licence or any(c in licence for c in ' <>"{}|\\^`'):
        raise BadInput(
            f"the licence must be an absolute IRI, not {licence!r}", message_zh=f"许可须为绝对 IRI，而非 {licence!r}"
        )
    # The version's IRIs, graphs and manifest keep the base it was minted under, so a package re-exported
    # by an instance that imported it is the same package.
    found = choose(store, key, trusted=trusted)
    standard, base = found.standard, found.base
    info = standard.info
    provenance, provenance_into = _provenance(store, standard, base)
    created = created_time(standard, provenance)
    graph = service.version_graph(base, info.id, info.version, info.status)
    content = [
        Member("standard.ttl", TURTLE, to_turtle(standard, base).encode(), graph),
        # The same triples as standard.ttl, for JSON tools; the importer checks that the two agree.
        Member("standard.jsonld", JSONLD, to_jsonld(standard, base).encode(), None),
        Member(
            "shapes.ttl",
            TURTLE,
            service.shapes(store, standard.key, trusted=trusted).encode(),
            shapes_graph(base, info.id, info.version),
        ),
        Member(
            "provenance.ttl", TURTLE, _turtle(provenance, ("prov", "cpms", "dcterms", "rdfs", "xsd")), provenance_into
        ),
    ]
    dcat_graph = package_graph(base, info.id, info.version)
    requires = requirements(store, standard, base)
    text = readme(standard, base, content, dcat_graph, requires=[(r.key, r.iri, r.package_name) for r in requires])
    described = [Member("README.md", MARKDOWN, text.encode(), None), *content]
    dcat = _dcat(standard, base, described, created, licence)
    dcat_member = Member(
        "dcat.ttl", TURTLE, _turtle(dcat, ("dcat", "dcterms", "cpms", "xsd", "rdf"), {"spdx": SPDX}), dcat_graph
    )
    members = [*described, dcat_member]
    manifest: dict[str, object] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created": created,
        "source_base_iri": base,
        "licence": licence,
        "standard": {
            "id": info.id,
            "version": info.version,
            "iri": base + version_path(info.id, info.version),
            "status": info.status.value,
            "published": info.status in IMMUTABLE,
            "title": {"zh": info.title.zh, "en": info.title.en},
        },
        "files": [m.entry() for m in members],
        "requires": [r.entry() for r in requires],
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    members.append(Member(MANIFEST, JSON, text.encode(), None))
    return Package(f"{info.id}-{info.version}.zip", _zip(members, created), standard, manifest)
