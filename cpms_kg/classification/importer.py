"""Import a classification table (CSV or XLSX) as SKOS + XKOS Turtle, ready to load under the base IRI."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

from cpms_kg import iris
from cpms_kg.classification.profiles import SCHEME_ID, SchemeProfile, profile_for
from cpms_kg.classification.skos import scheme_turtle
from cpms_kg.classification.table import read_classification
from cpms_kg.errors import BadInput, Problem


@dataclass(frozen=True)
class ImportedScheme:
    """The Turtle of one imported scheme (IRIs relative to the base IRI) and what it holds."""

    scheme: str
    turtle: str
    graph: str  # relative graph path, e.g. graph/classification/gbt7635
    concept_count: int
    level_count: int
    counts_per_level: tuple[int, ...]


def import_table(path: Path, scheme: str, *, profile: SchemeProfile | None = None) -> ImportedScheme:
    """Read, check and convert a table; raise BadInput listing every problem (row, column, en/zh).

    Known schemes (cpc21, hs2017, gbt7635) use their profile; any other id the generic one.
    """
    if not SCHEME_ID.fullmatch(scheme):
        message = f"scheme id {scheme!r} must be a letter followed by letters, digits, '-' or '_'"
        zh = f"分类体系标识 {scheme!r} 须以字母开头，仅含字母、数字、'-' 或 '_'"
        raise BadInput(message, zh, problems=[Problem(message, column="SCHEME", message_zh=zh)])
    profile = replace(profile, scheme=scheme) if profile else profile_for(scheme)
    table = read_classification(path, profile)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    header = [
        f"{profile.title_en} ({scheme}): SKOS + XKOS, imported by cpms-kg.",
        f"Source table: {path.name} (sha256 {digest}).",
        "IRIs are relative to the service's base IRI (no @base): load with a base IRI.",
    ]
    turtle = scheme_turtle(table, header=header)
    return ImportedScheme(
        scheme=scheme,
        turtle=turtle,
        graph=iris.graph_path("classification", scheme),
        concept_count=len(table.concepts),
        level_count=table.level_count,
        counts_per_level=table.counts_per_level(),
    )
