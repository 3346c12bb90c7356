"""Verifying a package before anything is loaded: the zip, the manifest, every file against it, and the
records against each other.

What a package must be to pass (anything else is refused, with the file named):
- a zip of at most the upload limit, whose members are exactly `manifest.json` and the files it lists:
  flat names (no folder, no `..`, no absolute path), no duplicate, no encrypted or oddly compressed member,
  the uncompressed total bounded by the same limit (a zip bomb stops being read at the limit);
- each listed file of the listed size and SHA-256, and every RDF file parseable;
- the manifest in its canonical form (sorted keys, two-space indent), every field what the files say:
  the standard's id, version, IRI, status and titles as standard.ttl states them, the graphs those the
  format puts each file in, the creation time and licence those of dcat.ttl, whose distributions carry the
  same sizes and checksums, `requires` exactly the versions that define the items standard.ttl reuses;
  and standard.jsonld the same triples as standard.ttl.

So a byte changed anywhere, a file added or removed, or a manifest edited to match one changed file but not
the rest, is refused. (A package rebuilt consistently throughout is a different package: integrity, not
authorship, is what the checksums give; compare the zip's SHA-256 with the one its exporter printed.)
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from cpms_kg.errors import BadInput, PayloadTooLarge, Problem
from cpms_kg.namespaces import CPMS, DCAT, DCTERMS, RDF
from cpms_kg.package import (
    FORMAT,
    FORMAT_VERSION,
    JSONLD,
    MANIFEST,
    MARKDOWN,
    SPDX,
    TURTLE,
    Required,
    package_graph,
    package_iri,
    shapes_graph,
)
from cpms_kg.package_text import DESCRIPTIONS
from cpms_kg.standards.lifecycle import IMMUTABLE
from cpms_kg.standards.model import Status, standard_path, version_path
from cpms_kg.standards.rdf_terms import STATUSES
from cpms_kg.standards.service import version_graph
from cpms_kg.terms import value
from cpms_kg.workflow.dataip import canonical_nquads
from cpms_kg.workflow.publication import provenance_graph

_C = str(CPMS)
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
MEDIA_TYPES = {
    "README.md": MARKDOWN,
    "standard.ttl": TURTLE,
    "standard.jsonld": JSONLD,
    "shapes.ttl": TURTLE,
    "provenance.ttl": TURTLE,
    "dcat.ttl": TURTLE,
}
_FIELDS = {"format", "format_version", "created", "source_base_iri", "licence", "standard", "files", "requires"}
_STANDARD_FIELDS = {"id", "version", "iri", "status", "published", "title"}
_FILE_FIELDS = {"path", "media_type", "size", "sha256", "graph", "description"}
_REQUIRED_FIELDS = {"iri", "id", "version"}
_REUSE_LINKS = (_C + "hasAttribute", _C + "hasCodeList")


class PackageRefused(BadInput):
    """The package is damaged, tampered with or not a cpms-kg package; nothing was loaded."""

    code = "package_refused"


def refuse(file: str, en: str, zh: str) -> PackageRefused:
    return PackageRefused(
        f"package refused: {file}: {en}",
        message_zh=f"数据包被拒绝：{file}：{zh}",
        problems=[Problem(en, source=file, message_zh=zh)],
    )


@dataclass(frozen=True)
class Listed:
    path: str
    media_type: str
    size: int
    sha256: str
    graph: str | None


@dataclass(frozen=True)
class Verified:
    """A package that passed every check: its files by path and what its manifest says."""

    sha256: str
    source_base_iri: str
    standard_id: str
    version: str
    iri: str
    status: Status
    files: dict[str, bytes]
    listed: tuple[Listed, ...]
    triples: dict[str, list[ox.Triple]]
    """The parsed triples of each file that is loaded into a graph."""
    requires: tuple[Required, ...]
    """The published versions whose items the standard reuses: the importing side must hold them."""


def _members(data: bytes, name: str, limit: int) -> dict[str, bytes]:
    if len(data) > limit:
        raise PayloadTooLarge(
            f"{name}: the package is over {limit} bytes (CPMS_KG_MAX_UPLOAD_BYTES)",
            message_zh=f"{name}：数据包超过 {limit} 字节（CPMS_KG_MAX_UPLOAD_BYTES）",
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise refuse(name, f"not a zip file ({exc})", f"不是 zip 文件（{exc}）") from None
    out: dict[str, bytes] = {}
    budget = limit
    for info in archive.infolist():
        member = info.filename
        if not _NAME.fullmatch(member) or ".." in member:
            raise refuse(
                member,
                "not a package file name (folders and paths are not allowed)",
                "不是数据包文件名（不允许目录或路径）",
            )
        if member in out:
            raise refuse(member, "the zip holds this name twice", "zip 中该文件名出现两次")
        if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise refuse(member, "encrypted or unsupported compression", "已加密或压缩方式不受支持")
        try:
            with archive.open(info) as stream:
                content = stream.read(budget + 1)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:  # bad CRC, truncated or corrupt data
            raise refuse(member, f"damaged in the zip ({exc})", f"zip 中的数据已损坏（{exc}）") from None
        if len(content) > budget:
            raise PayloadTooLarge(
                f"{member}: the package unpacks to more than {limit} bytes",
                message_zh=f"{member}：数据包解压后超过 {limit} 字节",
            )
        budget -= len(content)
        out[member] = content
    return out


def _manifest(files: dict[str, bytes]) -> dict[str, Any]:
    raw = files.get(MANIFEST)
    if raw is None:
        raise refuse(MANIFEST, "missing: not a cpms-kg package", "缺失：不是 cpms-kg 数据包")
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise refuse(MANIFEST, f"not valid UTF-8 JSON ({exc})", f"不是有效的 UTF-8 JSON（{exc}）") from None
    if not isinstance(manifest, dict) or set(manifest) != _FIELDS:
        raise refuse(MANIFEST, f"the manifest must have exactly the fields {sorted(_FIELDS)}", "清单字段不符合格式")
    if manifest["format"] != FORMAT or manifest["format_version"] != FORMAT_VERSION:
        raise refuse(
            MANIFEST,
            f"format {manifest['format']!r} version {manifest['format_version']!r} is not {FORMAT} {FORMAT_VERSION}",
            f"格式 {manifest['format']!r} 版本 {manifest['format_version']!r} 不受支持",
        )
    canonical = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if canonical.encode() != raw:
        raise refuse(MANIFEST, "not in its canonical form (it was edited)", "不是规范格式（已被修改）")
    standard = manifest["standard"]
    if not isinstance(standard, dict) or set(standard) != _STANDARD_FIELDS:
        raise refuse(MANIFEST, "the standard entry is malformed", "标准条目格式错误")
    if not isinstance(manifest["files"], list):
        raise refuse(MANIFEST, "files must be a list", "files 须为列表")
    return manifest


def _listed(manifest: dict[str, Any], files: dict[str, bytes]) -> list[Listed]:
    out: list[Listed] = []
    for entry in manifest["files"]:
        if not isinstance(entry, dict) or set(entry) != _FILE_FIELDS or not isinstance(entry["path"], str):
            raise refuse(MANIFEST, f"a file entry is malformed: {entry!r}", "文件条目格式错误")
        path = entry["path"]
        if path not in MEDIA_TYPES or path in (e.path for e in out):
            raise refuse(
                path, "not a file of this package format, or listed twice", "不是该格式的数据包文件，或重复列出"
            )
        if entry["media_type"] != MEDIA_TYPES[path] or entry["description"] != DESCRIPTIONS[path][1]:
            raise refuse(
                path, "its media type or description in the manifest was changed", "清单中的媒体类型或说明被修改"
            )
        data = files.get(path)
        if data is None:
            raise refuse(path, "listed in the manifest but missing from the package", "清单列出但数据包中缺失")
        if entry["size"] != len(data):
            raise refuse(
                path,
                f"size {len(data)} bytes, the manifest says {entry['size']}",
                f"大小为 {len(data)} 字节，与清单的 {entry['size']} 不符",
            )
        digest = hashlib.sha256(data).hexdigest()
        if entry["sha256"] != digest:
            raise refuse(
                path,
                f"SHA-256 {digest} does not match the manifest ({entry['sha256']})",
                "SHA-256 与清单不符，文件已被修改",
            )
        out.append(Listed(path, entry["media_type"], entry["size"], entry["sha256"], entry["graph"]))
    added = sorted(set(files) - {e.path for e in out} - {MANIFEST})
    if added:
        raise refuse(
            added[0],
            "in the package but not in the manifest (a file was added)",
            "数据包中有清单未列出的文件（文件被添加）",
        )
    if [e.path for e in out] != list(MEDIA_TYPES):
        missing = sorted(set(MEDIA_TYPES) - {e.path for e in out})
        where = missing[0] if missing else MANIFEST
        raise refuse(
            where, "the manifest does not list the package's files in order", "清单未按顺序列出数据包的全部文件"
        )
    return out


def _parse(path: str, data: bytes, fmt: ox.RdfFormat) -> list[ox.Triple]:
    try:
        return [q.triple for q in ox.parse(data, fmt)]
    except (SyntaxError, ValueError) as exc:
        raise refuse(path, f"malformed RDF: {exc}", f"RDF 语法错误：{exc}") from None


def _check_standard(manifest: dict[str, Any], triples: list[ox.Triple]) -> Status:
    std = manifest["standard"]
    base = manifest["source_base_iri"]
    if not isinstance(base, str) or not base.endswith("/") or "://" not in base:
        raise refuse(MANIFEST, f"source_base_iri {base!r} is not an absolute IRI ending in '/'", "source_base_iri 无效")
    if not all(isinstance(std[k], str) for k in ("id", "version", "iri", "status")):
        raise refuse(
            MANIFEST, "the standard's id, version, IRI and status must be text", "标准的标识、版本、IRI 与状态须为文本"
        )
    iri = base + version_path(std["id"], std["version"])
    if std["iri"] != iri:
        raise refuse(MANIFEST, f"the standard IRI {std['iri']} is not {iri}", f"标准 IRI {std['iri']} 应为 {iri}")
    about: dict[str, set[str]] = {}
    for t in triples:
        if value(t.subject) in (iri, base + standard_path(std["id"])):
            about.setdefault(t.predicate.value, set()).add(
                f"{t.object.value}@{t.object.language}"
                if isinstance(t.object, ox.Literal) and t.object.language
                else value(t.object)
            )
    title = std["title"]
    if not isinstance(title, dict) or set(title) != {"zh", "en"}:
        raise refuse(MANIFEST, "the standard's title must have zh and en", "标准名称须有 zh 与 en")
    expected = {
        str(RDF.type): _C + "StandardVersion",
        _C + "versionNumber": std["version"],
        str(DCTERMS.identifier): std["id"],
        _C + "status": STATUSES.get(_status(std["status"]), ""),
        str(DCTERMS.title): f"{title.get('zh')}@zh",
    }
    for predicate, wanted in [*expected.items(), (str(DCTERMS.title), f"{title.get('en')}@en")]:
        if wanted not in about.get(predicate, set()):
            raise refuse(
                "standard.ttl",
                f"does not state what the manifest says ({predicate} {wanted})",
                f"与清单不一致（{predicate} {wanted}）",
            )
    status = _status(std["status"])
    if std["published"] is not (status in IMMUTABLE):
        raise refuse(MANIFEST, "published does not match the status", "published 与状态不一致")
    return status


def _requires(manifest: dict[str, Any], triples: list[ox.Triple]) -> tuple[Required, ...]:
    """The manifest's `requires`, which must list exactly the versions that define the items standard.ttl
    reuses (the IRIs of its attributes and code lists that are not the version's own), sorted by IRI."""
    entries = manifest["requires"]
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) and set(e) == _REQUIRED_FIELDS and all(isinstance(e[k], str) for k in e) for e in entries
    ):
        raise refuse(MANIFEST, "requires must be a list of {iri, id, version}", "requires 须为 {iri, id, version} 列表")
    required = [Required(e["iri"], e["id"], e["version"]) for e in entries]
    for r in required:
        path = version_path(r.id, r.version)
        if not (r.iri.endswith(path) and "://" in r.iri[: -len(path)]):
            raise refuse(MANIFEST, f"required version {r.iri} is not {r.key}", f"所需版本 {r.iri} 与 {r.key} 不符")
    if [r.iri for r in required] != sorted({r.iri for r in required}):
        raise refuse(MANIFEST, "requires is not sorted by IRI without repeats", "requires 未按 IRI 排序或有重复")
    own = manifest["standard"]["iri"] + "/"
    reused = {
        value(t.object)
        for t in triples
        if value(t.subject) == own[:-1] and t.predicate.value in _REUSE_LINKS and not value(t.object).startswith(own)
    }
    covered = {r.iri: {i for i in reused if i.startswith(r.iri + "/")} for r in required}
    if reused - set().union(*covered.values()) or not all(covered.values()):
        raise refuse(
            MANIFEST,
            "requires does not list exactly the versions whose items standard.ttl reuses",
            "requires 与 standard.ttl 复用条目所属的版本不一致",
        )
    return tuple(required)


def _status(text: object) -> Status:
    try:
        return Status(text)
    except ValueError:
        raise refuse(MANIFEST, f"unknown status {text!r}", f"未知状态 {text!r}") from None


def _check_dcat(manifest: dict[str, Any], listed: list[Listed], triples: list[ox.Triple]) -> None:
    std, base = manifest["standard"], manifest["source_base_iri"]
    package = package_iri(base, std["id"], std["version"])
    facts = {(value(t.subject), t.predicate.value, value(t.object)) for t in triples}
    wanted = {
        (package, _C + "packageOf", std["iri"]),
        (package, str(DCTERMS.license), manifest["licence"]),
        (package, str(DCTERMS.identifier), f"{std['id']}@{std['version']}"),
    }
    if manifest["created"] is not None:
        wanted.add((package, str(DCTERMS.modified), manifest["created"]))
    dists = {o for s, p, o in facts if s == package and p == str(DCAT.distribution)}
    for entry in listed:
        if entry.path == "dcat.ttl":
            continue
        dist = f"{package}/{entry.path}"
        wanted |= {
            (package, str(DCAT.distribution), dist),
            (dist, str(DCAT.byteSize), str(entry.size)),
            (dist, SPDX + "checksum", dist + "/checksum"),
            (dist + "/checksum", SPDX + "checksumValue", entry.sha256),
        }
    created = {o for s, p, o in facts if s == package and p == str(DCTERMS.modified)}
    extra = dists - {f"{package}/{e.path}" for e in listed if e.path != "dcat.ttl"}
    if wanted - facts or extra or (manifest["created"] is None and created):
        raise refuse(
            "dcat.ttl",
            "its record disagrees with the manifest (sizes, checksums, time or licence)",
            "DCAT 记录与清单不一致（大小、校验和、时间或许可）",
        )


def expected_graphs(
    base: str, standard_id: str, version: str, status: Status, provenance: bool
) -> dict[str, str | None]:
    """Where the format puts each file of a package (None: not loaded)."""
    return {
        "README.md": None,
        "standard.ttl": version_graph(base, standard_id, version, status),
        "standard.jsonld": None,
        "shapes.ttl": shapes_graph(base, standard_id, version),
        "provenance.ttl": provenance_graph(base, standard_id, version) if provenance else None,
        "dcat.ttl": package_graph(base, standard_id, version),
    }


def verify(data: bytes, *, name: str, limit: int) -> Verified:
    """Every check of the module docstring; returns the verified package or raises PackageRefused."""
    files = _members(data, name, limit)
    manifest = _manifest(files)
    listed = _listed(manifest, files)
    formats = {
        "standard.ttl": ox.RdfFormat.TURTLE,
        "shapes.ttl": ox.RdfFormat.TURTLE,
        "provenance.ttl": ox.RdfFormat.TURTLE,
        "dcat.ttl": ox.RdfFormat.TURTLE,
    }
    triples = {path: _parse(path, files[path], fmt) for path, fmt in formats.items()}
    jsonld = _parse("standard.jsonld", files["standard.jsonld"], ox.RdfFormat.JSON_LD)
    if canonical_nquads(jsonld) != canonical_nquads(triples["standard.ttl"]):
        raise refuse(
            "standard.jsonld", "does not hold the same triples as standard.ttl", "与 standard.ttl 的三元组不同"
        )
    status = _check_standard(manifest, triples["standard.ttl"])
    std, base = manifest["standard"], manifest["source_base_iri"]
    by_path = {e.path: e for e in listed}
    graphs = expected_graphs(base, std["id"], std["version"], status, by_path["provenance.ttl"].graph is not None)
    for entry in listed:
        if entry.graph != graphs[entry.path]:
            raise refuse(
                entry.path,
                f"the manifest loads it into {entry.graph}, not {graphs[entry.path]}",
                f"清单指定的目标图 {entry.graph} 应为 {graphs[entry.path]}",
            )
    _check_dcat(manifest, listed, triples["dcat.ttl"])
    requires = _requires(manifest, triples["standard.ttl"])
    return Verified(
        sha256=hashlib.sha256(data).hexdigest(),
        source_base_iri=base,
        standard_id=std["id"],
        version=std["version"],
        iri=std["iri"],
        status=status,
        files=files,
        listed=tuple(listed),
        triples={e.path: triples[e.path] for e in listed if e.graph is not None},
        requires=requires,
    )
