"""How a pilot's targets grew: each target's evidence (what the target sheet counts) dated, then counted up.

A thing's date is its own (dcterms:issued / modified / created / date, cpms:registrationDate,
prov:generatedAtTime; a data item takes its catalogue entry's), else the first audit record written about it
(an expert added to the group over REST), else the pilot's start: firms and scenarios named in the
application were there from day one. Dates before the start count at the start. The earliest date of a thing
is used: a catalogue entry counts from its commit, not from its latest re-share.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from cpms_kg.namespaces import CPMS, DCTERMS, PROV
from cpms_kg.store.base import Store
from cpms_kg.terms import value
from cpms_kg.web.charts import Point
from cpms_kg.workflow.audit import audit_graph
from cpms_kg.workflow.pilots import Pilot
from cpms_kg.workflow.targets import TargetSheet

_DATED = (
    f"<{DCTERMS}issued>", f"<{DCTERMS}modified>", f"<{DCTERMS}created>", f"<{DCTERMS}date>",
    f"<{CPMS}registrationDate>", f"<{PROV}generatedAtTime>",
)  # fmt: skip
_BATCH = 400
"""IRIs per query: a VALUES block of a few hundred stays a small query."""


@dataclass(frozen=True)
class Growth:
    metric: str
    points: tuple[Point, ...]
    """The count on the pilot's start, then on each day it changed."""


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _batches(iris: list[str]) -> Iterable[str]:
    for start in range(0, len(iris), _BATCH):
        yield " ".join(f"<{i}>" for i in iris[start : start + _BATCH])


def _own_dates(store: Store, iris: list[str]) -> dict[str, date]:
    found: dict[str, date] = {}
    for values in _batches(iris):
        rows = store.select(
            f"""SELECT ?x (MIN(STR(?d)) AS ?when) WHERE {{ VALUES ?x {{ {values} }} VALUES ?p {{ {" ".join(_DATED)} }}
                  {{ ?x ?p ?d }} UNION {{ ?entry <{CPMS}hasDataItem> ?x . ?entry ?p ?d }} }} GROUP BY ?x""",
            trusted=True,
        )
        for row in rows:
            day = _day(value(row.get("when"))) if row.get("when") is not None else None
            if day is not None:
                found[value(row["x"])] = day
    return found


def _audit_dates(store: Store, iris: list[str]) -> dict[str, date]:
    graph = audit_graph(store.base_iri)
    if not iris or graph not in store.named_graphs():
        return {}
    found: dict[str, date] = {}
    for values in _batches(iris):
        rows = store.select(
            f"""SELECT ?x (MIN(STR(?t)) AS ?when) WHERE {{ VALUES ?x {{ {values} }}
                  GRAPH <{graph}> {{ ?r <{CPMS}auditTarget> ?x ; <{PROV}startedAtTime> ?t }} }} GROUP BY ?x""",
            trusted=True,
        )
        for row in rows:
            day = _day(value(row.get("when"))) if row.get("when") is not None else None
            if day is not None:
                found[value(row["x"])] = day
    return found


def growth(store: Store, pilot: Pilot, sheet: TargetSheet) -> list[Growth]:
    """One cumulative series per target, in the sheet's order."""
    everything = sorted({iri for row in sheet.rows for iri in row.evidence})
    dated = _own_dates(store, everything)
    dated |= _audit_dates(store, [i for i in everything if i not in dated])
    out = []
    for row in sheet.rows:
        days = Counter(max(dated.get(iri, pilot.start), pilot.start) for iri in row.evidence)
        points = [Point(pilot.start, days.pop(pilot.start, 0))]
        for day in sorted(days):
            points.append(Point(day, points[-1].value + days[day]))
        out.append(Growth(row.metric.code, tuple(points)))
    return out
