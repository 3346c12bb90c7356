"""A version diff as RDF: the changes and the migration map as resources of the CPMS ontology.

Renames also link the two attribute IRIs (the new one `dcterms:replaces` the old one), so a firm's
mapping can be migrated by a SPARQL query as well as from the JSON form.
"""

from __future__ import annotations

import json

import pyoxigraph as ox

from cpms_kg.iris import segment
from cpms_kg.namespaces import CPMS, DCTERMS, RDF
from cpms_kg.standards.diff import StandardDiff
from cpms_kg.standards.model import item_path, version_path

_C = str(CPMS)


def _lit(value: object) -> ox.Literal:
    return ox.Literal(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True))


def diff_triples(result: StandardDiff, base_iri: str) -> list[ox.Triple]:
    old = base_iri + version_path(result.standard, result.old_version)
    new = base_iri + version_path(result.standard, result.new_version)
    node = ox.NamedNode(f"{new}/diff/{segment(result.old_version)}")
    out = [
        ox.Triple(node, ox.NamedNode(str(RDF.type)), ox.NamedNode(_C + "VersionDiff")),
        ox.Triple(node, ox.NamedNode(_C + "fromVersion"), ox.NamedNode(old)),
        ox.Triple(node, ox.NamedNode(_C + "toVersion"), ox.NamedNode(new)),
    ]

    def change(index: int, kind: str, key: str, what: str) -> ox.NamedNode:
        item = ox.NamedNode(f"{node.value}/change/{index}")
        out.extend(
            [
                ox.Triple(node, ox.NamedNode(_C + "hasChange"), item),
                ox.Triple(item, ox.NamedNode(str(RDF.type)), ox.NamedNode(_C + "ItemChange")),
                ox.Triple(item, ox.NamedNode(_C + "itemKind"), ox.Literal(kind)),
                ox.Triple(item, ox.NamedNode(_C + "itemKey"), ox.Literal(key)),
                ox.Triple(item, ox.NamedNode(_C + "changeKind"), ox.Literal(what)),
            ]
        )
        return item

    index = 0
    for index, c in enumerate(result.changes, start=1):
        item = change(index, c.kind, c.key, c.change)
        for n, f in enumerate(c.fields, start=1):
            field = ox.NamedNode(f"{item.value}/field/{n}")
            out.extend(
                [
                    ox.Triple(item, ox.NamedNode(_C + "hasFieldChange"), field),
                    ox.Triple(field, ox.NamedNode(str(RDF.type)), ox.NamedNode(_C + "FieldChange")),
                    ox.Triple(field, ox.NamedNode(_C + "changedField"), ox.Literal(f.field)),
                    ox.Triple(field, ox.NamedNode(_C + "oldValue"), _lit(f.old)),
                    ox.Triple(field, ox.NamedNode(_C + "newValue"), _lit(f.new)),
                ]
            )
    migration = result.migration
    for rename in migration.renamed_attributes:
        index += 1
        change(index, "attribute", f"{rename.old}->{rename.new}", "renamed")
        out.append(
            ox.Triple(
                ox.NamedNode(base_iri + item_path(result.standard, result.new_version, "attribute", rename.new)),
                ox.NamedNode(str(DCTERMS.replaces)),
                ox.NamedNode(base_iri + item_path(result.standard, result.old_version, "attribute", rename.old)),
            )
        )
    for move in migration.moved_attributes:
        index += 1
        change(index, "attribute", f"{move.attribute}:{move.old_category}->{move.new_category}", "moved")
    for unit in migration.unit_changes:
        index += 1
        item = change(index, "attribute", unit.attribute, "unit-changed")
        out.append(ox.Triple(item, ox.NamedNode(_C + "oldValue"), _lit(unit.old_unit)))
        out.append(ox.Triple(item, ox.NamedNode(_C + "newValue"), _lit(unit.new_unit)))
    return out
