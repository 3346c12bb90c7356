"""JSON views of standards for the REST API and the CLI (plain dicts, zh and en side by side)."""

from __future__ import annotations

from typing import Any

from cpms_kg.standards.diff import plain
from cpms_kg.standards.model import Standard, attribute_iri, code_list_iri, item_path, version_path
from cpms_kg.standards.rdf import StandardSummary


def listing(summary: StandardSummary) -> dict[str, Any]:
    return {
        "id": summary.id,
        "iri": summary.iri,
        "latest": summary.latest.version,
        "versions": [
            {
                "version": v.version,
                "iri": v.iri,
                "status": v.status.value,
                "title": {"zh": v.title.zh, "en": v.title.en},
            }
            for v in summary.versions
        ],
    }


def summary(standard: Standard, base_iri: str) -> dict[str, Any]:
    info = standard.info
    return {
        "id": info.id,
        "version": info.version,
        "iri": base_iri + version_path(info.id, info.version),
        "info": plain(info),
        "counts": {
            "categories": len(standard.categories),
            "attributes": len(standard.attributes),
            "code_lists": len(standard.code_lists),
            "requirements": len(standard.requirements),
        },
    }


def full(standard: Standard, base_iri: str) -> dict[str, Any]:
    """The whole version, each item with its IRI."""
    info = standard.info

    def iri(kind: str, code: str) -> str:
        return base_iri + item_path(info.id, info.version, kind, code)

    out = summary(standard, base_iri)
    out["categories"] = [{"iri": iri("category", c.code), **plain(c)} for c in standard.categories]
    # A reused item's IRI is the one of the standard that defines it.
    out["attributes"] = [{"iri": attribute_iri(base_iri, info, a), **plain(a)} for a in standard.attributes]
    out["code_lists"] = [{"iri": code_list_iri(base_iri, info, c), **plain(c)} for c in standard.code_lists]
    out["requirements"] = [plain(r) for r in standard.requirements]
    return out
