"""A pilot's eligibility, checked with the SHACL shapes in shapes/pilot.ttl.

Eligibility, as the guide says, read this way: the industry is a level 3 or 4 concept of GB/T 7635
(CPC 2.1 until it is imported), found the way the standard quality rule Q03 finds levels; the local
output is at least 10 billion yuan (5 billion in a mountain or island county); the period lasts at
most 3 years; a county has at most one pilot per pilot year; and "an industry already piloted cannot
apply again" means no other pilot recorded anywhere in the province has the same industry concept,
whatever its county, year or outcome (the same concept only: a level 4 industry under a piloted
level 3 one may still apply). The cross-pilot rules run on a data graph holding every recorded pilot.
"""

from __future__ import annotations

import pyoxigraph as ox
import pyshacl
import rdflib

from cpms_kg.errors import Problem
from cpms_kg.iris import graph_path
from cpms_kg.namespaces import CPMS
from cpms_kg.resources import shapes_dir
from cpms_kg.shacl_results import findings
from cpms_kg.store.base import Store
from cpms_kg.terms import ntriples

_C = str(CPMS)


def _shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(data=shapes_dir().joinpath("pilot.ttl").read_text(encoding="utf-8"), format="turtle")


def recorded_pilots(store: Store, exclude: str) -> list[ox.Triple]:
    """County, year and industry of every recorded pilot: what the cross-pilot rules compare with."""
    prefix = store.base_iri + graph_path("private", "pilot") + "/"
    return store.construct(
        f"""CONSTRUCT {{ ?p a <{_C}Pilot> ; <{_C}regionCode> ?county ; <{_C}pilotYear> ?year ; <{_C}industry> ?i }}
            WHERE {{ GRAPH ?g {{ ?p a <{_C}Pilot> .
                OPTIONAL {{ ?p <{_C}regionCode> ?county }} OPTIONAL {{ ?p <{_C}pilotYear> ?year }}
                OPTIONAL {{ ?p <{_C}industry> ?i }} }}
              FILTER(STRSTARTS(STR(?g), "{prefix}") && ?p != <{exclude}>) }}""",
        trusted=True,
    )


def validate(triples: list[ox.Triple], focus: list[str]) -> list[Problem]:
    """The pilot shapes' results for the focus nodes, each with the constraint's own zh/en message."""
    shapes = _shapes()
    data = rdflib.Graph().parse(data=ntriples(set(triples)), format="nt")
    _, report, _ = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", focus_nodes=[rdflib.URIRef(f) for f in focus]
    )
    problems = [
        Problem(f.message_en, source=f.focus, column=f.rule, message_zh=f.message_zh) for f in findings(report, shapes)
    ]
    return sorted(problems, key=lambda p: (p.column or "", p.message))
