"""The words of a package: each member's zh/en description and the package's bilingual README."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cpms_kg.standards.model import Standard, version_path

if TYPE_CHECKING:
    from cpms_kg.package import Member

DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "package": (
        "标准版本的国家平台数据包：Turtle 与 JSON-LD 格式的标准、SHACL 形状、DCAT 与溯源记录，附 SHA-256 清单。",
        "A standard version packaged for the national platform: the standard in Turtle and JSON-LD, its SHACL "
        "shapes, DCAT and provenance records, with a SHA-256 manifest.",
    ),
    "README.md": (
        "说明（中英文）：数据包内容、导入与校验方法。",
        "This README (zh/en): contents, import and verification.",
    ),
    "standard.ttl": (
        "标准版本（Turtle）：类目、属性、代码表与属性要求。",
        "The standard version in Turtle: categories, attributes, code lists and requirements.",
    ),
    "standard.jsonld": (
        "标准版本（JSON-LD），与 standard.ttl 三元组相同。",
        "The standard version in JSON-LD: the same triples as standard.ttl.",
    ),
    "shapes.ttl": (
        "由该版本编译的 SHACL 形状，用于检查企业产品数据。",
        "The SHACL shapes compiled from the version, to check firms' product data.",
    ),
    "provenance.ttl": (
        "溯源记录（PROV-O）：发布时写入的溯源图，或版本自身的修订与发布信息。",
        "Provenance (PROV-O): the graph written at publication, or the version's own revision and issue links.",
    ),
    "dcat.ttl": (
        "数据包的 DCAT 描述：每个文件一个分发，含字节数与 SHA-256。",
        "The package's DCAT record: one distribution per file, with its size and SHA-256.",
    ),
}


def _files(members: list[Member], dcat_graph: str, lang: int) -> str:
    head = ("| 文件 | 内容 | 载入的命名图 |", "| file | holds | loaded into graph |")[lang]
    rows = [head, "|---|---|---|"]
    for m in members:
        into = f"`{m.graph}`" if m.graph else ("—（不载入）", "— (not loaded)")[lang]
        rows.append(f"| `{m.path}` | {DESCRIPTIONS[m.path][lang]} | {into} |")
    rows.append(f"| `dcat.ttl` | {DESCRIPTIONS['dcat.ttl'][lang]} | `{dcat_graph}` |")
    rows.append(
        (
            "| `manifest.json` | 清单：其余每个文件的 SHA-256、字节数、媒体类型与目标图；"
            "格式版本、来源基础 IRI、标准、生成时间 | — |",
            "| `manifest.json` | the manifest: every other file's SHA-256, size, media type and target graph; the "
            "format version, the source's base IRI, the standard, the creation time | — |",
        )[lang]
    )
    return "\n".join(rows)


def _requires(requires: list[tuple[str, str, str]], lang: int) -> str:
    if not requires:
        return ""
    head = (
        "**先导入**：本标准复用以下已发布版本的属性或代码表（仅引用其 IRI），导入方须先有这些版本，否则导入被拒绝：",
        "**Import first**: this standard reuses attributes or code lists of these published versions (it only "
        "points at their IRIs); an importing instance must hold them first, or the import is refused:",
    )[lang]
    rows = [f"- `{key}` <{iri}>: `{name}`" for key, iri, name in requires]
    return "\n".join([head, "", *rows, "", ""])


def readme(
    standard: Standard,
    base: str,
    members: list[Member],
    dcat_graph: str,
    *,
    requires: list[tuple[str, str, str]] | None = None,
) -> str:
    """The package's README; it names no checksum (it is itself listed in the manifest).

    `requires`: (ID@VERSION, IRI, package file name) of each version whose items the standard reuses."""
    info = standard.info
    req = (_requires(requires or [], 0), _requires(requires or [], 1))
    iri = base + version_path(info.id, info.version)
    archive = f"{info.id}-{info.version}.zip"
    return f"""# {info.title.zh} {info.version} · 国家平台数据包
# {info.title.en} {info.version} · package for the national platform

标准 / standard: `{info.id}` · 版本 / version: `{info.version}` · 状态 / status: `{info.status.value}`
IRI: <{iri}>

## 中文

本数据包由 cpms-kg 导出，供国家平台采集与复用。所有 IRI 均保持来源实例的原样（来源基础 IRI 见
`manifest.json` 的 `source_base_iri`），导入后不会重新生成。

{_files(members, dcat_graph, 0)}

**导入**：`cpms-kg import-package {archive}`（可用 `--store DIR`，或 `--endpoint URL --update-endpoint URL
--graph-store URL` 推送到远程 SPARQL 存储）；或以管理员令牌 `POST /api/packages`。导入要么全部成功，要么不改变任何数据；
重复导入同一数据包不产生变化。

{req[0]}**校验**：`manifest.json` 列出其余每个文件的 SHA-256 与字节数，`sha256sum standard.ttl` 的输出须与之一致。
`dcat.ttl` 的 `spdx:checksum` 再次记录同样的值。导入时逐一核对：任何文件被修改、增加或删除，或清单前后不一致，
导入都会被拒绝，并指出出问题的文件。

## English

This package was exported by cpms-kg for the national platform to harvest and reuse. Every IRI is the source
instance's (its base IRI is `source_base_iri` in `manifest.json`) and is kept as it is on import, never re-minted.

{_files(members, dcat_graph, 1)}

**Import**: `cpms-kg import-package {archive}` (with `--store DIR`, or `--endpoint URL --update-endpoint URL
--graph-store URL` to push to a remote SPARQL store), or `POST /api/packages` with an administrator's bearer
token. An import loads everything or changes nothing; importing the same package again changes nothing.

{req[1]}**Verify**: `manifest.json` lists every other file's SHA-256 and size; `sha256sum standard.ttl` must print the
same digest. `dcat.ttl` records the same values as `spdx:checksum`. The importer checks them all: a file
changed, added or removed, or a manifest that disagrees, is refused with the name of the file.
"""
