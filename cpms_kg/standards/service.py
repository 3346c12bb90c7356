"""Standards in the store: import, export, check, compile, diff, and lifecycle steps.

Each version lives in its own named graph, so importing a version replaces exactly that graph in one
step and nothing else: `{base}graph/standard/{id}/{version}` once it has been published, and
`{base}graph/private/standard/{id}/{version}` before (drafts, consensus, under review), so the public
sees only published standards. Operators' and the workflow's reads pass `trusted=True` to see drafts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pyoxigraph as ox

from cpms_kg.errors import BadInput, NotFound, UsageError
from cpms_kg.iris import graph_path
from cpms_kg.namespaces import QUDT, SKOS
from cpms_kg.standards.diff import StandardDiff, diff
from cpms_kg.standards.lifecycle import IMMUTABLE, check_editable, check_transition
from cpms_kg.standards.model import Standard, Status
from cpms_kg.standards.rdf import StoredVersion, load_standard, read_version, to_jsonld, to_turtle
from cpms_kg.standards.reuse import resolve
from cpms_kg.standards.shapes import shapes_turtle
from cpms_kg.store.base import LoadSource, Store

if TYPE_CHECKING:
    from cpms_kg.standards.quality import QualityReport

# Workbooks and quality checks are imported where used: checking a firm's data only reads versions, and
# start-up time counts for a command line run.

ExportFormat = Literal["xlsx", "csv", "ttl", "jsonld"]


def version_graph(base_iri: str, standard_id: str, version: str, status: Status) -> str:
    """Where a version with this status lives: versions that were never published stay private."""
    if status in IMMUTABLE:
        return base_iri + graph_path("standard", standard_id, version)
    return base_iri + graph_path("private", "standard", standard_id, version)


def _write(store: Store, standard: Standard, name: str, *, base: str | None = None) -> None:
    """Writes a version under `base` (default: this instance's), the base its IRIs are minted under."""
    info, base = standard.info, base or store.base_iri
    graph = version_graph(base, info.id, info.version, info.status)
    turtle = to_turtle(standard, base)
    store.replace_graph(graph, LoadSource(name=name, format=ox.RdfFormat.TURTLE, data=turtle.encode(), graph=graph))
    for other in (version_graph(base, info.id, info.version, s) for s in (Status.DRAFT, Status.RETIRED)):
        if other != graph and other in store.named_graphs():
            store.drop_graph(other)


def parse_key(key: str) -> tuple[str, str | None]:
    """`ID` or `ID@VERSION`."""
    standard_id, _, version = key.partition("@")
    if not standard_id:
        raise UsageError(f"not a standard: {key!r} (use ID or ID@VERSION)", message_zh=f"无效的标准标识：{key!r}")
    return standard_id, version or None


@dataclass(frozen=True)
class ImportResult:
    standard: Standard
    quality: QualityReport
    replaced: bool


def _existing(store: Store, standard: Standard) -> StoredVersion | None:
    try:
        return read_version(store, standard.info.id, standard.info.version, trusted=True)
    except NotFound:
        return None


def save(store: Store, standard: Standard, *, name: str = "standard") -> ImportResult:
    """Writes a version's graph; a published version cannot be overwritten by a different one.

    Items it reuses take their definitions from the published standards in the store (BadInput when
    one is missing)."""
    standard = resolve(store, standard)
    existing = _existing(store, standard)
    if existing is not None and existing.standard != standard:
        check_editable(existing.standard.info.status)
    # New versions are minted under this instance's base; one already here (say, imported) keeps its IRIs.
    _write(store, standard, name, base=None if existing is None else existing.base)
    return ImportResult(standard, _quality(store, standard), existing is not None)


def import_file(store: Store, path: Path) -> ImportResult:
    """Reads an XLSX workbook, a CSV folder or .zip; every problem is reported and nothing is stored."""
    from cpms_kg.standards.spreadsheet import read_standard

    return save(store, read_standard(path), name=str(path))


def export(store: Store, key: str, fmt: ExportFormat, out: Path, *, trusted: bool = False) -> Standard:
    found = locate(store, key, trusted=trusted)
    standard = found.standard
    if fmt in ("xlsx", "csv"):
        from cpms_kg.standards.spreadsheet import write_standard

        write_standard(standard, out, format=fmt)
    elif fmt == "ttl":
        out.write_text(to_turtle(standard, found.base), encoding="utf-8")
    elif fmt == "jsonld":
        out.write_text(to_jsonld(standard, found.base), encoding="utf-8")
    else:
        raise UsageError(f"unknown export format {fmt!r}", message_zh=f"未知的导出格式 {fmt!r}")
    return standard


def locate(store: Store, key: str, *, trusted: bool = False) -> StoredVersion:
    """The version `ID` or `ID@VERSION` names, with the base IRI its IRIs carry."""
    standard_id, version = parse_key(key)
    return read_version(store, standard_id, version, trusted=trusted)


def load(store: Store, key: str, *, trusted: bool = False) -> Standard:
    return locate(store, key, trusted=trusted).standard


def check(store: Store, key: str, *, trusted: bool = False) -> QualityReport:
    return _quality(store, load(store, key, trusted=trusted))


def _quality(store: Store, standard: Standard) -> QualityReport:
    from cpms_kg.standards.quality import check_standard

    return check_standard(store, standard)


def unit_symbols(store: Store, standard: Standard) -> dict[str, str]:
    units = sorted({a.unit for a in standard.attributes if a.unit})
    if not units:
        return {}
    scheme = store.base_iri + "classification/units"
    rows = store.select(
        f"""SELECT ?code ?symbol WHERE {{ ?u <{SKOS}inScheme> <{scheme}> ; <{SKOS}notation> ?code ;
              <{QUDT}symbol> ?symbol . VALUES ?code {{ {" ".join(json.dumps(u) for u in units)} }} }}"""
    )
    return {r["code"].value: r["symbol"].value for r in rows}  # type: ignore[union-attr]


def shapes(store: Store, key: str, *, trusted: bool = False) -> str:
    found = locate(store, key, trusted=trusted)
    return shapes_turtle(found.standard, found.base, unit_symbols=unit_symbols(store, found.standard))


def compare(store: Store, standard_id: str, old: str, new: str, *, trusted: bool = False) -> StandardDiff:
    return diff(
        load_standard(store, standard_id, old, trusted=trusted), load_standard(store, standard_id, new, trusted=trusted)
    )


def set_status(store: Store, key: str, target: Status) -> Standard:
    """One lifecycle step; publishing needs a version that passes its quality shapes."""
    found = locate(store, key, trusted=True)
    standard = found.standard
    problems = 0
    if target in (Status.PUBLISHED_PROVINCIAL, Status.PUBLISHED_NATIONAL):
        problems = sum(1 for r in _quality(store, standard).results if r.severity == "Violation")
    check_transition(standard.info.status, target, quality_problems=problems)
    updated = replace(standard, info=replace(standard.info, status=target))
    _write(store, updated, key, base=found.base)
    return updated


def status_from_text(text: str) -> Status:
    try:
        return Status(text)
    except ValueError:
        known = ", ".join(s.value for s in Status)
        raise BadInput(
            f"unknown status {text!r}; one of {known}", message_zh=f"未知状态 {text!r}；可选：{known}"
        ) from None
